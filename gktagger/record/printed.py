"""What the plausibility and cross-year checks read beside the fields, in raw offsets: the report's
title (its year, and the reporting body ``crosscheck`` groups by), the statistics period (统计期限),
and in legacy 本年度/历年累计 tables the 累计 figure printed right after a field's cell.

>>> raw = "平潭县人民政府2013年政府信息公开工作年度报告 本报告所列数据的统计期限自2013年1月1日起至2013年12月31日。"
>>> title(raw)["body"], title(raw)["year"], period(raw)["from"], period(raw)["to"]
('平潭县人民政府', 2013, 2013, 2013)
>>> raw = "指标名称计量单位2013年度历年累计主动公开信息数条18535395其中：1.网站公开条17135017"
>>> at = raw.index("1853")
>>> cumulative(raw, {"start": at, "end": at + 4, "text": "1853"})["value"]
5395
"""
from __future__ import annotations

import re

TITLE_WINDOW = 20_000  # characters: a report's title is near the top of its page (after its chrome)
MAX_TITLE_TRIES = 20  # report names tried before giving up (a hostile page repeats them)
_Y = r"(?:(?:19|20|１９|２０)[0-9０-９]{2})"  # a year, ASCII or full-width digits (int() reads both)
_WORDS = r"[^\s，。,:：;；、|<>\"'“”《》()（）#\d]{0,40}?"
_TITLE = re.compile(rf"({_WORDS})[ \t]*({_Y})[ \t]*年度?[ \t]*({_WORDS})\s*(?:政府)?信息公[开開]\s*(?:工作)?\s*"
                    r"(?:年度)?\s*(?:报告|報告|年报|年報)")
_REPORT_NAME = re.compile(r"信息公[开開]\s*(?:工作)?\s*(?:年度)?\s*(?:报告|報告|年报|年報)")
_NOT_A_BODY = re.compile(r"信息公[开開]|年[报報]|[报報]告")  # breadcrumb chrome before the year, not a name
_PERIOD = re.compile(r"统计期限[^。；;\n]{0,60}|統計期限[^。；;\n]{0,60}")
_YEAR = re.compile(rf"({_Y})(?=\s*年)")
_CUMULATIVE_HEADER = re.compile(r"年度?\s*(?:历年)?累计")
_GAP = re.compile(r"(?:\s|\||<[^>]*>)*")
_NUMBER = re.compile(r"\d[\d,]*")


def title(raw: str) -> dict | None:
    """The first ``…YYYY年(度)…政府信息公开…报告`` in the first ``TITLE_WINDOW`` characters: its text,
    offsets, year and the body it names (the words around the year)."""
    m = None
    for k, anchor in enumerate(_REPORT_NAME.finditer(raw, 0, TITLE_WINDOW)):  # only where a report is named
        m = _TITLE.search(raw, max(0, anchor.start() - 100), anchor.end())
        if m or k >= MAX_TITLE_TRIES:
            break
    if not m:
        return None
    before = "" if _NOT_A_BODY.search(m.group(1)) else m.group(1)
    return {"text": m.group(0), "start": m.start(), "end": m.end(), "year": int(m.group(2)),
            "body": before + m.group(3)}


def period(raw: str) -> dict | None:
    """The statistics period sentence (统计期限自2019年1月1日起至2019年12月31日) and its years; None
    when the report states none, or leaves it blank (统计期限自至)."""
    m = _PERIOD.search(raw)
    if not m:
        return None
    years = [int(y) for y in _YEAR.findall(m.group(0))]
    if not years:
        return None
    return {"text": m.group(0).strip(), "start": m.start(), "end": m.end(), "from": years[0], "to": years[-1]}


def cumulative(raw: str, entry: dict) -> dict | None:
    """The number printed right after a legacy table cell when a 本年度/历年累计 header precedes it.

    Digits run together (``条4251516``: 425 then 1516) are the cell's neighbour; a trailing digit
    followed by ``.``/``、`` is the next row's ordinal (``15092.政府公报`` → 1509). A run left
    undecided (``ambiguous``) holds both columns: nothing is beside it.
    """
    start, end = entry.get("start"), entry.get("end")
    if entry.get("prose") or entry.get("ambiguous") or not isinstance(start, int) or not isinstance(end, int):
        return None
    if not _CUMULATIVE_HEADER.search(raw, max(0, start - TITLE_WINDOW), start):
        return None
    at = _GAP.match(raw, end).end()
    m = _NUMBER.match(raw, at)
    if not m:
        return None
    digits = m.group(0)
    if len(digits) > 1 and raw[m.end():m.end() + 1] in (".", "、", "．"):
        digits = digits[:-1]
    value = digits.replace(",", "")
    if not value.isdigit():
        return None
    return {"value": int(value), "text": digits, "start": m.start(), "end": m.start() + len(digits)}


def annotate(record: dict, raw: str, source_text: str | None = None) -> dict:
    """``record`` with ``title``, ``period`` and (legacy fields) ``cumulative`` added where printed.

    An HTML page whose text lost its title (``<title>`` is page chrome) gets the title of its
    ``source_text`` without offsets (they would index the HTML source).
    """
    found_title = title(raw)
    if found_title is None and source_text:
        found_title = title(source_text)
        if found_title:
            found_title = {k: v for k, v in found_title.items() if k not in ("start", "end")}
    for key, found in (("title", found_title), ("period", period(raw))):
        if found:
            record[key] = found
    if record.get("format") == "legacy":
        for entry in (record.get("fields") or {}).values():
            found = cumulative(raw, entry)
            if found:
                entry["cumulative"] = found
    return record
