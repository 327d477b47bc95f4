"""Check gold annotations against the corpus: span texts, sha256, table identities.

    python -m training.check_annotations [data/annotations/corpus] [-v]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from gktagger.identities import check_tables
from gktagger.training import annotations as ann


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dirs", nargs="*", default=[str(ann.REPO_ROOT / "data" / "annotations" / "corpus")])
    p.add_argument("-v", "--verbose", action="store_true", help="print every identity outcome")
    args = p.parse_args(argv)
    bad = 0
    total = Counter()
    for doc in ann.load_dir(*args.dirs):
        text = ann.document_text(doc)
        problems = doc.check(text) + ann.unexplained_failures(doc)
        fields = ann.gold_values(doc)
        outcomes = check_tables({k: v.value for k, v in fields.items()}, doc.format)
        c = Counter(o.status for o in outcomes)
        total.update(spans=len(doc.spans), fields=len(fields), sections=len(doc.sections()), **c)
        print(f"{doc.name:38s} {doc.format:7s} spans={len(doc.spans):4d} fields={len(fields):4d} "
              f"sections={len(doc.sections())} identities pass={c['pass']} fail={c['fail']} unknown={c['unknown']}"
              f" defects={len(doc.defects)}")
        if args.verbose:
            for o in outcomes:
                print(f"    {o.status:7s} {o.rule}[{o.scope}] {o.message}")
        for prob in problems:
            print("  PROBLEM", prob)
        bad += bool(problems)
    print("total", dict(total))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
