"""Each segment's facet columns as numpy arrays, read from Whoosh's column files with numpy.

Whoosh's column readers return one value per call (a seek, a read and an
unpack per document): reading eight columns of 1,000,000 items that way took
20 s, most of a serving process's start.  Its column formats are plain,
though: a ``NumericColumn`` is the values back to back (big-endian), a
``RefBytesColumn`` one reference per document and then the distinct values, a
``VarBytesColumn`` the values back to back and then their lengths.  Here each
is read with one ``get`` and ``numpy.frombuffer``.

Parts are cached per segment (by its id and document count), so a commit that
adds one small segment to a large index loads only that segment, and a merged
segment once; the generation's ``Columns`` is the parts laid end to end.
"""

from __future__ import annotations

import threading

import numpy as np
from whoosh.columns import NumericColumn, RefBytesColumn, VarBytesColumn

from ..columns import Columns, Part

NUMERIC = {"ym": ("c_ym", np.int32), "day": ("c_day", np.int32), "tlen": ("c_tlen", np.float32),
           "blen": ("c_blen", np.float32), "simhash": ("c_simhash", np.uint64)}
CODED = {"lang": "c_lang", "source": "c_source"}

_PARTS: dict[tuple, Part] = {}
_LOCK = threading.Lock()


def load_columns(reader) -> Columns:
    """The facet columns of every document of ``reader`` (a segment or a multi-segment reader).

    Cached parts of the same index's segments that ``reader`` no longer has (merged away)
    are dropped."""
    leaves = reader.leaf_readers() if reader.doc_count_all() else []
    parts, live = [], []
    for leaf, _offset in leaves:
        parts.append(_cached(leaf))
        mask = np.ones(leaf.doc_count_all(), dtype=bool)
        if leaf.has_deletions():
            mask[np.fromiter(_deleted(leaf), dtype=np.int64)] = False
        live.append(mask)
    _forget_except({_key(leaf) for leaf, _offset in leaves} - {None})
    return Columns.concat(parts, np.concatenate(live) if live else np.ones(0, dtype=bool))


def _deleted(leaf):
    segment = getattr(leaf, "_segment", None)
    if segment is not None and hasattr(segment, "deleted_docs"):
        return segment.deleted_docs()
    return (d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d))


def _key(leaf) -> tuple | None:
    """A segment's cache key: its index folder, id and document count (None: not a file segment)."""
    segment = getattr(leaf, "_segment", None)
    folder = getattr(getattr(leaf, "_storage", None), "folder", None)
    if segment is None or folder is None:
        return None
    return folder, segment.segment_id(), leaf.doc_count_all()


def _cached(leaf) -> Part:
    key = _key(leaf)
    if key is None:
        return segment_part(leaf)
    with _LOCK:
        found = _PARTS.get(key)
    if found is None:
        found = segment_part(leaf)
        with _LOCK:
            _PARTS[key] = found
    return found


def _forget_except(keep: set[tuple]) -> None:
    folders = {k[0] for k in keep}
    with _LOCK:
        for key in [k for k in _PARTS if k[0] in folders and k not in keep]:
            del _PARTS[key]


def segment_part(leaf) -> Part:
    """One segment's columns."""
    size = leaf.doc_count_all()
    values = {name: _numeric(leaf, column, dtype, size) for name, (column, dtype) in NUMERIC.items()}
    for name, column in CODED.items():
        values[name], values[name + "_values"] = _coded(leaf, column, size)
    values["org_ptr"], values["org_idx"], values["org_values"] = _lists(leaf, "c_orgs", size)
    return Part(size=size, **values)


def _raw(leaf, column: str):
    if not leaf.has_column(column):
        return None
    return leaf.column_reader(column, translate=False)


def _numeric(leaf, column: str, dtype, size: int) -> np.ndarray:
    raw = _raw(leaf, column)
    out = np.zeros(size, dtype=dtype)
    if isinstance(raw, NumericColumn.Reader):
        code = np.dtype(raw._typecode).newbyteorder(">")
        count = min(raw._count, size)
        out[:count] = np.frombuffer(raw._dbfile.get(raw._basepos, count * code.itemsize), dtype=code)
        out[count:] = raw._default
    elif raw is not None:  # another column type: one value at a time
        out[:] = np.fromiter(raw, dtype=np.float64, count=size)
    return out


def _coded(leaf, column: str, size: int) -> tuple[np.ndarray, list[str]]:
    raw = _raw(leaf, column)
    if isinstance(raw, RefBytesColumn.Reader):
        code = np.dtype(raw._typecode).newbyteorder(">")
        refs = np.frombuffer(raw._dbfile.get(raw._basepos, size * code.itemsize), dtype=code)
        return refs.astype(np.int32), [u.decode() for u in raw._uniques]
    found = [v.decode() for v in raw] if raw is not None else [""] * size
    names = list(dict.fromkeys(found))
    index = {v: i for i, v in enumerate(names)}
    return np.fromiter(map(index.__getitem__, found), dtype=np.int32, count=size), names


def _lists(leaf, column: str, size: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Space-separated values per document: pointers, flat codes and the distinct values."""
    raw = _raw(leaf, column)
    if isinstance(raw, VarBytesColumn.Reader):
        lengths = np.zeros(size, dtype=np.int64)
        lengths[: len(raw._lengths)] = np.asarray(raw._lengths, dtype=np.int64)
        data = raw._dbfile.get(raw._basepos, int(lengths.sum()))
    else:
        found = [bytes(v) for v in raw] if raw is not None else [b""] * size
        lengths, data = np.fromiter(map(len, found), dtype=np.int64, count=size), b"".join(found)
    ends = np.cumsum(lengths)
    blanks = np.frombuffer(data, dtype=np.uint8) == 32
    per_doc = np.bincount(np.searchsorted(ends, np.flatnonzero(blanks), side="right"), minlength=size)
    counts = np.where(lengths > 0, per_doc[:size] + 1, 0)
    # a blank between documents, so one split gives every document's values in order
    joined = np.insert(np.frombuffer(data, dtype=np.uint8), ends[:-1], 32).tobytes()
    tokens = joined.decode().split()
    names = list(dict.fromkeys(tokens))
    index = {v: i for i, v in enumerate(names)}
    flat = np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens))
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, flat, names
