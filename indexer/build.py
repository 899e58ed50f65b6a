"""``prasa reindex``: read sources, extract items, write the index incrementally or in full."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from .extract import ExtractError, extract, warm_up
from .items import Item
from .readers import read_file, walk
from .records import Problem, Record
from .schema import field_lang, to_document
from .segments import SegmentWriter, build_segments
from .store import (
    current_generation,
    discard,
    new_generation,
    open_index,
    publish,
    reindex_lock,
    write_last_reindex,
)
from .vocab import Vocabulary

BATCH = 250  # records per task sent to an extraction process
WRITER_MB = 256  # Whoosh's in-memory posting buffer per writer process
# Separate segment files, not Whoosh's compound ones: reading a compound file,
# Whoosh 2.7 copies every posting file into memory (BytesIO over the mmap) for
# each searcher, about 150 MB per searcher at 100k items.
WRITER_OPTIONS = {"limitmb": WRITER_MB, "compound": False}


@dataclass
class Summary:
    """What a reindex did; ``failed`` lists each problem with its path and reason."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    failed: list[Problem] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)
    documents: int = 0
    seconds: float = 0.0
    full: bool = False
    finished_at: str = ""

    @property
    def ok(self) -> bool:
        """False only when a source could not be read at all."""
        return not self.missing_sources

    def to_dict(self) -> dict:
        data = asdict(self)
        data["failed"] = [{"path": p.path, "reason": p.reason} for p in self.failed]
        return data


@dataclass
class Prepared:
    """An item ready for the writer: its Whoosh document and its surface words."""

    id: str
    path: str
    content_hash: str
    lang: str
    doc: dict
    words: set[str]

    def rename(self, new_id: str) -> None:
        """Give a colliding item a new id (in the stored JSON too)."""
        self.id = self.doc["id"] = new_id
        stored = json.loads(self.doc["doc"])
        stored["id"] = new_id
        self.doc["doc"] = json.dumps(stored, ensure_ascii=False)


def _prepare(record: Record, reference: dt.date | None) -> Prepared | Problem:
    """Extract and analyze one record (runs in the worker processes)."""
    try:
        item = extract(record, reference)
        words: set[str] = set()
        doc = to_document(item, words)
        return Prepared(item.id, item.path, item.content_hash, field_lang(item.language), doc, words)
    except ExtractError as e:
        return Problem(_where(record), str(e))
    except Exception as e:  # an extractor bug must not lose the other items
        return Problem(_where(record), f"extraction failed: {type(e).__name__}: {e}")


def _where(record: Record) -> str:
    return f"{record.path}:{record.key}" if record.key else record.path


def extract_only(record: Record, reference: dt.date | None) -> Item | Problem:
    """Extract one record without analyzing it (for backends that analyze text themselves)."""
    try:
        return extract(record, reference)
    except ExtractError as e:
        return Problem(_where(record), str(e))
    except Exception as e:  # an extractor bug must not lose the other items
        return Problem(_where(record), f"extraction failed: {type(e).__name__}: {e}")


def _prepare_batch(args) -> list:
    entries, reference, prepare = args
    return [e if isinstance(e, Problem) else prepare(e, reference) for e in entries]


def prepare_items(sources: Iterable[Path], reference: dt.date | None = None,
                  jobs: int = 1, prepare: Callable = _prepare) -> Iterator:
    """Every item (or problem) under ``sources``, passed through ``prepare`` in ``jobs`` processes.

    ``prepare`` (a module-level function of a record and the reference date)
    extracts and analyzes for Whoosh by default; ``extract_only`` just extracts.
    """
    stream = records(sources)
    if jobs <= 1:
        for entry in stream:
            yield entry if isinstance(entry, Problem) else prepare(entry, reference)
        return
    # problems met while reading travel in the batches, in order: no list shared with the
    # pool's feeder thread (which consumes this generator concurrently)
    batches = ((batch, reference, prepare) for batch in iter(lambda: list(islice(stream, BATCH)), []))
    with get_context("fork").Pool(jobs) as pool:
        for results in pool.imap(_prepare_batch, batches):
            yield from results


def records(sources: Iterable[Path]) -> Iterator[Record | Problem]:
    """Every raw record (or reading problem) under ``sources``, in order."""
    return (r for source in sources for path in walk(source) for r in read_file(path))


def _known_items(ix) -> dict[str, tuple[str, str]]:
    """id -> (content hash, path) of what the index holds."""
    with ix.reader() as reader:
        return {f["id"]: (f.get("content_hash", ""), f.get("path", "")) for f in reader.all_stored_fields()}


def readable_sources(sources: list[Path], summary: Summary) -> list[Path]:
    """The sources that exist; the others are recorded in ``summary.missing_sources``."""
    summary.missing_sources = [str(s) for s in sources if not Path(s).exists()]
    return [Path(s) for s in sources if Path(s).exists()]


def is_gone(path: str, roots: list[Path]) -> bool:
    """Was this item's file scanned this time (so absence means deletion), or removed?"""
    if not os.path.exists(path):
        return True
    resolved = Path(path).resolve()
    return any(resolved == r or r in resolved.parents for r in roots)


def reindex(sources: list[Path], index_dir: Path, *, full: bool = False, jobs: int = 1,
            reference: dt.date | None = None,
            progress: Callable[[int], None] | None = None) -> Summary:
    """Bring the index at ``index_dir`` up to date with ``sources``.

    Incremental by default (content hashes decide what is rewritten); ``full``
    builds a new generation and swaps it in only once it is complete.
    """
    started = time.monotonic()
    summary = Summary(full=full)
    readable = readable_sources(sources, summary)
    with reindex_lock(index_dir):
        fresh = full or current_generation(index_dir) is None
        gen, ix = new_generation(index_dir) if fresh else (None, open_index(index_dir))
        folder = gen or current_generation(index_dir)
        try:
            if jobs > 1:
                warm_up()  # once here, shared by the forked workers
            if fresh and jobs > 1:
                vocab = Vocabulary()
                build_segments(ix, records(readable), jobs=jobs, reference=reference, prepare=_prepare,
                               options=WRITER_OPTIONS, summary=summary, vocab=vocab, folder=folder,
                               unique_id=unique_id, progress=progress)
            else:
                _update(ix, folder, readable, fresh, reference, jobs, summary, progress)
        except BaseException:
            if gen is not None:
                discard(gen)
            raise
        if gen is not None:
            publish(index_dir, gen)
        write_last_reindex(index_dir, finish(summary, started, open_index(index_dir).doc_count()))
    return summary


def _update(ix, folder: Path, sources: list[Path], fresh: bool, reference: dt.date | None, jobs: int,
            summary: Summary, progress: Callable[[int], None] | None) -> None:
    """One writer (extraction in ``jobs`` processes): additions, updates (content hashes decide)
    and deletions, then one commit."""
    known = {} if fresh else _known_items(ix)
    vocab = Vocabulary() if fresh else Vocabulary.load(folder)
    writer = SegmentWriter(ix, **WRITER_OPTIONS)
    try:
        seen = _write(writer, prepare_items(sources, reference, jobs), known, vocab, summary, progress)
        for item_id in gone_items(known, seen, sources):
            writer.delete_by_term("id", item_id)
            summary.deleted += 1
        vocab.save(folder)  # before the commit: extra words are harmless, missing ones not
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def changes(entries: Iterator, known: dict, summary: Summary, seen: set[str],
            progress: Callable[[int], None] | None = None) -> Iterator[tuple[Prepared | Item, bool]]:
    """The items to write, each with whether it replaces an indexed one.

    Shared by every backend: problems, renamed duplicate ids, unchanged items
    (same content hash), updates and additions are counted into ``summary``;
    ids go into ``seen``.
    """
    for n, entry in enumerate(entries, start=1):
        if progress:
            progress(n)
        if isinstance(entry, Problem):
            summary.failed.append(entry)
            continue
        if entry.id in seen:
            new_id = unique_id(entry.id, entry.path, seen)
            summary.renamed.append(f"{entry.path}: id {entry.id!r} is taken, indexed as {new_id!r}")
            if isinstance(entry, Prepared):
                entry.rename(new_id)
            else:
                entry.id = new_id
        seen.add(entry.id)
        old = known.get(entry.id)
        if old and old[0] == entry.content_hash:
            summary.unchanged += 1
            continue
        if old:
            summary.updated += 1
        else:
            summary.added += 1
        yield entry, bool(old)


def gone_items(known: dict, seen: set[str], sources: list[Path]) -> list[str]:
    """Indexed ids not seen this time whose file was scanned (so they were deleted) or removed."""
    roots = [p.resolve() for p in sources]
    return [item_id for item_id, (_hash, path) in known.items()
            if item_id not in seen and is_gone(path, roots)]


def finish(summary: Summary, started: float, documents: int) -> dict:
    summary.documents = documents
    summary.seconds = round(time.monotonic() - started, 2)
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return summary.to_dict()


def _write(writer, entries: Iterator[Prepared | Problem], known: dict, vocab: Vocabulary,
           summary: Summary, progress: Callable[[int], None] | None) -> set[str]:
    """Add or update each item; returns the ids seen."""
    seen: set[str] = set()
    for entry, update in changes(entries, known, summary, seen, progress):
        if update:
            writer.update_document(**entry.doc)
        else:
            writer.add_document(**entry.doc)
        vocab.add(entry.lang, entry.words)
    return seen


def unique_id(item_id: str, path: str, seen: set[str]) -> str:
    """A new id for an item whose id another file already used: ``id@file``."""
    base = f"{item_id}@{Path(path).name.split('.')[0]}"
    candidate, n = base, 1
    while candidate in seen:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
