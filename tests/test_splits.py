"""Inferred splits of run-together cells, on real rows of the corpus."""
import numpy as np
import pytest

from gktagger.decoding.splits import resolve_runs
from gktagger.io.reading import read_path
from gktagger.tagging.tags import TagSpan
from gktagger.text.normalize import normalise
from gktagger.training import annotations as ann

ANNOTATIONS = ann.REPO_ROOT / "data" / "annotations" / "corpus"


def real_runs(min_cells=5):
    """(document, cells) for every run of touching one-number cells in the gold annotations."""
    out = []
    for name in ("pingtan_zhq_2021.txt", "pingtan_zhq_2023.txt", "pingtan_zhq_2019.txt"):
        doc = ann.load(ANNOTATIONS / f"{name}.json")
        fields = sorted((s for s in doc.fields() if s.label.startswith(("t3.", "t4."))), key=lambda s: s.start)
        run = []
        for s in fields:
            if run and s.start == run[-1].end and s.text.isdigit():
                run.append(s)
            else:
                if len(run) >= min_cells and any(len(c.text) > 1 for c in run):
                    out.append((doc.document, run))
                run = [s] if s.text.isdigit() else []
        if len(run) >= min_cells and any(len(c.text) > 1 for c in run):
            out.append((doc.document, run))
    return out


RUNS = real_runs()


def test_there_are_real_multi_digit_runs():
    assert len(RUNS) >= 5


@pytest.mark.parametrize("document,run", RUNS, ids=[f"{d}@{r[0].start}" for d, r in RUNS])
def test_a_wrong_model_split_is_repaired_by_the_identities(corpus, document, run):
    raw = read_path(corpus / document).text
    norm = normalise(raw)
    cells = [norm.from_raw(c.start, c.end) for c in run]
    labels = [c.label for c in run]
    begin = np.full(len(norm.text), 0.3)
    for s, _ in cells:
        begin[s] = 0.7  # the model leans to the right split without being sure
    # the model's argmax split is off by one boundary at the first multi-digit cell
    k = next(i for i, (s, e) in enumerate(cells) if e - s > 1)
    wrong = list(cells)
    s, e = wrong[k]
    if k + 1 < len(wrong):  # its first digit alone, the rest joins the next cell
        wrong[k], wrong[k + 1] = (s, s + 1), (s + 1, wrong[k + 1][1])
    else:  # the last cell: its first digit joins the previous cell
        wrong[k - 1], wrong[k] = (wrong[k - 1][0], s + 1), (s + 1, e)
    doc = ann.load(ANNOTATIONS / f"{document.split('/')[-1]}.json")
    others = [TagSpan(*norm.from_raw(s.start, s.end), s.label, 0.9) for s in doc.fields() if s not in run]
    spans = [TagSpan(a, b, l, 0.5) for (a, b), l in zip(wrong, labels)]
    fixed, inferred = resolve_runs(norm.text, others + spans, begin)
    assert [(f.start, f.end) for f in fixed[len(others):]] == cells
    assert labels[k] in inferred


@pytest.mark.parametrize("text", ["7000007", "9999999"], ids=["identities-hold", "no-split-fits"])
def test_the_model_split_stays_when_it_fits_or_nothing_fits(text):
    labels = ["t3.granted." + c for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total")]
    spans = [TagSpan(i, i + 1, l) for i, l in enumerate(labels)]
    fixed, inferred = resolve_runs(text, spans, np.full(7, 0.5))
    assert fixed == spans and not inferred
