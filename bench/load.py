"""Load: ``prasa serve`` on 127.0.0.1 driven by concurrent clients from this process, and faults under load.

For each index — the three corpus files (~23k items) and the 100k-item
benchmark index (built by ``bench/speed.py``, or here when missing) — starts a
fresh server per row and runs CLIENTS threads that send real queries with
facet filters for SECONDS seconds (bounded: at most MAX_REQUESTS in all).
Rows: the server's defaults (one worker process per core, cross-language
search on) and ``translate=0``, taking turns on one server in ROUNDS slices
after an untimed one of each (so what else the machine does falls on both
alike: the translation cost is their ratio), and the same defaults with ``--processes 1`` (the one-process
server of earlier releases: the baseline, same run).  Printed:
requests/s, latency percentiles, errors, and the memory of the master and all
its workers together, peak over the run, both as RSS summed (pages shared
copy-on-write counted in every process) and as PSS (shared pages divided
among the processes that map them: what the machine really gives them).

Then two faults on the corpus index, each under the same load: one worker
killed with SIGKILL halfway (its in-flight requests may fail; the master
replaces it), and a full reindex of the corpus into the served index (a
generation swap under load: no request may fail).

The clients run in this process on the same cores as the server.

    python bench/load.py [--clients 16] [--seconds 30] [--skip-faults]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
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
ROUNDS = 5  # slices in which translate on and off take turns on one server
THREADS = 8  # per worker process: prasa serve's default
FILTERS = [{}, {}, {"lang": "en"}, {"lang": "pl"}, {"org": "eu"}, {"date": "1987"}, {"sort": "newest"},
           {"lang": "pl,en"}, {"page": "2"}]


def ensure_index(index: Path, sources: list[Path] | None, rows: list[dict]) -> None:
    if (index / "CURRENT").exists():
        return
    from indexer import reindex

    if sources is None:
        big = index.parent / "load-corpus.jsonl.gz"
        build_big_corpus(rows, 100_000, big)
        sources = [big]
    reindex(sources, index, full=True, jobs=2)


def start_server(index: Path, port: int, processes: int | None) -> subprocess.Popen:
    prasa = Path(sys.executable).with_name("prasa")
    extra = ["--processes", str(processes)] if processes else []
    proc = subprocess.Popen([str(prasa), "serve", "--index", str(index), "--host", HOST, "--port", str(port),
                             "--threads", str(THREADS), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # every worker forked before the clients connect: a keep-alive connection stays with the
    # worker that accepted it, so clients that came early would all load the first one
    expected = processes or len(os.sched_getaffinity(0))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200 and len(workers(proc.pid)) >= expected:
                time.sleep(0.5)  # the last one forked: let it reach accept()
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start")


def workers(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def memory_mb(master: int) -> tuple[float, float]:
    """(RSS summed, PSS summed) of the master and its workers, in MB."""
    rss = pss = 0
    for pid in [master, *workers(master)]:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def client(port: int, queries: list[str], stop_at: list[float], seed: int, out: list, errors: list,
           budget: threading.Semaphore, extra: dict) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    while time.monotonic() < stop_at[0] and budget.acquire(blocking=False):
        params = {"q": rng.choice(queries), **rng.choice(FILTERS), **extra}
        path = "/api/search?" + urllib.parse.urlencode(params)
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status >= 500 or response.status == 0:
                errors.append(f"{response.status} {path}")
        except (OSError, http.client.HTTPException) as e:  # refused, reset, cut short
            errors.append(f"{type(e).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            continue
        out.append((time.perf_counter() - started) * 1000)


def load(args, index: Path, queries: list[str], extra: dict, processes: int | None = None,
         fault=None) -> dict:
    """One server, ``args.clients`` clients for ``args.seconds``.

    ``fault(server)`` starts halfway, in a thread; the load goes on until it
    has finished and a few seconds more, so what it does happens under load.
    """
    return interleaved(args, index, queries, [extra], processes, 1, fault, warm=False)[0]


def interleaved(args, index: Path, queries: list[str], extras: list[dict], processes: int | None = None,
                rounds: int = ROUNDS, fault=None, warm: bool = True) -> list[dict]:
    """One server loaded in turn with each of ``extras`` (request parameters), ``rounds`` times.

    Each gets ``args.seconds`` in all, in ``rounds`` slices taken in turn: what
    the machine does meanwhile (another process, a warmer cache) falls on all of
    them alike, where rows run one after another each met their own minute.
    ``warm``: first one untimed slice of each, so the rounds measure a server
    that has seen the queries (as one running for weeks has), not its first minute.
    """
    port = 18000 + (os.getpid() + len(extras[0]) + (processes or 0)) % 1000
    server = start_server(index, port, processes)
    count = len(workers(server.pid))
    runs = [{"latencies": [], "errors": [], "elapsed": 0.0, "rates": []} for _ in extras]
    peak, note = [0.0, 0.0], []
    try:
        if warm:  # untimed: each query's first parse and translation, the dictionary's first read
            for extra in extras:
                _drive(args, port, server, queries, extra, args.seconds / rounds, {"latencies": [], "errors": [],
                                                                                  "elapsed": 0.0}, peak, note)
        for _ in range(rounds):
            for run, extra in zip(runs, extras, strict=True):
                before = len(run["latencies"])
                elapsed = _drive(args, port, server, queries, extra, args.seconds / rounds, run, peak, note, fault)
                run["rates"].append((len(run["latencies"]) - before) / elapsed)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    out = []
    for run in runs:
        q = statistics.quantiles(run["latencies"], n=100, method="inclusive")
        out.append({"requests": len(run["latencies"]), "rate": len(run["latencies"]) / run["elapsed"],
                    "p50": q[49], "p95": q[94], "p99": q[98], "errors": run["errors"], "rss": peak[0],
                    "pss": peak[1], "note": "".join(note), "processes": count, "rates": run["rates"]})
    return out


def _drive(args, port: int, server: subprocess.Popen, queries: list[str], extra: dict, seconds: float,
           run: dict, peak: list[float], note: list, fault=None) -> float:
    """``args.clients`` clients for ``seconds`` (and a fault's time); adds to ``run``, returns the time."""
    budget = threading.Semaphore(MAX_REQUESTS)
    latencies: list[float] = []
    started = time.monotonic()
    stop_at = [started + seconds]
    threads = [threading.Thread(target=client, args=(port, queries, stop_at, n, latencies, run["errors"],
                                                     budget, extra))
               for n in range(args.clients)]
    for t in threads:
        t.start()
    faulty = None
    while any(t.is_alive() for t in threads):
        rss, pss = memory_mb(server.pid)
        peak[:] = [max(peak[0], rss), max(peak[1], pss)]
        if fault and faulty is None and time.monotonic() >= started + seconds / 2:
            stop_at[0] = float("inf")  # until the fault is over
            faulty = threading.Thread(target=_run_fault, args=(fault, server, note, stop_at))
            faulty.start()
        time.sleep(0.25)
    elapsed = time.monotonic() - started
    run["latencies"] += latencies
    run["elapsed"] += elapsed
    return elapsed


def _run_fault(fault, server: subprocess.Popen, note: list, stop_at: list[float]) -> None:
    try:
        note.append(fault(server))
    except Exception as e:  # noqa: BLE001 - reported in the table, the load still ends
        note.append(f"the fault itself failed: {type(e).__name__}: {e}")
    finally:
        stop_at[0] = time.monotonic() + 3


def kill_a_worker(server: subprocess.Popen) -> str:
    victim = workers(server.pid)[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (victim in workers(server.pid) or len(workers(server.pid)) < 2):
        time.sleep(0.05)
    return f"worker {victim} killed; replaced: {victim not in workers(server.pid) and len(workers(server.pid)) >= 2}"


def reindex_under_load(index: Path, sources: list[Path]):
    def fault(server: subprocess.Popen) -> str:
        prasa = Path(sys.executable).with_name("prasa")
        started = time.monotonic()
        subprocess.run([str(prasa), "reindex", *map(str, sources), "--index", str(index), "--full", "--jobs", "2"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return f"full reindex of {len(sources)} sources swapped in after {time.monotonic() - started:.0f} s"
    return fault


def row(label: str, r: dict) -> str:
    return (f"| {label} | {r['requests']} | {r['rate']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
            f"{len(r['errors'])} | {r['rss']:.0f} MB | {r['pss']:.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--skip-faults", action="store_true")
    args = parser.parse_args()
    rows = read_rows(args.shared)
    queries = make_queries(rows, 400)
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = sorted((args.shared / "corpus").glob("*.jsonl.gz"))
    indexes = {"corpus": (args.out / "index-corpus", corpus), "100k": (args.out / "index-100000", None)}
    for index, sources in indexes.values():
        ensure_index(index, sources, rows)
    del rows
    print(f"{args.clients} clients (threads of one Python process on the same cores), {args.seconds:.0f} s "
          f"per row, {THREADS} threads per worker; {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}\n")
    print("| index, server, searches | requests | requests/s | p50 ms | p95 ms | p99 ms | errors | "
          "peak RSS, all processes | peak PSS, all processes |")
    print("|---|---|---|---|---|---|---|---|---|")
    costs = []
    for name, (index, _) in indexes.items():
        translated, plain = interleaved(args, index, queries, [{}, {"translate": "0"}])
        baseline = load(args, index, queries, {}, 1)
        for label, r in (("defaults", translated), (f"defaults, translate=0 (in turn with the row above, "
                                                    f"{ROUNDS} rounds)", plain), ("--processes 1 (baseline)", baseline)):
            print(row(f"{name}: {label} ({r['processes']} × {THREADS} threads)", r), flush=True)
            for line in r["errors"][:5]:
                print("error:", line)
        rounds = ", ".join(f"{1 - on / off:.0%}" for on, off in zip(translated["rates"], plain["rates"], strict=True))
        costs.append(f"{name}: {1 - translated['rate'] / plain['rate']:.0%} (rounds: {rounds})")
    print("\nThroughput translation costs (1 - requests/s with it / without it): " + "; ".join(costs))
    if args.skip_faults:
        return
    index, sources = indexes["corpus"]
    print("\nFaults under the same load (corpus index, server defaults):\n")
    print("| fault | requests | requests/s | p50 ms | p95 ms | p99 ms | errors | peak RSS | peak PSS | what happened |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, fault in (("SIGKILL to one worker halfway", kill_a_worker),
                         ("full reindex swapped in during the load", reindex_under_load(index, sources))):
        r = load(args, index, queries, {}, None, fault)
        print(row(label, r) + f" {r['note']} |", flush=True)
        for line in r["errors"][:5]:
            print("error:", line)


if __name__ == "__main__":
    main()
