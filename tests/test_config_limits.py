"""Reading limits live in the pipeline config (``limits``): saved in pipeline.json, defaults for an older
folder, and ``--set limits.…`` really bounds reading (main process), the local workers and the Ray actors.
The decoder's two bounds (``limits.max_digit_run``, ``limits.max_value_chars``) are settings like the
rest: one configured value reaches the tagger, the value parser and the record's ``warn`` checks."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pdfbytes import pdf_from_objects

from gktagger.cli import main as cli
from gktagger.config import PipelineConfig
from gktagger.errors import ConfigError
from gktagger.io.limits import Limits, PdfLimits
from gktagger.run.rayengine import file_documents, row_document
from gktagger.training.annotations import REPO_ROOT

REPORT = "一、总体情况\n本年度收到政府信息公开申请12件，均已按时答复。\n"
TEN_DIGITS = "一、总体情况\n本年度共收到政府信息公开申请1234567890件。\n"  # the run starts at 21
EXAMPLE = REPO_ROOT / "examples" / "county_2021_cells_per_line.txt"
CELL = 3869  # the table-3 cell "1" of 予以公开/总计 in EXAMPLE


def text_pdf(pages: list[str]) -> bytes:
    """A PDF with a text layer: one line of ASCII text per page (Helvetica)."""
    count = len(pages)
    kids = " ".join(f"{4 + 2 * k} 0 R" for k in range(count)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for k, line in enumerate(pages):
        content = b"BT /F1 12 Tf 20 400 Td (%s) Tj ET" % line.encode("ascii")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents %d 0 R >>" % (5 + 2 * k))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return pdf_from_objects(objects)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "b.pdf").write_bytes(text_pdf([f"Information disclosure annual report, page {k}" for k in (1, 2, 3)]))
    (folder / "c.txt").write_text(REPORT * 3, encoding="utf-8")
    return folder


def run(folder: Path, out: Path, *settings: str) -> list[dict]:
    args = ["extract", str(folder), "-o", str(out), "--quiet"]
    for s in settings:
        args += ["--set", s]
    assert cli(args) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_a_lower_limit_set_on_the_command_line_makes_the_documented_error_record(folder, tmp_path):
    default = {r["id"].rsplit("/", 1)[-1]: r for r in run(folder, tmp_path / "default.jsonl")}
    assert [r["status"] != "error" for r in default.values()] == [True, True, True]
    lowered = {r["id"].rsplit("/", 1)[-1]: r for r in run(
        folder, tmp_path / "lowered.jsonl", "limits.pdf.max_pages=2", f"limits.max_chars={len(REPORT) * 2}")}
    assert lowered["b.pdf"]["status"] == "error" and lowered["b.pdf"]["error"] == "PDF has 3 pages (limit 2)"
    assert lowered["c.txt"]["error"] == f"document too large: {len(REPORT) * 3} characters > {len(REPORT) * 2}"
    assert lowered["a.txt"]["fields"] == default["a.txt"]["fields"]  # the rest of the batch goes on


def test_the_workers_bound_documents_by_the_limits_set(folder, tmp_path):
    # a PDF's text is only measured after reading, by the worker that extracts it
    [record] = [r for r in run(folder, tmp_path / "o.jsonl", "limits.max_chars=100") if r["id"].endswith("b.pdf")]
    assert record["status"] == "error" and record["error"].startswith("document too large: ")
    assert record["error"].endswith(" characters > 100")


@pytest.mark.parametrize("setting, message", [
    ("limits.pdf.max_pages=0", "pipeline setting limits.pdf.max_pages must be more than 0, got 0"),
    ("limits.max_chars=-5", "pipeline setting limits.max_chars must be more than 0, got -5"),
    ("limits.docx.max_xml_bytes=lots", "pipeline setting limits.docx.max_xml_bytes must be a int, got 'lots'"),
    ("limits.pdf.max_pagez=3", "unknown pipeline setting 'limits.pdf.max_pagez' (limits.pdf has: max_bytes, "
                               "max_pages, max_seconds, max_memory, min_chars_per_page)"),
    ("limits.max_digit_run=0", "pipeline setting limits.max_digit_run must be more than 0, got 0"),
    ("limits.max_value_chars=-1", "pipeline setting limits.max_value_chars must be more than 0, got -1"),
    ("limits.max_digit_run=6", "pipeline setting fields.max_cell_digits must be at most limits.max_digit_run (6), "
                               "got 7: a longer run is never read as a value"),
    ("fields.max_prose_digits=33", "pipeline setting fields.max_prose_digits must be at most limits.max_digit_run "
                                   "(32), got 33: a longer run is never read as a value"),
])
def test_a_bad_limit_is_one_line_and_exit_2_before_any_work(folder, tmp_path, capsys, setting, message):
    with pytest.raises(ConfigError, match=r"^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        PipelineConfig().override([setting])
    out = tmp_path / "o.jsonl"
    assert cli(["extract", str(folder), "-o", str(out), "--quiet", "--set", setting]) == 2
    assert capsys.readouterr().err == f"gktagger: error: {message}\n"
    assert not out.exists()


def test_zero_switches_the_worker_memory_limit_off_only():
    assert PipelineConfig().override(["limits.worker_memory_bytes=0"]).limits.worker_memory_bytes == 0
    with pytest.raises(ConfigError, match="document_seconds must be more than 0"):
        PipelineConfig().override(["limits.document_seconds=0"])


def test_pipeline_json_round_trips_the_limits(tmp_path):
    tuned = PipelineConfig().override(["limits.pdf.max_pages=40", "limits.docx.max_bytes=1000",
                                       "limits.html_parse_seconds=2.5"])
    saved = json.loads(tuned.save(tmp_path).read_text(encoding="utf-8"))
    assert saved["limits"]["pdf"]["max_pages"] == 40 and saved["limits"]["docx"]["max_bytes"] == 1000
    assert PipelineConfig.load(tmp_path) == tuned
    assert PipelineConfig.load(tmp_path).limits.html_parse_seconds == 2.5


def test_an_older_pipeline_json_without_limits_gets_the_defaults(tmp_path):
    old = PipelineConfig().override(["decoder.skip_penalty=2"]).to_dict()
    del old["limits"]
    old["version"] = 1
    (tmp_path / "pipeline.json").write_text(json.dumps(old), encoding="utf-8")
    loaded = PipelineConfig.load(tmp_path)
    assert loaded.limits == Limits() and loaded.limits.pdf == PdfLimits() and loaded.decoder.skip_penalty == 2


def test_the_ray_engine_reads_and_extracts_within_the_limits_set(folder):
    from gktagger.run.rayengine import ExtractActor

    limits = PipelineConfig().override(["limits.pdf.max_pages=2"]).limits
    pdf = folder / "b.pdf"
    [row] = file_documents({"path": str(pdf), "bytes": pdf.read_bytes()}, {}, "text", "id", limits=limits)
    assert row_document(row).error == "PDF has 3 pages (limit 2)"
    [row] = file_documents({"path": str(pdf), "bytes": pdf.read_bytes()}, {}, "text", "id")
    assert row_document(row).error is None
    import pyarrow as pa

    actor = ExtractActor(None, settings=("limits.max_chars=100",))  # what map_batches builds on each worker
    out = actor(pa.Table.from_pylist([row])).to_pylist()
    assert out[0]["status"] == "error" and json.loads(out[0]["record"])["error"].endswith(" characters > 100")


def test_an_older_pipeline_json_without_the_decoder_bounds_gets_their_defaults(tmp_path):
    old = PipelineConfig().override(["limits.max_chars=1000"]).to_dict()
    del old["limits"]["max_digit_run"], old["limits"]["max_value_chars"]
    (tmp_path / "pipeline.json").write_text(json.dumps(old), encoding="utf-8")
    loaded = PipelineConfig.load(tmp_path).limits
    assert (loaded.max_chars, loaded.max_digit_run, loaded.max_value_chars) == (1000, 32, 50_000)


def overlong(record: dict) -> list[tuple[int, int]]:
    """(start, length) of the record's digits.overlong mentions, each with its warn check."""
    runs = [(m["start"], m["length"]) for m in record["mentions"] if m["field"] == "digits.overlong"]
    warned = [c["scope"] for c in record["checks"] if c["rule"] == "digits.overlong" and c["status"] == "warn"]
    assert warned == [f"@{start}" for start, _ in runs]
    return runs


def test_a_lower_max_digit_run_makes_a_figure_the_default_reads_an_overlong_mention():
    from gktagger import extract_text

    default = extract_text(TEN_DIGITS)
    assert default["fields"]["requests.received"]["text"] == "1234567890" and overlong(default) == []
    strict = extract_text(TEN_DIGITS, config=PipelineConfig().override(["limits.max_digit_run=8"]))
    assert "requests.received" not in strict["fields"] and overlong(strict) == [(21, 10)]


def test_the_decoder_leaves_a_run_over_max_digit_run_to_the_overlong_mention():
    from gktagger import extract_text

    raw = EXAMPLE.read_text(encoding="utf-8")
    text = raw[:CELL] + "1234567890" + raw[CELL + 1:]
    default = extract_text(text)
    assert default["fields"]["t3.granted.total"]["start"] == CELL
    assert default["fields"]["t3.granted.total"]["by"] == "decoder" and (CELL, 10) not in overlong(default)
    strict = extract_text(text, config=PipelineConfig().override(["limits.max_digit_run=8"]))
    assert CELL not in {f["start"] for f in strict["fields"].values()} and (CELL, 10) in overlong(strict)


def test_the_tagger_keeps_label_distributions_only_for_values_within_the_limits():
    """Values it keeps none for are left to the model's tags: the decoder cannot re-tag them."""
    from gktagger.extract import Extractor
    from gktagger.io.document import Document
    from gktagger.io.reading import read_path

    docs = [read_path(EXAMPLE), Document("ten", TEN_DIGITS)]
    default, ten = Extractor().run(docs)
    assert len(default.prediction.positions) > 200 and "decoder" in {f["by"] for f in default.fields.values()}
    run = set(range(ten.view.text.index("1234567890"), ten.view.text.index("1234567890") + 10))
    assert run <= set(ten.prediction.positions)
    bounded, ten = Extractor(overrides=["limits.max_value_chars=200", "limits.max_digit_run=8"]).run(docs)
    assert 0 < len(bounded.prediction.positions) <= 200 and not run & set(ten.prediction.positions)
    [none] = Extractor(overrides=["limits.max_value_chars=1"]).run(docs[:1])
    assert "decoder" not in {f["by"] for f in none.fields.values()}  # (blocks.py reads figures, not distributions)


def test_max_digit_run_set_on_the_command_line_reaches_the_workers(tmp_path):
    from gktagger.run.batch import run_extract

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ten.txt").write_text(TEN_DIGITS, encoding="utf-8")
    [default] = run(folder, tmp_path / "default.jsonl")
    assert "requests.received" in default["fields"] and overlong(default) == []
    [strict] = run(folder, tmp_path / "strict.jsonl", "limits.max_digit_run=8")
    assert "requests.received" not in strict["fields"] and overlong(strict) == [(21, 10)]
    # limits given apart from the settings reach the worker's decoder and parser too
    run_extract([str(folder)], str(tmp_path / "given.jsonl"), quiet=True, limits=Limits(max_digit_run=8))
    [given] = [json.loads(line) for line in (tmp_path / "given.jsonl").read_text(encoding="utf-8").splitlines()]
    assert given["fields"] == strict["fields"] and overlong(given) == [(21, 10)]
