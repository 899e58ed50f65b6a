"""Indexing speed: prasa's full reindex with 1 and 2 processes beside plain Whoosh, same run.

Each indexer runs in a fresh process (prasa's dictionaries loaded off the
clock): an earlier run in the same process would leave its caches, its lemmas
and organization look-ups, to the next.  The baselines are Whoosh's own StemmingAnalyzer over title + body, no field
extraction: what "just use Whoosh" costs, with one writer process and with
Whoosh's own two-process writer (``procs=2, multisegment=True``), which is
what ``--jobs 2`` is compared with (like for like: same parallelism).  The
machine is shared and a single run varies by 10 % or more, so every indexer
runs ``--rounds`` times, interleaved, and the table shows medians (and each
round's time beside them).

    python bench/indexing.py                      # the bundled sample corpus
    python bench/indexing.py ../shared/corpus     # the real corpora (~23k items)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema

from indexer import reindex
from indexer.extract.item import warm_up
from indexer.sources.readers import read_file, walk
from indexer.sources.records import Record

ROOT = Path(__file__).resolve().parents[1]


def text_bytes(sources: list[Path]) -> int:
    """Size of the items' title and body text, UTF-8 (files may be gzip'd)."""
    return sum(len(f"{r.fields.get('title') or ''}{r.fields.get('body') or ''}".encode())
               for s in sources for p in walk(s) for r in read_file(p) if isinstance(r, Record))


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def whoosh_baseline(sources: list[Path], workdir: Path, procs: int = 1) -> tuple[int, float, float]:
    """Plain Whoosh; the files are read on the clock, as prasa's reindex reads them."""
    started = time.perf_counter()
    records = [r for s in sources for p in walk(s) for r in read_file(p) if isinstance(r, Record)]
    ix = whoosh_index.create_in(str(workdir), Schema(id=ID(stored=True),
                                                     content=TEXT(analyzer=StemmingAnalyzer())))
    writer = ix.writer(limitmb=256, procs=procs, multisegment=True) if procs > 1 \
        else ix.writer(limitmb=256)
    for n, r in enumerate(records):
        text = f"{r.fields.get('title') or ''}\n{r.fields.get('body') or ''}"
        writer.add_document(id=str(n), content=text)
    writer.commit()
    return len(records), time.perf_counter() - started, folder_mb(workdir)


def prasa(sources: list[Path], workdir: Path, jobs: int) -> tuple[int, float, float]:
    started = time.perf_counter()
    summary = reindex(sources, workdir, full=True, jobs=jobs)
    return summary.documents, time.perf_counter() - started, folder_mb(workdir)


INDEXERS = (
    ("Whoosh StemmingAnalyzer, one writer (baseline 1)", lambda sources, d: whoosh_baseline(sources, d)),
    ("Whoosh StemmingAnalyzer, procs=2 multisegment (baseline 2)",
     lambda sources, d: whoosh_baseline(sources, d, procs=2)),
    ("prasa reindex --full --jobs 1", lambda sources, d: prasa(sources, d, 1)),
    ("prasa reindex --full --jobs 2", lambda sources, d: prasa(sources, d, 2)),
)


def run_one(number: int, sources: list[Path], workdir: Path) -> dict:
    """One indexer, timed, in this (fresh) process: no run inherits another's caches."""
    name, run = INDEXERS[number]
    if name.startswith("prasa"):
        warm_up()  # load the dictionaries, off the clock, as a long-running indexer has them
    docs, seconds, disk = run(sources, workdir)
    return {"docs": docs, "seconds": seconds, "disk": disk}


def in_fresh_process(number: int, sources: list[Path], workdir: Path) -> dict:
    command = [sys.executable, __file__, *map(str, sources), "--one", str(number), "--workdir", str(workdir)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, default=[ROOT / "sample"])
    parser.add_argument("--rounds", type=int, default=3,
                        help="each indexer runs this many times, interleaved; the table shows the medians")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # run INDEXERS[n] alone, print JSON
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.sources, args.workdir)))
        return
    size_mb = text_bytes(args.sources) / 1e6
    runs: dict[str, list[dict]] = {name: [] for name, _ in INDEXERS}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):  # interleaved: a slow spell of a shared machine hits every indexer
            for n, (name, _) in enumerate(INDEXERS):
                workdir = Path(tmp) / f"run{round_}-{n}"
                workdir.mkdir()
                runs[name].append(in_fresh_process(n, args.sources, workdir))
                shutil.rmtree(workdir, ignore_errors=True)
    median = {name: statistics.median(r["seconds"] for r in done) for name, done in runs.items()}
    docs = {name: done[0]["docs"] for name, done in runs.items()}
    base1, base2 = (docs[name] / median[name] for name, _ in INDEXERS[:2])
    print(f"sources: {', '.join(map(str, args.sources))} ({size_mb:.1f} MB of item text); "
          f"{os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; each indexer in a fresh process, "
          f"median of {args.rounds} interleaved rounds\n")
    print("| indexer | docs | seconds (median) | each round | docs/s | MB/s | × baseline 1 | × baseline 2 | index MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, done in runs.items():
        rate = docs[name] / median[name]
        rounds = " / ".join(f"{r['seconds']:.1f}" for r in done)
        print(f"| {name} | {docs[name]} | {median[name]:.1f} | {rounds} | {rate:.0f} | {size_mb / median[name]:.2f} | "
              f"{rate / base1:.2f} | {rate / base2:.2f} | {done[-1]['disk']:.1f} |")
    pairs = [b["seconds"] / p["seconds"] for b, p in zip(runs[INDEXERS[1][0]], runs[INDEXERS[3][0]], strict=True)]
    print(f"\n--jobs 2 vs baseline 2, round by round: {' / '.join(f'{r:.2f}' for r in pairs)}")


if __name__ == "__main__":
    main()
