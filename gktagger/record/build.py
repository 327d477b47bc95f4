"""The output record (shared/spec/output.md): its types, the one place it is built, and the
year, format and sections it reports."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol, TypedDict

from gktagger.io.document import Document
from gktagger.lexicon import HANZI, ORDINALS, SUB_ORDINAL
from gktagger.record.topics import in_lists, topic_line, topic_lists
from gktagger.schema import FIELDS, SECTIONS, T3_ROWS
from gktagger.tagging.tags import TagSpan


class FieldEntry(TypedDict, total=False):
    """One field: ``value`` (None for NA), the span it was read from, and where it came from."""
    value: float | int | None
    text: str
    start: int
    end: int
    score: float
    by: str  # model | decoder | realign | split | cue | search
    rule: str
    na: bool
    approx: bool
    unit: str
    prose: bool
    split: str  # "inferred": a run-together cell split by the identities


class Mention(FieldEntry, total=False):
    field: str


class SectionEntry(TypedDict, total=False):
    id: str
    title: str
    start: int
    end: int
    score: float
    by: str


class Check(TypedDict):
    rule: str
    scope: str
    status: str  # pass | fail | unknown | warn (a plausibility rule that is not certain)
    message: str
    fields: list[str]
    basis: str  # as_printed | inferred (a field of the check placed by a step that used this rule)


class Record(TypedDict):
    id: str
    source: str
    status: str  # ok | invalid | error
    error: str | None
    format: str
    year: int | None
    sections: list[SectionEntry]
    fields: dict[str, FieldEntry]
    checks: list[Check]
    mentions: list[Mention]


class _Heading(Protocol):
    start: int
    end: int
    label: str
    score: float

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


def detect_format(fields: dict, year: int | None, min_evidence: int = 3) -> str:
    """``2021``/``2019`` by the cells only one template has (where there are at least ``min_evidence``;
    fewer may be a stray tag), else by year; ``legacy`` up to 2018."""
    only_2021 = sum(FIELDS[f].formats == ("2021",) for f in fields)
    only_2019 = sum(FIELDS[f].formats == ("2019",) for f in fields)
    if max(only_2021, only_2019) >= min_evidence or (year is None and only_2021 != only_2019):
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


# what a heading's ordinal looks like just before where a tagger may have started it: 二、|三、政府信息|二|第二部分
_ORDINAL_BEFORE = re.compile(rf"[{ORDINALS}]{{1,3}}[ \t]*[、.．][ \t]*[{HANZI}]{{0,8}}$|[{ORDINALS}]{{1,3}}$"
                             rf"|第[{ORDINALS}]{{1,3}}部分[ \t]*[{HANZI}]{{0,8}}$")


_SUB_ORDINAL_AT_LINE = re.compile(rf"[ \t]*({SUB_ORDINAL})[ \t]*")
_ORDINAL_INSIDE = re.compile(rf"[。；;！？\n]\s*([{ORDINALS}]{{1,2}}[、.．])")


def heading_start(raw: str, start: int, end: int) -> int:
    """A section starts at its heading's ordinal (fields.md §1): a heading tagged from just after
    its ordinal moves back to it, one tagged from the end of the sentence before moves on to it.

    >>> raw = "工作。二、主动公开政府信息情况"
    >>> [heading_start(raw, raw.index(c), len(raw)) for c in "主二作"]
    [3, 3, 3]
    >>> raw = "工作。\\n（一）依申请公开情况"
    >>> [heading_start(raw, raw.index(c), len(raw)) for c in "依一"]
    [4, 4]
    """
    m = _ORDINAL_INSIDE.search(raw, start, min(end, start + 24))
    if m:
        return m.start(1)
    m = _SUB_ORDINAL_AT_LINE.match(raw, raw.rfind("\n", 0, start) + 1)
    if m and start <= m.end():  # a lost section's first sub-heading (（一）依申请公开情况) starts at its ordinal
        return m.start(1)
    m = _ORDINAL_BEFORE.search(raw, max(0, start - 12), start)
    return m.start() if m else start


# 二、 二． 二 (a space) 第二部分: how a section's heading opens
_HEADING_ORDINAL = rf"(?:第[{ORDINALS}]{{1,2}}部分[ \t]*|[{ORDINALS}]{{1,2}}(?:[ \t]*[、.．][ \t]*|[ \t]+))"


@lru_cache(maxsize=None)
def _heading_pattern(section_id: str) -> re.Pattern:
    sec = SECTIONS[section_id]
    words = "|".join(re.escape(w) for w in sorted((sec.heading, *sec.aliases), key=len, reverse=True))
    return re.compile(rf"(?<![（({ORDINALS}]){_HEADING_ORDINAL}(?:{words})")


_MID_SENTENCE = re.compile(rf"[{HANZI},，、:：]")


SUB_HEADING_REACH = 40  # characters back from a tagged sub-heading to its section's heading
SECTION_REACH = 600  # ... from a tagged （二）-style sub-heading, which is never a section (fields.md §1)
STATS_REACH = 80  # ... from a heading tagged in a statistics table to the table's title
# A legacy report's statistics table, the `other` section (fields.md §1: 附表 / 统计表), titled with or
# without an ordinal (附件1：…统计表, 七、平潭综合实验区政府信息公开情况统计表) and followed by its header.
STATS_TITLE = re.compile(rf"(?:(?<=[。；;\s：:])|^)((?:{_HEADING_ORDINAL}|附[件表][ \t]*\d*[：:]?)?[ \t]*"
                         rf"[^\s。；;，,：:]{{0,30}}?统计表)(?=[\s|：:]*(?:指标|统计指标|项目))", re.M)


def settle_headings(text: str, spans: list[TagSpan]) -> list[TagSpan]:
    """Heading spans moved to their ordinal (:func:`heading_start`), named by the catalogue wording
    that follows the ordinal where one section's wording does, moved back to the section's heading
    when they fall on a sub-heading just after it (or, the heading being lost, to the line just before
    that names the section's topic), and dropped where they start inside a sentence without an ordinal
    (a report's headings open a line or follow its ordinal), on one of table 3's ordinal rows
    (四、结转下年度继续办理) or in the overview's list of sub-headings (:func:`topics.topic_lists`).

    >>> text = "编制而成。二、主动公开政府信息情况"
    >>> [(text[h.start:h.end], h.label) for h in settle_headings(text, [TagSpan(1, 4, "requests"), TagSpan(7, 12, "problems")])]
    [('二、主动公开政', 'proactive')]
    """
    out, lists = [], None
    for h in spans:
        if h.label not in SECTIONS:
            out.append(h)
            continue
        start = heading_start(text, h.start, h.end)
        if _TABLE_3_ORDINAL_ROW.match(text, start):
            continue
        lists = topic_lists(text) if lists is None else lists
        if in_lists(start, lists):
            continue
        named = [sid for sid in SECTIONS if _heading_pattern(sid).match(text, start)]
        if not named:  # a sub-heading (（一）主动公开…的数量) tagged: its section's heading just before it
            title = _stats_title_before(text, start, h.end)
            before = _heading_before(text, start, h.label)
            if title is not None:
                start, named = title, ["other"]
            elif before is not None:
                start, named = before, [h.label]
            else:
                start = _topic_line_before(text, start, h.label)
        if len(named) == 1:
            out.append(TagSpan(start, max(h.end, start + 1), named[0], h.score, h.by, h.rule))
        elif named or start == 0 or not _MID_SENTENCE.match(text, start - 1):
            out.append(TagSpan(start, max(h.end, start + 1), h.label, h.score, h.by, h.rule))
    return out


def _heading_before(text: str, start: int, section_id: str) -> int | None:
    """The section's own heading just before a heading tagged on its sub-heading; before a （二）-style
    sub-heading, as far back as the previous section's heading (none may lie between)."""
    sub = start > 0 and text[start - 1] in "(（"
    lo = max(0, start - (SECTION_REACH if sub else SUB_HEADING_REACH))
    before = list(_heading_pattern(section_id).finditer(text, lo, start))
    if not before:
        return None
    at = before[-1].start()
    others = (sid for sid in SECTIONS if sid != section_id)
    return None if sub and any(_heading_pattern(sid).search(text, at + 1, start) for sid in others) else at


def _stats_title_before(text: str, start: int, end: int) -> int | None:
    """The title of the statistics table a heading was tagged in (in the tag or just before it), if any."""
    lo = max(0, start - STATS_REACH)
    lo = max([text.rfind(c, 0, lo) + 1 for c in "。\n "] + [0])  # a title read whole, not from its middle
    titles = [m for m in STATS_TITLE.finditer(text, lo, end + STATS_REACH) if m.start(1) < max(end, start + 1)]
    return titles[-1].start(1) if titles else None


def _topic_line_before(text: str, start: int, section_id: str) -> int:
    """Where a heading tagged on a line that does not name its section's topic (a table's header,
    信息内容) moves: back to the line just before that does (本年度主动公开政府信息情况如下。), if any."""
    line = text.rfind("\n", 0, start) + 1
    if _ordinal(text, start) or topic_line(section_id).match(text, line):
        return start
    before = list(topic_line(section_id).finditer(text, max(0, start - SUB_HEADING_REACH), line))
    return before[-1].start() if before else start


def strongest_headings(spans: list[_Heading], min_heading: int = 2) -> dict[str, _Heading]:
    """Per section ID, the heading with the most confident characters (length × lowest probability;
    then the first); fragments shorter than ``min_heading`` characters are not headings (a heading
    is at least an ordinal and a word; a lone tagged character is noise)."""
    best: dict[str, TagSpan] = {}
    weight = lambda h: (h.end - h.start) * h.score
    for h in sorted(spans, key=lambda h: h.start):
        if h.label in SECTIONS and h.end - h.start >= min_heading and (h.label not in best or weight(h) > weight(best[h.label])):
            best[h.label] = h
    return best


def missing_headings(text: str, spans: list[TagSpan], min_heading: int = 2) -> list[TagSpan]:
    """Headings of sections the tagger did not find, where the catalogue's wording follows an ordinal
    between the neighbouring sections it did find (sections come in catalogue order).

    >>> text = "一、总体情况……二、主动公开政府信息情况……三、收到和处理政府信息公开申请情况……"
    >>> found = [TagSpan(0, 6, "overview"), TagSpan(text.index("三"), len(text) - 2, "requests")]
    >>> [(text[h.start:h.end], h.label) for h in missing_headings(text, found)]
    [('二、主动公开政府信息情况', 'proactive')]
    """
    found = strongest_headings(spans, min_heading)
    ids, out = list(SECTIONS), []
    for k, sid in enumerate(ids):
        if sid in found:
            continue
        lo = max((found[i].end for i in ids[:k] if i in found), default=0)
        hi = min((found[i].start for i in ids[k + 1:] if i in found), default=len(text))
        m = _heading_pattern(sid).search(text, lo, max(lo, hi))
        if m:
            found[sid] = TagSpan(m.start(), m.end(), sid, 0.5, "search", "catalogue wording after an ordinal")
            out.append(found[sid])
        elif sid == "other" and (m := STATS_TITLE.search(text, lo, max(lo, hi))):
            found[sid] = TagSpan(m.start(1), m.end(1), sid, 0.5, "search", "a statistics table's title")
            out.append(found[sid])
    return out + lost_headings(text, found)


def _ordinal_of(numeral: str) -> str:
    """A section ordinal as headings print it: 三、 三. 三 (a space) 第三部分."""
    return rf"(?:第{numeral}部分|{numeral}(?:[ \t]*[、.．]|[ \t]+))"


_ORDINAL_AT = re.compile(_ordinal_of(f"([{ORDINALS}])"))
# Table 3's own ordinal rows (四、结转下年度继续办理, and 三、本年度办理结果 above its results): no section heading.
_TABLE_3_LINE = "|".join([re.escape(label) for label, short, _ in T3_ROWS.values() if short in ORDINALS] + ["本年度办理结果"])
_TABLE_3_ORDINAL_ROW = re.compile(rf"[ \t]*{_ordinal_of(f'[{ORDINALS}]')}[ \t]*(?:{_TABLE_3_LINE})")
# ... and its numbered rows (2.申请人逾期未按收费通知…): a row label that names a topic is no section's first line.
_TABLE_3_ROW = re.compile(rf"[ \t]*{SUB_ORDINAL}?[ \t]*(?:" + "|".join(
    re.escape(re.sub(r"^\d\.", "", label.split(" ")[-1])[:8]) for label, _, _ in T3_ROWS.values()) + ")")


def _ordinal(text: str, at: int) -> int | None:
    m = _ORDINAL_AT.match(text, at)
    numeral = m and (m.group(1) or m.group(2))
    return ORDINALS.index(numeral) + 1 if numeral else None


def lost_headings(text: str, found: dict[str, TagSpan]) -> list[TagSpan]:
    """Sections whose heading line is lost (a PDF dropped ``四、存在的主要问题及改进情况``): where the
    ordinals of two found neighbours skip numbers (三、 then 五、), each skipped one is the first
    section between them, in catalogue order, that a line names by its topic (its first sub-heading
    or sentence); the section starts at that line. A section found between them without an ordinal
    (by its topic line) is one of the skipped and bounds the search; the overview's list of
    sub-headings (（一）主动公开 （二）依申请公开) names topics but starts no section.

    >>> text = "三、收到和处理政府信息公开申请情况\\n…\\n(一)存在的问题\\n人员不足。\\n五、其他需要报告的事项\\n无。"
    >>> found = {"requests": TagSpan(0, 5, "requests"), "other": TagSpan(text.index("五"), len(text) - 3, "other")}
    >>> [(text[h.start:h.end], h.label) for h in lost_headings(text, found)]
    [('(一)存在的问题', 'problems')]
    """
    ids, out = list(SECTIONS), []
    heads = sorted(found.items(), key=lambda kv: kv[1].start)
    numbered = [(sid, h) for sid, h in heads if _ordinal(text, h.start)]
    for (a, ha), (b, hb) in zip(numbered, numbered[1:]):
        first, last = _ordinal(text, ha.start), _ordinal(text, hb.start)
        if last - first < 2 or ids.index(b) - ids.index(a) < 2:
            continue
        inside = {sid: h for sid, h in heads if ha.start < h.start < hb.start}
        # an ordinal still printed at a line start heads a section the catalogue does not name: not lost
        skipped = sum(not re.search(rf"(?m)^[ \t]*{_ordinal_of(ORDINALS[k - 1])}(?![ \t]*(?:{_TABLE_3_LINE}))",
                                    text[ha.end:hb.start]) for k in range(first + 1, last)) - len(inside)
        lists, lo = topic_lists(text, ha.end, hb.start), ha.end
        for k, sid in enumerate(ids[ids.index(a) + 1:ids.index(b)], start=ids.index(a) + 1):
            if sid in inside:
                lo = max(lo, inside[sid].end)
                continue
            hi = min([h.start for s, h in inside.items() if ids.index(s) > k] + [hb.start])
            m = _topic_start(text, sid, lo, hi, lists) if skipped > 0 and sid not in found else None
            if m:
                line_end = text.find("\n", m.start(), hi)
                out.append(TagSpan(m.start(), line_end if line_end > 0 else m.end(), sid, 0.3, "search",
                                   "topic of a section whose heading is lost"))
                skipped, lo = skipped - 1, m.end()
    return out


def _topic_start(text: str, section_id: str, lo: int, hi: int, lists: list[tuple[int, int]]) -> re.Match | None:
    """The first line in ``[lo, hi)`` naming the section's topic that is neither one of table 3's rows
    (2.申请人逾期未按收费通知…) nor in a list of sub-headings naming several sections' topics."""
    m = topic_line(section_id).search(text, lo, hi)
    while m and (_TABLE_3_ROW.match(text, m.start()) or in_lists(m.start(), lists)):
        m = topic_line(section_id).search(text, m.end(), hi)
    return m


def build_sections(raw: str, headings: list[_Heading], body_end_at: int, min_heading: int = 2) -> list[SectionEntry]:
    """Sections from heading spans (raw offsets): each runs to the next heading; the last one to the
    end of the body (footers after it are not part of it). A report has each section once: where a
    section ID is tagged more than once, the strongest heading is kept (:func:`strongest_headings`)."""
    heads = sorted(strongest_headings(headings, min_heading).values(), key=lambda h: h.start)
    if heads:
        body_end_at = max(body_end(raw, heads[-1].end, body_end_at), heads[-1].end)
    out = []
    for i, h in enumerate(heads):
        end = heads[i + 1].start if i + 1 < len(heads) else body_end_at
        out.append({"id": h.label, "title": raw[h.start:h.end], "start": h.start, "end": end,
                    "score": round(float(h.score), 4), "by": h.by})
    return out


def status_of(checks: list[Check]) -> str:
    """``invalid`` when a check fails, else ``ok`` (the contract's status of an extracted document)."""
    return "invalid" if any(c["status"] == "fail" for c in checks) else "ok"


def to_source(record: dict, doc: Document) -> None:
    """For a page read from HTML, rewrites in place every offset of the record's ``fields``,
    ``mentions``, ``sections``, ``title``/``period`` and a field's ``cumulative`` (``printed.py``) and
    the checks' ``field@offset`` scopes from the reduced text to the HTML source: the contract's
    "document text as read", so that ``text == raw[start:end]`` on the file as downloaded.

    >>> from gktagger.io.reading import read_bytes
    >>> doc = read_bytes("<p>收到<b>12</b>件</p>".encode(), id="x.html", suffix=".html")
    >>> record = {"fields": {"t3.new.total": {"text": "12", "start": 2, "end": 4}}}
    >>> to_source(record, doc)
    >>> record["fields"]["t3.new.total"]
    {'text': '12', 'start': 8, 'end': 10}
    """
    if doc.source_offsets is None:
        return
    fields = (record.get("fields") or {}).values()
    beside = [record.get("title"), record.get("period"), *(f.get("cumulative") for f in fields)]
    for entry in [*fields, *(record.get("mentions") or []), *beside]:
        if entry and "start" in entry:  # a title taken from <title> has no offsets
            start, end = doc.to_source(entry["start"], entry["end"])
            entry.update(start=start, end=end, text=doc.raw[start:end])
    for section in record.get("sections") or []:
        title_end = doc.to_source(section["start"], section["start"] + len(section["title"]))[1]
        section["start"], section["end"] = doc.source_position(section["start"]), doc.source_position(section["end"])
        section["title"] = doc.raw[section["start"]:title_end]
    for check in record.get("checks") or []:
        field_id, at, offset = str(check.get("scope", "")).partition("@")
        if at and offset.isdigit():
            check["scope"] = f"{field_id}@{doc.source_position(int(offset))}"


def build_record(doc: Document, *, format: str, year: int | None, sections: list[SectionEntry],
                 fields: dict[str, FieldEntry], mentions: list[Mention], checks: list[Check]) -> Record:
    """The record of an extracted document: the one place a record is put together."""
    return {"id": doc.id, "source": doc.source or doc.id, "status": status_of(checks), "error": None,
            "format": format, "year": year, "sections": sections, "fields": fields, "checks": checks,
            "mentions": mentions}


def error_record(doc: Document, reason: str | None = None) -> Record:
    """The record of a document that could not be processed: ``reason`` in one line."""
    return {"id": doc.id, "source": doc.source or doc.id, "status": "error", "error": reason or doc.error,
            "format": "unknown", "year": None, "sections": [], "fields": {}, "checks": [], "mentions": []}

