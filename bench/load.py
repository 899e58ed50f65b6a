"""Load: ``prasa serve`` on 127.0.0.1 driven by concurrent clients from this process.

Starts the server on the benchmark index (built by ``bench/speed.py``, or from
../shared/corpus when missing), then runs CLIENTS threads that send real
queries with facet filters for SECONDS seconds (bounded: at most MAX_REQUESTS
in all), and prints requests/s, latency percentiles, the error count and the
server's peak memory — twice, with a fresh server each: the default search
(cross-language) and ``translate=0``, like for like in one run.  Traffic goes
to the loopback address only.

    python bench/load.py [--index bench/out/index-100000] [--clients 16] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from speed import build_big_corpus, make_queries, read_rows  # noqa: E402

HOST = "127.0.0.1"
MAX_REQUESTS = 200_000
FILTERS = [{}, {}, {"lang": "en"}, {"lang": "pl"}, {"org": "eu"}, {"date": "1987"}, {"sort": "newest"},
           {"lang": "pl,en"}, {"page": "2"}]


def ensure_index(index: Path, shared: Path, rows: list[dict]) -> None:
    if (index / "CURRENT").exists():
        return
    from indexer import reindex

    big = index.parent / "load-corpus.jsonl.gz"
    build_big_corpus(rows, 100_000, big)
    reindex([big], index, full=True, jobs=2)


def start_server(index: Path, port: int, workers: int) -> subprocess.Popen:
    prasa = Path(sys.executable).with_name("prasa")
    proc = subprocess.Popen([str(prasa), "serve", "--index", str(index), "--host", HOST,
                             "--port", str(port), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start")


def client(port: int, queries: list[str], stop_at: float, seed: int, out: list, errors: list,
           budget: threading.Semaphore, extra: dict) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    while time.monotonic() < stop_at and budget.acquire(blocking=False):
        params = {"q": rng.choice(queries), **rng.choice(FILTERS), **extra}
        path = "/api/search?" + urllib.parse.urlencode(params)
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status >= 500 or response.status == 0:
                errors.append(f"{response.status} {path}")
        except OSError as e:
            errors.append(f"{type(e).__name__} {path}")
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            continue
        out.append((time.perf_counter() - started) * 1000)


def load(args, queries: list[str], extra: dict) -> tuple[list[float], list[str], float, float]:
    """One server, ``args.clients`` clients for ``args.seconds``: latencies, errors, seconds, peak RSS."""
    port = 18000 + (os.getpid() + len(extra)) % 1000
    server = start_server(args.index, port, args.workers)
    latencies: list[float] = []
    errors: list[str] = []
    budget = threading.Semaphore(MAX_REQUESTS)
    try:
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [threading.Thread(target=client, args=(port, queries, stop_at, n, latencies, errors, budget,
                                                         extra))
                   for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    finally:
        server.terminate()
        server.wait(timeout=10)
    return latencies, errors, elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--index", type=Path, default=ROOT / "bench" / "out" / "index-100000")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=8, help="server threads")
    args = parser.parse_args()
    rows = read_rows(args.shared)
    queries = make_queries(rows, 400)
    args.index.parent.mkdir(parents=True, exist_ok=True)
    ensure_index(args.index, args.shared, rows)
    del rows
    print(f"{args.clients} clients, {args.seconds:.0f} s each, server threads {args.workers}, index "
          f"{args.index.name}; {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}\n")
    print("| searches | requests | requests/s | p50 ms | p95 ms | p99 ms | errors (5xx or failed) | server peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for label, extra in (("default (translated)", {}), ("translate=0", {"translate": "0"})):
        latencies, errors, elapsed, peak = load(args, queries, extra)
        q = statistics.quantiles(latencies, n=100, method="inclusive")
        print(f"| {label} | {len(latencies)} | {len(latencies) / elapsed:.0f} | {q[49]:.0f} | {q[94]:.0f} | "
              f"{q[98]:.0f} | {len(errors)} | {peak:.0f} MB |")
        for line in errors[:10]:
            print("error:", line)


if __name__ == "__main__":
    main()
