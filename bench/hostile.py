"""Time and peak memory of `gktagger extract` on the hostile resource cases of issue 16.

    .venv/bin/python bench/hostile.py [--cases digits_1mb,page_2mb,nested_html_240kb,cells_1e5]
                                      [--code DIR] [--memory-cap GB]

Each case is one JSONL document, generated here (seeded; nothing is stored), extracted by
`gktagger extract` in a fresh subprocess (1 worker, shipped model). Peak memory is the largest
resident set of that process or any process it waited for (its workers): ``ru_maxrss`` of
``RUSAGE_CHILDREN`` in a runner started per case. ``--code DIR`` runs another checkout's
``gktagger`` package (e.g. the commit before issue 16) with the same venv, to compare.
``--memory-cap`` sets ``RLIMIT_AS`` of the run (default 12 GB) so an old build cannot take the
shared machine down.

Cases: ``digits_1mb`` one run of 1,000,000 digits in a sentence (``digits_100k``: 100,000); ``page_2mb`` a 2,000,000-character
non-repeating page (seeded random table lines and prose of common hanzi and numbers);
``nested_html_240kb`` 240 KB of ``<b><table>`` then ``<div>``s then stray ``</b>``s (the worst nesting
pattern found: each stray end tag scanned the whole stack); ``cells_1e5`` an HTML table of 100,000 cells.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HANZI = "政府信息公开申请本年新收上年结转予以公开部分不予属于国家秘密其他法律行政法规禁止三安全稳定保护第方合法权益"


def digits_1mb() -> str:
    return "本年新收政府信息公开申请" + "7" * 1_000_000 + "件。"


def digits_100k() -> str:
    return "本年新收政府信息公开申请" + "7" * 100_000 + "件。"


def page_2mb() -> str:
    rng = random.Random(16)
    lines, size = ["2023年政府信息公开工作年度报告", "一、总体情况"], 0
    while size < 2_000_000:
        if rng.random() < 0.5:
            line = "".join(rng.choice(HANZI) for _ in range(rng.randint(10, 60))) + f"{rng.randint(0, 99999)}件。"
        else:
            line = "\t".join([rng.choice(HANZI) * 2] + [str(rng.randint(0, 9999)) for _ in range(7)])
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:2_000_000]


def nested_html_240kb() -> str:
    n = 240_000 // 10
    return "<html><body><b><table>" + "<div>" * n + "</b>" * (n // 4) + "一、总体情况</body></html>"


def cells_1e5() -> str:
    return "<html><body><table>" + "".join("<tr>" + "<td>1</td>" * 100 + "</tr>" for _ in range(1000)) + \
        "</table></body></html>"


CASES = {f.__name__: f for f in (digits_1mb, digits_100k, page_2mb, nested_html_240kb, cells_1e5)}


def run_one(case: str, code: str | None, cap_gb: float) -> dict:
    """Run the case in this process's child and report (called in a fresh runner process)."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        corpus.write_text(json.dumps({"id": case, "text": CASES[case]()}, ensure_ascii=False) + "\n", encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=code or str(REPO))
        cap = int(cap_gb * 1024 ** 3)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "gktagger.cli", "extract", str(corpus), "-o", str(out),
                               "--quiet"], env=env, capture_output=True, text=True, cwd=tmp,  # cwd: not this checkout
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)))
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2  # KB -> GB
        result = {"case": case, "exit": proc.returncode, "seconds": round(seconds, 1), "peak_gb": round(peak, 2)}
        if out.exists() and out.stat().st_size:
            record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
            result.update(status=record["status"], error=record.get("error"), record_bytes=out.stat().st_size,
                          mentions=len(record.get("mentions") or []),
                          warns=sorted({c["rule"] for c in record.get("checks", []) if c["status"] == "warn"}))
        else:
            result["stderr"] = (proc.stderr.strip().splitlines() or [""])[-1][:200]
        return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", default="digits_1mb,page_2mb,nested_html_240kb,cells_1e5")
    p.add_argument("--code", help="folder holding the gktagger package to run (default: this checkout)")
    p.add_argument("--memory-cap", type=float, default=12.0, help="RLIMIT_AS of the run, GB")
    p.add_argument("--one", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.code, args.memory_cap), ensure_ascii=False))
        return 0
    for case in args.cases.split(","):
        cmd = [sys.executable, __file__, "--one", case, "--memory-cap", str(args.memory_cap)]
        if args.code:
            cmd += ["--code", args.code]
        print(subprocess.run(cmd, capture_output=True, text=True).stdout.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
