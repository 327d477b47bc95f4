"""gktagger studio: the Label Studio loop, end to end against a real server on 127.0.0.1.

Tests marked ``labelstudio`` share one server per session (``tests/labelstudio_server.py``);
each uses its own project. The annotator's part is played through the API, as the web UI does it:
an annotation made from the task's prediction, with the annotator's changes, then submitted.
"""
from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import labelstudio_server
from gktagger.cli import main
from gktagger.io.document import Document
from gktagger.io.reading import read_path
from gktagger.record.validate import revalidate
from gktagger.schema import GROUPS, entity_labels, group_of
from gktagger.studio.config import GROUP_COLOURS, labeling_config
from gktagger.studio.pull import EXPORT_PREFIX
from gktagger.studio.push import Candidate, choose
from gktagger.training import annotations as ann

ROUND_TRIP_DOCS = ("reports/pingtan_zhq_2019.txt", "reports/shanghai_bgt_2019.html")  # plain text and HTML
SMOKE_CONFIG = ann.REPO_ROOT / "configs" / "smoke.yaml"
SAMPLING_DOCS = ("reports/pingtan_county_2011.txt", "reports/pingtan_lwt_2019.txt",
                 "reports/pingtan_zhq_2023.txt", "reports/kiro_sh_bgt_2025.md")


# --- fixtures ---

@pytest.fixture
def studio(labelstudio, capsys):
    """Run ``gktagger studio ARGS... --url U --token T``; returns (exit code, stderr lines)."""
    def run(*args: str, url: str | None = None, token: str | None = None) -> tuple[int, list[str]]:
        capsys.readouterr()
        code = main(["studio", *args, "--url", url or labelstudio.url, "--token", token or labelstudio.token])
        err = [l for l in capsys.readouterr().err.splitlines() if l.strip() and not l.startswith("Loading weights")]
        return code, err
    return run


def project_tasks(client, title: str) -> list[dict]:
    [project] = [p for p in client.projects.list(title=title) if p.title == title]
    return sorted((t.model_dump() for t in client.tasks.list(project=project.id, fields="all")),
                  key=lambda t: t["id"])


def labeling_stream_next(labelstudio, project_id: int) -> dict:
    """The next task of the labeling stream, with the predictions Label Studio pre-annotates it with."""
    url = f"{labelstudio.url}/api/projects/{project_id}/next"
    status, body = labelstudio_server.get(url, labelstudio.token)
    assert status == 200, body
    return json.loads(body)


def submit(client, task: dict, result: list[dict]) -> None:
    """What the UI sends when an annotator submits an annotation started from the task's prediction."""
    client.annotations.create(id=task["id"], result=result, was_cancelled=False, ground_truth=False,
                              lead_time=12.5, parent_prediction=task["predictions"][0]["id"])


def region(start: int, end: int, text: str, label: str, rid: str) -> dict:
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def gold_spans(document: str) -> list[ann.Span]:
    [doc] = [d for d in ann.load_dir(ann.REPO_ROOT / "data" / "annotations" / "corpus") if d.document == document]
    return doc.spans


# --- the labeling config ---

def test_config_lists_every_id_once_grouped_and_coloured(capsys):
    assert main(["studio", "config"]) == 0
    xml = capsys.readouterr().out
    assert xml == labeling_config()
    root = ET.fromstring(xml)
    labels = root.find("Labels")
    assert (labels.get("name"), labels.get("toName"), labels.get("showInline")) == (ann.FROM_NAME, ann.TO_NAME, "true")
    text = root.find("Text")
    assert (text.get("name"), text.get("value")) == (ann.TO_NAME, "$" + ann.TO_NAME)
    values = [l.get("value") for l in labels.iter("Label")]
    assert values == entity_labels()  # every section and field ID, once, in catalogue order
    assert len(values) == len(set(values)) == 240
    assert all(l.get("background") == GROUP_COLOURS[group_of(l.get("value"))] for l in labels.iter("Label"))
    assert len(set(GROUP_COLOURS.values())) == len(GROUPS)
    assert [h.get("value") for h in labels.findall("Header")] and len(labels.findall("Header")) == len(GROUPS)
    assert "hotkey" not in xml


# --- choosing documents (the validator and scores are real; no server needed) ---

def scored(name: str, scores: list[float], fields: dict | None = None) -> Candidate:
    """A candidate whose record has fields scored ``scores`` (and ``fields``), and a heading scored 1."""
    c = Candidate(Document(name, "x"), [ann.Span(0, 1, "x", "overview", score=1.0)])
    fields = dict(fields or {})
    free = ("t2.regulations.issued", "t2.regulations.repealed", "t2.normative.issued")  # in no identity
    fields.update({fid: {"value": 1, "score": s} for fid, s in zip(free, scores)})
    c.record = revalidate({"format": "2021", "status": "ok", "fields": fields})
    return c


def test_choose_uncertain_takes_the_lowest_mean_field_scores_first():
    """The ranking is by the extracted record's field scores (headings and raw tags do not count)."""
    docs = [scored("a", [0.9, 0.9]), scored("b", [0.2, 0.6]), scored("c", []), scored("d", [0.5])]
    assert [c.doc.id for c in choose(docs, 3, "uncertain")] == ["c", "b", "d"]


def test_choose_invalid_takes_only_documents_failing_a_check():
    def t3(new, total):  # 一+二 = 三(七)+四 holds only when new == total
        return {f"t3.{row}.natural": {"value": v} for row, v in
                (("new", new), ("carried_over", 0), ("total", total), ("carried_forward", 0))}

    docs = [scored("ok", [0.5], t3(3, 3)), scored("bad", [0.9], t3(5, 1)), scored("empty", [0.1])]
    assert [c.doc.id for c in choose(docs, 5, "invalid")] == ["bad"]


def test_choose_random_is_seeded_and_keeps_input_order():
    docs = [scored(str(i), [0.5]) for i in range(8)]
    picks = {s: [c.doc.id for c in choose(docs, 3, "random", seed=s)] for s in range(6)}
    assert picks[1] == [c.doc.id for c in choose(docs, 3, "random", seed=1)]
    assert all(len(set(p)) == 3 and p == sorted(p, key=int) for p in picks.values())
    assert len({tuple(p) for p in picks.values()}) > 1


# --- annotations that carry their text ---

def test_annotation_text_key_round_trips_and_corpus_files_have_none(corpus):
    doc = ann.AnnotatedDoc("pages/x.txt", ann.sha256_text("一、总体情况"), [ann.Span(0, 6, "一、总体情况", "overview")],
                           text="一、总体情况")
    again = ann.AnnotatedDoc.from_json(json.loads(json.dumps(doc.to_json())))
    assert again.text == ann.document_text(again) == "一、总体情况" and again.check(again.text) == []
    [corpus_doc] = [d for d in ann.load_dir(ann.REPO_ROOT / "data" / "annotations" / "corpus")
                    if d.document == ROUND_TRIP_DOCS[0]]
    assert corpus_doc.text is None and "text" not in corpus_doc.to_json()
    assert ann.sha256_text(ann.document_text(corpus_doc)) == corpus_doc.sha256


# --- against the server ---

@pytest.mark.labelstudio
def test_round_trip_push_correct_pull_train(studio, client, labelstudio, corpus, tagging_model, tmp_path):
    """Push with predictions → correct one label, add a missed span → pull → the files train a model."""
    from gktagger.training.synth import generate

    synth_text, synth_gold = next(generate(1, seed=41, formats=("2021",), layouts=["lines"]))
    synth_path = tmp_path / "pages" / "county_2021.txt"
    synth_path.parent.mkdir()
    synth_path.write_text(synth_text, encoding="utf-8")
    inputs = [str(corpus / d) for d in ROUND_TRIP_DOCS] + [str(synth_path)]
    code, err = studio("push", *inputs, "--project", "round trip", "--model", str(tagging_model))
    assert code == 0, err
    assert "pushed 3 document(s)" in err[-1]

    tasks = project_tasks(client, "round trip")
    model_version = json.loads((tagging_model / "gktagger.json").read_text())["model_version"]
    next_task = labeling_stream_next(labelstudio, tasks[0]["project"])  # what the annotator is shown
    assert next_task["predictions"][0]["model_version"] == model_version and next_task["predictions"][0]["result"]
    expected = {}
    for task in tasks:
        data = task["data"]
        text = read_path(data["id"]).text
        assert data["text"] == text and data["sha256"] == ann.sha256_text(text)
        [prediction] = task["predictions"]
        assert prediction["model_version"] == model_version
        predicted = prediction["result"]
        assert predicted and all(0 < r["score"] <= 1 for r in predicted)
        assert all(r["value"]["text"] == text[r["value"]["start"]:r["value"]["end"]] for r in predicted)

        result = copy.deepcopy(predicted)
        for r in result:
            r.pop("score")  # the UI drops region scores when it turns a prediction into an annotation
        wrong = result[0]["value"]
        wrong["labels"] = ["t3.new.natural" if wrong["labels"] != ["t3.new.natural"] else "t3.new.total"]
        golds = synth_gold.spans if data["id"] == str(synth_path) else gold_spans(data["id"][len(str(corpus)) + 1:])
        taken = [(r["value"]["start"], r["value"]["end"]) for r in result]
        # a gold span the prediction missed and overlaps nowhere (training refuses overlapping spans)
        missed = next(g for g in golds if all(g.end <= s or e <= g.start for s, e in taken))
        result.append(region(missed.start, missed.end, missed.text, missed.label, "added1"))
        submit(client, task, result)
        expected[data["id"]] = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in result)

    pulled = tmp_path / "pulled"
    code, err = studio("pull", "--project", "round trip", "-o", str(pulled))
    assert code == 0, err
    files = sorted(p.name for p in pulled.iterdir())
    assert len(files) == 4 and f"{EXPORT_PREFIX}round_trip.json" in files
    docs = {d.document: d for d in ann.load_dir(pulled)}
    by_path = {str(corpus / d): d for d in ROUND_TRIP_DOCS} | {str(synth_path): str(synth_path)}
    assert set(docs) == set(by_path.values())  # corpus files by their corpus name, other pages by id
    for path, name in by_path.items():
        doc = docs[name]
        text = read_path(path).text
        assert doc.text == (text if name == str(synth_path) else None)  # corpus texts are not copied
        assert doc.sha256 == ann.sha256_text(text) and doc.check(text) == []
        assert sorted((s.start, s.end, s.label) for s in doc.spans) == expected[path]
        assert all(s.text == text[s.start:s.end] and s.score is None for s in doc.spans)

    before = {p.name: p.read_bytes() for p in pulled.iterdir()}
    code, err = studio("pull", "--project", "round trip", "-o", str(pulled))
    assert code == 0 and "0 annotation(s) written, 3 unchanged" in err[-1]
    assert {p.name: p.read_bytes() for p in pulled.iterdir()} == before

    from gktagger.training.train import main as train

    model = tmp_path / "retrained"
    assert train(["--config", str(SMOKE_CONFIG), "--output", str(model), "--set", f"data.annotations=[{pulled}]",
                  "data.dev_documents=[]", "data.synthetic_n=2", "train.max_steps=2", "train.eval_every=1000"]) == 0
    assert sorted(json.loads((model / "gktagger.json").read_text())["train_documents"]) == sorted(by_path.values())


@pytest.mark.labelstudio
def test_push_skips_documents_already_in_the_project(studio, client, corpus, tagging_model, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(read_path(corpus / ROUND_TRIP_DOCS[0]).text, encoding="utf-8")
    first = str(corpus / SAMPLING_DOCS[0])
    assert studio("push", first, str(page), "--project", "dedup", "--model", str(tagging_model))[0] == 0
    code, err = studio("push", first, str(page), str(corpus / SAMPLING_DOCS[1]), "--project", "dedup",
                       "--model", str(tagging_model))
    assert code == 0 and "pushed 1 document(s)" in err[-1] and "(2 already there)" in err[-1]
    page.write_text(page.read_text(encoding="utf-8") + "\n附件：无", encoding="utf-8")  # same id, new text
    assert studio("push", str(page), "--project", "dedup", "--model", str(tagging_model))[0] == 0
    keys = [(t["data"]["id"], t["data"]["sha256"]) for t in project_tasks(client, "dedup")]
    assert len(keys) == len(set(keys)) == 4 and sum(k[0] == str(page) for k in keys) == 2


@pytest.mark.labelstudio
def test_sampling_strategies_pick_documents_by_the_model(studio, client, corpus, tagging_model):
    from gktagger.extract import Extractor

    inputs = [str(corpus / d) for d in SAMPLING_DOCS]
    assert studio("push", *inputs, "--project", "sampling all", "--model", str(tagging_model))[0] == 0
    from gktagger.studio.predictions import field_confidence

    records = {r["id"]: r for r in Extractor(model=str(tagging_model)).extract([read_path(p) for p in inputs])}
    means = {}
    for task in project_tasks(client, "sampling all"):
        means[task["data"]["id"]] = task["predictions"][0]["score"]  # the mean field score of the record
        assert means[task["data"]["id"]] == round(field_confidence(records[task["data"]["id"]]), 4)
    assert len(set(means.values())) == len(inputs)  # no ties: the ranking is decided

    def sampled(project: str, *options: str) -> list[str]:
        code, err = studio("push", *inputs, "--project", project, "--model", str(tagging_model), *options)
        assert code == 0, err
        return [t["data"]["id"] for t in project_tasks(client, project)]

    assert sampled("uncertain", "--sample", "2", "--strategy", "uncertain") == sorted(means, key=means.get)[:2]
    random_picks = {seed: sampled(f"random {seed}", "--sample", "2", "--seed", str(seed)) for seed in range(4)}
    assert all(len(set(p)) == 2 and set(p) <= set(inputs) for p in random_picks.values())
    assert sampled("random 1 again", "--sample", "2", "--seed", "1") == random_picks[1]
    assert len({tuple(p) for p in random_picks.values()}) > 1
    invalid = [i for i, r in records.items() if r["status"] == "invalid"]
    assert sorted(sampled("invalid", "--strategy", "invalid")) == sorted(invalid)


@pytest.mark.labelstudio
def test_pull_reports_a_span_that_does_not_match_its_text(studio, client, corpus, tagging_model, tmp_path):
    inputs = [str(corpus / d) for d in SAMPLING_DOCS[:2]]
    assert studio("push", *inputs, "--project", "mismatch", "--model", str(tagging_model))[0] == 0
    bad, good = project_tasks(client, "mismatch")
    text = bad["data"]["text"]
    heading = gold_spans(bad["data"]["id"][len(str(corpus)) + 1:])[0]
    shifted = region(heading.start + 1, heading.end + 1, heading.text, heading.label, "r1")  # text kept, offsets moved
    submit(client, bad, [shifted])
    good_heading = gold_spans(good["data"]["id"][len(str(corpus)) + 1:])[0]
    submit(client, good, [region(good_heading.start, good_heading.end, good_heading.text, good_heading.label, "r1")])

    out = tmp_path / "pulled"
    code, err = studio("pull", "--project", "mismatch", "-o", str(out))
    assert code == 1
    problem = f"[{heading.start + 1}:{heading.end + 1}] is {text[heading.start + 1:heading.end + 1]!r}, annotated {heading.text!r}"
    assert [l for l in err if l.startswith("gktagger: task")] == [
        f"gktagger: task {bad['id']}: {bad['data']['id']}: span {heading.label} {problem}"]
    assert [d.document for d in ann.load_dir(out)] == [SAMPLING_DOCS[1]]


@pytest.mark.labelstudio
def test_server_problems_exit_2_with_one_line_and_write_nothing(studio, labelstudio, corpus, tagging_model,
                                                                 tmp_path):
    out = tmp_path / "pulled"
    down = f"http://127.0.0.1:{labelstudio_server.free_port()}"
    cases = [
        (("pull", "--project", "x", "-o", str(out)), {"url": down}, "cannot reach Label Studio at " + down),
        (("push", str(corpus / SAMPLING_DOCS[0]), "--project", "x"), {"url": down}, "cannot reach Label Studio"),
        (("pull", "--project", "x", "-o", str(out)), {"token": "0" * 40}, "refused the API token (HTTP 401)"),
        (("push", str(corpus / SAMPLING_DOCS[0]), "--project", "x"), {"token": "0" * 40}, "refused the API token"),
        (("pull", "--project", "no such project", "-o", str(out)), {}, "no Label Studio project titled 'no such project'"),
        (("push", str(corpus / SAMPLING_DOCS[0]), "--project", "ab", "--model", str(tagging_model)), {},
         "answered HTTP 400: title: Ensure this field has at least 3 characters."),
    ]
    for args, server, message in cases:
        code, err = studio(*args, **server)
        assert code == 2 and len(err) == 1 and err[0].startswith("gktagger: error: ") and message in err[0], (args, err)
    assert not out.exists()


@pytest.mark.labelstudio
def test_a_push_with_another_model_makes_it_the_prelabeling_model(studio, client, corpus, smoke_model,
                                                                   tagging_model):
    def push(doc: str, model: Path) -> str:
        assert studio("push", str(corpus / doc), "--project", "models", "--model", str(model))[0] == 0
        [project] = [p for p in client.projects.list(title="models") if p.title == "models"]
        return client.projects.get(project.id).model_version

    versions = [json.loads((m / "gktagger.json").read_text())["model_version"] for m in (smoke_model, tagging_model)]
    assert versions[0] != versions[1]
    assert push(SAMPLING_DOCS[0], smoke_model) == versions[0]
    assert push(SAMPLING_DOCS[1], tagging_model) == versions[1]


@pytest.mark.labelstudio
def test_personal_access_tokens_are_accepted(studio, client, tmp_path):
    """Label Studio 1.23 hands out JWT personal access tokens by default; the SDK exchanges them."""
    token = client.tokens.create().token
    code, err = studio("pull", "--project", "no such project", "-o", str(tmp_path / "out"), token=token)
    assert code == 2 and "no Label Studio project titled" in err[0]  # past authentication
