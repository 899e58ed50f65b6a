"""Speed: indexing, query latency at 100k items with all facets, memory and start-up.

Everything is measured in one run beside its baselines (the machine is shared
and noisy: compare ratios):

- indexing the three corpus files: plain Whoosh vs ``prasa reindex --full``
  with 1 and 2 processes;
- query latency over a fixed mixed set of queries (Polish and English, 1-3
  words, phrases, organization and date filters), each returning 10
  highlighted hits and all four facets, on the corpora repeated with distinct
  ids up to 100,000 items; beside Whoosh's own ``groupedby`` facets on the same
  index and SQLite FTS5 (same texts, GROUP BY facet counts);
- a serving process (``prasa serve``): time from start to the first answered
  query, and its peak memory after answering the query set over HTTP.

    python bench/speed.py [--shared ../shared] [--items 100000] [--out bench/out]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from indexing import main as indexing_table  # noqa: E402

CORPUS_FILES = ("pl-news-bsnlp.jsonl.gz", "en-news-reuters21578.jsonl.gz", "other-lang-news-bsnlp.jsonl.gz")
ORGS = ("eu", "imf", "opec", "un", "nato", "european-commission", "worldbank", "gatt", "oecd", "gazprom")


def read_rows(shared: Path) -> list[dict]:
    rows = []
    for name in CORPUS_FILES:
        with gzip.open(shared / "corpus" / name, "rt", encoding="utf-8") as f:
            rows += [json.loads(line) for line in f]
    return rows


def build_big_corpus(rows: list[dict], items: int, path: Path) -> None:
    """The corpora repeated with distinct ids (``id#k``) up to ``items`` items."""
    keep = ("id", "title", "body", "date", "language", "source", "url")
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for n in range(items):
            row = rows[n % len(rows)]
            copy = {k: row[k] for k in keep if k in row}
            copy["id"] = f"{row['id']}#{n // len(rows)}"
            f.write(json.dumps(copy, ensure_ascii=False) + "\n")


def make_queries(rows: list[dict], count: int) -> list[str]:
    """A fixed, mixed query set drawn from the corpora's titles (seeded)."""
    rng = random.Random(2026)
    words = {"pl": [], "en": []}
    for row in rows:
        lang = row.get("language")
        if lang in words and row.get("title"):
            words[lang].append([w for w in re.findall(r"[^\W\d_]{4,}", row["title"])])
    queries = []
    while len(queries) < count:
        lang = "pl" if len(queries) % 2 else "en"
        title = [w for w in rng.choice(words[lang]) if w]
        if len(title) < 2:
            continue
        kind = len(queries) % 10
        picked = rng.sample(title, min(len(title), rng.choice((1, 2, 3))))
        if kind == 0:
            i = rng.randrange(len(title) - 1)
            queries.append(f'"{title[i]} {title[i + 1]}"')
        elif kind == 3:
            queries.append(f"{picked[0]} org:{rng.choice(ORGS)}")
        elif kind == 5:
            year = "1987" if lang == "en" else rng.choice(("2018", "2019", "2020", "2021"))
            queries.append(f"{' '.join(picked)} date:{year}")
        elif kind == 7:
            queries.append(f"{picked[0]} date:[1987-03-01 TO 1987-06-30]" if lang == "en"
                           else f"{picked[0]} lang:pl")
        else:
            queries.append(" ".join(picked))
    return queries


def percentiles(values: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94], q[98]


def prasa_latency(index: Path, queries: list[str]) -> list[float]:
    from search import SearchRequest, SearchService

    service = SearchService(index)
    for q in queries[:20]:  # warm caches, as a serving process is warm
        service.search(SearchRequest(q=q))
    times = []
    for q in queries:
        t = time.perf_counter()
        result = service.search(SearchRequest(q=q, per_page=10))
        times.append((time.perf_counter() - t) * 1000)
        assert set(result.facets) == {"language", "organization", "source", "date"}
    return times


def whoosh_groupedby_latency(index: Path, queries: list[str]) -> list[float]:
    """Whoosh's own facets (``groupedby``) for the same parsed queries, 10 hits each."""
    from whoosh import sorting

    from search import SearchService

    service = SearchService(index)
    gen = service._current()
    from search.query import limit_expansions, parse_query

    facets = {"lang": sorting.FieldFacet("lang"), "source": sorting.FieldFacet("source"),
              "orgs": sorting.FieldFacet("orgs", allow_overlap=True),
              "year": sorting.FieldFacet("c_ym")}
    times = []
    with gen.ix.searcher() as searcher:
        for text in queries:
            q = parse_query(text, gen.parsers["all"], service.registry).query
            q, _ = limit_expansions(q, searcher.reader(), gen.ix.schema, gen.lexicon)
            t = time.perf_counter()
            results = searcher.search(q, limit=10, groupedby=facets)
            for name in facets:
                results.groups(name)
            times.append((time.perf_counter() - t) * 1000)
    return times


def sqlite_fts_latency(rows: list[dict], items: int, queries: list[str], path: Path) -> list[float]:
    """SQLite FTS5 (C engine) with the same texts, 10 snippets and GROUP BY facets per query."""
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE TABLE meta (rowid INTEGER PRIMARY KEY, lang TEXT, source TEXT, ym TEXT)")
    db.execute("CREATE TABLE orgs (rowid INTEGER, org TEXT)")
    for n in range(items):
        row = rows[n % len(rows)]
        db.execute("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", (n, row.get("title"), row.get("body")))
        db.execute("INSERT INTO meta VALUES (?, ?, ?, ?)", (n, row.get("language", "other"), row.get("source"),
                                                          (row.get("date") or "")[:7]))
        for org in row.get("gold_orgs") or []:
            db.execute("INSERT INTO orgs VALUES (?, ?)", (n, org))
    db.execute("CREATE INDEX orgs_rowid ON orgs(rowid)")
    db.commit()
    times = []
    for text in queries:
        words = re.findall(r"[^\W\d_]+", re.sub(r"\w+:\S+", " ", text))
        match = " ".join(f'"{w}"' for w in words) or '"the"'
        t = time.perf_counter()
        db.execute("SELECT rowid, snippet(docs, 1, '<mark>', '</mark>', '…', 30) FROM docs "
                   "WHERE docs MATCH ? ORDER BY rank LIMIT 10", (match,)).fetchall()
        for column in ("lang", "source", "ym"):
            db.execute(f"SELECT m.{column}, count(*) FROM docs JOIN meta m ON m.rowid = docs.rowid "
                       f"WHERE docs MATCH ? GROUP BY m.{column}", (match,)).fetchall()
        db.execute("SELECT o.org, count(*) FROM docs JOIN orgs o ON o.rowid = docs.rowid "
                   "WHERE docs MATCH ? GROUP BY o.org", (match,)).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    db.close()
    return times


def serving_process(index: Path, queries: list[str]) -> tuple[float, float]:
    """Seconds from starting ``prasa serve`` to its first answer; peak RSS (MB) after the query set."""
    port = 8765 + os.getpid() % 1000
    prasa = Path(sys.executable).with_name("prasa")
    started = time.perf_counter()
    proc = subprocess.Popen([str(prasa), "serve", "--index", str(index), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/search?q="
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "NATO", timeout=10).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        first = time.perf_counter() - started
        for q in queries:
            urllib.request.urlopen(base + urllib.request.quote(q), timeout=30).read()
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
        return first, peak
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--reuse", action="store_true", help="reuse an index built by an earlier run")
    parser.add_argument("--skip-indexing", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    args.out.mkdir(parents=True, exist_ok=True)

    if not args.skip_indexing:
        print("## Indexing\n")
        sys.argv = ["indexing.py", str(args.shared / "corpus")]
        indexing_table()

    rows = read_rows(args.shared)
    queries = make_queries(rows, args.queries)
    index = args.out / f"index-{args.items}"
    if not (args.reuse and (index / "CURRENT").exists()):
        from indexer import reindex

        big = args.out / f"corpus-{args.items}.jsonl.gz"
        build_big_corpus(rows, args.items, big)
        t = time.perf_counter()
        summary = reindex([big], index, full=True, jobs=2)
        print(f"\nbuilt the {summary.documents}-item index in {time.perf_counter() - t:.0f} s")

    print(f"\n## Queries at {args.items:,} items (corpora repeated with distinct ids), "
          f"{len(queries)} queries, 10 hits + 4 facets each\n")
    results = [("prasa (library, in-process)", prasa_latency(index, queries))]
    results.append(("Whoosh groupedby facets, same index", whoosh_groupedby_latency(index, queries[:60])))
    results.append(("SQLite FTS5 + GROUP BY (C engine)",
                    sqlite_fts_latency(rows, args.items, queries, args.out / "fts.sqlite")))
    print("| engine | queries | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for name, times in results:
        p50, p95, p99 = percentiles(times)
        print(f"| {name} | {len(times)} | {p50:.1f} | {p95:.1f} | {p99:.1f} |")
    print(f"\nprasa p95 vs Whoosh groupedby p95: "
          f"{percentiles(results[1][1])[1] / percentiles(results[0][1])[1]:.1f}x faster (target p95 <= 50 ms)")

    first, peak = serving_process(index, queries)
    print("\n## Serving process (prasa serve)\n")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| start to first answered query | {first:.2f} s | <= 3 s |")
    print(f"| peak RSS after {len(queries)} queries | {peak:.0f} MB | <= 500 MB |")
    print(f"\nmachine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; "
          f"command: python bench/speed.py --items {args.items}")


if __name__ == "__main__":
    main()
