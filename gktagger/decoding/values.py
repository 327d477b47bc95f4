"""Reading a tagged span's text as a value (fields.md section 6).

>>> parse_value("1,209")
Value(value=1209, na=False, approx=False, unit=None)
>>> parse_value("230余").approx
True
>>> parse_value("减375").value
-375
>>> parse_value("/").na
True
>>> parse_value("1.0").value, parse_value("1.0").warn
(1, 'count 1.0 read as 1')
>>> parse_value("9" * 40) is None  # longer than any cell (limits.max_digit_run)
True
>>> parse_value("1234567890").value, parse_value("1234567890", max_digit_run=8)
(1234567890, None)
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from gktagger.io.limits import DEFAULT_LIMITS
from gktagger.lexicon import APPROX_MARKS, NA_MARKS, UNITS

NA_TOKENS = set(NA_MARKS)
_NUMBER = re.compile(r"([+\-]?)(\d[\d,]*(?:\.\d+)?)")
_UNIT = re.compile(f"({'|'.join(UNITS)})$")


@dataclass(frozen=True)
class Value:
    value: int | float | None
    na: bool = False
    approx: bool = False
    unit: str | None = None
    warn: str | None = field(default=None, repr=False)  # read, but not as printed (``1.0`` in a count cell)


# zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator, bidi controls
INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\u180e\u061c\u202a-\u202e\u2066-\u2069]")


def fold(text: str) -> str:
    """Full-width digits, signs and separators to ASCII (NFKC), without touching CJK; invisible
    characters dropped (``8\u200b1`` is 81, as the page shows it).

    >>> fold("８\u200b１，０")
    '81,0'
    """
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).replace("，", ",")


_FOLDED_NA = frozenset(fold(t) for t in NA_TOKENS)


def parse_value(text: str, kind: str = "count", max_digit_run: int = DEFAULT_LIMITS.max_digit_run) -> Value | None:
    """Parse a span's text; ``None`` when it holds no number and is not an NA mark, or when its number
    has more than ``max_digit_run`` digits before the point (the pipeline's ``limits.max_digit_run``)."""
    s = fold(text).strip()
    if s in NA_TOKENS or fold(s) in _FOLDED_NA:
        return Value(None, na=True)
    approx = any(m in s for m in APPROX_MARKS)
    negative = s.startswith(("减", "減")) or s.startswith("-") or s.startswith("−")
    m = _NUMBER.search(s.replace("−", "-"))
    if not m:
        hanzi = _hanzi_number(s)
        return None if hanzi is None else Value(-hanzi if negative else hanzi, approx=approx)
    digits = m.group(2).replace(",", "")
    if len(digits.partition(".")[0]) > max_digit_run:
        return None  # no cell of the catalogue: bounds.py reports the run as a digits.overlong mention
    unit_match = _UNIT.search(s)
    unit = unit_match.group(1) if unit_match else None
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return None
    if negative:
        number = -number
    if kind == "count" and "." in digits and number == number.to_integral_value():
        return Value(int(number), approx=approx, unit=unit, warn=f"count {m.group(2)} read as {int(number)}")
    if kind == "decimal" or "." in digits:
        return Value(float(number), approx=approx, unit=unit)
    return Value(int(number), approx=approx, unit=unit)


_HANZI_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HANZI_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def _hanzi_number(s: str) -> int | None:
    """``近百`` → 100, ``三十二`` → 32; None when ``s`` holds no Chinese numeral."""
    run = re.search(r"[零〇一二两三四五六七八九十百千万]+", s)
    if not run:
        return None
    total, current = 0, 0
    for ch in run.group(0):
        if ch in _HANZI_DIGITS:
            current = _HANZI_DIGITS[ch]
        else:
            unit = _HANZI_UNITS[ch]
            if unit == 10000:
                total = (total + current) * unit
            else:
                total += (current or 1) * unit
            current = 0
    return total + current
