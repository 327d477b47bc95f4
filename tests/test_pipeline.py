"""The post-model stage: named stages, switched by configuration, each field saying who made it."""
import ast
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from gktagger.config import DEFAULT_MODEL_DIR, PipelineConfig
from gktagger.errors import ConfigError
from gktagger.extract import Extractor
from gktagger.io.document import Document
from gktagger.pipeline import STAGES, active_stages, run_stages
from gktagger.tagging.tagger import Prediction
from gktagger.tagging.tags import spans_to_tags
from gktagger.text.body import BodyView

PACKAGE = Path(__file__).resolve().parent.parent / "gktagger"


def _prose_appeals():
    """行政复议 figures the model tagged with the wrong results: the cue stage renames them."""
    text = "四、行政复议、行政诉讼情况\n收到行政复议申请16件,其中结果维持2件,结果纠正6件。"
    view = BodyView.of(text)
    body = view.text
    wrong = [(body.index("16"), body.index("16") + 2, "t4.review.upheld"),
             (body.index("2件"), body.index("2件") + 1, "t4.review.total"),
             (body.rindex("6件"), body.rindex("6件") + 1, "t4.review.upheld")]
    tags = np.array(spans_to_tags(len(body), wrong))
    pred = Prediction(tags, np.ones(len(tags)), np.zeros(len(tags)))
    return Document(id="x", text=text), view, pred


def test_a_stage_switched_off_by_configuration_changes_what_it_changed():
    doc, view, pred = _prose_appeals()
    on = run_stages(doc, view, pred, PipelineConfig()).record()["fields"]
    off = run_stages(doc, view, pred, PipelineConfig(disabled=("cues",))).record()["fields"]
    assert {f: v["value"] for f, v in on.items()} == {"t4.review.total": 16, "t4.review.upheld": 2,
                                                      "t4.review.corrected": 6}
    assert {v["by"] for v in on.values()} == {"cue"} and on["t4.review.total"]["rule"] == "clause names total"
    assert {f: v["value"] for f, v in off.items()} == {"t4.review.upheld": 16, "t4.review.total": 2}
    assert {v["by"] for v in off.values()} == {"model"}


def test_only_optional_stages_can_be_switched_off():
    assert [s.name for s in active_stages(PipelineConfig(disabled=("decode", "search")))] == [
        s.name for s in STAGES if s.name not in ("decode", "search")]
    with pytest.raises(ConfigError, match="cannot switch off stage 'fields'"):
        active_stages(PipelineConfig(disabled=("fields",)))


def test_every_field_and_section_says_which_stage_made_it():
    record = Extractor().extract([Document(id="x", text=(PACKAGE.parent / "examples" / "district_2019_flattened.txt")
                                           .read_text(encoding="utf-8"))])[0]
    stages = {"model", "decoder", "realign", "blocks", "split", "cue", "legacy", "signed", "table2", "search"}
    assert record["fields"] and all(f["by"] in stages for f in record["fields"].values())
    assert "decoder" in {f["by"] for f in record["fields"].values()}
    assert record["sections"] and all(s["by"] in stages for s in record["sections"])


def test_a_model_folder_pins_its_pipeline_and_an_older_one_gets_the_defaults(tmp_path):
    assert PipelineConfig.load(DEFAULT_MODEL_DIR) == PipelineConfig()
    old = tmp_path / "old"
    shutil.copytree(DEFAULT_MODEL_DIR, old)
    (old / "pipeline.json").unlink()
    assert Extractor(model=str(old)).config == PipelineConfig()
    tuned = PipelineConfig().override(["decoder.skip_penalty=2", "windows.stride=300"])
    tuned.save(old)
    extractor = Extractor(model=str(old), overrides=["disabled=[cues]"])
    assert extractor.config.decoder.skip_penalty == 2.0 and extractor.config.disabled == ("cues",)
    assert extractor.tagger.stride == 300
    (old / "pipeline.json").write_text(json.dumps({"version": 99}))
    with pytest.raises(ConfigError, match="upgrade gktagger"):
        PipelineConfig.load(old)


@pytest.mark.parametrize("setting", ["decoder.skip_penalty=cheap", "windows.size=1.5", "disabled=cues", "nothing=1"])
def test_a_wrong_setting_is_one_clear_error(setting):
    with pytest.raises(ConfigError):
        PipelineConfig().override([setting])


def test_on_error_raise_lets_the_exception_through(monkeypatch):
    extractor = Extractor(on_error="raise")
    bad = PipelineConfig(disabled=("nonsense",))
    extractor.config = bad
    with pytest.raises(ConfigError):
        extractor.extract([Document(id="x", text="一、总体情况\n本年度收到申请3件。")])
    extractor.on_error = "record"
    record = extractor.extract([Document(id="x", text="一、总体情况\n本年度收到申请3件。")])[0]
    assert record["status"] == "error" and record["error"].startswith("could not assemble: ConfigError: ")


def _imports(path: Path) -> tuple[set[str], list[tuple[int, str]]]:
    """gktagger modules ``path`` imports (a function's imports too: a cycle through one still binds the
    modules together), and every import made inside a function."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    top, inner = set(), []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    nested = {id(n) for f in functions for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(filter(None, [*base, node.module or ""]))
            # `from package import submodule` depends on the submodule; a name that is no module maps
            # back to its module in import_graph
            names = [f"{module}.{a.name}" for a in node.names]
        else:
            names = [a.name for a in node.names]
        for name in names:
            if id(node) in nested:
                inner.append((node.lineno, name))
            if name.startswith("gktagger") and not _type_checking_only(tree, node):
                top.add(name)
    return top, inner


def _type_checking_only(tree, node) -> bool:
    return any(isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING" and node in ast.walk(n)
               for n in ast.walk(tree))


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        graph[module] = _imports(path)[0]
    modules = set(graph)
    return {m: {d if d in modules else d.rsplit(".", 1)[0] for d in deps} & modules - {m} for m, deps in graph.items()}


def test_the_package_has_no_import_cycle():
    """``python -c "import sys; sys.path[:0] = ['tests']; from test_pipeline import import_graph; print(import_graph())"``
    prints the graph."""
    graph = import_graph()
    state: dict[str, int] = {}

    def visit(m, path):
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                pytest.fail("import cycle: " + " → ".join(path[path.index(d):] + [d]))
            if d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_a_prose_figure_tagged_in_part_is_read_whole_and_a_year_is_no_count():
    text = "一、总体情况\n本年度共收到政府信息公开申请23816件,其中2件结转至2024年办理。"
    view = BodyView.of(text)
    body = view.text
    part = (body.index("23816"), body.index("23816") + 4, "requests.received")  # "2381"
    year = (body.index("2024"), body.index("2024") + 3, "t3.carried_forward.total")  # "202"
    tags = np.array(spans_to_tags(len(body), [part, year]))
    pred = Prediction(tags, np.ones(len(tags)), np.zeros(len(tags)))
    doc = Document(id="x", text=text)
    fields = run_stages(doc, view, pred, PipelineConfig()).record()["fields"]
    assert fields["requests.received"]["value"] == 23816 and fields["requests.received"]["text"] == "23816"
    assert fields["t3.carried_forward.total"]["text"] == "2"  # 2024年 is a date; 2件结转至… names the row
    off = run_stages(doc, view, pred, PipelineConfig(disabled=("figures",))).record()["fields"]
    assert off["requests.received"]["value"] == 2381 and off["t3.carried_forward.total"]["value"] == 202


def test_a_run_of_several_cells_no_identity_decides_gets_no_value_but_candidates():
    text = "二、主动公开政府信息情况\n行政许可518230417\n行政处罚12\n"
    view = BodyView.of(text)
    body = view.text
    run = (body.index("518230417"), body.index("518230417") + 9, "t2.licensing.decisions")
    small = (body.index("12"), body.index("12") + 2, "t2.penalty.decisions")
    tags = np.array(spans_to_tags(len(body), [run, small]))
    pred = Prediction(tags, np.ones(len(tags)), np.zeros(len(tags)))
    fields = run_stages(Document(id="x", text=text), view, pred, PipelineConfig()).record()["fields"]
    entry = fields["t2.licensing.decisions"]
    assert entry["value"] is None and entry["ambiguous"] and entry["text"] == "518230417"
    assert entry["candidates"][0] == [518, 230, 417] and all(len(c) == 3 for c in entry["candidates"])
    assert fields["t2.penalty.decisions"]["value"] == 12 and "candidates" not in fields["t2.penalty.decisions"]


def test_a_section_whose_heading_is_lost_starts_at_its_first_sub_heading():
    text = ("一、总体情况\n本年度工作。\n三、收到和处理政府信息公开申请情况\n共收到申请3件。\n四、政府信息公开行政复议、行政诉讼情况\n无。\n"
            "(一)存在的主要问题\n人员不足。\n六、其他需要报告的事项\n无。\n")
    view = BodyView.of(text)
    body = view.text
    heads = [(body.index(h), body.index(h) + len(h), sid) for h, sid in (
        ("一、总体情况", "overview"), ("三、收到和处理政府信息公开申请情况", "requests"),
        ("四、政府信息公开行政复议、行政诉讼情况", "appeals"), ("六、其他需要报告的事项", "other"))]
    tags = np.array(spans_to_tags(len(body), heads))
    pred = Prediction(tags, np.ones(len(tags)), np.zeros(len(tags)))
    sections = run_stages(Document(id="x", text=text), view, pred, PipelineConfig()).record()["sections"]
    assert [(s["id"], s["title"], s["by"]) for s in sections] == [
        ("overview", "一、总体情况", "model"), ("requests", "三、收到和处理政府信息公开申请情况", "model"),
        ("appeals", "四、政府信息公开行政复议、行政诉讼情况", "model"), ("problems", "(一)存在的主要问题", "search"),
        ("other", "六、其他需要报告的事项", "model")]  # 二 is lost too, but no line names proactive's topic


def _sections_from(text: str, heads: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(id, title, by) of each section when the model tags exactly ``heads`` (wording, section id)."""
    view = BodyView.of(text)
    body = view.text
    tags = np.array(spans_to_tags(len(body), [(body.index(h), body.index(h) + len(h), sid) for h, sid in heads]))
    pred = Prediction(tags, np.ones(len(tags)), np.zeros(len(tags)))
    record = run_stages(Document(id="x", text=text), view, pred, PipelineConfig()).record()
    return [(s["id"], s["title"], s["by"]) for s in record["sections"]]


@pytest.mark.parametrize("three, five", [("三 ", "五 "), ("第三部分 ", "第五部分 ")])
def test_a_lost_heading_is_found_between_ordinals_written_with_a_space_or_as_parts(three, five):
    """Table 3's own 四、结转下年度继续办理 is no printed 四; its row 2.申请人逾期未按收费… names no section."""
    text = (f"{three}收到和处理政府信息公开申请情况\n本列数据如下。\n四、结转下年度继续办理\n0\n"
            "2.申请人逾期未按收费通知要求缴纳费用\n0\n本年度政府信息公开行政复议、行政诉讼情况如下。\n行政复议\n0\n"
            f"{five}存在的主要问题及改进情况\n人员不足。\n")
    heads = [(f"{three}收到和处理政府信息公开申请情况", "requests"), (f"{five}存在的主要问题及改进情况", "problems"),
             ("四、结转下年度继续办理", "appeals")]  # the model takes table 3's row for a heading
    assert _sections_from(text, heads) == [
        ("requests", f"{three}收到和处理政府信息公开申请情况".strip(), "model"),
        ("appeals", "本年度政府信息公开行政复议、行政诉讼情况如下。", "search"),
        ("problems", f"{five}存在的主要问题及改进情况".strip(), "model")]


def test_a_heading_tagged_on_its_first_sub_heading_moves_back_to_the_section_heading():
    from gktagger.record.build import settle_headings
    from gktagger.tagging.tags import TagSpan

    text = "不断提高服务水平。二、主动公开政府信息情况（一）主动公开政府信息的数量本年度……"
    sub = text.index("主动公开政府信息的数量")
    settled = settle_headings(text, [TagSpan(sub, sub + 8, "proactive")])
    assert [(text[h.start:h.start + 6], h.label) for h in settled] == [("二、主动公开", "proactive")]


# Imported inside a function on purpose: optional extras, or heavy libraries that `gktagger --help`,
# `validate` and `report` must not pay for (torch and what imports it, Ray, Arrow, servers).
HEAVY = {"torch", "transformers", "onnxruntime", "onnx", "ray", "pyarrow", "pandas", "polars", "pdfplumber", "pdfminer",
         "docx", "fastapi", "uvicorn", "label_studio_sdk", "httpx", "datasets", "sklearn"}
LAZY = HEAVY | {"opencc", "charset_normalizer", "tqdm", "jinja2", "pypdf", "safetensors", "tokenizers", "lxml"}


def heavy_modules(graph: dict[str, set[str]]) -> set[str]:
    """gktagger modules that import a heavy or optional library at module level, directly or through others."""
    heavy = set()
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = {a.name for n in top if isinstance(n, ast.Import) for a in n.names} | {
            n.module or "" for n in top if isinstance(n, ast.ImportFrom) and not n.level}
        if any(name.split(".")[0] in HEAVY for name in names):
            heavy.add(module)
    lazy_edges = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"):
                  {name for _, name in _imports(p)[1]} for p in PACKAGE.rglob("*.py")}
    changed = True
    while changed:
        changed = False
        for m, deps in graph.items():
            if m not in heavy and (deps - lazy_edges.get(m, set())) & heavy:
                heavy.add(m)
                changed = True
    return heavy


def test_imports_inside_functions_are_only_for_heavy_or_optional_modules():
    graph = import_graph()
    heavy = heavy_modules(graph)
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "__init__.py":
            continue  # its module __getattr__ (PEP 562) is the lazy public API: `import gktagger` stays light
        for line, name in _imports(path)[1]:
            root = name.split(".")[0]
            module = name if name in graph else name.rsplit(".", 1)[0]  # from .pkg import module / name
            if root == "gktagger" and module not in heavy:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name} inside a function")
            elif root not in ("gktagger", *LAZY):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name} inside a function")
    assert not wrong, "\n".join(wrong)
