"""``prasa reindex --watch`` follows files being added, edited and deleted."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from search import SearchRequest, SearchService

from .conftest import PL_SEED

PRASA = str(Path(sys.executable).with_name("prasa"))


def wait_for(predicate, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("the watched index did not catch up")


def total(index: Path, q: str) -> int:
    try:
        return SearchService(index).search(SearchRequest(q=q)).total
    except FileNotFoundError:
        return -1


def test_watch_adds_updates_and_deletes(tmp_path: Path):
    src, index = tmp_path / "src", tmp_path / "ix"
    src.mkdir()
    (src / "seed.txt").write_bytes(PL_SEED.read_bytes())
    proc = subprocess.Popen([PRASA, "reindex", str(src), "--index", str(index), "--watch", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "TQDM_DISABLE": "1"})
    try:
        first = json.loads(proc.stdout.readline())
        assert first["added"] == 1
        new = src / "new.jsonl"
        new.write_text(json.dumps({"id": "n1", "body": "Frontex zatrzymał przemytników na granicy."}) + "\n",
                       "utf-8")
        wait_for(lambda: total(index, "Frontex") == 1)
        new.write_text(json.dumps({"id": "n1", "body": "Europol rozbił grupę przemytników."}) + "\n", "utf-8")
        wait_for(lambda: total(index, "Europol") == 1 and total(index, "Frontex") == 0)
        (src / "seed.txt").unlink()
        wait_for(lambda: total(index, "OBWE") == 0)
        assert SearchService(index).health()["documents"] == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    assert proc.returncode == 0
