"""Archive scale: a million items that keep arriving (``make bench-scale``, about 30 minutes).

The three corpus files repeated with distinct ids (``id#k``) up to ``--items``
items, written as JSON Lines files of 50,000 items (gzip'd) in one folder, as a
newsroom's archive would be.  Measured in one run, each beside its goal:

- ``prasa reindex --full --jobs 2 FOLDER``: time, items/s, index size, parent peak RSS;
- ``prasa reindex FOLDER`` with nothing changed;
- ``prasa reindex NEW-FILE``: a new file of 1,000 items, only it named; then
  ``prasa reindex FOLDER`` after another such file lands in the folder (the
  new items are searched for each time);
- ``prasa reindex --watch FOLDER`` with ``prasa serve`` on the same index: a
  one-item file dropped into the folder, time until ``/api/search`` finds it;
- the whole archive as one ``.jsonl.gz`` (the parts' gzip members
  concatenated): read through prasa's reader, records counted, peak RSS;
- in-process query latency (bench/speed.py's 240 queries, 10 highlighted hits
  and four facets each) at the full size (the fresh build's copy), at 100,000 items (the first two
  files, indexed the same way) and SQLite FTS5 on the same full archive;
- ``prasa serve``: start to first answer, RSS and PSS per process after the
  query set; then 16 clients for 30 s (bench/load.py);
- 200 small commits (a file of 5 items each, reindexed as a watcher would):
  query p95 after them beside the fresh build's (a copy taken right after
  the full build; three rounds, interleaved).

    python bench/scale.py [--items 1000000] [--work bench/out/scale] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from load import load, memory_mb, start_server, workers  # noqa: E402
from speed import make_queries, percentiles, prasa_latency, read_rows, sqlite_fts_latency  # noqa: E402

PER_FILE = 50_000
KEEP = ("id", "title", "body", "date", "language", "source", "url")
PRASA = str(Path(sys.executable).with_name("prasa"))
ENV = {**os.environ, "TQDM_DISABLE": "1"}


def write_archive(rows: list[dict], items: int, folder: Path) -> list[Path]:
    """``items`` items in files of PER_FILE; files already there (same count) are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for part in range(-(-items // PER_FILE)):
        path = folder / f"part-{part:03d}.jsonl.gz"
        files.append(path)
        if path.exists():
            continue
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as f:
            for n in range(part * PER_FILE, min(items, (part + 1) * PER_FILE)):
                row = rows[n % len(rows)]
                copy = {k: row[k] for k in KEEP if k in row}
                copy["id"] = f"{row['id']}#{n // len(rows)}"
                f.write(json.dumps(copy, ensure_ascii=False) + "\n")
    return files


def new_items(rows: list[dict], count: int, tag: str, marker: str) -> str:
    """``count`` items with new ids, each carrying ``marker`` (a word no corpus item has)."""
    out = []
    for n in range(count):
        row = rows[n % len(rows)]
        copy = {k: row[k] for k in KEEP if k in row}
        copy["id"], copy["body"] = f"{tag}-{n}", f"{row.get('body') or ''} {marker}"
        out.append(json.dumps(copy, ensure_ascii=False) + "\n")
    return "".join(out)


def prasa(*args: str) -> tuple[float, dict]:
    """Run ``prasa ARGS --json``: seconds and its summary."""
    started = time.perf_counter()
    done = subprocess.run([PRASA, *args, "--json"], capture_output=True, text=True, env=ENV, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def total(service, q: str) -> int:
    from search import SearchRequest

    return service.search(SearchRequest(q=q, translate=False)).total


def watch_freshness(rows, folder: Path, index: Path, drops: int = 3) -> list[float]:
    """Seconds from a one-item file landing in the watched folder to ``/api/search`` finding it."""
    port = 18500 + os.getpid() % 400
    server = start_server(index, port, None)
    watcher = subprocess.Popen([PRASA, "reindex", str(folder), "--index", str(index), "--watch", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV)
    seconds = []
    try:
        watcher.stdout.readline()  # the first pass
        for n in range(drops):
            marker = f"prasawatch{n}x"
            landed = time.perf_counter()
            (folder / f"wire-{n}.jsonl").write_text(new_items(rows, 1, f"wire{n}", marker), "utf-8")
            url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": marker, "translate": 0})
            while time.perf_counter() - landed < 120:
                found = json.loads(urllib.request.urlopen(url, timeout=30).read())["total"]
                if found:
                    break
                time.sleep(0.1)
            seconds.append(time.perf_counter() - landed)
            time.sleep(1.5)
    finally:
        watcher.terminate()
        watcher.wait(timeout=60)
        server.terminate()
        server.wait(timeout=30)
    return seconds


def read_one_dump(files: list[Path], work: Path) -> tuple[float, int, float, int]:
    """The archive as one gzip file (members concatenated) read through prasa's reader."""
    dump = work / "archive.jsonl.gz"
    with open(dump, "wb") as out:
        for path in files:
            with open(path, "rb") as f:
                shutil.copyfileobj(f, out)
    code = ("import resource, sys, time; from pathlib import Path; from indexer import read_file, Problem\n"
            "t = time.perf_counter(); n = sum(not isinstance(r, Problem) for r in read_file(Path(sys.argv[1])))\n"
            "print(time.perf_counter() - t, n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(dump)], capture_output=True, text=True, check=True,
                         env=ENV).stdout.split()
    size = dump.stat().st_size
    dump.unlink()
    return float(out[0]), int(out[1]), float(out[2]), size


def serving(index: Path, queries: list[str]) -> tuple[float, list[float], float]:
    """Start to first answer, RSS per process (MB) and PSS summed after the query set."""
    port = 18900 + os.getpid() % 90
    started = time.perf_counter()
    proc = subprocess.Popen([PRASA, "serve", "--index", str(index), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    base = f"http://127.0.0.1:{port}/api/search?q="
    try:
        while True:
            try:
                urllib.request.urlopen(base + "NATO", timeout=30).read()
                break
            except OSError:
                if time.perf_counter() - started > 120:
                    raise
                time.sleep(0.02)
        first = time.perf_counter() - started
        for q in queries:
            urllib.request.urlopen(base + urllib.parse.quote(q), timeout=60).read()
        rss = []
        for pid in [proc.pid, *workers(proc.pid)]:
            status = Path(f"/proc/{pid}/status").read_text()
            rss.append(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024)
        return first, rss, memory_mb(proc.pid)[1]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def small_commits(rows, folder: Path, index: Path, count: int) -> float:
    """``count`` files of 5 items, each reindexed alone (a watcher's pass): mean seconds per commit."""
    from indexer import reindex

    started = time.perf_counter()
    for n in range(count):
        path = folder / f"small-{n:03d}.jsonl"
        path.write_text(new_items(rows, 5, f"small{n}", f"prasasmall{n}x"), "utf-8")
        reindex([folder], index, paths=[path])
    return (time.perf_counter() - started) / count


def new_file_row(rows, index: Path, path: Path, tag: str, source: Path | None, label: str, goal: str) -> None:
    """A new file of 1,000 items lands; ``prasa reindex SOURCE`` (the file itself when None), then search."""
    from search import SearchService

    marker = f"prasa{tag}x"
    path.write_text(new_items(rows, 1000, tag, marker), "utf-8")
    seconds, summary = prasa("reindex", str(source or path), "--index", str(index))
    found = total(SearchService(index), marker)
    print(f"| {label} | {seconds:.1f} s (added {summary['added']}, {found} found by search) | {goal} |", flush=True)


def latency(index: Path, queries: list[str]) -> tuple[float, float, float]:
    return percentiles(prasa_latency(index, queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "scale")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    print(f"bench/scale.py, {time.strftime('%Y-%m-%d')}, commit {commit}, {os.cpu_count()} cores, "
          f"{args.items:,} items\n")
    rows = read_rows(args.shared)
    queries = make_queries(rows, 240)
    folder, index, small = args.work / "archive", args.work / "index", args.work / "index-100k"
    fresh = args.work / "index-fresh"  # a copy of the full build, never written to again
    for path in (index, small, fresh):
        shutil.rmtree(path, ignore_errors=True)
    for extra in folder.glob("[!p]*"):  # what an earlier run added (new files, drops, small commits)
        extra.unlink()
    files = write_archive(rows, args.items, folder)
    print(f"archive: {len(files)} JSON Lines files, {folder_mb(folder):.0f} MB gzip'd\n")
    print("| step | measured | goal |\n|---|---|---|")

    seconds, summary = prasa("reindex", "--full", "--jobs", "2", str(folder), "--index", str(index))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"| reindex --full --jobs 2 | {seconds:.0f} s ({summary['documents'] / seconds:,.0f} items/s), "
          f"index {folder_mb(index) / 1024:.2f} GB, peak RSS of the largest process {peak:.0f} MB | keep the rate |",
          flush=True)
    shutil.copytree(index, fresh)
    seconds, summary = prasa("reindex", str(folder), "--index", str(index))
    print(f"| reindex, nothing changed | {seconds:.1f} s (unchanged {summary['unchanged']:,}) | ≤ 5 s |", flush=True)
    new_file_row(rows, index, folder / "new-named.jsonl", "named", None,
                 "reindex NEW-FILE (1,000 new items, only that file named)", "≤ 5 s")
    new_file_row(rows, index, folder / "new-1000.jsonl", "new", folder,
                 "reindex FOLDER after a new file of 1,000 items", "≤ 10 s")
    waits = watch_freshness(rows, folder, index)
    print(f"| --watch: a dropped item in /api/search | {', '.join(f'{s:.1f}' for s in waits)} s | ≤ 10 s |",
          flush=True)
    took, count, rss, size = read_one_dump(files, args.work)
    print(f"| one {size / 2**20:.0f} MB .jsonl.gz read | {count:,} records in {took:.0f} s, peak RSS {rss:.0f} MB "
          f"| accepted |", flush=True)

    p = latency(fresh, queries)
    _seconds, built = prasa("reindex", "--full", "--jobs", "2", *map(str, files[:2]), "--index", str(small))
    q = latency(small, queries)
    fts = percentiles(sqlite_fts_latency(rows, args.items, queries, args.work / "fts.sqlite"))
    (args.work / "fts.sqlite").unlink()
    print(f"| query p50 / p95 / p99, {args.items:,} items | {p[0]:.1f} / {p[1]:.1f} / {p[2]:.1f} ms | "
          f"p95 ≤ 30, p99 ≤ 60 |")
    print(f"| query p50 / p95 / p99, {built['documents']:,} items | {q[0]:.1f} / {q[1]:.1f} / {q[2]:.1f} ms | |")
    print(f"| SQLite FTS5, same {args.items:,} items | {fts[0]:.1f} / {fts[1]:.1f} / {fts[2]:.1f} ms | "
          f"(baseline) |", flush=True)
    first, rss, pss = serving(index, queries)
    print(f"| prasa serve: start to first answer | {first:.2f} s | ≤ 3 s |")
    print(f"| prasa serve: RSS master, workers | {', '.join(f'{r:.0f}' for r in rss)} MB (PSS summed "
          f"{pss:.0f} MB) | bounded |", flush=True)
    load_args = argparse.Namespace(clients=16, seconds=args.seconds)
    r = load(load_args, index, queries, {})
    print(f"| 16 clients, {args.seconds:.0f} s | {r['rate']:.0f} req/s, p95 {r['p95']:.0f} ms, "
          f"{len(r['errors'])} errors | ≥ 150 req/s, p95 ≤ 300 ms |", flush=True)
    per_commit = small_commits(rows, folder, index, args.commits)
    rounds = [(latency(fresh, queries)[1], latency(index, queries)[1]) for _ in range(3)]
    before, after = (statistics.median(r[k] for r in rounds) for k in (0, 1))
    each = ", ".join(f"{b:.1f}/{a:.1f}" for b, a in rounds)
    print(f"| {args.commits} small commits (and the new files above) | {per_commit:.2f} s each; then p95 "
          f"{after:.1f} ms against {before:.1f} on the fresh build's copy ({after / before - 1:+.0%}; medians "
          f"of 3 interleaved rounds, fresh/after: {each}) | within 10 % |")


if __name__ == "__main__":
    main()
