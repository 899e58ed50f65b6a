"""``prasa serve``: worker processes that answer, follow a reindex, survive a killed worker, stop cleanly."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from indexer import reindex

from .conftest import SAMPLE

REFERENCE = dt.date(2024, 12, 31)
GRACE = 30  # seconds a SIGTERM'd server may take


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return json.load(r)


def _workers(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def _wait(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


class _Server:
    def __init__(self, index: Path, processes: int):
        self.port = _free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--index", str(index),
                                      "--port", str(self.port), "--processes", str(processes),
                                      "--threads", "2"], stderr=subprocess.PIPE, text=True)

    def health(self) -> dict | None:
        try:
            return _get(self.port, "/api/health")
        except OSError:
            return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def served(tmp_path):
    """A private copy of the sample index behind ``prasa serve --processes 2``."""
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE, sources)
    index = tmp_path / "index"
    reindex([sources], index, reference=REFERENCE)
    server = _Server(index, processes=2)
    assert _wait(lambda: server.health() is not None and len(_workers(server.proc.pid)) == 2), \
        server.proc.stderr.read() if server.proc.poll() is not None else "no answer"
    yield server, sources, index
    server.stop()


def test_two_processes_answer_follow_a_reindex_and_stop_on_sigterm(served):
    server, sources, index = served
    before = server.health()
    assert before["status"] == "ok" and before["documents"] > 0
    assert _get(server.port, "/api/search?q=OBWE")["total"] > 0
    workers = _workers(server.proc.pid)

    (sources / "new-item.jsonl").write_text(json.dumps({
        "id": "serve-test-1", "title": "Zupełnie nowy komunikat o żurawiach", "language": "pl",
        "body": "Żurawie wróciły nad jezioro wcześniej niż zwykle.", "date": "2024-03-01"}) + "\n", "utf-8")
    reindex([sources], index, full=True, reference=REFERENCE)
    # every request, whichever worker takes it, sees the new generation
    answers = [server.health() for _ in range(30)]
    assert all(a["generation"] != before["generation"] for a in answers)
    assert all(a["documents"] == before["documents"] + 1 for a in answers)
    assert all(_get(server.port, "/api/search?q=%C5%BCuraw")["total"] == 1 for _ in range(10))

    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=GRACE) == 0
    assert _wait(lambda: not any(_alive(w) for w in workers), 5), "a worker outlived its master"



def test_a_killed_worker_is_replaced(served):
    server, _, _ = served
    workers = _workers(server.proc.pid)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    assert _wait(lambda: len(_workers(server.proc.pid) - {victim}) == 2), "no replacement worker"
    assert victim not in _workers(server.proc.pid)
    assert all(_get(server.port, "/api/search?q=OSCE")["total"] > 0 for _ in range(10))


@pytest.mark.skipif(__import__("platform").libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_malloc_arenas_are_capped_on_glibc():
    """``serve`` caps glibc's per-thread arenas (about 50 MB less per 8-thread worker at 100k items)."""
    from web.server import limit_malloc_arenas

    assert limit_malloc_arenas() is True
