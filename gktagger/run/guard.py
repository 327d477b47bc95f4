"""One guard around every step of a document: any exception becomes that document's error record.

The extractor batches documents through the model; when a batch fails as a whole
(one text the tokenizer rejects, a ``MemoryError``), every document of it is
extracted again on its own, so only the one at fault gets an error record.

>>> from gktagger.io.document import Document
>>> class Broken:
...     def extract(self, docs):
...         if any("bad" in d.text for d in docs):
...             raise TypeError("cannot tokenize")
...         return [{"id": d.id, "status": "ok"} for d in docs]
>>> records = extract_guarded(Broken(), [Document("a", "good"), Document("b", "bad\\nworse")])
>>> [(r["id"], r["status"], r.get("error")) for r in records]
[('a', 'ok', None), ('b', 'error', 'TypeError: cannot tokenize')]
"""
from __future__ import annotations

import time

from gktagger.decoding.bounds import bound_record, warn_checks
from gktagger.io.document import Document
from gktagger.io.limits import DEFAULT_LIMITS, Limits, too_large
from gktagger.record.build import error_record

MAX_REASON = 300


def reason(error: BaseException) -> str:
    """``Type: first line of the message``, at most ``MAX_REASON`` characters.

    >>> reason(ValueError("bad value\\nmore detail"))
    'ValueError: bad value'
    """
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 1] + "…"


def failed(doc: Document, why: str, seconds: float = 0.0) -> dict:
    record = error_record(doc, why)
    record["seconds"] = round(seconds, 4)
    return record


def extract_guarded(extractor, docs: list[Document], limits: Limits = DEFAULT_LIMITS) -> list[dict]:
    """One record per document, in order, whatever the documents hold."""
    records: list[dict | None] = [None] * len(docs)
    todo = []
    for i, doc in enumerate(docs):
        problem = None if doc.error else too_large(len(doc.text), limits)
        if problem:
            records[i] = failed(doc, problem)
        else:
            todo.append(i)
    try:
        done = extractor.extract([docs[i] for i in todo]) if todo else []
        if len(done) != len(todo):
            raise RuntimeError(f"{len(done)} records for {len(todo)} documents")
    except Exception:  # noqa: BLE001 - find the document at fault by extracting each on its own
        done = [extract_one(extractor, docs[i]) for i in todo]
    for i, record in zip(todo, done):
        if record.get("status") != "error":
            try:
                bound_record(record, docs[i], limits)
                record["checks"] = [c for c in record.get("checks", []) if c.get("status") != "warn"] + \
                    warn_checks(record)
            except Exception as error:  # noqa: BLE001
                record = failed(docs[i], reason(error), record.get("seconds", 0.0))
        records[i] = record
    return records


def extract_one(extractor, doc: Document) -> dict:
    started = time.perf_counter()
    try:
        return extractor.extract([doc])[0]
    except Exception as error:  # noqa: BLE001 - one bad document must not stop the batch
        return failed(doc, reason(error), time.perf_counter() - started)
