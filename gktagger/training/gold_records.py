"""``python -m training.gold_records -o gold.jsonl``: the records a perfect tagger would write for the
annotated corpus (``gktagger.review.show.gold_record`` of every ``data/annotations/corpus`` file), checks
included — the input for measuring the validator's and ``crosscheck``'s alarms on gold data::

    python -m training.gold_records -o gold.jsonl
    gktagger crosscheck gold.jsonl -o cross.jsonl --html cross.html
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from gktagger.review.show import gold_record
from gktagger.training import annotations as ann

ANNOTATIONS = ann.REPO_ROOT / "data" / "annotations" / "corpus"


def gold_records(folder: Path = ANNOTATIONS) -> list[dict]:
    """Gold records of every annotation, offsets as in extracted records (an HTML page's index its
    source; a page whose text lost its title gets its source's ``<title>``, as extraction does)."""
    return [gold_record(doc, ann.read_document(doc)) for doc in map(ann.load, sorted(folder.glob("*.json")))]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m training.gold_records", description=__doc__.split("\n")[0])
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--annotations", default=str(ANNOTATIONS))
    a = p.parse_args(argv)
    records = gold_records(Path(a.annotations))
    Path(a.output).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    checks = Counter((c["status"], c["basis"]) for r in records for c in r["checks"])
    print(f"wrote {len(records)} gold records to {a.output}; checks: "
          + ", ".join(f"{s}/{b} {n}" for (s, b), n in sorted(checks.items())))
    for r in records:
        for c in r["checks"]:
            if c["status"] in ("fail", "warn"):
                print(f"  {r['id']}: {c['status']} {c['rule']} [{c['scope']}] {c['message']}")


if __name__ == "__main__":
    main()
