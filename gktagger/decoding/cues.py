"""Appeal and lawsuit figures stated in prose take their result from the words before them.

``行政复议申请16件，其中结果维持2件，结果纠正6件，其他结果7件，尚未审结1件``: the
model knows these are table-4 figures but often not which block and result
each is; the words before each number say it. A number the model tagged with
a table-4 field and that is written as prose (a measure word follows) takes
the block its sentence last names (复议, 诉讼, 复议后起诉 …; else the model's)
and the result its clause names, or the block's total when the clause names
the block and no result. Table cells are never touched: their order, not their wording, decides.

>>> body = "行政复议申请16件,其中结果维持2件,结果纠正6件"
>>> spans = [TagSpan(6, 8, "t4.review.upheld"), TagSpan(16, 17, "t4.review.corrected"), TagSpan(23, 24, "t4.review.other")]
>>> [(body[s.start:s.end], s.label) for s in prose_results(body, spans)]
[('16', 't4.review.total'), ('2', 't4.review.upheld'), ('6', 't4.review.corrected')]
>>> body = "本机关涉及自然人申请57件,共收到申请61件,结转至2023年办理3件。"
>>> [(body[s.start:s.end], s.rule) for s in prose_counts(body, [TagSpan(10, 12, "requests.received")])]
[('61', 'clause names requests.received')]
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from gktagger.decoding.fields import is_prose
from gktagger.decoding.sentences import clause_before, sentence_end, sentence_start, unwrapped
from gktagger.lexicon import (BLOCK_WORDS, BREAKDOWN, CHANGE_WORDS, NA_MARKS, NOT_A_COUNT, NOT_CASE_WORDS, PART_WORDS,
                              PROSE_COUNT_WORDS, RESULT_WORDS, T3_ROW_CONTEXT, T3_ROW_WORDS, T3_ROW_WORDS_AFTER,
                              WHOLE_FIGURE)
from gktagger.schema import FIELDS
from gktagger.tagging.tags import TagSpan

RESULTS = [(result, re.compile(words)) for result, words in RESULT_WORDS]
BLOCK_BEFORE = re.compile("|".join(f"(?P<{b}>{w})" for b, w in BLOCK_WORDS))
MAX_SENTENCE = 120
MAX_CLAUSE = 24
COUNT_WORDS = {field: re.compile(words) for field, words in PROSE_COUNT_WORDS.items()}
PART = re.compile(PART_WORDS)
IN_BREAKDOWN = re.compile(BREAKDOWN)
T3_ROWS = [(row, re.compile(words)) for row, words in T3_ROW_WORDS]
T3_ROWS_AFTER = [(row, re.compile(words)) for row, words in T3_ROW_WORDS_AFTER]
T3_CONTEXT = {row: re.compile(words) for row, words in T3_ROW_CONTEXT.items()}
CHANGE = re.compile(CHANGE_WORDS)
NOT_CASES = re.compile(NOT_CASE_WORDS)
Score = Callable[[int, int, str], float]  # the model's probability of a label over body[start:end]


def _counted(body: str, m: re.Match) -> bool:
    """Whether the figure ``m`` is a prose count: a measure word after it, not a date, share or other thing."""
    return is_prose(body, m.end()) and body[m.end():m.end() + 1] not in NOT_A_COUNT \
        and not NOT_CASES.match(body, m.end()) and not CHANGE.search(_clause_before(body, m.start()))


def not_figures(body: str, spans: list[TagSpan]) -> list[TagSpan]:
    """``spans`` without the prose mentions that are no figure of a field: a change from another year
    (``较2022年减少3件``), a count of something no field counts (``涉及4个部门``), and an NA mark inside
    a sentence (``无结转至2024年办理的申请`` says none; only a table cell written ``无`` is an NA value).

    >>> body = "收到申请5件,较2022年减少3件,涉及4个部门,无结转至2024年办理的申请。"
    >>> spans = [TagSpan(body.index(t), body.index(t) + len(t), "requests.received") for t in ("5", "3", "4", "无")]
    >>> [body[s.start:s.end] for s in not_figures(body, spans)]
    ['5']
    """
    def kept(span: TagSpan) -> bool:
        if span.label not in FIELDS:
            return True
        if body[span.start:span.end] in NA_MARKS:
            return span.end >= len(body) or not body[span.end].isalpha()
        if not is_prose(body, span.end):
            return True
        return not NOT_CASES.match(body, span.end) and not CHANGE.search(_clause_before(body, span.start))
    return [s for s in spans if kept(s)]


def _clause_before(body: str, start: int) -> str:
    """The words between the previous clause break (or the previous stated figure) and ``start``."""
    return clause_before(body, start, MAX_CLAUSE)


def _sentence_start(body: str, start: int) -> int:
    return sentence_start(body, start, MAX_SENTENCE)


def _sentence_before(body: str, start: int) -> str:
    """The words of the sentence holding ``start`` before it, wraps taken out."""
    return unwrapped(body[_sentence_start(body, start):start])


def _block(body: str, start: int, model_block: str) -> str:
    """The block the sentence before ``start`` last names, else the model's."""
    named = [m.lastgroup for m in BLOCK_BEFORE.finditer(_sentence_before(body, start))]
    return named[-1] if named else model_block


def _result(clause: str) -> str | None:
    for result, words in RESULTS:
        if words.search(clause):
            return result
    return "total" if BLOCK_BEFORE.search(clause) else None


def prose_results(body: str, spans: list[TagSpan]) -> list[TagSpan]:
    """``spans`` with each prose table-4 figure labelled by the result its clause names (whole numbers)."""
    out, seen = [], set()
    for span in spans:
        number = next((m for m in WHOLE_FIGURE.finditer(body, max(0, span.start - 12), span.end + 12)
                       if m.start() <= span.start and span.end <= m.end()), None)
        if span.label.startswith("t4.") and number and is_prose(body, number.end()):
            result = _result(_clause_before(body, number.start()))
            label = f"t4.{_block(body, number.start(), FIELDS[span.label].row)}.{result}"
            if result and label in FIELDS and (label, number.span()) != (span.label, (span.start, span.end)):
                span = replace(span, start=number.start(), end=number.end(), label=label, by="cue",
                               rule=f"clause names {result}")
        if (span.start, span.end, span.label) not in seen:
            seen.add((span.start, span.end, span.label))
            out.append(span)
    return out


def prose_t4_figures(body: str, spans: list[TagSpan], score_of: Score = lambda s, e, label: 0.0) -> list[TagSpan]:
    """``spans`` and the prose appeal and lawsuit figures the model left untagged: a count whose clause
    names a result (or the block alone: its total) in a sentence that names the block, labelled as
    :func:`prose_results` labels the tagged ones and scored by ``score_of``.

    >>> body = "本年度共发生行政复议案件2起(尚未审结二起)。"
    >>> [(body[s.start:s.end], s.label) for s in prose_t4_figures(body, [])]
    [('2', 't4.review.total'), ('二', 't4.review.pending')]
    """
    tagged = {(s.start, s.end) for s in spans if s.label in FIELDS}
    found, figures = [], set()
    for m in WHOLE_FIGURE.finditer(body):
        if m.span() in tagged or not _counted(body, m):
            continue
        result, block = _result(_clause_before(body, m.start())), _block(body, m.start(), None)
        label = f"t4.{block}.{result}"
        if result and block and label in FIELDS:
            found.append(TagSpan(m.start(), m.end(), label, score_of(*m.span(), label), "cue", f"clause names {result}"))
            figures.add(m.span())
    # the model reads a lone 五 as a heading's ordinal at times: a counted figure is no heading
    kept = [s for s in spans if (s.start, s.end) not in figures]
    return sorted(kept + found, key=lambda s: (s.start, s.end))


def _names(body: str, start: int, field: str) -> bool:
    """Whether the clause before a figure names ``field`` as a whole count, not a part of it."""
    clause = _clause_before(body, start)  # (收到行政复议申请16件 names an appeal, not a request)
    return bool(COUNT_WORDS[field].search(clause)) and not PART.search(clause) and not BLOCK_BEFORE.search(clause) \
        and not IN_BREAKDOWN.search(_sentence_before(body, start))


def prose_counts(body: str, spans: list[TagSpan], score_of: Score = lambda s, e, label: 0.0) -> list[TagSpan]:
    """``spans`` with each whole prose count (``PROSE_COUNT_WORDS``) on the figure of its sentence whose
    clause names it, when the model's figure is not named and exactly one other figure is; a figure
    tagged twice so keeps its more confident span. A count the model found nowhere is added on every
    figure whose clause names it (scored by ``score_of``; the first is the field's value); where one
    figure is named, the prose figures that are not are dropped."""
    out: dict[tuple[int, int, str], TagSpan] = {}
    for span in spans:
        if span.label in COUNT_WORDS and not _names(body, span.start, span.label):
            lo, hi = _sentence_start(body, span.start), sentence_end(body, span.end, MAX_SENTENCE)
            named = [m for m in WHOLE_FIGURE.finditer(body, lo, hi)
                     if _counted(body, m) and m.start() != span.start and _names(body, m.start(), span.label)]
            if len(named) == 1:
                span = replace(span, start=named[0].start(), end=named[0].end(), by="cue",
                               rule=f"clause names {span.label}")
        key = (span.start, span.end, span.label)
        if key not in out or span.score > out[key].score:
            out[key] = span

    def named(s: TagSpan) -> bool:
        return s.label in COUNT_WORDS and is_prose(body, s.end) and _names(body, s.start, s.label)
    for field in set(COUNT_WORDS) - {s.label for s in out.values()}:
        for m in WHOLE_FIGURE.finditer(body):  # (a figure tagged with a table-3 row may state the count too)
            if _counted(body, m) and _names(body, m.start(), field):
                out[(*m.span(), field)] = TagSpan(m.start(), m.end(), field, score_of(*m.span(), field), "cue",
                                                  f"clause names {field}")
    fields_named = {s.label for s in out.values() if named(s)}
    # a prose figure no clause names, where another is named, counts something else (对39项…文件进行解读)
    return [s for s in out.values() if s.label not in fields_named or not is_prose(body, s.end) or named(s)]


def _row_named(body: str, start: int, end: int) -> str | None:
    clause = _clause_before(body, start)
    named = [row for row, words in T3_ROWS if words.search(clause)] or \
        [row for row, words in T3_ROWS_AFTER if words.match(body, end)]
    if len(named) != 1:  # 予以公开及部分公开258件 is neither row
        return None
    context = T3_CONTEXT.get(named[0])
    return named[0] if context is None or context.search(_sentence_before(body, start)) else None


def prose_row_totals(body: str, spans: list[TagSpan], score_of: Score = lambda s, e, label: 0.0) -> list[TagSpan]:
    """``spans`` with every prose figure whose clause names a table-3 row (``T3_ROW_WORDS``) labelled
    that row's total: a figure the model tagged with a table-3 or count field is relabelled, one it left
    untagged is added, scored by ``score_of(start, end, label)`` (the model's probability of that label).

    >>> body = "涉及自然人29件,同意公开6件,部分公开2件,结转至2024年办理4件。"
    >>> [(body[s.start:s.end], s.label) for s in prose_row_totals(body, [TagSpan(body.index("2件"), body.index("2件") + 1, "t3.granted.total")])]
    [('6', 't3.granted.total'), ('2', 't3.partial.total'), ('4', 't3.carried_forward.total')]
    """
    at = {(s.start, s.end): s for s in spans}
    out = {id(s): s for s in spans}
    for m in WHOLE_FIGURE.finditer(body):
        if not _counted(body, m):
            continue
        row = _row_named(body, *m.span())
        if row is None:
            continue
        label, old = f"t3.{row}.total", at.get(m.span())
        if old is not None and old.label == label:
            continue
        if old is not None and old.label in FIELDS and not (old.label.startswith("t3.") or old.label in COUNT_WORDS):
            continue  # (a section label on a counted figure is the model reading 五 as an ordinal)
        new = TagSpan(m.start(), m.end(), label, old.score if old else score_of(*m.span(), label), "cue",
                      f"clause names t3.{row}")
        out.pop(id(old), None)
        out[id(new)] = new
    # fields.md: a prose row total only where the wording names that row (其它公开答复数1条 names none); judged
    # for the rows whose wording the lexicon knows (其他处理0件 is left as the model tagged it)
    known = {f"t3.{row}.total" for row, _ in T3_ROWS + T3_ROWS_AFTER}
    unnamed = {id(s) for s in out.values() if s.label in known and s.by == "model"
               and is_prose(body, s.end) and _row_named(body, s.start, s.end) is None}
    return sorted((s for s in out.values() if id(s) not in unnamed), key=lambda s: (s.start, s.end))

