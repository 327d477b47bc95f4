"""The model runs on the next documents while Python decodes the current one (issue 20: overlap)."""
import threading

import numpy as np
import pytest

from gktagger.extract import Extractor
from gktagger.io.document import Document
from gktagger.run.guard import extract_guarded
from gktagger.tagging.tagger import Tagger

LONG = "三、收到和处理政府信息公开申请情况\n本年度收到申请12件，予以公开5件。\n" * 300  # ~20 windows


@pytest.fixture
def tagger():
    return Tagger.from_pretrained()


def counting(tagger, before_call=None):
    """The tagger's runner, wrapped to count its calls (and run ``before_call(n)`` before the n-th)."""
    calls, runner = [], tagger.runner

    def run(input_ids, attention_mask):
        calls.append(len(input_ids))
        if before_call:
            before_call(len(calls))
        return runner(input_ids, attention_mask)
    tagger.runner = run
    return calls


def test_texts_arrive_one_by_one_with_the_probabilities_of_one_call(tagger):
    texts = [LONG, LONG.replace("12", "7"), "一、总体情况"]
    whole = tagger.predict_many(texts)
    calls = counting(tagger)
    seen_after = []
    for pred, same in zip(tagger.iter_predictions(texts), whole):
        seen_after.append(len(calls))
        for a, b in zip((pred.tags, pred.probs, pred.begin, pred.positions, pred.logp),
                        (same.tags, same.probs, same.begin, same.positions, same.logp)):
            assert np.array_equal(a, b)
    assert len(seen_after) == 3
    assert seen_after[0] < seen_after[1] == len(calls)  # the first text before the second's windows ran


def test_the_model_runs_on_the_next_document_while_one_is_decoded(tagger, monkeypatch):
    decoding = threading.Event()
    waited = []

    def on_last_call(n):
        if n == last:  # the second document's last batch waits for the first document's decoding
            waited.append(decoding.wait(timeout=20))
    calls = counting(tagger)
    tagger.predict_many([LONG, LONG])
    last = len(calls)
    counting(tagger, on_last_call)
    extractor = Extractor(tagger=tagger)
    assemble = extractor.assemble

    def assemble_and_say(doc, view, prediction):
        decoding.set()
        return assemble(doc, view, prediction)
    monkeypatch.setattr(extractor, "assemble", assemble_and_say)
    records = extractor.extract([Document("a", LONG), Document("b", LONG)])
    assert waited == [True]
    assert [r["status"] for r in records] != ["error", "error"]


def test_a_model_failure_on_one_document_costs_that_document_only(tagger):
    bad = tagger._encoder.ids("炸")[0]
    runner = tagger.runner

    def run(input_ids, attention_mask):
        if (input_ids == bad).any():
            raise RuntimeError("the model fell over")
        return runner(input_ids, attention_mask)
    tagger.runner = run
    threads = threading.active_count()
    docs = [Document("a", LONG), Document("b", "本年度收到关于炸药的申请1件。\n"), Document("c", "一、总体情况\n")]
    records = extract_guarded(Extractor(tagger=tagger), docs)
    assert [(r["id"], r["status"] == "error") for r in records] == [("a", False), ("b", True), ("c", False)]
    assert "the model fell over" in records[1]["error"]
    assert threading.active_count() == threads  # every model thread has ended
