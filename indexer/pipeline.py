"""The reindex loop every backend shares: read, extract, detect changes, write, delete, swap.

A backend (``Backend``: the Whoosh folder in ``build.py``, the cluster in
``cluster.py``) supplies only what differs — how it prepares an item, what
it holds already (``known_items``), how it writes and deletes, and how a
finished build goes live (``swap``) or a failed one goes away (``abort``).
``run_reindex`` does the rest, the same for both: the lock, the change
detection by content hash, renamed duplicate ids, deletions of items whose
files are gone, the summary and its record.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from .extract import ExtractError, extract
from .items import Item
from .sources import Problem, Record, read_file, walk

BATCH = 250  # records per task sent to an extraction process
Progress = Callable[[int], None] | None


@dataclass
class Summary:
    """What a reindex did; ``failed`` lists each problem with its path and reason."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    failed: list[Problem] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    # items whose feed or page declared another language than their text is in (langs.choose)
    declared_overridden: list[str] = field(default_factory=list)
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


class Entry(Protocol):
    """What a backend's ``prepare`` returns for a good record (an ``Item``, or Whoosh's ``Prepared``)."""

    id: str
    path: str
    language: str
    declared_language: str | None
    content_hash: str

    def rename(self, new_id: str) -> None: ...


class Backend(ABC):
    """Where a reindex writes.  ``run_reindex`` calls, in order: ``lock``, ``begin``,
    ``build`` (by default ``known_items``, then ``write`` and ``delete`` of the
    changes), ``flush``, then ``swap`` and ``record`` — or ``abort`` on any error,
    which leaves what was serving before serving still."""

    prepare: Callable[[Record, dt.date | None], object]  # a module-level function (sent to workers)

    @property
    @abstractmethod
    def label(self) -> str:
        """How messages name the index: its folder, or the cluster URL and alias."""

    @abstractmethod
    def lock(self) -> AbstractContextManager:
        """One reindex at a time (``IndexBusy`` when another holds it)."""

    @abstractmethod
    def begin(self, full: bool) -> bool:
        """Open the index to write (a new build when ``full`` or none exists); True when new."""

    @abstractmethod
    def known_items(self) -> dict[str, tuple[str, str]]:
        """id -> (content hash, path) of what the index holds."""

    @abstractmethod
    def write(self, entries: Iterator[tuple[Entry, bool]], summary: Summary) -> None:
        """Add each prepared item (True: it replaces an indexed one)."""

    @abstractmethod
    def delete(self, ids: list[str], summary: Summary) -> None:
        """Remove these items."""

    @abstractmethod
    def flush(self) -> None:
        """Make what was written durable (not yet live when the build is new)."""

    @abstractmethod
    def swap(self) -> None:
        """A new build goes live."""

    @abstractmethod
    def abort(self) -> None:
        """Undo a failed build; the index served before keeps serving."""

    @abstractmethod
    def documents(self) -> int:
        """Items the live index holds."""

    @abstractmethod
    def record(self, summary: dict) -> None:
        """Keep the summary of the last reindex (``/api/health``, ``prasa stats``)."""

    def build(self, sources: list[Path], fresh: bool, jobs: int, reference: dt.date | None,
              summary: Summary, progress: Progress) -> None:
        """Write what changed under ``sources``; a backend may do this its own faster way."""
        known = {} if fresh else self.known_items()
        seen: set[str] = set()
        entries = changes(prepare_items(sources, reference, jobs, prepare=self.prepare), known, summary, seen,
                          progress)
        self.write(entries, summary)
        gone = gone_items(known, seen, sources)
        self.delete(gone, summary)
        summary.deleted = len(gone)


def run_reindex(backend: Backend, sources: list[Path], *, full: bool = False, jobs: int = 1,
                reference: dt.date | None = None, progress: Progress = None) -> Summary:
    """Bring ``backend``'s index up to date with ``sources`` (incremental unless ``full``)."""
    started = time.monotonic()
    summary = Summary(full=full)
    readable = readable_sources(sources, summary)
    with backend.lock():
        fresh = backend.begin(full)
        try:
            backend.build(readable, fresh, jobs, reference, summary, progress)
            backend.flush()
        except BaseException:
            backend.abort()
            raise
        if fresh:
            backend.swap()
        summary.documents = backend.documents()
        summary.seconds = round(time.monotonic() - started, 2)
        summary.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        backend.record(summary.to_dict())
    return summary


def where(record: Record) -> str:
    return f"{record.path}:{record.key}" if record.key else record.path


def extract_only(record: Record, reference: dt.date | None) -> Item | Problem:
    """Extract one record without analyzing it (for backends that analyze text themselves)."""
    return guarded(record, lambda: extract(record, reference))


def guarded(record: Record, make: Callable[[], object]):
    """``make()``, or the problem it met: one broken record never stops the others."""
    try:
        return make()
    except ExtractError as e:
        return Problem(where(record), str(e))
    except Exception as e:  # an extractor bug must not lose the other items
        return Problem(where(record), f"extraction failed: {type(e).__name__}: {e}")


def _prepare_batch(args) -> list:
    entries, reference, prepare = args
    return [e if isinstance(e, Problem) else prepare(e, reference) for e in entries]


def prepare_items(sources: Iterable[Path], reference: dt.date | None = None,
                  jobs: int = 1, prepare: Callable | None = None) -> Iterator:
    """Every item (or problem) under ``sources``, passed through ``prepare`` in ``jobs`` processes.

    ``prepare`` (a module-level function of a record and the reference date)
    is a backend's (``Backend.prepare``); ``extract_only`` when none is given.
    """
    prepare = prepare or extract_only
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


def changes(entries: Iterator, known: dict, summary: Summary, seen: set[str],
            progress: Callable[[int], None] | None = None) -> Iterator[tuple[Entry, bool]]:
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
        settled = settle_id(entry.id, entry.path, seen, summary)
        if settled != entry.id:
            entry.rename(settled)
        old = known.get(entry.id)
        if old and old[0] == entry.content_hash:
            summary.unchanged += 1
            continue
        if old:
            summary.updated += 1
        else:
            summary.added += 1
        note_language(entry, summary)
        yield entry, bool(old)


def note_language(entry: Entry, summary: Summary) -> None:
    """Record an item whose declared language gave way to the language of its text."""
    declared = entry.declared_language
    if declared and declared != entry.language:
        summary.declared_overridden.append(f"{entry.path}: {entry.id} declared {declared!r}, "
                                           f"indexed as {entry.language!r} (its text)")


def gone_items(known: dict, seen: set[str], sources: list[Path]) -> list[str]:
    """Indexed ids not seen this time whose file was scanned (so they were deleted) or removed."""
    roots = [p.resolve() for p in sources]
    return [item_id for item_id, (_hash, path) in known.items()
            if item_id not in seen and is_gone(path, roots)]


def settle_id(item_id: str, path: str, seen: set[str], summary: Summary) -> str:
    """The id an item is indexed under: its own, or ``id@file`` when another file took it first
    (recorded in ``summary.renamed``); either way it joins ``seen``."""
    settled = unique_id(item_id, path, seen) if item_id in seen else item_id
    if settled != item_id:
        summary.renamed.append(f"{path}: id {item_id!r} is taken, indexed as {settled!r}")
    seen.add(settled)
    return settled


def unique_id(item_id: str, path: str, seen: set[str]) -> str:
    """A new id for an item whose id another file already used: ``id@file``."""
    base = f"{item_id}@{Path(path).name.split('.')[0]}"
    candidate, n = base, 1
    while candidate in seen:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
