"""One synthetic report: chrome, title, sections with prose and tables, repeats, exact labels.

>>> import random
>>> from .options import SynthOptions
>>> text, doc = compose(random.Random(5), SynthOptions(), "2021", "lines", "synthetic/5/00000")
>>> doc.format, all(text[s.start:s.end] == s.text for s in doc.spans)
('2021', True)
"""
from __future__ import annotations

import bisect
import random
import re
from functools import lru_cache

from gktagger.io.reading import read_bytes
from gktagger.lexicon import ORDINALS
from gktagger.schema import SECTIONS
from gktagger.training.annotations import AnnotatedDoc, Span, sha256_text

from gktagger.training.synth import multiprose, prose, words
from gktagger.training.synth.builder import Builder
from gktagger.training.synth.families import make_writer, prepare_values
from gktagger.training.synth.figures import print_count, report_values
from gktagger.training.synth.layouts import FlatWriter, MiniTableWriter, Part, Writer
from gktagger.training.synth.minitables import mini_table2, mini_table3, mini_table4
from gktagger.training.synth.options import SynthOptions
from gktagger.training.synth.script import add_pinyin, to_fullwidth, to_traditional
from gktagger.training.synth.tables import CellStyle, legacy_table, table2, table3, table4


def _wordings(section: str, *picks: int) -> list[str]:
    """Catalogue wordings of a section's heading (0: its heading, k: its k-th alias), repeats weighting the draw."""
    words = (SECTIONS[section].heading, *SECTIONS[section].aliases)
    return [words[k] for k in picks]


HEADINGS_NEW = {
    "overview": _wordings("overview", 0), "proactive": _wordings("proactive", 0),
    "requests": _wordings("requests", 0), "appeals": _wordings("appeals", 0, 1, 0),
    "problems": _wordings("problems", 0, 1), "other": _wordings("other", 0),
}
HEADINGS_LEGACY = {
    "overview": _wordings("overview", 1, 1, 2, 3, 4), "proactive": _wordings("proactive", 0, 1),
    "requests": _wordings("requests", 1, 2, 3), "fees": _wordings("fees", 0, 1, 2),
    "appeals": _wordings("appeals", 2), "problems": _wordings("problems", 2, 3, 1), "other": _wordings("other", 0, 1),
}
APPROX_OK = ("proactive.total", "requests.received")
GRIDS = {2: table2, 3: table3, 4: table4}
MINI_TABLES = {2: mini_table2, 3: mini_table3, 4: mini_table4}
_TOKEN = re.compile(r"\{([^{}]+)\}")


@lru_cache(maxsize=None)
def _compile(template: str) -> tuple[str, ...]:
    return tuple(_TOKEN.split(template))


class Report:
    """The choices of one document and the text helpers that use them."""
    def __init__(self, rng: random.Random, opts: SynthOptions, fmt: str, layout: str) -> None:
        self.rng, self.opts, self.fmt, self.layout = rng, opts, fmt, layout
        self.year = {"2021": rng.randint(2021, 2025), "2019": rng.choice([2019, 2020]),
                     "legacy": rng.randint(2008, 2018)}[fmt]
        self.values = report_values(rng, fmt, opts)
        prepare_values(rng, layout, self.values)
        p = rng.randrange(len(words.PROVINCES))
        self.province, self.prov_short = words.PROVINCES[p], words.PROVINCE_SHORT[p]
        self.place = rng.choice(words.PLACES)
        self.unit = self.place[-1]
        kind = rng.choice(words.ORG_TYPES)
        if rng.random() < 0.1:
            town = rng.choice(words.TOWNS)
            self.org = self.place + town + ("办事处" if town.endswith("街道") else "人民政府")
        else:
            self.org = self.place + kind
        self.short = "我" + self.unit if kind.startswith("人民政府") else rng.choice(["我局", "本机关", "我委"])
        self.domain = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 8)))
        self.postcode = f"{rng.randint(10, 85)}{rng.randint(0, 9999):04d}"
        self.phone = f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}"
        self.notes = [f"layout={layout}"]
        self.signed = False
        self.approx: dict[str, str] = {}
        self.ordinal_style = rng.choice(["{}、", "{}、", "{}、", "{}、 ", "{}．", "{}.", "第{}部分 ", "{} "])

    def ordinal(self, i: int) -> str:
        return self.ordinal_style.format(ORDINALS[i])

    def fill(self, template: str) -> list[Part] | None:
        """Template → parts; None when it names a figure this report does not state."""
        rng, out = self.rng, []
        for k, piece in enumerate(_compile(template)):
            if k % 2 == 0:
                if piece:
                    out.append(piece)
                continue
            name, _, arg = piece.partition(":")
            if name == "f":
                v = self.values.get(arg)
                if v is None:
                    return None
                out.append((print_count(rng, v, self.opts, prose=True, approx_ok=arg in APPROX_OK), arg, True))
            elif name == "a":  # a figure as prose rounds it (multiprose)
                printed = self.approx.setdefault(arg, multiprose.approx(rng, self.values[arg]))  # one rounding a report
                out.append((printed, arg, True))
            elif name == "n":
                lo, hi = map(int, arg.split("-"))
                out.append(str(rng.randint(lo, hi)))
            else:
                out.append(self._token(name))
        return out

    def _token(self, name: str) -> str:
        rng, y = self.rng, self.year
        return {
            "y": str(y), "y0": str(y - 1), "y1": str(y + 1), "org": self.org, "short": self.short,
            "unit": self.unit, "place": self.place, "province": self.province, "domain": self.domain,
            "postcode": self.postcode, "phone": self.phone,
            "docno": f"{self.place[:1]}政办{rng.choice(['发', '函', '便函'])}〔{y}〕{rng.randint(1, 120)}号",
            "pct": f"{rng.randint(1, 99)}.{rng.randint(0, 99):02d}%" if rng.random() < 0.5 else f"{rng.randint(1, 100)}%",
            "md": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        }[name]

    def sentences(self, pool: list[str], k: int, ordered: bool = False) -> list[Part]:
        """``k`` different templates of ``pool`` (in pool order when ``ordered``), filled in."""
        picked = self.rng.sample(range(len(pool)), min(k, len(pool)))
        out: list[Part] = []
        for i in sorted(picked) if ordered else picked:
            out += self.fill(pool[i]) or []
        return out

    def told(self, kind: str) -> str:
        """The template that tells the requests or appeals figures in a sentence."""
        if kind == "requests":
            return (multiprose.requests if self.layout == "multiprose" else prose.requests)(self.rng, self.values)
        told = prose.appeals(self.rng, self.values)
        return multiprose.appeals(told, self.rng) if self.layout == "multiprose" else told

    def proactive(self) -> list[Part]:
        pool = multiprose.PROACTIVE if self.layout == "multiprose" else words.PROACTIVE_FIELD
        return self.sentences(pool, 1)

    def running_text(self, k: int) -> str:
        """``k`` sentences combined from phrase pools: the bulk of a report's prose."""
        rng, out = self.rng, []
        for _ in range(k):
            s = rng.choice(words.SUBJECTS) + rng.choice(words.ACTIONS) + rng.choice(words.OBJECTS)
            for _ in range(rng.randint(0, 2)):
                s += "，" + rng.choice(words.ACTIONS) + rng.choice(words.OBJECTS)
            if rng.random() < 0.3:
                s += "，" + rng.choice(words.COUNTED)
            out.append(s + "，" + rng.choice(words.GOALS) + "。")
        return "".join("".join(p for p in self.fill(s) if isinstance(p, str)) for s in out)

    def title(self) -> str:
        y = self.year
        return self.rng.choice([f"{self.org}{y}年政府信息公开工作年度报告", f"{self.org}{y}年度政府信息公开工作年度报告",
                                f"{y}年度{self.org}政府信息公开工作年度报告", f"{y}年{self.org}政府信息公开工作年度报告"])

    def pubdate(self) -> str:
        r = self.rng
        return f"{self.year + 1}-{r.randint(1, 3):02d}-{r.randint(1, 28):02d}"


def _chrome_before(r: Report, b: Builder, w: Writer, title: str) -> None:
    rng = r.rng
    style = rng.choice(["crawler", "index", "breadcrumb"])
    date = r.pubdate()
    if style == "crawler":
        section = rng.randint(10000, 99999)
        b.text(f"标题: {title}\n发布时间: {date} {rng.randint(8, 18)}:{rng.randint(0, 59):02d}\n文号: \n发布机构: \n"
               f"栏目: 政府信息公开年报\n原文链接: https://www.{r.domain}.gov.cn/zwgk/zfxxgk/zfxxgknb/{date[:4]}{date[5:7]}/"
               f"t{date.replace('-', '')}_{section}.htm\n" + "=" * 20 + " 正文 " + "=" * 20 + "\n")
    elif style == "index":
        w.chrome(f"索引号: | {rng.randint(0, 999999999):09d}-{r.year + 1}-{rng.randint(0, 99999):05d} | 发布机构: | {r.org} |")
        w.chrome(f"发布日期: | {date} | 废止日期: | |")
        w.chrome("文 号: | 主题分类: | 政务公开 | |")
    w.chrome(rng.choice(["当前位置：", "您当前的位置:", "当前位置： "]) + rng.choice([" > ", "> ", ""]).join(
        ["首页", "政务公开", "政府信息公开年报"]) + (f" {title} 来源：{r.org} 时间：{date} 微信 微博 QQ空间" if rng.random() < 0.5 else ""))
    if rng.random() < 0.4:
        w.chrome(f"【字体：大 中 小】 浏览次数：{rng.randint(10, 99999)} 打印本页")


def _chrome_after(r: Report, w: Writer) -> None:
    rng = r.rng
    lines = ["附件下载", "扫一扫在手机打开当前页", "打印本页 关闭窗口", "分享到：微信 微博 QQ空间",
             f"主办单位：{r.org} 网站标识码：{rng.randint(1000000000, 9999999999)}",
             f"{r.prov_short}ICP备{rng.randint(10000000, 99999999)}号-{rng.randint(1, 9)}",
             f"{r.prov_short}公网安备 {rng.randint(10 ** 13, 10 ** 14 - 1)}号",
             f"地址：{r.place}人民路{rng.randint(1, 300)}号 邮编：{r.postcode} 联系电话：{r.phone}",
             f"访问量：{rng.randint(100, 9999999)}", "本网站支持IPv6"]
    for line in rng.sample(lines, rng.randint(2, 6)):
        w.chrome(line)


def _heading(r: Report, w: Writer, i: int, words_: str, label: str | None, run_on: list[Part] | None = None) -> None:
    w.heading(r.ordinal(i), words_, label, run_on if isinstance(w, _flat()) else None)
    if run_on and not isinstance(w, _flat()):
        w.para(run_on)


def _flat():
    return FlatWriter


def _paragraphs(r: Report, w: Writer, n: int, extra: list[Part] | None = None) -> None:
    """``n`` paragraphs of running text and general sentences; ``extra`` (figure sentences) goes into the first."""
    rng = r.rng
    for j in range(n):
        sentences: list[list[Part]] = [[r.running_text(rng.randint(2, 6))]]
        for t in rng.sample(words.GENERAL, rng.randint(0, 3)):
            sentences.insert(rng.randint(0, len(sentences)), r.fill(t) or [])
        if extra and j == 0:
            sentences.insert(rng.randint(0, len(sentences)), extra)
        w.para([p for s in sentences for p in s])


def _overview_figures(r: Report, k: int, upfront: bool) -> list[Part] | None:
    """Figure sentences for 总体情况's ``k``-th sub-section; ``upfront``: all of them, tables 2-4 being missing."""
    rng = r.rng
    if k == 0 and (upfront or rng.random() < 0.8):
        return r.proactive()
    if k == 1 and upfront:
        return (r.fill(r.told("requests")) or []) + (r.fill(r.told("appeals")) or [])
    if k == 1 and rng.random() < 0.8:
        return r.sentences(words.REQUESTS_FIELD, 1)
    return None


def _table(r: Report, w: Writer, number: int, style: CellStyle) -> None:
    """Table 2, 3 or 4: one grid, or a run of small tables where the layout splits them."""
    if isinstance(w, MiniTableWriter):
        w.blocks(MINI_TABLES[number](r.rng, r.fmt, r.values, style))
    else:
        w.table(GRIDS[number](r.rng, r.fmt, r.values, style))


def _body_new(r: Report, w: Writer) -> None:
    """A 2019/2021 report: six sections, tables 2-4 unless missing."""
    rng, v = r.rng, r.values
    style = CellStyle(rng, r.opts)
    tables = rng.random() >= r.opts.p_tables_missing
    upfront = not tables and rng.random() < 0.5  # figures told in 总体情况, sections 二-四 left bare
    r.notes.append(f"tables={int(tables)}")
    w.para(r.sentences(words.INTRO, rng.randint(1, 5), ordered=True))
    _heading(r, w, 0, "总体情况", "overview", r.sentences(words.GENERAL, 1))
    for k, variants in enumerate(words.OVERVIEW_SUBHEADINGS[:rng.randint(3, 5)]):
        w.sub_heading(rng.choice(variants))
        _paragraphs(r, w, rng.randint(1, 4), _overview_figures(r, k, upfront))
    headings = {k: rng.choice(vs) for k, vs in HEADINGS_NEW.items()}
    _heading(r, w, 1, headings["proactive"], "proactive")
    if tables:
        _table(r, w, 2, style)
    elif not upfront:
        w.para(r.proactive() + r.sentences(words.GENERAL, 1))
    _heading(r, w, 2, headings["requests"], "requests")
    if tables:
        _table(r, w, 3, style)
    elif not upfront:
        w.para(r.fill(r.told("requests")) or [])
    _heading(r, w, 3, headings["appeals"], "appeals")
    if tables:
        _table(r, w, 4, style)
        if rng.random() < 0.2:
            w.para(r.sentences(words.APPEALS_FIELD, 1))
    elif not upfront:
        w.para(r.fill(r.told("appeals")) or [])
    _heading(r, w, 4, headings["problems"], "problems")
    w.para(r.sentences(words.PROBLEMS, rng.randint(2, 5), ordered=True) + [r.running_text(rng.randint(1, 5))])
    _heading(r, w, 5, headings["other"], "other")
    w.para(r.sentences(words.OTHER, rng.randint(1, 2)))


def _body_legacy(r: Report, w: Writer) -> None:
    """A ≤2018 report: free section order, prose figures, optional statistics table."""
    rng, v = r.rng, r.values
    style = CellStyle(rng, r.opts)
    w.para(r.sentences(words.INTRO, rng.randint(1, 5), ordered=True))
    plan = ["overview", "proactive", "requests"]
    if rng.random() < 0.5:
        plan.append("fees")
    if rng.random() < 0.6:
        plan.append("appeals")
    plan.append("problems")
    if rng.random() < r.opts.p_unmapped_heading:
        plan.insert(rng.randint(1, len(plan)), "unmapped")
    table = rng.random() < r.opts.p_legacy_table
    if table or rng.random() < 0.3:
        plan.append("other")
    grouped = rng.random() < 0.2  # 二、政府信息公开情况 holding （一）主动公开情况 … as sub-headings
    i = 0
    received = v["requests.received"]
    appeals = v["t4.review.total"] + v["t4.suit.total"]
    for sec in plan:
        label, heading = sec, rng.choice(HEADINGS_LEGACY.get(sec, ["?"]))
        if sec == "unmapped" or (grouped and sec in ("requests", "fees", "appeals")):
            label = None
        if sec == "unmapped":
            heading = "".join(r.fill(rng.choice(words.UNMAPPED_HEADINGS)))
        if sec == "other" and table:
            heading = rng.choice(["政府信息公开情况统计表", f"{r.org}政府信息公开情况统计表", "统计表", "附表"])
        if sec == "other" and table and rng.random() < 0.35:
            _signature(r, w)  # the statistics table comes as an attachment after the sign-off
            w.heading("", f"附件{rng.choice(['', '1', '1'])}：{r.org}{r.year}年政府信息公开情况统计表", "other")
        elif grouped and sec == "proactive":
            _heading(r, w, i, "政府信息公开情况", None)
            i += 1
            w.sub_heading("（一）" + heading)
        elif grouped and label is None and sec != "unmapped":
            w.sub_heading("（{}）".format(ORDINALS[plan.index(sec) - 1]) + heading)
        else:
            _heading(r, w, i, heading, label)
            i += 1
        if sec == "overview":
            subs = rng.sample(words.LEGACY_SUBHEADINGS, rng.randint(0, 4))
            _paragraphs(r, w, rng.randint(1, 3))
            for k, sub in enumerate(subs):
                w.sub_heading(rng.choice(["（{}）{}", "（{}）{}。"]).format(ORDINALS[k], sub)
                              if rng.random() < 0.8 else f"{k + 1}.{sub}")
                _paragraphs(r, w, rng.randint(1, 3))
        elif sec == "proactive":
            _paragraphs(r, w, rng.randint(1, 3), r.proactive())
        elif sec == "requests":
            told = r.fill(r.told("requests")) if received and r.layout == "multiprose" else None
            w.para(told or r.sentences(words.LEGACY_REQUESTS if received else words.LEGACY_REQUESTS_NONE, 1))
        elif sec == "fees":
            w.para(r.sentences(words.LEGACY_FEES, 1))
        elif sec == "appeals":
            told = prose.appeals(rng, v) if appeals and rng.random() < 0.5 else None
            w.para((r.fill(told) or []) if told else r.sentences(words.APPEALS_LEGACY if appeals else words.APPEALS_NONE, 1))
        elif sec == "problems":
            w.para(r.sentences(words.PROBLEMS, rng.randint(2, 5), ordered=True) + [r.running_text(rng.randint(1, 5))])
        elif sec == "unmapped":
            _paragraphs(r, w, rng.randint(1, 2))
        elif sec == "other":
            if table:
                w.table(legacy_table(rng, r.year, v, style))
            else:
                w.para(r.sentences(words.OTHER, 1))


def _signature(r: Report, w: Writer) -> None:
    w.para([r.org])
    w.para([f"{r.year + 1}年{r.rng.randint(1, 3)}月{r.rng.randint(1, 28)}日"])
    r.signed = True


def compose(rng: random.Random, opts: SynthOptions, fmt: str, layout: str, name: str,
            report: Report | None = None, sources: dict | None = None) -> tuple[str, AnnotatedDoc]:
    """One report; ``report`` (made with the same ``rng``) fixes its choices, e.g. a body's year series;
    for the html layout, ``sources[name]`` (when given) receives the HTML source."""
    r = report or Report(rng, opts, fmt, layout)
    b = Builder()
    w = make_writer(layout, b, rng, opts)
    title = r.title()
    if layout == "html":
        b.raw(f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n")
    chrome = rng.random() < opts.p_chrome
    if chrome:
        _chrome_before(r, b, w, title)
    b.mark("body_start")
    if rng.random() < 0.85:
        w.chrome(title) if not isinstance(w, _flat()) else b.text(title + rng.choice(["", " "]))
    (_body_new if fmt != "legacy" else _body_legacy)(r, w)
    if not r.signed and rng.random() < 0.4:
        _signature(r, w)
    body_pieces = (b.marks["body_start"], len(b.pieces))
    b.mark("body_end")
    repeats = rng.choice([1, 2, 3]) if rng.random() < opts.p_repeat else 0
    r.notes.append(f"repeats={repeats}")
    for _ in range(repeats):
        if rng.random() < 0.5:
            _chrome_after(r, w)
        b.copy_unlabelled(*body_pieces)
    if chrome:
        _chrome_after(r, w)
    if layout == "html":
        b.raw("</body></html>\n")
    return _finish(r, b, name, sources)


def _transforms(r: Report):
    rng, opts = r.rng, r.opts
    traditional = rng.random() < opts.p_traditional
    pinyin = traditional and rng.random() < opts.p_pinyin
    fullwidth = rng.random() < opts.p_fullwidth
    rate = rng.choice([0.05, 0.2, 0.5])

    def plain(s: str) -> str:
        if traditional:
            s = to_traditional(s)
        if pinyin:
            s = add_pinyin(s, rng, rate)
        if fullwidth:
            s = to_fullwidth(s)
        if r.layout == "html":
            s = s.replace("&", "&amp;").replace("<", "&lt;")
        return s

    number = to_fullwidth if fullwidth else None
    r.notes += [f"traditional={int(traditional)}", f"pinyin={int(pinyin)}", f"fullwidth={int(fullwidth)}"]
    return plain, number


def _finish(r: Report, b: Builder, name: str, sources: dict | None = None) -> tuple[str, AnnotatedDoc]:
    plain, number = _transforms(r)
    text, spans = b.render(plain, number)
    body = (b.offsets["body_start"], b.offsets["body_end"])
    if r.layout == "html":
        if sources is not None:
            sources[name] = text
        text, spans, body = _project_html(text, spans, body, name)
    body = _trim(text, *body)
    doc = AnnotatedDoc(name, sha256_text(text), spans, r.fmt, r.year, body, notes="synthetic: " + " ".join(r.notes))
    return text, doc


def _project_html(source: str, spans: list[Span], body: tuple[int, int], name: str):
    """Read the HTML as gktagger does and move each span from source offsets to text offsets."""
    d = read_bytes(source.encode("utf-8"), name, suffix=".html")
    offsets = d.source_offsets
    text = d.text

    def first_at(src: int) -> int:
        return bisect.bisect_left(offsets, src)

    out = []
    for s in spans:
        i, j = first_at(s.start), first_at(s.end)
        while j > i and text[j - 1].isspace():
            j -= 1
        out.append(Span(i, j, text[i:j], s.label, s.prose))
    return text, out, (first_at(body[0]), first_at(body[1]))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The body starts and ends at a visible character."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
