"""Figures of tables 3 and 4 told in sentences, as reports without those tables state them.

Each function returns a template for :meth:`Report.fill` (``{f:FIELD}`` marks a labelled figure).
Labels follow the annotation guidelines: 共收到…申请 is ``requests.received``; a count naming its
table-3 row is that row's ``.total`` (结转下年度 → ``t3.carried_forward.total``); 行政诉讼 not split
into direct / after review is ``t4.suit.*``.

>>> import random
>>> v = {"t4.review.total": 16, "t4.review.upheld": 2, "t4.review.corrected": 6, "t4.review.other": 7,
...      "t4.review.pending": 1, "t4.suit.total": 0}
>>> appeals(random.Random(3), v)
'{y}年度，涉及政府信息公开的行政复议{f:t4.review.total}宗，其中结果维持{f:t4.review.upheld}宗，结果纠正{f:t4.review.corrected}宗，其他结果{f:t4.review.other}宗，尚未审结{f:t4.review.pending}宗；无行政诉讼案件。'
"""
from __future__ import annotations

import random

from gktagger.training.synth import words

RESULTS = {"upheld": ("结果维持", "维持"), "corrected": ("结果纠正", "纠正"), "other": ("其他结果", "其他"),
           "pending": ("尚未审结", "未审结")}
OPENERS = {
    "review": ["本年度共发生政府信息公开行政复议案件", "{y}年，{short}因政府信息公开工作被申请行政复议",
               "针对信息公开的行政复议申请", "全年共办理政府信息公开行政复议案件", "{y}年度，涉及政府信息公开的行政复议"],
    "suit": ["行政诉讼", "行政诉讼案件", "被提起行政诉讼", "政府信息公开行政诉讼案件"],
}
NONE = {"review": ["未发生政府信息公开行政复议案件", "无行政复议案件"],
        "suit": ["未发生行政诉讼案件", "无行政诉讼案件", "未被提起行政诉讼"]}
# (comma between clauses, separator between the two blocks)
PUNCTUATION = [("，", "；"), ("，", "；"), (",", ";"), ("，", "，"), ("，", "。")]
REQUEST_OPENERS = ["{y}年{short}共收到政府信息公开申请", "本年度共收到政府信息公开申请", "全年共受理政府信息公开申请",
                   "{y}年共收到政府信息依申请公开", "本年度，{short}共收到政府信息公开申请"]
# (field, ways to state it; {} is the figure with its measure word), in table order
REQUEST_CLAUSES = [
    ("t3.carried_over.total", ["上年结转{}", "另有上年结转申请{}"]),
    ("t3.granted.total", ["予以公开{}", "同意公开{}"]),
    ("t3.partial.total", ["部分公开{}"]),
    ("t3.total.total", ["共办结{}", "已办理{}"]),
    ("t3.carried_forward.total", ["{}结转下年度继续办理", "{}结转下年度办理", "结转下年度继续办理{}"]),
]
SUBSETS = ("t3.granted.total", "t3.partial.total", "t3.carried_forward.total")  # may follow 其中


def _block(rng: random.Random, v: dict, block: str, comma: str, unit: str) -> str:
    """One block's count with its results: 行政复议16件，其中结果维持2件、…"""
    total = v[f"t4.{block}.total"]
    if not total and rng.random() < 0.7:
        return rng.choice(NONE[block])
    s = rng.choice(OPENERS[block]) + f"{{f:t4.{block}.total}}{unit}"
    style, skip_zeros = rng.randrange(2), rng.random() < 0.5
    items = [f"{names[style]}{{f:t4.{block}.{r}}}{unit}" for r, names in RESULTS.items()
             if total and (v[f"t4.{block}.{r}"] or not skip_zeros)]
    if not items:
        return s
    if rng.random() < 0.25:
        return s + "（" + "、".join(items) + "）"
    return s + comma + "其中" + rng.choice([comma, "、"]).join(items)


def appeals(rng: random.Random, v: dict) -> str:
    """行政复议 and undivided 行政诉讼 counts with their results, or that there were none."""
    if not v["t4.review.total"] and not v["t4.suit.total"]:
        return rng.choice(words.APPEALS_NONE)
    comma, semi = rng.choice(PUNCTUATION)
    unit = rng.choice(["件", "件", "件", "起", "宗"])
    return _block(rng, v, "review", comma, unit) + semi + _block(rng, v, "suit", comma, unit) + "。"


def requests(rng: random.Random, v: dict) -> str:
    """Applications received, then a few of carried over / granted / partial / handled / carried forward.

    >>> requests(random.Random(8), {"requests.received": 41, "t3.carried_forward.total": 3})
    '{y}年共收到政府信息依申请公开{f:requests.received}件，{f:t3.carried_forward.total}件结转下年度继续办理，其余全部按规定及时答复。'
    """
    if not v["requests.received"]:
        return rng.choice(words.LEGACY_REQUESTS_NONE)
    comma = rng.choice(["，", "，", ","])
    unit = rng.choice(["件", "件", "件", "份"])
    s = rng.choice(REQUEST_OPENERS) + "{f:requests.received}" + unit
    said = []
    for f, forms in REQUEST_CLAUSES:
        if v.get(f) and rng.random() < 0.5:
            lead = "其中" if not said and f in SUBSETS and rng.random() < 0.7 else ""
            s += comma + lead + rng.choice(forms).format(f"{{f:{f}}}{unit}")
            said.append(f)
    if said[-1:] == ["t3.carried_forward.total"] and rng.random() < 0.5:
        s += comma + rng.choice(["其余全部按规定及时答复", "其余均已办结"])
    elif rng.random() < 0.3:
        s += comma + "均在法定期限内答复"
    return s + "。"
