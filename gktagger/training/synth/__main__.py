"""``python -m training.synth --n 5 --seed 1 --out DIR``: write ``<i>.txt`` and ``<i>.json`` for inspection."""
from __future__ import annotations

import argparse
from pathlib import Path

from gktagger.training.annotations import save

from gktagger.training.synth import LAYOUTS, generate


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m training.synth", description=__doc__)
    p.add_argument("--n", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    p.add_argument("--formats", default="2021,2019,legacy")
    p.add_argument("--layouts", default=",".join(LAYOUTS))
    a = p.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for i, (text, doc) in enumerate(generate(a.n, a.seed, tuple(a.formats.split(",")), tuple(a.layouts.split(",")))):
        (out / f"{i}.txt").write_text(text, encoding="utf-8")
        save(doc, out / f"{i}.json")
    print(f"wrote {a.n} documents to {out}")


if __name__ == "__main__":
    main()
