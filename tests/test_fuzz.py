"""Seeded, time-bounded fuzzing of reading and extraction: random HTML fragments and byte strings
give records (``error`` ones at worst), never an exception.

``GKTAGGER_FUZZ_SECONDS`` (default 60) bounds the run; ``GKTAGGER_FUZZ_SEED`` (default 16) seeds it.
"""
import json
import os
import random
import time


from gktagger.io.document import Document
from gktagger.io.outputs import record_line

SECONDS = float(os.environ.get("GKTAGGER_FUZZ_SECONDS", "60"))
SEED = int(os.environ.get("GKTAGGER_FUZZ_SEED", "16"))

TAGS = ["p", "div", "li", "ul", "table", "tr", "td", "th", "tbody", "font", "b", "span", "br", "hr", "pre",
        "script", "style", "title", "head", "svg", "x-y", "o:p"]
PIECES = ["<![ x]>", "<![CDATA[1]]>", "<!-->", "<!---->", "<!DOCTYPE html>", "<?xml?>", "</", "<", ">", "&",
          "&#0;", "&#xD800;", "&#99999999;", "&nbsp;", "&amp", "\ud800", "\udcff", "\ufeff", "\u200b", "\u00ad",
          "\u202e", "\x00", "\r\n", "\t", "一、总体情况", "（三）", "予以公开", "件", "1,234", "1.0", "9" * 40,
          "１２", "/", "—", "二、主动公开政府信息情况", "<td colspan=99999>", '<a href="javascript:x">']
ENCODINGS = ["utf-8", "gb18030", "big5", "utf-16", "utf-32", "latin-1"]


def random_html(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 80)):
        r = rng.random()
        if r < 0.3:
            parts.append(f"<{rng.choice(TAGS)}>")
        elif r < 0.5:
            parts.append(f"</{rng.choice(TAGS)}>")
        elif r < 0.8:
            parts.append(rng.choice(PIECES))
        else:
            parts.append(str(rng.randint(0, 10 ** rng.randint(1, 6))))
    html = "".join(parts)
    return ("<html><body>" + html) if rng.random() < 0.5 else html


def random_bytes(rng: random.Random) -> bytes:
    kind = rng.random()
    if kind < 0.3:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 400)))
    text = random_html(rng)
    encoding = rng.choice(ENCODINGS)
    errors = rng.choice(["replace", "ignore"] + (["surrogatepass"] if encoding.startswith("utf") else []))
    data = text.encode(encoding, errors=errors)
    if kind < 0.6 and data:  # damaged in transit
        cut = rng.randrange(len(data))
        data = data[:cut] + bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 8))) + data[cut + 1:]
    return data


def test_random_pages_give_records_never_exceptions():
    from gktagger.extract import Extractor
    from gktagger.run.guard import extract_guarded
    from gktagger.io.reading import _record_document, read_bytes, ReadError

    extractor = Extractor()
    rng = random.Random(SEED)
    deadline = time.monotonic() + SECONDS
    seen = {"error": 0, "ok": 0, "invalid": 0}
    rounds = 0
    while time.monotonic() < deadline:
        docs = []
        for i in range(8):
            id = f"fuzz-{rounds}-{i}"
            if rng.random() < 0.5:
                data = random_bytes(rng)
                suffix = rng.choice([".html", ".txt", ".md"])
                try:
                    docs.append(read_bytes(data, id=id, suffix=suffix))
                except ReadError as e:  # the documented outcome of unreadable bytes
                    docs.append(Document.failed(id, str(e)))
            else:
                docs.append(_record_document(random_html(rng), id, id, "text"))
        records = extract_guarded(extractor, docs)
        assert [r["id"] for r in records] == [d.id for d in docs]
        for r in records:
            json.loads(record_line(r))  # always writable as JSON
            seen[r["status"]] += 1
            if r["status"] == "error":
                assert r["error"] and "\n" not in r["error"]
        rounds += 1
    assert rounds >= 3, "the fuzz budget did not allow three rounds"
    print(f"fuzz: {rounds} rounds of 8 documents, {seen}")
