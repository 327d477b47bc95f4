"""The ``multiprose`` family: figures told in sentences that hold several numbers and years.

A sentence names the applications received and, unlabelled beside it, the applicants' counts
(``收到申请61件，涉及自然人57件``), a change on the year before, a date, the year the open
applications carry over to (``结转至2024年``); figures are whole with their 余/多/约/近 marks.
Labels follow the guidelines: only the figure the wording names is marked.

>>> import random
>>> v = {"requests.received": 61, "t3.new.natural": 57, "t3.new.total": 61, "t3.carried_forward.total": 3}
>>> t = requests(random.Random(4), v)
>>> "{f:requests.received}" in t or "{a:requests.received}" in t
True
>>> [approx(random.Random(s), 2376) for s in (0, 1, 2, 5)]
['近2400', '2300余', '约2400', '2300多']
"""
from __future__ import annotations

import math
import random

OPENERS = ["{y}年共收到政府信息公开申请", "本年度{short}收到申请", "全年共受理政府信息公开申请",
           "{y}年，{short}共收到依申请公开"]
# (field, ways to state it; {} is the figure with its measure word)
CLAUSES = [
    ("t3.carried_over.total", ["另有{y0}年结转申请{}", "上年结转{}"]),
    ("t3.granted.total", ["予以公开{}，占{pct}", "同意公开{}"]),
    ("t3.partial.total", ["部分公开{}"]),
    ("t3.total.total", ["截至{y}年12月31日，已办结{}", "共办结{}"]),
    ("t3.carried_forward.total", ["{}结转至{y1}年继续办理", "结转至{y1}年办理{}"]),
]
PROACTIVE = [
    "{y}年，{short}主动公开政府信息{a:proactive.total}条，其中在门户网站发布{n:5-300}条，通过政务新媒体发布{n:2-90}条，较{y0}年增长{pct}。",
    "全年主动公开各类政府信息{a:proactive.total}条，{md}前完成{y0}年度信息的清理{n:10-99}条。",
    "截至{y}年12月31日，主动公开政府信息{a:proactive.total}条，发布政策解读{n:3-60}篇、召开新闻发布会{n:1-12}场。",
]
APPEALS_AFTER = ["案件均在{y}年{md}前审结。", "涉及{n:2-6}个部门、{n:2-9}项政府信息。", "较{y0}年减少{n:1-5}件。"]


def approx(rng: random.Random, n: int) -> str:
    """``n`` as prose rounds it (``约2400``, ``2300余``, ``2300多``, ``近2400``); small counts as they are."""
    if n < 20:
        return str(n)
    step = 10 ** max(1, len(str(n)) - 2)
    mark = rng.choice(["约", "余", "多", "近"])
    if mark in "余多":
        return f"{n // step * step}{mark}"
    near = math.ceil(n / step) * step if mark == "近" else round(n / step) * step
    return f"{mark}{near}"


def requests(rng: random.Random, v: dict) -> str:
    """Applications received with unlabelled counts beside them, then a few of the handling figures."""
    unit = rng.choice(["件", "件", "份"])
    s = rng.choice(OPENERS) + rng.choice(["{f:requests.received}", "{a:requests.received}"]) + unit
    natural = v.get("t3.new.natural")
    if natural is not None and rng.random() < 0.8:
        s += f"，涉及自然人{natural}{unit}"
        if v["t3.new.total"] > natural:
            s += f"、法人或其他组织{v['t3.new.total'] - natural}{unit}"
    if rng.random() < 0.5:
        s += "，比{y0}年" + rng.choice(["增加", "减少"]) + "{n:1-40}" + unit
    for field, forms in CLAUSES:
        if v.get(field) and rng.random() < 0.6:
            s += "，" + rng.choice(forms).replace("{}", f"{{f:{field}}}{unit}")
    if not v.get("t3.carried_forward.total") and rng.random() < 0.5:
        s += "，无结转至{y1}年办理的申请"
    return s + "。"


def appeals(told: str, rng: random.Random) -> str:
    """An appeals template (``prose.appeals``) followed by a sentence of unlabelled numbers."""
    return told + rng.choice(APPEALS_AFTER)
