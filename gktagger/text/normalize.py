"""The model-facing view of a document: simplified, folded, whitespace-collapsed, with an exact offset map.

The model sees :attr:`Normalised.text`; every output offset must still point into
the raw text, so each normalised character ``i`` remembers the raw span
``[starts[i], ends[i])`` it came from. A whitespace run belongs to the one char it
collapses to, an inline pinyin reading to its hanzi (``据`` ← ``據(jù)``); only
zero-width characters and spaces beside a tab belong to no normalised char.

Operations:

- traditional → simplified, character by character (OpenCC ``t2s`` tables). Characters that
  are also valid simplified (於, 乾, 覆 …) and OpenCC's phrases (答覆 → 答复) are only converted
  when the text as a whole is traditional, so simplified text never changes;
- inline pinyin after a hanzi is dropped: ``據(jù)`` → ``据``; ``(一)`` or ``(www.gov.cn)`` stay
  (lowercase text that spells pinyin syllables, such as ``(china)``, is taken for pinyin too);
- full-width and compatibility forms fold to one character each (``１２３`` → ``123``,
  ``（`` → ``(``, ``，`` → ``,``, ``⽣`` → ``生``); CJK punctuation such as 、。《》 stays;
- whitespace: a run containing a line break becomes one ``\\n``; otherwise each tab stays a tab
  (tabs separate table cells) and a run without tabs becomes one space. NBSP, ideographic space
  and ``\\r`` count as whitespace;
- lost characters: a run of ``�`` or of lone surrogates (a broken JSONL text), or of ``?`` between
  two hanzi, becomes one ``�``;
- invisible characters (zero-width space/joiners, soft hyphen, bidi marks and embeddings) fold to
  nothing, so ``8\u200b1`` reads ``81``.

>>> n = normalise("根據(jù)　１２３件，\\r\\n（一）")
>>> n.text
'根据 123件,\\n(一)'
>>> n.to_raw(2, 3)  # the normalised '　' → raw ideographic space
(6, 7)
>>> n.from_raw(7, 10)  # raw '１２３'
(3, 6)
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gktagger.lexicon import CJK

LOST = "\ufffd"
_CJK = CJK
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_SPACES = " \t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000\x1f"
# zero-width chars, soft hyphen, bidi marks/embeddings/isolates: invisible, fold to nothing
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_PINYIN_LETTERS = "a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ\u0300-\u036f"

_SPECIAL_RE = re.compile(
    rf"(?P<ws>[{_LINE_BREAKS}{_SPACES}{_ZERO_WIDTH}]+)"
    rf"|(?<=[{_CJK}])(?P<pinyin>[(（][ ]?[{_PINYIN_LETTERS}][{_PINYIN_LETTERS}1-5' ]{{0,40}}[)）])"
    rf"|(?<=[{_CJK}])(?P<qmarks>[?{LOST}]+)(?=[{_CJK}])"
    rf"|(?P<lost>[{LOST}\ud800-\udfff]+)"
)
_HAS_LINE_BREAK = re.compile(f"[{_LINE_BREAKS}]")
_HAS_SPACE = re.compile(f"[{_SPACES}]")

# Zero-initial syllables are written without i/u/ü (yi, wu, yu), which keeps "(gov)" or "(ie)" out.
_FINALS = "iang|iong|uang|ueng|ang|eng|ing|ong|iao|ian|uai|uan|van|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|ve|vn|a|o|e|i|u|v"
_SYLLABLE = rf"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])(?:{_FINALS})|ang|eng|ai|ei|ao|ou|an|en|er|a|o|e)[1-5]?"
_PINYIN_WORDS = re.compile(rf"(?:{_SYLLABLE})+(?:[ ']+(?:{_SYLLABLE})+)*")
_TONE_MARKS = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ\u0300-\u036f]")

# Radicals that PDF extraction emits instead of the hanzi and that NFKC leaves alone.
_RADICALS = dict(zip("⺠⻄⻅⻆⻉⻋⻓⻔⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻬⻮⻰",
                     "民西见角贝车长门青韦页风飞食马骨鬼鱼鸟卤麦黄齐齿龙"))
_FOLD_BLOCKS = [(0xFF01, 0xFFEF), (0xFE10, 0xFE1F), (0xFE30, 0xFE6F), (0xF900, 0xFAFF),
                (0x2F800, 0x2FA1F), (0x2F00, 0x2FDF), (0x2E80, 0x2EFF)]


@dataclass
class Normalised:
    """Normalised text; ``starts[i]``/``ends[i]``: the raw span normalised char ``i`` came from."""

    text: str
    starts: list[int]
    ends: list[int]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """A non-empty normalised span ``[start, end)`` as raw offsets."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"normalised span [{start}, {end}) is empty or outside 0..{len(self.text)}")
        return self.starts[start], self.ends[end - 1]

    def from_raw(self, raw_start: int, raw_end: int) -> tuple[int, int]:
        """The smallest normalised span covering every raw char of ``[raw_start, raw_end)`` that survives."""
        start = bisect_right(self.ends, raw_start)
        end = bisect_left(self.starts, raw_end)
        if start >= end:
            raise ValueError(f"raw span [{raw_start}, {raw_end}) holds nothing that survives normalisation "
                             "(only zero-width characters or spaces beside a tab)")
        return start, end


def _opencc_dictionary(name: str) -> dict[str, list[str]]:
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / name
    if not path.exists():
        raise RuntimeError(f"OpenCC dictionary {path} is missing: reinstall opencc-python-reimplemented")
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values:
            entries[key] = values.split(" ")
    return entries


def _fold(c: str) -> str:
    if c in _RADICALS:
        return _RADICALS[c]
    folded = unicodedata.normalize("NFKC", c)
    return folded if len(folded) == 1 else c


@dataclass(frozen=True)
class _Tables:
    simplified: dict[int, str]  # for simplified text: unambiguous traditional chars only
    traditional: dict[int, str]  # for traditional text: every t2s character
    phrases: dict[str, list[tuple[str, str]]]  # first char → (phrase, converted), longest first
    traditional_only: re.Pattern
    phrase_start: re.Pattern


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    chars = _opencc_dictionary("TSCharacters.txt")
    simplified_forms = _opencc_dictionary("STCharacters.txt")
    folds = {chr(cp): _fold(chr(cp)) for lo, hi in _FOLD_BLOCKS for cp in range(lo, hi + 1)}
    simplified, traditional, trad_only = {}, {}, []
    for c in set(folds) | set(chars):
        f = folds.get(c, c)
        candidates = chars.get(f, [f])
        target = candidates[0]
        ambiguous = f in candidates or f in simplified_forms
        if target != c:
            traditional[ord(c)] = target
            simplified[ord(c)] = f if ambiguous else target
        if f == c and target != c and not ambiguous:
            trad_only.append(c)
    phrases: dict[str, list[tuple[str, str]]] = {}
    for phrase, converted in _opencc_dictionary("TSPhrases.txt").items():
        if len(converted[0]) == len(phrase):
            phrases.setdefault(phrase[0], []).append((phrase, converted[0]))
    for options in phrases.values():
        options.sort(key=lambda p: -len(p[0]))
    return _Tables(simplified, traditional, phrases,
                   re.compile("[" + re.escape("".join(trad_only)) + "]"),
                   re.compile("[" + re.escape("".join(phrases)) + "]"))


def is_traditional(text: str) -> bool:
    """Whether at least 5% of the hanzi are traditional-only forms.

    >>> is_traditional("政府資訊公開"), is_traditional("政府信息公开")
    (True, False)
    """
    hanzi = len(re.findall(f"[{_CJK}]", text))
    return hanzi > 0 and len(_tables().traditional_only.findall(text)) >= 0.05 * hanzi


def _convert_chars(raw: str) -> str:
    """``raw`` simplified and folded, one char for one char (same length)."""
    tables = _tables()
    if not is_traditional(raw):
        return raw.translate(tables.simplified)
    converted = raw.translate(tables.traditional)
    pieces, done = [], 0
    for m in tables.phrase_start.finditer(raw):
        at = m.start()
        if at < done:
            continue
        for phrase, target in tables.phrases[m.group()]:
            if raw.startswith(phrase, at):
                pieces += [converted[done:at], target]
                done = at + len(phrase)
                break
    pieces.append(converted[done:])
    return "".join(pieces)


def _is_pinyin(annotation: str) -> bool:
    inner = annotation[1:-1].strip()
    if _TONE_MARKS.search(inner):
        plain = "".join(c for c in unicodedata.normalize("NFD", inner) if not unicodedata.combining(c))
        return _PINYIN_WORDS.fullmatch(plain.lower().replace("ü", "v")) is not None
    return len(inner) >= 2 and inner.islower() and _PINYIN_WORDS.fullmatch(inner.replace("ü", "v")) is not None


def normalise(raw: str) -> Normalised:
    """The model-facing view of ``raw`` with its exact map back to raw offsets (see the module doc)."""
    converted = _convert_chars(raw)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0

    def emit(char: str, start: int, end: int) -> None:
        pieces.append(char)
        starts.append(start)
        ends.append(end)

    for m in _SPECIAL_RE.finditer(raw):
        kind, a, b = m.lastgroup, m.start(), m.end()
        if kind == "pinyin" and not _is_pinyin(m.group()):
            continue
        pieces.append(converted[done:a])
        starts.extend(range(done, a))
        ends.extend(range(done + 1, a + 1))
        done = b
        if kind == "pinyin":
            # The reading belongs to its hanzi: a labelled heading keeps its trailing ``(kuàng)``.
            ends[-1] = b
        elif kind == "ws":
            run = m.group()
            if _HAS_LINE_BREAK.search(run):
                emit("\n", a, b)
            elif "\t" in run:
                for offset, c in enumerate(run):
                    if c == "\t":
                        emit("\t", a + offset, a + offset + 1)
            elif _HAS_SPACE.search(run):
                emit(" ", a, b)
        elif kind in ("qmarks", "lost"):
            emit(LOST, a, b)
    pieces.append(converted[done:])
    starts.extend(range(done, len(raw)))
    ends.extend(range(done + 1, len(raw) + 1))
    return Normalised("".join(pieces), starts, ends)
