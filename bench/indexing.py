"""Indexing speed: prasa's full reindex with 1 and 2 processes beside plain Whoosh, same run.

The baselines are Whoosh's own StemmingAnalyzer over title + body, no field
extraction: what "just use Whoosh" costs, with one writer process and with
Whoosh's own two-process writer (``procs=2, multisegment=True``), which is
what ``--jobs 2`` is compared with (like for like: same parallelism).

    python bench/indexing.py                      # the bundled sample corpus
    python bench/indexing.py ../shared/corpus     # the real corpora (~23k items)
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema

from indexer import prepare_items, reindex
from indexer.build import prepare
from indexer.readers import read_file, walk
from indexer.records import Record

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, default=[ROOT / "sample"])
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    list(prepare_items([ROOT / "sample"], prepare=prepare))  # load Stempel, langid and dateparser once, off the clock
    size_mb = text_bytes(args.sources) / 1e6
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, run in (("Whoosh StemmingAnalyzer, one writer (baseline 1)",
                           lambda d: whoosh_baseline(args.sources, d)),
                          ("Whoosh StemmingAnalyzer, procs=2 multisegment (baseline 2)",
                           lambda d: whoosh_baseline(args.sources, d, procs=2)),
                          ("prasa reindex --full --jobs 1", lambda d: prasa(args.sources, d, 1)),
                          ("prasa reindex --full --jobs 2", lambda d: prasa(args.sources, d, 2))):
            workdir = Path(tmp) / f"run{len(rows)}"
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir()
            docs, seconds, disk = run(workdir)
            rows.append((name, docs, seconds, disk))
    base1, base2 = (rows[i][1] / rows[i][2] for i in (0, 1))
    print(f"sources: {', '.join(map(str, args.sources))} ({size_mb:.1f} MB of item text); "
          f"{os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}\n")
    print("| indexer | docs | seconds | docs/s | MB/s | × baseline 1 | × baseline 2 | index MB |")
    print("|---|---|---|---|---|---|---|---|")
    for name, docs, seconds, disk in rows:
        rate = docs / seconds
        print(f"| {name} | {docs} | {seconds:.1f} | {rate:.0f} | {size_mb / seconds:.2f} | "
              f"{rate / base1:.2f} | {rate / base2:.2f} | {disk:.1f} |")


if __name__ == "__main__":
    main()
