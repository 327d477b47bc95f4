"""Assembling the output record (shared/spec/output.md) from a document and its tags."""
from __future__ import annotations

import re

from .document import Document
from .schema import FIELDS, SECTIONS
from .tags import TagSpan

_TITLE_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?[^，。,\n]{0,40}?信息公开[^，。,\n]{0,8}?(?:年度|年)?报告")
_PERIOD_YEAR = re.compile(r"统计期限[^0-9]{0,6}((?:19|20)\d\d)\s*年")
_ANY_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


def detect_year(text: str) -> int | None:
    """The report year: from the title, else the statistics period, else the first year mentioned."""
    for pattern in (_TITLE_YEAR, _PERIOD_YEAR, _ANY_YEAR):
        m = pattern.search(text)
        if m:
            return int(m.group(1))
    return None


MIN_FORMAT_EVIDENCE = 3  # cells only one template has; fewer may be a stray tag


def detect_format(fields: dict, year: int | None) -> str:
    """``2021``/``2019`` by the cells only one template has (where there are enough of them),
    else by year; ``legacy`` up to 2018."""
    only_2021 = sum(FIELDS[f].formats == ("2021",) for f in fields)
    only_2019 = sum(FIELDS[f].formats == ("2019",) for f in fields)
    if max(only_2021, only_2019) >= MIN_FORMAT_EVIDENCE or (year is None and only_2021 != only_2019):
        return "2021" if only_2021 > only_2019 else "2019"
    if year is None:
        return "unknown"
    if year <= 2018:
        return "legacy"
    return "2021" if year >= 2021 else "2019"


# page chrome that follows a report body on scraped pages
_FOOTER = re.compile(r"附件下载|附件[:：]|扫一扫|来源[:：]|打印本页|关闭窗口|分享到|版权所有|主办单位|网站标识码|"
                     r"ICP备|相关链接|【字体|\|{3,}")
_TRAILING = re.compile(r"(?:[\s|]|[—-]\s*\d+\s*[—-])+$")


def body_end(raw: str, last_heading: int, end: int) -> int:
    """Where the report body ends: before the first footer marker after the last heading, trailing
    whitespace, pipes and page numbers (``— 7 —``) cut off."""
    m = _FOOTER.search(raw, last_heading, end)
    if m:
        end = m.start()
    trailing = _TRAILING.search(raw, last_heading, end)
    return trailing.start() if trailing else end


def build_sections(raw: str, headings: list[TagSpan], body_end_at: int) -> list[dict]:
    """Sections from heading spans (raw offsets): each runs to the next heading; the last one to the
    end of the body (footers after it are not part of it). A report has each section once: where a
    section ID is tagged more than once, the heading with the most confident characters (length ×
    lowest probability; then the first) is kept."""
    best: dict[str, TagSpan] = {}
    weight = lambda h: (h.end - h.start) * h.score
    for h in sorted((h for h in headings if h.label in SECTIONS), key=lambda h: h.start):
        if h.label not in best or weight(h) > weight(best[h.label]):
            best[h.label] = h
    heads = sorted(best.values(), key=lambda h: h.start)
    if heads:
        body_end_at = max(body_end(raw, heads[-1].end, body_end_at), heads[-1].end)
    out = []
    for i, h in enumerate(heads):
        end = heads[i + 1].start if i + 1 < len(heads) else body_end_at
        out.append({"id": h.label, "title": raw[h.start:h.end], "start": h.start, "end": end,
                    "score": round(float(h.score), 4)})
    return out


def error_record(doc: Document, reason: str | None = None) -> dict:
    return {"id": doc.id, "source": doc.source or doc.id, "status": "error", "error": reason or doc.error,
            "format": "unknown", "year": None, "sections": [], "fields": {}, "checks": [], "mentions": []}


def make_record(doc: Document, sections: list[dict], fields: dict, fmt: str, year: int | None,
                mentions: list[dict]) -> dict:
    """A record without checks yet (``status`` is set by the validator)."""
    return {"id": doc.id, "source": doc.source or doc.id, "status": "ok", "error": None, "format": fmt,
            "year": year, "sections": sections, "fields": fields, "checks": [], "mentions": mentions}
