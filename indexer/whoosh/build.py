"""``prasa reindex`` into the Whoosh folder: the embedded backend of the shared loop (``pipeline.py``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from ..extract import extract, warm_up
from ..fields import field_lang
from ..filetable import FILE_NAME, FileTable
from ..pipeline import Backend, Progress, Summary, guarded, run_reindex, seed_table
from ..sources import Problem, Record
from .schema import to_document
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

WRITER_MB = 256  # Whoosh's in-memory posting buffer per writer process
# Separate segment files, not Whoosh's compound ones: reading a compound file,
# Whoosh 2.7 copies every posting file into memory (BytesIO over the mmap) for
# each searcher, about 150 MB per searcher at 100k items.
WRITER_OPTIONS = {"limitmb": WRITER_MB, "compound": False}


@dataclass
class Prepared:
    """An item ready for the writer: its Whoosh document and its surface words."""

    id: str
    path: str
    content_hash: str
    doc: dict
    words: set[str]
    language: str
    declared_language: str | None

    @property
    def lang(self) -> str:
        """The suffix of the text fields it went into: pl, en or xx."""
        return field_lang(self.language)

    def rename(self, new_id: str) -> None:
        """Give a colliding item a new id (in the stored JSON too)."""
        self.id = self.doc["id"] = new_id
        stored = json.loads(self.doc["doc"])
        stored["id"] = new_id
        self.doc["doc"] = json.dumps(stored, ensure_ascii=False)


MERGE_FACTOR = 4  # segments of one size tier merged into one (Lucene's LogMergePolicy has 10; fewer
# segments keep a term's look-up per segment cheap, and the merges stay small: see MERGE_MAX_DOCS)
MERGE_MAX_DOCS = 10_000  # a commit never merges more than this: bigger segments stay as they are


def merge_tiers(writer, segments: list) -> list:
    """Whoosh merge policy for incremental commits: Lucene's log merge, bounded.

    Segments are grouped by size tier (1-9 documents, 10-99, ...); the lowest
    tier holding ``MERGE_FACTOR`` segments is merged into one, if that is at most
    ``MERGE_MAX_DOCS`` documents.  A watched archive that commits every minute
    keeps a dozen small segments at most, and a commit never starts a merge
    of the large segments a full build wrote (Whoosh's ``MERGE_SMALL`` could:
    with enough small segments, the large ones fall under its threshold too).
    """
    from whoosh.reading import SegmentReader

    chosen = set(tier_to_merge([s.doc_count_all() for s in segments]))
    for n in sorted(chosen):
        reader = SegmentReader(writer.storage, writer.schema, segments[n])
        writer.add_reader(reader)
        reader.close()
    return [s for n, s in enumerate(segments) if n not in chosen]


def tier_to_merge(sizes: list[int]) -> list[int]:
    """The places of the segments to merge: the lowest size tier with ``MERGE_FACTOR`` of them, if
    together they hold at most ``MERGE_MAX_DOCS`` documents; none otherwise."""
    tiers: dict[int, list[int]] = {}
    for n, size in enumerate(sizes):
        tiers.setdefault(len(str(max(size, 1))), []).append(n)
    for _tier, members in sorted(tiers.items()):
        if len(members) >= MERGE_FACTOR and sum(sizes[n] for n in members) <= MERGE_MAX_DOCS:
            return members
    return []


def prepare(record: Record, reference: dt.date | None) -> Prepared | Problem:
    """Extract and analyze one record (runs in the worker processes)."""
    return guarded(record, lambda: _prepared(extract(record, reference)))


def _prepared(item) -> Prepared:
    words: set[str] = set()
    doc = to_document(item, words)
    return Prepared(item.id, item.path, item.content_hash, doc, words, item.language, item.declared_language)


class WhooshBackend(Backend):
    """A Whoosh index folder: generations swapped in by ``publish``, one writer or worker segments."""

    prepare = staticmethod(prepare)

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.gen: Path | None = None  # the new generation a full build writes
        self.writer = None
        self._vocab: Vocabulary | None = None
        self._searcher = None

    @property
    def label(self) -> str:
        return str(self.index_dir)

    def lock(self):
        return reindex_lock(self.index_dir)

    def begin(self, full: bool) -> bool:
        fresh = full or current_generation(self.index_dir) is None
        self.gen, self.ix = new_generation(self.index_dir) if fresh else (None, open_index(self.index_dir))
        self.folder = self.gen or current_generation(self.index_dir)
        self._vocab = Vocabulary() if fresh else None
        return fresh

    @property
    def vocab(self) -> Vocabulary:
        """The generation's surface words, read only once something is written."""
        if self._vocab is None:
            self._vocab = Vocabulary.load(self.folder)
        return self._vocab

    def _writing(self) -> SegmentWriter:
        """The writer, opened at the first change: a reindex that changes nothing commits nothing
        (no new segment, no new index version for the searchers to open)."""
        if self.writer is None:
            self.writer = SegmentWriter(self.ix, **WRITER_OPTIONS)
        return self.writer

    def open_table(self, fresh: bool) -> FileTable:
        """The generation's ``files.sqlite``; one built before it had a table is seeded from its items."""
        path = self.folder / FILE_NAME
        if fresh:
            return FileTable.fresh(path)
        seeded = path.exists()
        table = FileTable(path)
        if not seeded:
            seed_table(table, self.known_items())
        return table

    def build(self, sources, fresh, jobs, reference, summary, progress: Progress, scan) -> None:
        if jobs > 1:
            warm_up()  # once here, shared by the forked workers
        if fresh and jobs > 1:  # workers extract, analyze and write their own segments
            build_segments(self.ix, scan.works(), jobs=jobs, reference=reference, prepare=prepare,
                           options=WRITER_OPTIONS, summary=summary, vocab=self.vocab, folder=self.folder,
                           progress=progress)
            return
        if fresh:
            self._writing()  # a new generation is committed even when its sources hold no item
        super().build(sources, fresh, jobs, reference, summary, progress, scan)

    def known_items(self) -> dict[str, tuple[str, str]]:
        with self.ix.reader() as reader:
            return {f["id"]: (f.get("content_hash", ""), f.get("path", "")) for f in reader.all_stored_fields()}

    def write(self, entries, summary: Summary) -> None:
        for entry, update in entries:
            if update:  # Whoosh's update_document opens a searcher per call: 4 ms at 1M items
                self._writing().delete_by_term("id", entry.id, searcher=self._existing())
            self._writing().add_document(**entry.doc)
            self.vocab.add(entry.lang, entry.words)

    def delete(self, ids: list[str], summary: Summary) -> None:
        for item_id in ids:
            self._writing().delete_by_term("id", item_id, searcher=self._existing())

    def _existing(self):
        """One searcher over the segments the writer started from, for every delete of the pass."""
        if self._searcher is None:
            self._searcher = self._writing().searcher()
        return self._searcher

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def flush(self) -> None:
        self._close_searcher()
        if self.writer is not None:
            self.vocab.save(self.folder)  # before the commit: extra words are harmless, missing ones not
            self.writer.commit(mergetype=merge_tiers)
            self.writer = None

    def abort(self) -> None:
        self._close_searcher()
        if self.writer is not None:
            self.writer.cancel()
        if self.gen is not None:
            discard(self.gen)

    def swap(self) -> None:
        publish(self.index_dir, self.gen)

    def documents(self) -> int:
        return open_index(self.index_dir).doc_count()

    def record(self, summary: dict) -> None:
        write_last_reindex(self.index_dir, summary)


def reindex(sources: list[Path], index_dir: Path, *, full: bool = False, jobs: int = 1,
            reference: dt.date | None = None, progress: Progress = None,
            paths: list[Path] | None = None) -> Summary:
    """Bring the Whoosh index at ``index_dir`` up to date with ``sources``.

    Incremental by default (the file table decides what is read and rewritten, ``scan.py``;
    ``paths``: only these); ``full`` builds a new generation and swaps it in only once it is
    complete.
    """
    return run_reindex(WhooshBackend(index_dir), sources, full=full, jobs=jobs, reference=reference,
                       progress=progress, paths=paths)
