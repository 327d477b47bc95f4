"""Commands that need no model do not pay for torch: `gktagger --help` and `validate` start fast."""
import json
import subprocess
import sys

HEAVY = ("torch", "transformers", "ray")


def imported_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint('imported:', *(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1].split()[1:]


def test_help_does_not_import_torch():
    assert imported_after("from gktagger.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass") == []
    assert imported_after("from gktagger.cli import main\ntry:\n    main(['extract', '--help'])\n"
                          "except SystemExit:\n    pass") == []


def test_validate_does_not_import_torch(tmp_path):
    record = {"id": "a", "source": "a", "status": "ok", "fields": {"t3.new.natural": {"value": 3}}, "checks": []}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code = f"from gktagger.cli import main\nassert main(['validate', {str(src)!r}, '-o', {str(tmp_path / 'out.jsonl')!r}]) == 0"
    assert imported_after(code) == []
    assert (tmp_path / "out.jsonl").exists()


def test_the_probe_sees_torch_when_it_is_imported():
    assert "torch" in imported_after("import gktagger.tagging.onnxmodel")
