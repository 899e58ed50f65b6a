"""Postings held per term while a segment is written, then filed a block at a time.

Whoosh 2.7's writer turns every posting into a ``(field, term, doc, weight,
value)`` tuple, sorts the lot (spilling runs of single pickles to disk past its
memory limit) and files them one call per posting.  On the corpus that was
half of a worker's time.  Here postings go straight into a list per term (the
documents arrive in order, so each list is already sorted), the terms are
sorted once per field, and each term's list is cut into Whoosh's blocks
directly.  Readers, merges and the search side see an ordinary Whoosh
segment: ``tests/test_postings.py`` reads every term back from both writers.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain, groupby

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths as _ENTRY_LENGTHS
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from ..analysis import SINGLE_POSITION, Postings, deltas, encode_positions
from .arrays import ArraysWriter

# A term with fewer postings is kept in its term-table entry, not in a block of the
# postings file.  Most terms of a press archive occur in one to a few items; Whoosh's
# default (its codec's inlinelimit=1, and its inlining path calls a misnamed method)
# writes each a block of its own: a pickle, a zlib stream, a header, and a seek per term
# at search time.  Whoosh reads inlined postings back through a ``ListMatcher``.
INLINE_BELOW = 32
_TERM_INFO = W3TermInfo._struct  # flags, weight, df, min/max length bytes, max weight, first/last id
# One term's postings, by docnum, flat: [docnum, weight, value bytes, docnum, weight, ...].
# Flat rather than a tuple per posting: no object per posting for the collector to
# scan, and a term's documents, weights and values are three C-level slices.
Rows = list
_POSTING_BYTES = 60  # rough memory of one held posting (three list slots, its docnum), besides its value
_TERM_BYTES = 160  # and of one term (key of a typical length, dict slot, list)
_VALUE_BYTES = 40  # a typical encoded positions value (most terms occur once in an item)
# The pickles of a term-table entry and of a block.  Whoosh writes protocol 2, which has
# no bytes type: each posting's value (its positions, bytes) goes through
# ``_codecs.encode(str, "latin1")``, four times slower to write and to read and twice the
# size.  Protocol 3 stores bytes as they are (no frame header, unlike 4); Whoosh reads
# both with ``pickle.loads``.
PICKLE_PROTOCOL = 3


class TermPool:
    """Postings by field and term, within a memory limit (sorted runs spill to a temporary file)."""

    exiting = False  # set in a process that exits after this segment: the OS takes the postings back at once

    def __init__(self, limitmb: int = 256, tempdir: str | None = None):
        self.limit = limitmb * 1024 * 1024
        self.tempdir = tempdir
        self.fields: dict[str, dict[bytes, Rows]] = {}
        self.size = 0
        self.runs: list = []

    def add_rows(self, fieldname: str, docnum: int, rows: Iterable, scorable: bool) -> int:
        """File one document's analyzed field (``(term, freq, weight, value)`` rows); its length."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = defaultdict(list)
        length = size = 0
        for btext, freq, weight, vbytes in rows:
            held = terms.get(btext)
            if held is None:
                held = terms[btext] = []
                size += _TERM_BYTES + len(btext)
            held += (docnum, weight, vbytes)
            size += _POSTING_BYTES + len(vbytes or b"")
            length += freq
        self._grew(size)
        return length if scorable else 0

    def add_postings(self, fieldname: str, docnum: int, postings: Postings) -> int:
        """File one document's pre-analyzed field (``analysis.Postings``), encoding as it goes; its length."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = defaultdict(list)
        before, single = len(terms), SINGLE_POSITION
        for term, positions in postings.terms.items():
            held = terms[term.encode("utf-8")]
            if len(positions) == 1:  # most terms occur once in an item
                held += (docnum, 1.0, single[positions[0]])
            else:
                held += (docnum, float(len(positions)), encode_positions(positions))
        self._grew(len(postings.terms) * (_POSTING_BYTES + _VALUE_BYTES) + (len(terms) - before) * _TERM_BYTES)
        return postings.length

    def add(self, item: tuple) -> None:
        """Whoosh's pool interface, used when segments are merged: one posting tuple.

        A merged segment's documents are numbered after everything added
        before them, and its postings come term by term in document order, so
        each term's rows stay in docnum order without sorting.
        """
        fieldname, btext, docnum, weight, vbytes = item
        self.add_rows(fieldname, docnum, ((btext, 1, weight, vbytes),), False)

    def _grew(self, size: int) -> None:
        self.size += size
        if self.size > self.limit:
            self._spill()

    def _spill(self) -> None:
        """Write the held terms, in order, to a temporary run file and let them go."""
        run = tempfile.TemporaryFile(dir=self.tempdir)
        for entry in self._held():
            pickle.dump(entry, run, pickle.HIGHEST_PROTOCOL)
        run.seek(0)
        self.runs.append(run)
        self.fields, self.size = {}, 0

    def _held(self) -> Iterator[tuple[tuple[str, bytes], Rows]]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                yield (fieldname, btext), terms[btext]

    def terms(self) -> Iterator[tuple[str, bytes, Rows]]:
        """Every (field, term, rows), in Whoosh's order, each term's rows by docnum."""
        if not self.runs:  # all in memory: nothing to merge
            for (fieldname, btext), rows in self._held():
                yield fieldname, btext, rows
            return
        sources = [_read_run(run) for run in self.runs] + [self._held()]
        merged = heapq.merge(*sources, key=lambda entry: entry[0])
        for (fieldname, btext), parts in groupby(merged, key=lambda entry: entry[0]):
            yield fieldname, btext, list(chain.from_iterable(part for _, part in parts))

    def iter_postings(self) -> Iterator[tuple]:
        """Whoosh's posting tuples, in order (for code that reads a pool generically)."""
        for fieldname, btext, rows in self.terms():
            for i in range(0, len(rows), 3):
                yield fieldname, btext, *rows[i:i + 3]

    def cleanup(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []
        if not self.exiting:
            self.fields = {}


def _read_run(run) -> Iterator[tuple[tuple[str, bytes], Rows]]:
    while True:
        try:
            yield pickle.load(run)
        except EOFError:
            return


def file_postings(fieldwriter, schema, lengths, pool: TermPool, arrays: ArraysWriter | None = None) -> None:
    """Write the pool's terms through Whoosh's field writer, a block (not a posting) per call.

    ``arrays`` also gets every term, to keep the frequent ones' documents and weights (``arrays.py``).
    """
    fieldname = postwriter = field_lengths = prefix = None
    table = _TermTable(fieldwriter._tindex)
    for name, btext, rows in pool.terms():
        if name != fieldname:
            if fieldname is not None:
                fieldwriter.finish_field()
            fieldname = name
            fieldwriter.start_field(name, schema[name])
            postwriter = fieldwriter._postwriter
            field_lengths = lengths.of(name) if lengths else None
            prefix = pack_ushort(fieldwriter._fieldid)
        if arrays is not None:
            arrays.add(name, btext, rows)
        if len(rows) < INLINE_BELOW * 3:
            table.add(prefix + btext, _inlined_info(rows, field_lengths))
            continue
        fieldwriter.start_term(btext)
        _fill_blocks(postwriter, rows, field_lengths)
        table.flush()  # finish_term adds this term's entry itself, after the ones held
        fieldwriter.finish_term()
    table.flush()
    if fieldname is not None:
        fieldwriter.finish_field()


class _TermTable:
    """Whoosh's term table (an ``OrderedHashWriter``), written a run of entries at a time.

    ``OrderedHashWriter.add`` makes three writes, a ``tell`` and five Python calls
    per term; most terms are inlined and come in long runs, so their entries are
    laid out here as it lays them out (lengths, key, value; the position in the
    ordered index and in a hash bucket) and written with one call.
    """

    def __init__(self, tindex):
        self.tindex = tindex
        self.held: list[tuple[bytes, bytes]] = []

    def add(self, key: bytes, value: bytes) -> None:
        self.held.append((key, value))

    def flush(self) -> None:
        if not self.held:
            return
        tindex = self.tindex
        index, buckets, hashfn = tindex.index, tindex.buckets, tindex.hashfn
        pos = tindex.dbfile.tell()
        parts = []
        for key, value in self.held:
            index.append(pos)
            h = hashfn(key)
            buckets[h & 255].append((h, pos))
            head = _ENTRY_LENGTHS.pack(len(key), len(value))
            parts += (head, key, value)
            pos += len(head) + len(key) + len(value)
        tindex.dbfile.write(b"".join(parts))
        tindex.lastkey = self.held[-1][0]
        self.held = []


def _inlined_info(rows: Rows, field_lengths: list[int] | None) -> bytes:
    """A rare term's term-table entry with its postings inside: the bytes ``W3TermInfo.to_bytes``
    makes for an inlined term, packed without building the object (a third of the segment write)."""
    if len(rows) == 3:  # most terms: one item
        docnum, weight, value = rows
        known = field_lengths[docnum] if field_lengths else 0
        byte = length_to_byte(known) if known else 0
        return _TERM_INFO.pack(True, weight, 1, byte, byte, max(0, weight), docnum, docnum) + \
            pickle.dumps(((docnum,), (weight,), (value,) if value else ()), PICKLE_PROTOCOL)
    docnums, weights = tuple(rows[0::3]), tuple(rows[1::3])
    known = [n for n in map(field_lengths.__getitem__, docnums) if n] if field_lengths else ()
    head = _TERM_INFO.pack(True, sum(weights), len(docnums), length_to_byte(min(known)) if known else 0,
                           length_to_byte(max(known) if known else 0), max(0, max(weights)),
                           docnums[0], docnums[-1])
    return head + pickle.dumps((docnums, weights, tuple(filter(None, rows[2::3]))), PICKLE_PROTOCOL)


def _fill_blocks(postwriter, rows: Rows, field_lengths: list[int] | None) -> None:
    """Write a term's rows as the postings writer's blocks, its last block included.

    The writer's buffer is left empty, so ``finish_postings`` only records the
    term's extent (the term has too many postings to be inlined).
    """
    step = postwriter._blocklimit * 3
    for start in range(0, len(rows), step):
        chunk = rows[start:start + step]
        docnums, weights = chunk[0::3], chunk[1::3]
        postwriter._ids = array("I", docnums)
        postwriter._weights = array("f", weights)
        postwriter._values = list(filter(None, chunk[2::3]))
        postwriter._maxweight = max(0, max(weights))
        known = [n for n in map(field_lengths.__getitem__, docnums) if n] if field_lengths else ()
        postwriter._minlength = min(known) if known else None
        postwriter._maxlength = max(known) if known else 0
        _write_block(postwriter, last=start + step >= len(rows))


def _write_block(postwriter, last: bool) -> None:
    """Whoosh's ``W3PostingsWriter._write_block`` for the buffered block, with ``PICKLE_PROTOCOL``
    (and the document deltas made at C speed).  Like Whoosh's, it compresses even the smallest
    pickles (Whoosh's test for those under 20 bytes is overwritten a line later)."""
    postfile = postwriter._postfile
    if not postwriter._blockcount:
        postfile.write(WHOOSH3_HEADER_MAGIC)
    postwriter._terminfo.add_block(postwriter)
    ids = postwriter._ids
    data = (tuple(deltas(ids)), postwriter._mini_weights(), postwriter._mini_values())
    databytes = pickle.dumps(data, PICKLE_PROTOCOL)
    comp = postwriter._compression
    if comp:
        databytes = zlib.compress(databytes, comp)
    infobytes = pickle.dumps((len(ids), ids[-1], postwriter._maxweight, comp,
                              length_to_byte(postwriter._minlength), length_to_byte(postwriter._maxlength)),
                             PICKLE_PROTOCOL)
    size = len(infobytes) + len(databytes)
    postfile.write_int(-size if last else size)  # a negative length marks the term's last block
    postfile.write(infobytes)
    postfile.write(databytes)
    postwriter._blockcount += 1
    postwriter._new_block()
