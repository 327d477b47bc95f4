"""A real Label Studio server on 127.0.0.1 for the ``labelstudio`` tests: one per test session.

The server comes from its own virtualenv ``.venv-ls`` (``make .venv-ls``; label-studio pins
Django, numpy and its SDK, so it stays out of ``.venv``). A fresh data dir takes ~45 s to
migrate, so ``label-studio init`` runs once into a cached template
(``.cache/ls-data-template``) that each session copies: a start then takes a few seconds.

    python tests/labelstudio_server.py template          # build the cached data dir (make .venv-ls does)
    python tests/labelstudio_server.py serve [DATA_DIR]  # a local server to annotate with (Ctrl-C stops it)

``serve`` keeps its data in DATA_DIR (made from the template on first use, reused afterwards;
default: a new temporary folder) and listens on 127.0.0.1:8080, or a free port if 8080 is taken.

Standard library only, so ``make`` can run it with any Python; the pytest fixture using it is
``labelstudio`` in ``tests/test_studio.py``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LS_BIN = REPO / ".venv-ls" / "bin" / "label-studio"
TEMPLATE = REPO / ".cache" / "ls-data-template"
USERNAME = "gktagger-tests@example.com"
PASSWORD = "gktagger-tests"
TOKEN = "9d1c6b0e3f2a4c5d8e7f6a5b4c3d2e1f0a9b8c7d"  # a legacy API token: 40 hex characters
START_TIMEOUT = 120.0
INIT_TIMEOUT = 600.0


def server_env(data_dir: Path) -> dict[str, str]:
    """The server's environment: its data dir, the fixed user and token, no telemetry or update checks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "DJANGO_"))}
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_USERNAME": USERNAME,
        "LABEL_STUDIO_PASSWORD": PASSWORD,
        "LABEL_STUDIO_USER_TOKEN": TOKEN,
        # without it on the first start, the fixed token is refused with 401
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "",
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false", "LATEST_VERSION_CHECK": "false",
        # the ML backend (`gktagger studio backend`) listens on 127.0.0.1 too: Label Studio 1.23 refuses
        # ML backends (ML_BLOCK_LOCAL_IP) and webhooks (SSRF_PROTECTION_ENABLED) on local addresses
        # unless these are off, and the backend's annotation webhook drives retraining
        "ML_BLOCK_LOCAL_IP": "false", "SSRF_PROTECTION_ENABLED": "false",
    })
    return env


def template_stamp() -> str:
    return json.dumps({"bin": str(LS_BIN), "user": USERNAME, "token": TOKEN})


def build_template() -> Path:
    """The cached, migrated data dir with the test user; built once (``label-studio init``)."""
    stamp = TEMPLATE / "gktagger-template.json"
    if stamp.exists() and stamp.read_text() == template_stamp():
        return TEMPLATE
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".ls-data-building-", dir=TEMPLATE.parent))
    data = work / "data"
    log = work / "init.log"
    with open(log, "wb") as out:
        done = subprocess.run([str(LS_BIN), "init", "-q", "--no-browser"], env=server_env(data), cwd=work,
                              stdout=out, stderr=subprocess.STDOUT, timeout=INIT_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"label-studio init failed (exit {done.returncode}); log: {log}")
    (data / stamp.name).write_text(template_stamp())
    shutil.rmtree(TEMPLATE, ignore_errors=True)
    try:
        os.replace(data, TEMPLATE)
    except OSError:  # another session built it meanwhile
        pass
    shutil.rmtree(work, ignore_errors=True)
    return TEMPLATE


def free_port() -> int:
    """A port nobody listens on now (label-studio silently moves to the next port if its own is busy)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Token {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@dataclass
class Server:
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM to our own server, by its PID
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start(data_dir: Path, port: int | None = None) -> Server:
    """Start a server on ``data_dir`` (copied from the template unless it exists) and a free port.

    Returns once the server answers our token.
    """
    if not data_dir.exists():
        shutil.copytree(build_template(), data_dir)
    port = port or free_port()
    log = data_dir / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(LS_BIN), "start", "--no-browser", "--internal-host", "127.0.0.1",
                                    "-p", str(port)], env=server_env(data_dir), cwd=data_dir,
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(f"http://127.0.0.1:{port}", TOKEN, process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"label-studio exited with {process.returncode}:\n{server.log_tail()}")
        try:
            # our token proves it is our server, not another one that took the port first
            if get(f"{server.url}/health")[0] == 200 and get(f"{server.url}/api/current-user/whoami", TOKEN)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"label-studio did not answer on {server.url} within {START_TIMEOUT:.0f} s:\n"
                       f"{server.log_tail()}")


def main(argv: list[str]) -> int:
    if argv == ["template"]:
        print(build_template())
        return 0
    if argv[:1] == ["serve"] and len(argv) <= 2:
        data_dir = Path(argv[1]).resolve() if len(argv) == 2 else Path(tempfile.mkdtemp(prefix="gktagger-ls-")) / "data"
        server = start(data_dir, 8080 if port_is_free(8080) else None)
        print(f"Label Studio at {server.url} (data in {data_dir})\n"
              f"  log in as {USERNAME} / {PASSWORD}\n"
              f"  export LABEL_STUDIO_URL={server.url} LABEL_STUDIO_API_KEY={server.token}\n"
              "Ctrl-C stops it", flush=True)
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # a stopped wrapper stops its server
        try:
            server.process.wait()
        except KeyboardInterrupt:
            server.stop()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
