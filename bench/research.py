"""Research tools at 100k items: timeline and significant-values latency, and export memory.

Measured in one run, beside their baselines:

- the same 240 queries as ``bench/speed.py`` (on its 100k index: the corpora
  repeated with distinct ids), each as a search (10 hits + 4 facets: the work a
  timeline or a panel starts from), a timeline (auto interval, shares of the
  archive), a two-query comparison, significant organizations and significant
  words; beside SQLite FTS5 counting the same matches per month (GROUP BY over
  the FTS table speed.py builds);
- an export streamed to nowhere: 2,000, 20,000 and 100,000 rows of the whole
  archive newest first, with the peak of Python's allocations while streaming
  (tracemalloc) and the process's RSS growth — flat memory means the peak does
  not grow with the rows.

    python bench/research.py [--shared ../shared] [--items 100000] [--out bench/out]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sqlite3
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from speed import build_big_corpus, make_queries, percentiles, read_rows  # noqa: E402


def ensure_index(rows: list[dict], items: int, out: Path) -> Path:
    index = out / f"index-{items}"
    if not (index / "CURRENT").exists():
        from indexer import reindex

        big = out / f"corpus-{items}.jsonl.gz"
        build_big_corpus(rows, items, big)
        reindex([big], index, full=True, jobs=2)
    return index


def timed(call, queries: list[str]) -> list[float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        call(q)
        times.append((time.perf_counter() - t) * 1000)
    return times


def fts_months(db_path: Path, queries: list[str]) -> list[float] | None:
    """SQLite FTS5: the same words' matches counted per month (speed.py's table), or None if absent."""
    if not db_path.exists():
        return None
    db = sqlite3.connect(db_path)

    def count(text: str) -> None:
        words = re.findall(r"[^\W\d_]+", re.sub(r"\w+:\S+", " ", text))
        match = " ".join(f'"{w}"' for w in words) or '"the"'
        db.execute("SELECT m.ym, count(*) FROM docs JOIN meta m ON m.rowid = docs.rowid "
                   "WHERE docs MATCH ? GROUP BY m.ym", (match,)).fetchall()
    times = timed(count, queries)
    db.close()
    return times


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_memory(service, rows: int) -> tuple[float, float, float]:
    """(rows/s, tracemalloc peak MB while streaming, RSS growth MB) of one CSV export of ``rows``."""
    from search import SearchRequest

    request = SearchRequest(sort="newest")
    t = time.perf_counter()
    n = sum(1 for _ in service.export(request, rows).lines("csv"))
    rate = (n - 1) / (time.perf_counter() - t)
    before = rss_mb()
    tracemalloc.start()
    for _line in service.export(request, rows).lines("csv"):
        pass
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return rate, peak, rss_mb() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    args.out.mkdir(parents=True, exist_ok=True)

    from search import SearchRequest, SearchService

    rows = read_rows(args.shared)
    queries = make_queries(rows, args.queries)
    index = ensure_index(rows, args.items, args.out)

    def fresh(call):
        """``call`` over the queries on a service of its own, warmed on the first 20 as speed.py's."""
        service = SearchService(index)
        for q in queries[:20]:
            call(service, q)
        return timed(lambda q: call(service, q), queries)

    def compare(service, q):
        service.timeline([SearchRequest(q=q), SearchRequest(q=queries[(queries.index(q) + 1) % len(queries)])])
    results = [
        ("search: 10 hits + 4 facets (the baseline)", fresh(lambda s, q: s.search(SearchRequest(q=q)))),
        ("timeline, auto interval, with shares", fresh(lambda s, q: s.timeline([SearchRequest(q=q)]))),
        ("timeline comparing two queries", fresh(compare)),
        ("significant organizations (every match)",
         fresh(lambda s, q: s.significant(SearchRequest(q=q), "organization"))),
        ("significant words (best 100 matches sampled)", fresh(lambda s, q: s.significant(SearchRequest(q=q), "word"))),
    ]
    service = SearchService(index)
    sum(1 for _ in service.export(SearchRequest(sort="newest"), 500).rows)  # warm: opened, analyzers loaded
    fts = fts_months(args.out / "fts.sqlite", queries)
    if fts:
        results.append(("SQLite FTS5: the same words per month (GROUP BY)", fts))
    print(f"## Research tools at {args.items:,} items, in-process, {len(queries)} queries\n")
    print("| work | queries | p50 ms | p95 ms | p99 ms | goal |")
    print("|---|---|---|---|---|---|")
    for name, times in results:
        p50, p95, p99 = percentiles(times)
        goal = "p95 <= 50" if name.startswith(("timeline,", "significant")) else ""
        print(f"| {name} | {len(times)} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {goal} |")

    print(f"\n## Export (CSV, the whole archive newest first, {args.items:,} items)\n")
    print("| rows | rows/s | peak Python allocations while streaming MB | RSS growth MB |")
    print("|---|---|---|---|")
    for n in (2_000, 20_000, min(100_000, args.items)):
        rate, peak, grown = export_memory(service, n)
        print(f"| {n:,} | {rate:,.0f} | {peak:.1f} | {grown:.1f} |")
    print(f"\nmachine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; command: python bench/research.py")


if __name__ == "__main__":
    main()
