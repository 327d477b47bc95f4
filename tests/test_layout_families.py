"""The generator's held-out layout families: exact gold, the generator's values, and each family's shape."""
from __future__ import annotations

import random
import re
import shutil

import pytest

from gktagger.decoding.values import parse_value
from gktagger.identities import check_tables
from gktagger.lexicon import PAGE_FOOTER
from gktagger.record.topics import topic_line
from gktagger.schema import FIELDS, SECTIONS
from gktagger.tagging.tagger import DEFAULT_MODEL_DIR
from gktagger.training.annotations import gold_values
from gktagger.training.config import RecipeError, load_config
from gktagger.training.data import synth_options
from gktagger.training.synth import SynthOptions, generate
from gktagger.training.synth.compose import Report, compose
from gktagger.training.synth.options import FAMILIES, FAMILY_FORMATS, HELD_OUT_LAYOUTS, family_options

N = 12


def family_reports(family: str, n: int = N, seed: int = 5):
    """``(text, doc, report)``: the report's choices give the values the generator drew."""
    opts = family_options(SynthOptions(), family)
    out = []
    for i in range(n):
        rng = random.Random(f"{seed}/{family}/{i}")
        fmt = rng.choice(FAMILY_FORMATS.get(family, ("2021", "2019", "legacy")))
        report = Report(rng, opts, fmt, family)
        text, doc = compose(rng, opts, fmt, family, f"synthetic/{seed}/{i:05d}", report=report)
        out.append((text, doc, report))
    return out


@pytest.fixture(scope="module", params=FAMILIES)
def family(request):
    return request.param, family_reports(request.param)


def fields_of(doc, prefix: str = ""):
    return [s for s in doc.spans if s.label not in SECTIONS and s.label.startswith(prefix)]


def test_gold_spans_index_the_text_and_hold_the_generators_values(family):
    name, reports = family
    for text, doc, report in reports:
        assert doc.check(text) == [], (name, doc.document)
        for s in doc.spans:
            assert text[s.start:s.end] == s.text and s.text.strip() == s.text, (name, s)
        for s in fields_of(doc):
            v, truth = parse_value(s.text, FIELDS[s.label].kind), report.values[s.label]
            if v.na:
                assert truth == 0, (name, s)
            elif v.approx:  # 约2400, 2300余: rounded to its two leading digits
                assert abs(v.value - truth) <= 10 ** max(1, len(str(truth)) - 2), (name, s, truth)
            else:  # a decimal is printed to 2-4 places
                assert abs(v.value - truth) <= 10 ** -len(s.text.partition(".")[2]) / 2 + 1e-9, (name, s, truth)


def test_identities_hold(family):
    name, reports = family
    for _, doc, _ in reports:
        values = {k: v.value for k, v in gold_values(doc).items()}
        assert [o for o in check_tables(values, doc.format) if o.status == "fail"] == [], (name, doc.document)


def test_generate_draws_a_family_only_when_weighted():
    trained = {d.notes.split("layout=")[1].split()[0] for _, d in generate(200, seed=7)}
    assert not trained & set(FAMILIES)
    assert set(FAMILIES) <= set(HELD_OUT_LAYOUTS)
    weighted = [d for _, d in generate(20, seed=7, options=synth_options({"wholeruns": 50.0}))]
    assert sum("layout=wholeruns" in d.notes for d in weighted) > 10
    assert all(d.format in FAMILY_FORMATS["wholeruns"] for d in weighted if "layout=wholeruns" in d.notes)


def test_legacyruns_run_the_year_and_cumulative_columns_together():
    for text, doc, report in family_reports("legacyruns"):
        assert doc.format == "legacy"
        table = [s for s in fields_of(doc) if not s.prose]
        assert table, doc.document
        for s in table:  # 主动公开文件数条291574310: unit, this year, cumulative, no separator
            cumulative = re.match(r"\d+", text[s.end:]).group(0)
            unit = re.search(r"[条件條](?:\([^)]*\))?$", text[s.start - 12:s.start])  # 條(tiáo) with pinyin
            assert unit and int(cumulative) >= report.values[s.label], (s, cumulative)


def test_signedruns_run_a_signed_change_between_its_neighbours():
    seen = 0
    for text, doc, _ in family_reports("signedruns"):
        for s in fields_of(doc, "t2."):
            if s.label.endswith(".change"):
                last = s.label == "t2.fees.change"  # 行政事业性收费57-9: the change ends the row
                assert s.text[0] in "+-增减" and text[s.start - 1].isdigit() and (last or text[s.end].isdigit()), s
                seen += 1
    assert seen >= N * 4


def test_wholeruns_print_table4_on_one_line():
    joints = set()
    for text, doc, _ in family_reports("wholeruns"):
        t4 = sorted((s for s in fields_of(doc, "t4.") if not s.prose), key=lambda s: s.start)
        assert len(t4) == 15
        between = {text[a.end:b.start] for a, b in zip(t4, t4[1:])}
        assert len(between) == 1 and between <= {"", " "}, between
        joints |= between
    assert joints == {"", " "}


def test_verticalheads_break_headers_labels_and_pages_inside_tables():
    for text, doc, _ in family_reports("verticalheads"):
        t3 = sorted(fields_of(doc, "t3."), key=lambda s: s.start)
        inside = text[t3[0].start:t3[-1].end]
        assert PAGE_FOOTER.search(inside), doc.document
        value_line = text.rfind("\n", 0, min(s.start for s in fields_of(doc, "t4.")))
        assert "尚未审结" not in text[value_line - 200:value_line]  # the header is vertical or garbled


def test_mdfragments_cut_tables_and_strip_labels_from_value_rows():
    for text, doc, _ in family_reports("mdfragments"):
        rules = len(re.findall(r"(?m)^\|(?:-+\|)+$", text[doc.body[0]:doc.body[1]]))
        assert rules > 3, doc.document  # more pieces than tables 2-4
        bare = [s for s in fields_of(doc) if not s.prose and re.match(r"\| ", text[text.rfind("\n", 0, s.start) + 1:])
                and text.rfind("\n", 0, s.start) + 3 == s.start]
        assert bare, doc.document  # a value opens its markdown row: the row lost its label


def test_noheadings_start_a_section_at_a_line_that_names_its_topic():
    for text, doc, _ in family_reports("noheadings"):
        lost = [s for s in doc.spans if s.label in SECTIONS and not re.match(r"[一二三四五六七]|第", s.text)]
        assert lost, doc.document
        for s in lost:
            assert text[s.start - 1] == "\n" and topic_line(s.label).match(text, s.start), s


def test_noheadings_sections_keep_the_catalogue_order():
    """A lost section left bare (its tables missing) leaves no trace: its topic line is not printed
    inside the next section."""
    order = list(SECTIONS)
    for text, doc, _ in family_reports("noheadings", n=60):
        ids = [s["id"] for s in sorted(doc.sections(), key=lambda s: s["start"])]
        assert ids == sorted(ids, key=order.index), doc.document

def test_multiprose_sentences_hold_several_numbers():
    reports = family_reports("multiprose", n=20)
    after = [text[s.end:].split("。", 1)[0] for text, doc, _ in reports for s in fields_of(doc)
             if s.label == "requests.received"]
    assert sum(bool(re.match(r"[件份]，涉及自然人\d+[件份]", x)) for x in after) >= 5  # 收到申请61件，涉及自然人57件
    everything = "".join(text for text, _, _ in reports)
    assert re.search(r"结转至20\d\d年", everything)
    marks = [s.text for _, doc, _ in reports for s in fields_of(doc) if parse_value(s.text).approx]
    assert {"约", "余", "多", "近"} <= {ch for m in marks for ch in m}


def test_a_config_weights_a_family_and_rejects_an_unknown_layout():
    cfg = load_config("configs/smoke.yaml", ['data.synthetic_layouts={"wholeruns": 2.5}'])
    assert synth_options(cfg.data.synthetic_layouts).layout_weights["wholeruns"] == 2.5
    with pytest.raises(RecipeError, match="unknown layout wholerun "):
        synth_options({"wholerun": 1})


def test_loso_layout_trains_without_the_family_and_scores_on_it(tmp_path, monkeypatch):
    """The fold is trained with the family's weight 0 (training itself replaced by the shipped model)."""
    import gktagger.training.train as train
    from gktagger.training.loso import main as loso

    calls = []

    def fake_train(argv):
        calls.append(argv)
        shutil.copytree(DEFAULT_MODEL_DIR, argv[argv.index("--output") + 1])
        return 0

    monkeypatch.setattr(train, "main", fake_train)
    args = ["--config", "configs/smoke.yaml", "--layout", "wholeruns", "--n", "2", "--out", str(tmp_path)]
    assert loso(args) == 0
    assert calls[0][-2:] == ["--set", 'data.synthetic_layouts={"wholeruns": 0}']
    table = (tmp_path / "layouts.md").read_text()
    assert "| wholeruns | 2 |" in table and (tmp_path / "layout-wholeruns" / "scores.md").exists()
    assert loso(args + ["--rescore"]) == 0 and len(calls) == 1
    assert (tmp_path / "layouts.md").read_text() == table
