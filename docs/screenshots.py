"""Regenerate docs/show.png and docs/report.png from the pages in examples/ (headless Chromium, no network).

    .venv/bin/python docs/screenshots.py

No model ships with the repository, so the records are built from gold spans: five of the six
examples are exactly the pages ``training/synth`` writes for a seed (checked below), and
:func:`gktagger.review.show.gold_record` turns the generator's spans into records. One table-3 cell of
the district report is then edited, as a reviewer would before ``gktagger validate``, so the
pages show what a failing check looks like. Pages go to a temporary folder; only PNGs land in
docs/ (shrunk to a 128-colour palette with Pillow, which comes with the model dependencies).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gktagger.cli import main as cli  # noqa: E402
from gktagger.review.page import page_name  # noqa: E402
from gktagger.io.reading import read_path  # noqa: E402
from gktagger.review.show import gold_record  # noqa: E402
from gktagger.record.validate import revalidate  # noqa: E402
from gktagger.training.synth import SynthOptions, generate  # noqa: E402

# example file -> (seed, format, layout, share of traditional-character documents)
EXAMPLES = {
    "county_2021_cells_per_line.txt": (900, "2021", "lines", 0.0),
    "district_2019_flattened.txt": (901, "2019", "flat", 0.0),
    "office_2019_table.html": (903, "2019", "html", 0.0),
    "county_2014_legacy.txt": (904, "legacy", "flat", 0.0),
    "town_2022_traditional.txt": (905, "2021", "pipes", 1.0),
}
SHOWN = "district_2019_flattened.txt"
EDITED_CELL = "t3.new.natural"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars"]
MAX_BYTES = 300_000


def records() -> list[dict]:
    out = []
    for name, (seed, fmt, layout, traditional) in EXAMPLES.items():
        text, annotation = next(generate(1, seed, (fmt,), (layout,), SynthOptions(p_traditional=traditional)))
        path = f"examples/{name}"
        if read_path(ROOT / path).text != text:
            raise SystemExit(f"{path} is no longer the page of seed {seed}: update EXAMPLES in {__file__}")
        record = gold_record(annotation, text, path)
        if name == SHOWN:
            record["fields"][EDITED_CELL]["value"] += 1
            record = revalidate(record)
        out.append(record)
    return out


def screenshot(chromium: str, page: Path, png: Path, size: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                        f"--screenshot={png}", page.as_uri()], check=True, capture_output=True, timeout=120)
    from PIL import Image

    Image.open(png).convert("RGB").quantize(colors=128).save(png, optimize=True)
    size_now = png.stat().st_size
    print(f"wrote {png.relative_to(ROOT)} ({size_now // 1000} KB)")
    if size_now > MAX_BYTES:
        raise SystemExit(f"{png} is over {MAX_BYTES // 1000} KB: use a smaller window")


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("no Chromium: apt-get install chromium")
    os.chdir(ROOT)  # record sources are paths relative to the repository
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        jsonl = site / "examples.jsonl"
        jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records()), encoding="utf-8")
        assert cli(["report", str(jsonl), "-o", str(site / "report.html"), "--with-pages"]) == 0
        screenshot(chromium, site / page_name(f"examples/{SHOWN}"), ROOT / "docs" / "show.png", "1400,860")
        screenshot(chromium, site / "report.html", ROOT / "docs" / "report.png", "1200,1300")


if __name__ == "__main__":
    main()
