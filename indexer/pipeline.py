"""The reindex loop every backend shares: read, extract, detect changes, write, delete, swap.

A backend (``Backend``: the Whoosh folder in ``whoosh/build.py``, the cluster in
``opensearch/cluster.py``) supplies only what differs — how it prepares an
item, where its file table lives, how it writes and deletes, and how a
finished build goes live (``swap``) or a failed one goes away (``abort``).
``run_reindex`` does the rest, the same for both: the lock, the change
detection against the file table (``scan.py``: unchanged files are never
opened), renamed duplicate ids, deletions of items whose files are gone, the
summary and its record.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from .extract import EXTRACTOR_VERSION, ExtractError, extract
from .filetable import FileState, FileTable
from .items import Item
from .scan import SEEDED, Scan, Work
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
        """id -> (content hash, path) of what the index holds (to seed a missing file table)."""

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

    @abstractmethod
    def open_table(self, fresh: bool) -> FileTable:
        """The file table of the index being written (empty for a new build)."""

    def seal_table(self, table: FileTable) -> None:
        """Keep the table, once ``flush`` made the index durable (never before: see ``filetable``)."""
        table.commit()

    def build(self, sources: list[Path], fresh: bool, jobs: int, reference: dt.date | None,
              summary: Summary, progress: Progress, scan: Scan) -> None:
        """Write what changed under ``sources``; a backend may do this its own faster way."""
        entries = changes(prepare_works(scan.works(), reference, jobs, prepare=self.prepare), summary,
                          progress, update=not fresh)
        self.write(entries, summary)
        self.delete(scan.deleted, summary)
        summary.deleted = len(scan.deleted)


def run_reindex(backend: Backend, sources: list[Path], *, full: bool = False, jobs: int = 1,
                reference: dt.date | None = None, progress: Progress = None,
                paths: list[Path] | None = None) -> Summary:
    """Bring ``backend``'s index up to date with ``sources`` (incremental unless ``full``).

    ``paths`` (files or folders under the sources, as a watcher reports them):
    look at these alone; the rest of the archive is neither walked nor stat'ed.
    """
    started = time.monotonic()
    summary = Summary(full=full)
    readable = readable_sources(sources, summary)
    with backend.lock():
        fresh = backend.begin(full)
        table = None
        try:
            table = backend.open_table(fresh)
            scan = Scan(table, readable, summary, extraction=f"{EXTRACTOR_VERSION}|{reference}",
                        paths=None if fresh else paths)
            backend.build(readable, fresh, jobs, reference, summary, progress, scan)
            backend.flush()
            backend.seal_table(table)
        except BaseException:
            backend.abort()
            raise
        finally:
            if table is not None:
                table.close()
        if fresh:
            backend.swap()
        summary.documents = backend.documents()
        summary.seconds = round(time.monotonic() - started, 2)
        summary.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        backend.record(summary.to_dict())
    return summary


def seed_table(table: FileTable, known: dict[str, tuple[str, str]]) -> None:
    """Fill an empty table from what an index holds (built before it had one, or its cache was stale):
    its items under their files, with their content hashes for raw digests, and the files with no
    size.  Every file is then read and extracted once, only the items whose content changed are
    written, and the items of files that are gone are deleted."""
    files = Counter(os.path.abspath(path) for _content, path in known.values())
    table.put_items((item_id, os.path.abspath(path), SEEDED + content)
                    for item_id, (content, path) in known.items())
    for path, count in files.items():
        table.set_file(path, FileState(-1, -1, "", count))


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


def _prepare_one(entry, reference, prepare):
    """A record's entry (or problem); a work's too, beside the work without its record."""
    if isinstance(entry, Problem):
        return entry
    if isinstance(entry, Work):
        result = prepare(entry.record, reference)
        entry.record = None  # not sent back from a worker: the entry holds what is needed
        return entry, result
    return prepare(entry, reference)


def _prepare_batch(args) -> list:
    entries, reference, prepare = args
    return [_prepare_one(e, reference, prepare) for e in entries]


def prepare_items(sources: Iterable[Path], reference: dt.date | None = None,
                  jobs: int = 1, prepare: Callable | None = None) -> Iterator:
    """Every item (or problem) under ``sources``, passed through ``prepare`` in ``jobs`` processes.

    ``prepare`` (a module-level function of a record and the reference date)
    is a backend's (``Backend.prepare``); ``extract_only`` when none is given.
    """
    return prepare_works(records(sources), reference, jobs, prepare or extract_only)


def prepare_works(stream: Iterator, reference: dt.date | None, jobs: int, prepare: Callable) -> Iterator:
    """Each record, problem or ``Work`` of ``stream`` through ``prepare`` in ``jobs`` processes, in
    order: a record becomes its entry (or problem), a work the pair (work, entry or problem)."""
    if jobs <= 1:
        for entry in stream:
            yield _prepare_one(entry, reference, prepare)
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


def changes(prepared: Iterator, summary: Summary, progress: Callable[[int], None] | None = None,
            update: bool = True) -> Iterator[tuple[Entry, bool]]:
    """The entries to write, each with whether to write it as an update (True in an index that
    may hold its id: idempotent if a killed reindex wrote it before its file table was kept).

    Shared by every backend: problems, renamed ids, updates and additions are
    counted into ``summary``.
    """
    for n, result in enumerate(prepared, start=1):
        if progress:
            progress(n)
        if isinstance(result, Problem):
            summary.failed.append(result)
            continue
        work, entry = result
        if isinstance(entry, Problem):
            summary.failed.append(entry)
            continue
        if work.renamed:
            entry.rename(work.item_id)
        if work.expect is not None and work.expect == entry.content_hash:
            summary.unchanged += 1
            continue
        if work.known:
            summary.updated += 1
        else:
            summary.added += 1
        note_language(entry, summary)
        yield entry, update


def note_language(entry: Entry, summary: Summary) -> None:
    """Record an item whose declared language gave way to the language of its text."""
    declared = entry.declared_language
    if declared and declared != entry.language:
        summary.declared_overridden.append(f"{entry.path}: {entry.id} declared {declared!r}, "
                                           f"indexed as {entry.language!r} (its text)")
