"""No held-out report (the maintainers' evaluation) enters the repository: every document an annotation
refers to, and every example page, passes ``../shared/heldout/check.py``."""
import subprocess
import sys
from pathlib import Path

import pytest

from gktagger.training import annotations as ann

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT.parent / "shared" / "heldout" / "check.py"


@pytest.mark.skipif(not CHECK.exists(), reason="../shared/heldout/check.py is not beside the checkout")
def test_no_annotated_document_or_example_is_held_out(tmp_path, corpus):
    files = []
    for k, doc in enumerate(ann.load_dir(*sorted(p for p in (ROOT / "data" / "annotations").iterdir() if p.is_dir()))):
        path = tmp_path / f"{k}.txt"  # the text as annotated, whether a corpus file or carried in the annotation
        path.write_text(ann.document_text(doc), encoding="utf-8")
        files.append(str(path))
    files += [str(p) for p in sorted((ROOT / "examples").iterdir()) if p.is_file()]
    assert len(files) >= 27
    done = subprocess.run([sys.executable, str(CHECK), *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("  ok  ") == len(files)
