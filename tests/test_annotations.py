"""The gold annotations of the real corpus: complete, consistent with the texts, identities hold."""
import json

import pytest

from gktagger.io.reading import read_path
from gktagger.training import annotations as ann

ANNOTATION_DIR = ann.REPO_ROOT / "data" / "annotations" / "corpus"


def test_every_corpus_document_is_annotated(corpus):
    annotated = {d.document for d in ann.load_dir(ANNOTATION_DIR)}
    assert annotated == {str(p.relative_to(corpus)) for p in ann.corpus_files(corpus)}


@pytest.mark.parametrize("doc", ann.load_dir(ANNOTATION_DIR), ids=lambda d: d.name)
def test_annotation_matches_corpus_text_and_identities(corpus, doc):
    text = read_path(corpus / doc.document).text
    assert doc.check(text) == []
    assert ann.unexplained_failures(doc) == []
    assert doc.format in ("2021", "2019", "legacy") and doc.year
    assert doc.body and 0 <= doc.body[0] < doc.body[1] <= len(text)
    assert all(doc.body[0] <= s.start and s.end <= doc.body[1] for s in doc.spans)
    spans = sorted(doc.spans, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:])), "overlapping spans"
    assert doc.sections(), "no section headings"
    for defect in doc.defects:
        assert defect.get("rule") and defect.get("note")


def test_label_studio_round_trip(corpus):
    doc = ann.load(ANNOTATION_DIR / "pingtan_zhq_2021.txt.json")
    text = read_path(corpus / doc.document).text
    task = json.loads(json.dumps(ann.to_label_studio_task(doc, text)))
    for r in task["annotations"][0]["result"]:
        v = r["value"]
        assert text[v["start"]:v["end"]] == v["text"]
    back = ann.from_label_studio_task(task)
    assert [(s.start, s.end, s.label) for s in back.spans] == [(s.start, s.end, s.label) for s in sorted(doc.spans, key=lambda s: (s.start, s.end))]
    assert back.sha256 == doc.sha256 and back.document == doc.document


def test_save_load_round_trip(tmp_path):
    doc = ann.AnnotatedDoc("x.txt", ann.sha256_text("予以公开3件"), [ann.Span(4, 5, "3", "t3.granted.total", prose=True)],
                           "2021", 2021, (0, 6))
    back = ann.load(ann.save(doc, tmp_path / "x.json"))
    assert back.to_json() == doc.to_json()
    assert back.check("予以公开3件") == []
    assert back.check("予以公开4件")  # text changed: reported
