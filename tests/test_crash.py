"""Crash safety: a killed reindex, two reindexes at once, searching through a swap."""

import gzip
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indexer import IndexBusy, reindex
from indexer.whoosh.store import current_generation
from search import SearchRequest, SearchService

from .conftest import CORPUS, SEEDS

PRASA = str(Path(sys.executable).with_name("prasa"))
QUERIES = ["OBWE", "handel ludźmi", "trafficking", "lang:en", "org:un"]


@pytest.fixture(scope="module")
def big_source(tmp_path_factory) -> Path:
    """6,000 real Reuters items: a full reindex takes several seconds."""
    path = tmp_path_factory.mktemp("big") / "reuters.jsonl"
    with gzip.open(CORPUS / "en-news-reuters21578.jsonl.gz", "rt", encoding="utf-8") as f, \
            open(path, "w", encoding="utf-8") as out:
        for line in itertools.islice(f, 6000):
            out.write(line)
    return path


def counts(index: Path) -> dict[str, int]:
    service = SearchService(index)
    return {q: service.search(SearchRequest(q=q)).total for q in QUERIES}


def start_reindex(*args: str) -> subprocess.Popen:
    env = {**os.environ, "TQDM_DISABLE": "1"}
    return subprocess.Popen([PRASA, "reindex", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)


def wait_for_new_generation(index: Path, old: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p != old for p in index.glob("gen-*")):
            return
        time.sleep(0.05)
    raise AssertionError("the reindex never started a new generation")


def test_sigkill_during_full_reindex_leaves_the_old_index_whole(tmp_path, big_source):
    index = tmp_path / "ix"
    reindex([SEEDS], index)
    before, old = counts(index), current_generation(index)
    proc = start_reindex(str(big_source), "--index", str(index), "--full")
    wait_for_new_generation(index, old)
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert current_generation(index) == old
    assert counts(index) == before
    summary = reindex([big_source], index, full=True)  # the next reindex completes
    assert summary.documents == 6000 and not summary.failed
    assert [p.name for p in index.glob("gen-*")].count(current_generation(index).name) == 1
    assert len(list(index.glob("gen-*"))) <= 2  # the killed run's folder is gone


def test_sigkill_during_incremental_reindex(tmp_path, big_source):
    index = tmp_path / "ix"
    reindex([SEEDS], index)
    before = counts(index)
    proc = start_reindex(str(big_source), str(SEEDS), "--index", str(index))
    time.sleep(4)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert counts(index) == before
    summary = reindex([big_source, SEEDS], index)
    assert summary.documents == 6002


def test_a_second_reindex_refuses_while_one_runs(tmp_path, big_source):
    index = tmp_path / "ix"
    reindex([SEEDS], index)
    proc = start_reindex(str(big_source), "--index", str(index), "--full")
    try:
        wait_for_new_generation(index, current_generation(index))
        with pytest.raises(IndexBusy, match="another reindex"):
            reindex([SEEDS], index)
        second = subprocess.run([PRASA, "reindex", str(SEEDS), "--index", str(index)],
                                capture_output=True, text=True)
        assert second.returncode != 0 and "another reindex" in second.stderr
    finally:
        proc.wait()
    assert proc.returncode == 0
    assert SearchService(index).health()["documents"] == 6000


def test_searches_keep_answering_through_a_reindex_and_swap(tmp_path, big_source):
    index = tmp_path / "ix"
    reindex([SEEDS], index)
    service = SearchService(index)
    errors, totals = [], []
    done = threading.Event()

    def search_loop():
        while not done.is_set():
            try:
                totals.append(service.search(SearchRequest(q="said")).total)
            except Exception as e:  # the test counts them
                errors.append(repr(e))

    threads = [threading.Thread(target=search_loop) for _ in range(2)]
    for t in threads:
        t.start()
    proc = start_reindex(str(big_source), "--index", str(index), "--full")
    proc.wait()
    time.sleep(0.5)
    done.set()
    for t in threads:
        t.join()
    assert proc.returncode == 0
    assert errors == []
    assert totals[0] == 0 and totals[-1] > 1000  # before and after the swap
