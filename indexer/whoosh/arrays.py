"""Frequent terms' postings as plain arrays, beside each segment, for the numpy matcher.

A Whoosh 2.7 postings block is a zlib stream of one pickle holding the block's
document numbers (delta-coded), weights and every document's encoded
positions.  To get a frequent term's documents the search side has to
decompress and unpickle all its blocks, positions included, and undo the
deltas in Python: at 100k items that was most of a slow query's time (a term in
30,000 items is 235 blocks, about 10 ms).  Matching needs only the documents
and the weights, so each segment also gets a ``.dwa`` file: for every term in
at least ``ARRAYS_MIN`` of the segment's documents, its document numbers
(uint32) and weights (uint16 when they are whole term counts, else float32),
read back with one ``pread`` and ``numpy.frombuffer``.

Layout: the arrays back to back, then a pickled table ``{(field, term bytes):
(offset, count, weight dtype)}``, then the table's offset (8 bytes, little
endian).  The file is named after the segment, so Whoosh deletes it with the
segment when segments are merged.  Phrases still read Whoosh's blocks (they
need the positions); a segment without the file (written by another writer)
is read block by block as before.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
import weakref

import numpy as np

ARRAYS_EXT = ".dwa"
ARRAYS_MIN = 512  # four of Whoosh's 128-posting blocks: below that the blocks are cheap enough
# A segment this small (a watcher's commit, a merge of them) keeps every term, and says so:
# a term missing from its table is then missing from the segment, with no look-up in
# Whoosh's term table (about 20 µs a word; 200 small commits left a dozen such segments
# and made a query 24 % slower than on one freshly built).
COMPLETE_DOCS = 10_000
_COMPLETE = ("", b"")  # a table key no field has: "every term is here"
_TAIL = struct.Struct("<Q")
_IDS = np.dtype("<u4")
_COUNTS, _FLOATS = np.dtype("<u2"), np.dtype("<f4")


class ArraysWriter:
    """Collects a segment's frequent terms (a small segment's every term) while its postings are
    filed; writes the file once."""

    def __init__(self, minimum: int | None = None, documents: int | None = None):
        complete = documents is not None and documents <= COMPLETE_DOCS
        self.minimum = 1 if complete else ARRAYS_MIN if minimum is None else minimum
        self.parts: list[bytes] = []
        self.table: dict[tuple[str, bytes], tuple[int, int, str]] = {}
        if complete:
            self.table[_COMPLETE] = (0, 0, _COUNTS.str)
        self.offset = 0

    def add(self, fieldname: str, btext: bytes, rows: list) -> None:
        """One term's rows (flat: ``[docnum, weight, value, docnum, ...]``), if it is frequent enough."""
        count = len(rows) // 3
        if count < self.minimum:
            return
        ids = np.array(rows[0::3], dtype=_IDS)
        weights = np.array(rows[1::3], dtype=np.float64)
        whole = weights.max() <= np.iinfo(_COUNTS).max and np.array_equal(weights, np.floor(weights))
        weights = weights.astype(_COUNTS if whole else _FLOATS)
        for part in (ids, weights):
            self.parts.append(part.tobytes())
        self.table[(fieldname, btext)] = (self.offset, count, weights.dtype.str)
        self.offset += ids.nbytes + weights.nbytes

    def write(self, storage, segment) -> None:
        if not self.table:
            return
        with segment.create_file(storage, ARRAYS_EXT) as out:
            for part in self.parts:
                out.write(part)
            out.write(pickle.dumps(self.table, pickle.HIGHEST_PROTOCOL))
            out.write(_TAIL.pack(self.offset))


class SegmentArrays:
    """One segment's ``.dwa`` file, read with ``os.pread`` (safe from many threads)."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_RDONLY)
        size = os.fstat(self.fd).st_size
        (start,) = _TAIL.unpack(os.pread(self.fd, _TAIL.size, size - _TAIL.size))
        self.table = pickle.loads(os.pread(self.fd, size - _TAIL.size - start, start))
        self.complete = _COMPLETE in self.table

    def __del__(self):
        if hasattr(self, "fd"):
            os.close(self.fd)

    def terms(self) -> dict[tuple[str, bytes], int]:
        """Each term held here and its document count."""
        return {key: count for key, (_offset, count, _dtype) in self.table.items() if key != _COMPLETE}

    def get(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's document numbers (int64) and weights (float32), or None if it is not here
        (then not in the segment at all when ``complete``)."""
        found = self.table.get((fieldname, btext))
        if found is None:
            return None
        offset, count, dtype = found
        dtype = np.dtype(dtype)
        data = os.pread(self.fd, count * (_IDS.itemsize + dtype.itemsize), offset)
        ids = np.frombuffer(data, dtype=_IDS, count=count).astype(np.int64)
        weights = np.frombuffer(data, dtype=dtype, count=count, offset=count * _IDS.itemsize)
        return ids, weights.astype(np.float32)


# Shared by the threads searching one generation; closed (``__del__``) when none holds it,
# so a replaced generation's deleted files do not stay open.
_OPEN: weakref.WeakValueDictionary[tuple, SegmentArrays] = weakref.WeakValueDictionary()
_OPENING = threading.Lock()


def segment_arrays(reader) -> SegmentArrays | None:
    """The arrays file of a Whoosh segment reader's segment, if it has one on disk."""
    segment, storage = getattr(reader, "_segment", None), getattr(reader, "_storage", None)
    folder = getattr(storage, "folder", None)
    if segment is None or folder is None:
        return None
    path = os.path.join(folder, segment.make_filename(ARRAYS_EXT))
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    key = (path, stat.st_ino, stat.st_mtime_ns)
    with _OPENING:
        found = _OPEN.get(key)
        if found is None:
            try:
                found = _OPEN[key] = SegmentArrays(path)
            except (OSError, ValueError, EOFError, pickle.UnpicklingError, struct.error):
                return None  # unreadable: the blocks still hold every posting
    return found
