"""A full build in parallel: each worker process extracts, analyzes and writes its own segment.

Whoosh's own multiprocess writer (``procs=N, multisegment=True``) pickles
every finished document in the parent and ships it to sub-writers; with
extraction in a separate pool that meant two hops per item and five busy
processes on two cores.  Here the parent only reads the files and hands out
batches of raw records; each worker extracts, analyzes (``schema.to_document``)
and adds to its own ``SegmentWriter``, keeps its own surface-word counts, and
at the end hands back its finished segment.  The parent writes one TOC naming
all segments, as Whoosh's multisegment commit does, so the index is the same
kind of index either way.

Duplicate ids are settled in the parent before a record is sent (the scan
settles them from the record alone), so two workers never write one id.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import queue
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from multiprocessing import get_context
from pathlib import Path

from whoosh import writing
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from ..analysis import Postings
from ..pipeline import Summary, note_language
from ..scan import Work
from ..sources import Problem, Record
from .arrays import ArraysWriter
from .postings import TermPool, file_postings
from .schema import build_schema
from .vocab import Vocabulary

BATCH = 200  # records per message to a worker
POLL_SECONDS = 1.0  # a worker checks this often that its parent is alive
# A worker's objects are postings, caches and the item in hand: no cycles but the odd
# traceback.  The collector is off and runs once every so many batches, not every 50,000
# allocations (each run scanned all young objects: 0.2 s of a worker's time).
COLLECT_EVERY = 50  # batches
ROWS_KEPT = 100_000  # analyzed values of repeating filter fields kept per segment writer
_BYTE_LENGTHS = [byte_to_length(b) for b in range(256)]  # a field length as its length column keeps it


def build_segments(ix, works: Iterable[Work | Problem], *, jobs: int, reference: dt.date | None,
                   prepare: Callable, options: dict, summary, vocab: Vocabulary, folder: Path,
                   progress: Callable[[int], None] | None = None) -> None:
    """Index every work's record into ``ix`` (a new, empty generation) with ``jobs`` workers, and commit.

    Counts additions, renamed ids and problems into ``summary`` and the surface
    words into ``vocab`` (saved into ``folder`` before the commit).
    """
    build = _Build(ix, jobs, reference, prepare, options, summary, vocab, progress)
    try:
        batch: list[tuple[Record, str | None]] = []
        for work in works:
            if isinstance(work, Problem):
                summary.failed.append(work)
                continue
            batch.append((work.record, work.item_id if work.renamed else None))
            if len(batch) >= BATCH:
                build.send(batch)
                batch = []
        if batch:
            build.send(batch)
        segments = build.finish()
        vocab.save(folder)  # before the commit: extra words are harmless, missing ones not
        build.writer._close_segment()
        build.writer._commit_toc(segments)
        build.writer._finish()
    except BaseException:
        build.cancel()
        raise


class _Build:
    """The parent's side: the workers, their queues, and what they reported."""

    def __init__(self, ix, jobs, reference, prepare, options, summary, vocab, progress):
        context = get_context("fork")
        self.tasks, self.results = context.Queue(jobs * 2), context.Queue()
        self.workers = [context.Process(target=_work, daemon=True, args=(
            ix.storage, ix.indexname, self.tasks, self.results, reference, prepare, options, os.getpid()))
            for _ in range(jobs)]
        for w in self.workers:
            w.start()
        self.writer = ix.writer(**options)  # holds the index lock; writes the TOC at the end
        self.summary, self.vocab, self.progress = summary, vocab, progress
        self.done = 0
        self.segments: list = []

    def send(self, batch: list) -> None:
        while True:
            try:
                self.tasks.put(batch, timeout=0.05)
                break
            except queue.Full:
                self._drain(block=False)
                self._check_alive()
        self._drain(block=False)

    def finish(self) -> list:
        """Tell the workers to finish; their segments once all have reported."""
        for _ in self.workers:
            self.tasks.put(None)
        while len(self.segments) < len(self.workers):
            if not self._drain(block=True):
                self._check_alive()
        for w in self.workers:
            w.join()
        return [s for s in self.segments if s is not None]

    def cancel(self) -> None:
        for w in self.workers:
            w.terminate()
        self.writer.cancel()

    def _check_alive(self) -> None:
        if not any(w.is_alive() for w in self.workers) or any(w.exitcode for w in self.workers):
            raise RuntimeError("an indexing worker ended without reporting (killed or out of memory?)")

    def _drain(self, block: bool) -> bool:
        """Take what the workers reported: batches done, problems, their segments at the end."""
        got = False
        while True:
            try:
                kind, *payload = self.results.get(timeout=POLL_SECONDS) if block and not got \
                    else self.results.get_nowait()
            except queue.Empty:
                return got
            got = True
            if kind == "error":
                raise RuntimeError(f"an indexing worker failed: {payload[0]}")
            if kind == "batch":
                count, added, problems, languages = payload
                self.summary.added += added
                self.summary.failed.extend(problems)
                self.summary.declared_overridden.extend(languages)
                self.done += count
                if self.progress:
                    self.progress(self.done)
            else:  # "done"
                segment, counts = payload
                self.segments.append(segment)
                for lang, words in counts.items():
                    self.vocab.counts[lang].update(words)


class SegmentWriter(writing.SegmentWriter):
    """Whoosh's segment writer, filing postings per term rather than per posting (``postings.py``).

    ``add_document`` is Whoosh's, less what prasa's schema never uses (term
    vectors, separate spelling fields, boosts, ``_stored_`` overrides): a
    schema with any of them gets Whoosh's own method.  Field lengths, which
    Whoosh 2.7 looks up through the column file once per posting (a seek, a
    read and often a ``stat()``), are read once per field.
    """

    def __init__(self, ix, **options):
        super().__init__(ix, **options)
        self.pool = TermPool(options.get("limitmb", 128), getattr(self._tempstorage, "folder", None))
        self._plain = not any(f.vector or f.separate_spelling() for _, f in self.schema.items())
        self._rows: dict[tuple, tuple] = {}

    def add_document(self, **fields):
        if not self._plain or any(name.startswith("_") for name in fields):
            return super().add_document(**fields)
        self._check_state()
        schema, docnum, perdoc, pool = self.schema, self.docnum, self.perdocwriter, self.pool
        names = sorted(fields)
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        columns = perdoc._colwriters
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            if type(value) is Postings:  # analyzed in this worker: filed and encoded in one pass
                length = pool.add_postings(name, docnum, value) * field.scorable
            elif field.indexed:
                length = pool.add_rows(name, docnum, self._index_rows(name, field, value), field.scorable)
            else:
                length = 0
            if field.stored or length:
                perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                column = columns.get(name)
                if column is None:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
                else:
                    column.add(docnum, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _index_rows(self, name: str, field, value) -> tuple:
        """``field.index(value)``, kept for values that repeat (language, source, place, day, file)."""
        if field.unique:  # the id: one per item, nothing to reuse
            return field.index(value)
        key = (name, value)
        try:
            rows = self._rows.get(key)
        except TypeError:  # an unhashable value (a list of keywords): analyzed each time
            return field.index(value)
        if rows is None:
            rows = tuple(field.index(value))
            if len(self._rows) < ROWS_KEPT:
                self._rows[key] = rows
        return rows

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = _Lengths(self.per_document_reader(), self.schema) if self.codec.length_stats else None
        arrays = ArraysWriter(documents=self.docnum)
        file_postings(self.fieldwriter, self.schema, lengths, self.pool, arrays)
        self.fieldwriter.close()
        arrays.write(self.storage, self.newsegment)
        if lengths:
            lengths.close()


class _Lengths:
    """Each field's document lengths, read once from the finished per-document file."""

    def __init__(self, reader, schema):
        self.reader, self.schema = reader, schema

    def of(self, fieldname: str) -> list[int] | None:
        if not self.schema[fieldname].scorable:  # no lengths kept (Whoosh reads 0 for every document)
            return None
        documents = self.reader.doc_count_all()
        column = self.reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return [0] * documents
        # One byte per document up to the last with a length (the column's reader would
        # read, seek and unpack them one by one); the documents after it have none.
        written = column._dbfile.get(column._basepos, column._count)
        return [*map(_BYTE_LENGTHS.__getitem__, written), *[0] * (documents - len(written))]

    def close(self) -> None:
        self.reader.close()


def _work(storage, indexname, tasks, results, reference, prepare, options, parent: int) -> None:
    """A worker: records in, documents into its own segment, the segment out."""
    gc.freeze()  # what the parent loaded is never garbage: keep the collector off it
    gc.disable()
    try:
        ix = storage.open_index(indexname, schema=build_schema())
        writer = SegmentWriter(ix, _lk=False, **options)
        counts: dict[str, Counter] = {lang: Counter() for lang in Vocabulary().counts}
        added = batches = 0
        while True:
            try:
                batch = tasks.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if os.getppid() != parent:  # the parent was killed: leave, do not hold its files
                    writer.cancel()
                    return
                continue
            if batch is None:
                break
            problems, written, noted = [], 0, Summary()
            for record, new_id in batch:
                entry = prepare(record, reference)
                if isinstance(entry, Problem):
                    problems.append(entry)
                    continue
                if new_id:
                    entry.rename(new_id)
                writer.add_document(**entry.doc)
                note_language(entry, noted)
                if entry.lang in counts:
                    counts[entry.lang].update(entry.words)
                written += 1
            added += written
            results.put(("batch", len(batch), written, problems, noted.declared_overridden))
            batches += 1
            if batches % COLLECT_EVERY == 0:
                gc.collect()
        if added:
            writer.pool.exiting = True
            segment = writer._finalize_segment()
        else:  # no batch came this way (a small source): close, leaving the shared temp folder alone
            writer._close_segment()  # its empty segment's files go at the commit (no TOC names them)
            segment = None
        results.put(("done", segment, counts))
    except BaseException as e:  # report, so the parent fails fast and discards the generation
        results.put(("error", f"{type(e).__name__}: {e}"))
    # Leave without freeing a segment's worth of postings and caches object by object
    # (a few tenths of a second): once the report is in the pipe, the process has no more to do.
    results.close()
    results.join_thread()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
