"""One reindex's pass over the sources, against the file table: only what changed is read.

``Scan.works()`` yields a ``Work`` for every record to extract and write, and
the problems met reading; the rest is counted, not read.  Per file:

- gone (removed, or no longer under a scanned folder): its items are deleted;
- same size and mtime as last time: not opened, its items counted unchanged;
- bytes hash as last time (touched only): its new mtime noted, nothing read;
- otherwise read, and each record's raw digest looked up among the file's
  old ones: a match is unchanged (not extracted), the rest are written, and
  the file's old items that no record matches any more are deleted.

An id is settled as before the file table: the first file to claim it keeps
it, a later one gets ``id@file`` (``unique_id``); the owner of an id is asked of
the table, so unchanged files keep theirs without being read.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .extract import item_id
from .filetable import FileState, FileTable, file_digest, record_digest, stat_of
from .sources import Problem, Record, read_file, walk

EXTRACTION_KEY = "extraction"  # the table's meta key: extractor version and reference date
SEEDED = "content:"  # a raw digest seeded from an index's content hash (``pipeline.seed_table``)


@dataclass
class Work:
    """A record to extract and write, under its settled id."""

    record: Record
    item_id: str
    renamed: bool  # the id is not the record's own (another file holds that)
    known: bool  # the index held this id before (an update, not an addition)
    expect: str | None = None  # the indexed item's content hash, where the table was seeded with it


def _key(path: Path | str) -> str:
    """Files are known by their absolute path, whichever way the source was named."""
    return os.path.abspath(path)


class Scan:
    """What changed under ``sources`` since ``table`` was written (``paths``: only these)."""

    def __init__(self, table: FileTable, sources: list[Path], summary, *, extraction: str,
                 paths: list[Path] | None = None):
        self.table, self.summary = table, summary
        self.sources, self.paths = sources, paths
        self.reread = table.get_meta(EXTRACTION_KEY) != extraction  # another version or reference date
        table.set_meta(EXTRACTION_KEY, extraction)
        self.known = table.files()
        self.empty = not self.known  # a new build: no id is held, nothing to look up
        self.claimed: set[str] = set()  # ids settled in this pass
        self.dropped: set[str] = set()  # ids this pass took from the table (gone files, vanished items)
        self.deleted: list[str] = []  # those no file claimed again: the index drops them after the pass

    def scope(self) -> list[Path]:
        """What this pass looks at: the sources, or the event paths that lie under one of them,
        each named as its source names it (a relative source keeps relative paths)."""
        if self.paths is None:
            return list(self.sources)
        named = []
        for path in self.paths:
            for source in self.sources:
                rel = os.path.relpath(_key(path), _key(source))
                if rel == "." or not rel.startswith(".."):
                    named.append(Path(source) if rel == "." else Path(source) / rel)
                    break
        return named

    def listing(self, scope: list[Path]) -> list[Path]:
        """The item files under ``scope`` (files or folders), sorted within each."""
        return [f for root in scope if os.path.exists(root) for f in walk(Path(root))]

    def drop_gone(self, scope: list[Path], listed: list[Path]) -> None:
        """Forget the known files that are gone; their ids are free for this pass to claim.

        Gone: under the scope and not listed (removed, or no longer an item file),
        or, in a pass over all the sources, removed from wherever it was."""
        here = {_key(p) for p in listed}
        roots = [_key(r) for r in scope]
        for path in list(self.known):
            if path in here:
                continue
            inside = any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
            if inside or (self.paths is None and not os.path.exists(path)):
                self.dropped.update(self.table.drop_file(path))
                del self.known[path]

    def works(self) -> Iterator[Work | Problem]:
        scope = self.scope()
        listed = self.listing(scope)
        self.drop_gone(scope, listed)
        for path in listed:
            yield from self._file(path)
        self.deleted = sorted(self.dropped - self.claimed)  # an item moved to another file is kept

    def _file(self, path: Path) -> Iterator[Work | Problem]:
        key, state = _key(path), stat_of(path)
        if state is None:
            return
        old = self.known.get(key)
        if old and not self.reread and old.same_stat(state):
            self.summary.unchanged += old.items
            return
        digest = file_digest(path)
        if old and not self.reread and old.digest == digest:
            self.table.set_file(key, FileState(state.size, state.mtime_ns, digest, old.items))
            self.summary.unchanged += old.items
            return
        before: dict[str, list[str]] = defaultdict(list)
        held: dict[str, str] = {}
        for held_id, raw in () if self.empty else self.table.items_of(key):
            held[held_id] = raw
            if not self.reread:
                before[raw].append(held_id)
        rows: list[tuple[str, str, str]] = []
        for record in read_file(path):
            if isinstance(record, Problem):
                yield record
                continue
            own = item_id(record)
            raw = record_digest(record.fields, own)
            if before.get(raw):
                kept = before[raw].pop()
                self.claimed.add(kept)
                rows.append((kept, key, raw))
                self.summary.unchanged += 1
                continue
            settled = self._settle(own, record.path, key)
            rows.append((settled, key, raw))
            seeded = held.get(settled, "")
            yield Work(record, settled, settled != own, settled in held or settled in self.dropped,
                       seeded[len(SEEDED):] if seeded.startswith(SEEDED) else None)
        gone = held.keys() - {r[0] for r in rows}
        self.table.drop_items(gone)
        self.dropped |= gone
        self.table.put_items(rows)
        self.table.set_file(key, FileState(state.size, state.mtime_ns, digest, len(rows)))

    def _settle(self, own: str, shown_path: str, key: str) -> str:
        """The record's own id, unless this pass or another file holds it: then ``id@file``."""
        holder = None if own in self.claimed or self.empty else self.table.owner(own)
        taken = own in self.claimed or (holder is not None and holder != key)
        table = None if self.empty else self.table
        settled = unique_id(own, shown_path, self.claimed, table, key) if taken else own
        if settled != own:
            self.summary.renamed.append(f"{shown_path}: id {own!r} is taken, indexed as {settled!r}")
        self.claimed.add(settled)
        return settled


def unique_id(item_id: str, path: str, claimed: set[str], table: FileTable | None = None,
              key: str | None = None) -> str:
    """A new id for an item whose id another file already used: ``id@file`` (``-2``, … when taken)."""
    base = f"{item_id}@{Path(path).name.split('.')[0]}"
    candidate, n = base, 1
    while candidate in claimed or (table is not None and table.owner(candidate) not in (None, key)):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
