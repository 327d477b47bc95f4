"""A real two-node Ray cluster on 127.0.0.1 for the tests: a head and a worker node, each started by
`ray start --block` as its own process group, with their own ports and temp dir.

    .venv/bin/python tests/raycluster.py     # start one, print its address, Ctrl-C stops it

Nodes are stopped by signalling their own process groups (never `ray stop`, which would stop every
Ray instance on the machine).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAY = Path(sys.executable).with_name("ray")


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Node:
    def __init__(self, args: list[str], log: Path):
        self.log = log
        self.proc = subprocess.Popen([str(RAY), "start", "--block", *args], stdout=open(log, "wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True, stdin=subprocess.DEVNULL)

    def kill(self, sig=signal.SIGKILL) -> None:
        """Kill the node: its `ray start`, raylet, object store and every worker process it started."""
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        self.kill(signal.SIGKILL)
        self.proc.wait()


def node_ports() -> list[str]:
    node_manager, object_manager, agent_listen, agent_grpc, metrics, runtime_env = free_ports(6)
    return ["--node-manager-port", str(node_manager), "--object-manager-port", str(object_manager),
            "--dashboard-agent-listen-port", str(agent_listen),
            "--dashboard-agent-grpc-port", str(agent_grpc), "--metrics-export-port", str(metrics),
            "--runtime-env-agent-port", str(runtime_env)]


class Cluster:
    """``with Cluster(cpus=(2, 2)) as c:`` — ``c.address`` is the head's HOST:PORT."""

    def __init__(self, cpus: tuple[int, int] = (2, 2), object_store_mb: int = 100, temp_dir: str | None = None):
        self.cpus = cpus
        self.object_store = str(object_store_mb * 2**20)
        self.own_temp = temp_dir is None
        self.temp = Path(temp_dir or tempfile.mkdtemp(prefix="gkray"))
        self.nodes: list[Node] = []
        self.address = ""

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 240) -> None:
        os.environ.pop("RAY_ADDRESS", None)
        # a test cluster on 127.0.0.1 without token auth, whatever ~/.ray/auth_token a local ray.init()
        # left behind (nodes, and every client started from this process, inherit the variable)
        os.environ["RAY_AUTH_MODE"] = "disabled"
        port = free_ports(1)[0]
        self.address = f"127.0.0.1:{port}"
        common = ["--node-ip-address", "127.0.0.1", "--object-store-memory", self.object_store,
                  "--disable-usage-stats", "--log-style", "record"]
        self.nodes.append(Node(["--head", "--port", str(port), "--include-dashboard", "false",
                                "--temp-dir", str(self.temp), "--num-cpus", str(self.cpus[0]),
                                "--min-worker-port", "0", "--max-worker-port", "0",
                                *node_ports(), *common], self.temp.parent / f"{self.temp.name}-head.log"))
        self.wait_for_nodes(1, timeout)
        self.nodes.append(Node(["--address", self.address, "--num-cpus", str(self.cpus[1]),
                                "--min-worker-port", "0", "--max-worker-port", "0",
                                *node_ports(), *common], self.temp.parent / f"{self.temp.name}-worker.log"))
        self.wait_for_nodes(2, timeout)

    def alive_nodes(self) -> int:
        code = ("import ray, sys; ray.init(address=sys.argv[1], logging_level='ERROR', log_to_driver=False);"
                "print(sum(n['Alive'] for n in ray.nodes()))")
        done = subprocess.run([sys.executable, "-c", code, self.address], capture_output=True, text=True,
                              timeout=60)
        return int(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 and done.stdout.strip() else 0

    def wait_for_nodes(self, n: int, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for node in self.nodes:
                if node.proc.poll() is not None:
                    raise RuntimeError(f"ray start exited {node.proc.returncode}: "
                                       f"{node.log.read_text(errors='replace')[-2000:]}")
            try:
                if self.alive_nodes() >= n:
                    return
            except subprocess.TimeoutExpired:
                pass
            time.sleep(1)
        raise TimeoutError(f"the Ray cluster did not reach {n} nodes in {timeout:.0f}s")

    @property
    def worker(self) -> Node:
        return self.nodes[1]

    def stop(self) -> None:
        for node in reversed(self.nodes):
            node.stop()
        self.nodes = []
        if self.own_temp:
            import shutil

            shutil.rmtree(self.temp, ignore_errors=True)
            for log in self.temp.parent.glob(f"{self.temp.name}-*.log"):
                log.unlink()


if __name__ == "__main__":
    with Cluster() as cluster:
        print(f"Ray cluster at {cluster.address} (temp dir {cluster.temp}); Ctrl-C stops it", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
