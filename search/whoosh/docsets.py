"""Matching and BM25F scoring with numpy: the documents a query matches and their scores.

Whoosh scores one document at a time in Python: about 25 ms for a broad query
at 100k items, and ``Query.docs()`` walks the matchers again for the facets.
Here each term's postings are read a block at a time into arrays (document
numbers and term frequencies), scored with BM25 per field (Lucene's idf,
k1/b tuned on the SciFact train claims, see ``bench/quality.py``), and the
boolean structure (And, Or, DisjunctionMax, Not, AndNot, AndMaybe, boosts) is evaluated with
numpy set operations; phrases are the items holding every word, checked by
position.  Other queries (spans, ranges) are matched and scored by Whoosh's
own matchers, so every query works.

Field lengths come from the index's ``c_tlen``/``c_blen`` columns (exact token
counts; Whoosh itself uses a one-byte approximation).  Deleted documents are
not removed here: callers mask with the live-document array.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.times import long_to_datetime

from indexer.fields import BM25_B, BM25_K1
from indexer.whoosh import segment_arrays

from ..columns import Columns, date_range_mask
from ..query import analyzed_slots
from ..translations import Evidence

K1, B = BM25_K1, BM25_B
DENSE_SHARE = 16  # marks per document beat a sort once the documents handled are a 16th of the index
CACHE_BYTES = 64 * 1024 * 1024  # postings arrays kept per generation (``PostingsCache``)
_NOTHING = np.zeros(0, dtype=np.int64)


@dataclass
class Scored:
    """Sorted unique document numbers and their scores."""

    docs: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> Scored:
        return cls(_NOTHING, np.zeros(0))


def _dense(count: int, size: int) -> bool:
    """Is a mark per document of the index cheaper than sorting ``count`` document numbers?"""
    return size > 0 and count * DENSE_SHARE > size


def gathered(parts: list[Scored], size: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The documents of all parts once each, and for every part's match its document's place and score.

    ``size`` (the index's document count): when the parts are large beside it, one
    mark per document replaces ``np.unique``'s sort (at 1M items a common word's
    sort was most of a query's time); the result is the same."""
    docs = np.concatenate([p.docs for p in parts]) if parts else _NOTHING
    scores = np.concatenate([p.scores for p in parts]).astype(float) if parts else np.zeros(0)
    if _dense(len(docs), size):
        unique = np.flatnonzero(_marked(docs, size))
        rank = np.empty(size, dtype=np.int32)  # only the documents present are ever read back
        rank[unique] = np.arange(len(unique), dtype=np.int32)
        return unique, rank[docs], scores
    return *_unique_runs(docs), scores


def _unique_runs(docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(docs, return_inverse=True)`` for parts that are each sorted: a stable sort
    (Timsort) merges the runs in O(n log k) where ``np.unique``'s quicksort sorts from scratch
    (3-5 times faster on a union of a few terms' postings)."""
    if not len(docs):
        return docs, np.zeros(0, dtype=np.intp)
    order = np.argsort(docs, kind="stable")
    ordered = docs[order]
    starts = np.empty(len(ordered), dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    inverse = np.empty(len(docs), dtype=np.intp)
    inverse[order] = np.cumsum(starts) - 1
    return ordered[starts], inverse


def member(docs: np.ndarray, of: np.ndarray, size: int = 0) -> np.ndarray:
    """Which of ``docs`` are in ``of`` (both sorted, unique): ``np.isin``, by marks when ``of`` is large."""
    if _dense(len(of), size):
        return _marked(of, size)[docs]
    return np.isin(docs, of, assume_unique=True)


def _marked(docs: np.ndarray, size: int) -> np.ndarray:
    marks = np.zeros(size, dtype=bool)
    marks[docs] = True
    return marks


def first_in_order(primary: np.ndarray, docs: np.ndarray, need: int) -> np.ndarray:
    """The places of the ``need`` first of ``docs`` by ``primary``, then document number: the same as
    the head of ``np.lexsort((docs, primary))``, without sorting what lies past it."""
    if need < len(primary):
        kth = np.partition(primary, need - 1)[need - 1]
        places = np.flatnonzero(primary <= kth)  # everything before the cut, and every tie at it
        return places[np.lexsort((docs[places], primary[places]))][:need]
    return np.lexsort((docs, primary))


def combined(parts: list[Scored], size: int = 0, how: str = "sum",
             counted: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The documents of all parts once each, their scores summed (``sum``) or the best (``max``),
    and (``counted``) how many parts match each."""
    unique, inverse, scores = gathered(parts, size)
    if how == "sum":
        out = np.bincount(inverse, weights=scores, minlength=len(unique))
    else:
        out = np.zeros(len(unique))
        np.maximum.at(out, inverse, scores)
    return unique, out, (np.bincount(inverse, minlength=len(unique)) if counted else None)


def _union(parts: list[Scored], size: int = 0) -> Scored:
    docs, scores, _ = combined(parts, size, "sum")
    return Scored(docs, scores)


def _best(parts: list[Scored], size: int = 0) -> Scored:
    """Union scored by the best part (the lemmas of one word: one match, not several)."""
    docs, scores, _ = combined(parts, size, "max")
    return Scored(docs, scores)


def scores_at(part: Scored, docs: np.ndarray, size: int = 0) -> np.ndarray:
    """``part``'s scores for ``docs`` (0 where it does not match); by a score per document of the
    index when ``part`` is large beside it (``size``), else by binary search."""
    if not len(part.docs):
        return np.zeros(len(docs))
    if _dense(len(part.docs), size):
        dense = np.zeros(size)
        dense[part.docs] = part.scores
        return dense[docs]
    places, held = _located(part.docs, docs)
    return np.where(held, part.scores[places], 0.0)


def _located(sorted_docs: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each target, its place in ``sorted_docs`` (non-empty) and whether it is there."""
    places = np.minimum(np.searchsorted(sorted_docs, targets), len(sorted_docs) - 1)
    return places, sorted_docs[places] == targets


class Matcher:
    """Evaluates queries for one searcher (one thread, one index generation; the cache may be shared)."""

    def __init__(self, searcher, columns: Columns, cache: PostingsCache | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = columns.size
        self.leaves = list(searcher.leaf_searchers())
        self.arrays = [segment_arrays(leaf.reader()) for leaf, _offset in self.leaves]
        self.schema = searcher.schema
        count = max(1, self.reader.doc_count_all())
        self.count = count
        self.lengths = {"title": columns.tlen, "body": columns.blen}
        self.columns = columns
        self._avg: dict[str, float] = {}
        self.cache = cache if cache is not None else PostingsCache()

    def match(self, q: wq.Query) -> Scored:
        """Documents matching ``q`` with their BM25F scores."""
        result = self._match(q)
        if q.boost != 1.0 and not isinstance(q, wq.Term):
            result = Scored(result.docs, result.scores * q.boost)
        return result

    def _match(self, q: wq.Query) -> Scored:
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.Every):
            return Scored(np.arange(self.size, dtype=np.int64), np.ones(self.size))
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return Scored.empty()
        if isinstance(q, wq.DisjunctionMax):
            return _best([self.match(s) for s in q.subqueries], self.size)
        if isinstance(q, wq.Or):
            return _union([self.match(s) for s in q.subqueries], self.size)
        if isinstance(q, wq.And):
            return self._and(q)
        if isinstance(q, wq.AndNot):
            a = self.match(q.a)
            keep = ~member(a.docs, self.match(q.b).docs, self.size)
            return Scored(a.docs[keep], a.scores[keep])
        if isinstance(q, wq.AndMaybe):
            a = self.match(q.a)
            return Scored(a.docs, a.scores + scores_at(self.match(q.b), a.docs, self.size))
        if isinstance(q, wq.NumericRange) and q.fieldname == "date":
            return self._dates(q)
        if isinstance(q, wq.Phrase) and q.slop == 1 and len(q.words) > 1 and self._positional(q.fieldname):
            return self._phrase(q)
        if isinstance(q, wq.Not):
            docs = np.setdiff1d(np.arange(self.size, dtype=np.int64), self.match(q.query).docs,
                                assume_unique=True)
            return Scored(docs, np.zeros(len(docs)))
        return self._whoosh(q)

    def _and(self, q: wq.And) -> Scored:
        positive = [self.match(s) for s in q.subqueries if not isinstance(s, wq.Not)]
        negative = [self.match(s.query) for s in q.subqueries if isinstance(s, wq.Not)]
        if positive:
            positive.sort(key=lambda p: len(p.docs))
            docs = positive[0].docs
            for p in positive[1:]:
                docs = docs[member(docs, p.docs, self.size)]
            scores = sum((scores_at(p, docs, self.size) for p in positive), np.zeros(len(docs)))
        else:
            docs = np.arange(self.size, dtype=np.int64)
            scores = np.zeros(len(docs))
        for n in negative:
            keep = ~member(docs, n.docs, self.size)
            docs, scores = docs[keep], scores[keep]
        return Scored(docs, scores)

    def _positional(self, fieldname: str) -> bool:
        field = self.schema[fieldname] if fieldname in self.schema else None
        return bool(field is not None and field.format and field.format.supports("positions"))

    def _phrase(self, q: wq.Phrase) -> Scored:
        """Words in a row (Whoosh's phrase at slop 1): the items holding every word first, from the
        arrays, then the positions of those items alone, read from the blocks that hold them.

        Whoosh's own phrase matcher walks the words' postings in step, a Python call per
        posting: at 1M items a phrase of two common words took 200-300 ms.  The score is the
        words' BM25 (as for the same words under AND), not Whoosh's.
        """
        every = self._and(wq.And([wq.Term(q.fieldname, word) for word in q.words]))
        if not len(every.docs):
            return Scored.empty()
        at = {word: self._positions(q.fieldname, word, every.docs) for word in dict.fromkeys(q.words)}
        keep = np.fromiter((_in_a_row([at[w].get(d, ()) for w in q.words]) for d in every.docs.tolist()),
                           dtype=bool, count=len(every.docs))
        return Scored(every.docs[keep], every.scores[keep] * q.boost)

    def _positions(self, fieldname: str, word, docs: np.ndarray) -> dict[int, tuple[int, ...]]:
        """The positions of ``word`` in each of ``docs`` (sorted), over every segment."""
        field = self.schema[fieldname]
        btext = field.to_bytes(word) if isinstance(word, str) else word
        out: dict[int, tuple[int, ...]] = {}
        for searcher, offset in self.leaves:
            local = docs[(docs >= offset) & (docs < offset + searcher.reader().doc_count_all())] - offset
            if not len(local):
                continue
            try:
                matcher = searcher.reader().postings(fieldname, btext)
            except TermNotFound:
                continue
            for doc, value in _values_at(matcher, local):
                out[doc + offset] = field.format.decode_positions(value)
        return out

    def _dates(self, q: wq.NumericRange) -> Scored:
        """A date range from the day column (Whoosh walks 100+ numeric terms for it); no score."""
        start, end = (long_to_datetime(v).date() if v is not None else None for v in (q.start, q.end))
        everything = np.arange(self.size, dtype=np.int64)
        docs = everything[date_range_mask(self.columns, everything, start, end)]
        return Scored(docs, np.zeros(len(docs)))

    def _whoosh(self, q: wq.Query) -> Scored:
        """Phrases, ranges and the rest: Whoosh's own matcher and scores."""
        docs, scores = [], []
        matcher = q.matcher(self.searcher, self.searcher.context())
        while matcher.is_active():
            docs.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        order = np.argsort(docs, kind="stable")
        return Scored(np.asarray(docs, dtype=np.int64)[order], np.asarray(scores, dtype=float)[order])

    def term(self, fieldname: str, text, boost: float = 1.0) -> Scored:
        docs, weights = self._postings(fieldname, text)
        if not len(docs):
            return Scored.empty()
        return Scored(docs, self._bm25(fieldname, docs, weights, len(docs)) * boost)

    def term_at(self, fieldname: str, text, targets: np.ndarray) -> np.ndarray:
        """The term's BM25 for ``targets`` only (0 where absent): no score for its other postings."""
        docs, weights = self._postings(fieldname, text)
        if not len(docs) or not len(targets):
            return np.zeros(len(targets))
        places, held = _located(docs, targets)
        out = np.zeros(len(targets))
        out[held] = self._bm25(fieldname, targets[held], weights[places[held]], len(docs))
        return out

    def _bm25(self, fieldname: str, docs: np.ndarray, weights: np.ndarray, df: int) -> np.ndarray:
        field = self.schema[fieldname] if fieldname in self.schema else None
        kind = fieldname.split("_", 1)[0]
        if field is None or not field.scorable or kind not in self.lengths:
            return weights.astype(float)
        idf = np.log(1 + (self.count - df + 0.5) / (df + 0.5))  # Lucene/Robertson idf
        lengths = self.lengths[kind][docs]
        avg = self._avg_length(fieldname)
        return idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avg))

    def evidence(self) -> Evidence:
        """Translations' documents in their language's bodies (``translations.py`` weighs them)."""
        def docs(lang: str, text: str) -> np.ndarray | None:
            found = None
            for terms in analyzed_slots(self.schema, f"body_{lang}", text):  # every word of it
                lists = [self._postings(f"body_{lang}", t)[0] for t in terms]  # each sorted, unique
                slot = lists[0] if len(lists) == 1 else _unique_runs(np.concatenate(lists))[0]
                found = slot if found is None else slot[member(slot, found, self.size)]
            return found  # None: only stopwords

        return Evidence(docs, self.size, lambda a, b, size: int(np.count_nonzero(member(a, b, size))))

    def holds(self, fieldname: str, text) -> bool:
        """Does any document (deleted ones too) hold the term?"""
        return len(self._postings(fieldname, text)[0]) > 0

    def _avg_length(self, fieldname: str) -> float:
        if fieldname not in self._avg:
            self._avg[fieldname] = (self.reader.field_length(fieldname) / self.count) or 1.0
        return self._avg[fieldname]

    def _postings(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        key = (fieldname, text)
        found = self.cache.get(key)
        if found is None:
            found = self.cache.put(key, self._read(fieldname, text))
        return found

    def _read(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """A term's documents and weights over every segment: its arrays file, else its blocks."""
        ids, weights = [], []
        btext = self.schema[fieldname].to_bytes(text) if isinstance(text, str) and fieldname in self.schema \
            else text
        for (searcher, offset), arrays in zip(self.leaves, self.arrays, strict=True):
            reader = searcher.reader()
            read = arrays.get(fieldname, btext) if arrays is not None else None
            if read is None and not (arrays is not None and arrays.complete):
                try:  # one look-up in the segment's term table, not a test and then a read
                    read = _read_postings(reader.postings(fieldname, text))
                except TermNotFound:
                    pass
            if read is not None:
                ids.append(read[0] + offset)
                weights.append(read[1])
        if not ids:
            return _NOTHING, np.zeros(0, dtype=np.float32)
        return np.concatenate(ids), np.concatenate(weights)


class PostingsCache:
    """Recently read postings arrays, shared by the threads searching one generation.

    One per generation, not one per thread: with a cache per thread, a worker
    of 8 threads held up to 8 copies of the same frequent terms (256 MB at
    100k items).  Reading a frequent term again costs one ``pread`` (its
    arrays file), so the cache stays small.
    """

    def __init__(self, limit_bytes: int = CACHE_BYTES):
        self.limit = limit_bytes
        self._held: OrderedDict[tuple[str, object], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, object]) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._held.get(key)
            if found is not None:
                self._held.move_to_end(key)
            return found

    def put(self, key: tuple[str, object], value: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        size = value[0].nbytes + value[1].nbytes
        with self._lock:
            if key not in self._held and size <= self.limit:
                self._held[key] = value
                self._bytes += size
                while self._bytes > self.limit:
                    _key, (ids, weights) = self._held.popitem(last=False)
                    self._bytes -= ids.nbytes + weights.nbytes
        return value


def _in_a_row(positions: list) -> bool:
    """Do the words' positions hold a run p, p+1, p+2, ... (the first word's, then each next's)?"""
    starts = set(positions[0])
    for k, pos in enumerate(positions[1:], start=1):
        starts &= {p - k for p in pos}
        if not starts:
            return False
    return bool(starts)


def _values_at(matcher, targets: np.ndarray):
    """(document, posting value) for each of ``targets`` (sorted, all in the postings): a block of
    Whoosh 2.7's ``W3LeafMatcher`` is read only when it holds one of them."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_read_values", "_next_block", "_maxid")):
        wanted = set(targets.tolist())
        while matcher.is_active():  # a short list inlined in the term table
            if matcher.id() in wanted:
                yield matcher.id(), matcher.value()
            matcher.next()
        return
    j = 0
    while matcher.is_active() and j < len(targets):
        if matcher._maxid < targets[j]:
            matcher._next_block()
            continue
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._values is None:
            matcher._read_values()
        ids = np.asarray(matcher._ids, dtype=np.int64)
        k = int(np.searchsorted(targets, matcher._maxid, side="right"))
        places = np.searchsorted(ids, targets[j:k])
        for doc, place in zip(targets[j:k].tolist(), places.tolist(), strict=True):
            if place < len(ids) and ids[place] == doc:
                yield doc, matcher._values[place]
        j = k
        matcher._next_block()


def _read_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Document ids and weights of one term's postings, a block at a time.

    Reads the blocks of Whoosh 2.7's ``W3LeafMatcher`` directly (``_ids``,
    ``_weights``); any other matcher is walked through its public API.
    """
    if isinstance(matcher, FilterMatcher):  # deleted documents: masked by the caller
        matcher = matcher.child
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)
    id_blocks, weight_blocks = [], []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        id_blocks.append(np.asarray(matcher._ids[matcher._i:], dtype=np.int64))
        weight_blocks.append(np.asarray(matcher._weights[matcher._i:], dtype=np.float32))
        matcher._next_block()
    if not id_blocks:
        return _NOTHING, np.zeros(0, dtype=np.float32)
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)
