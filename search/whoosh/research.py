"""The research tools over a Whoosh result (``Found``): matches per day, unusually frequent values,
and the ordered result set an export streams.  Counting is numpy over the generation's columns;
words come from a sample re-analyzed into the index's terms (``significant.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from whoosh.query import Every

from indexer import item_from_stored

from ..columns import Columns
from ..significant import WORD_SAMPLE, Significant, WordSample, jlh, ranked, sample_text
from ..timeline import DayCounts
from .docsets import Matcher, Scored, first_in_order, scores_at


@dataclass
class Found:
    """A request's matches before its facet selections, with what found them (one generation)."""

    gen: object  # service._Generation
    searcher: object
    matcher: Matcher
    parsed: object  # query.ParsedQuery
    q: object  # the expanded Whoosh query
    notice: str | None
    scored: Scored
    docs: np.ndarray  # live, within the date bounds; facet selections not yet applied

    @property
    def browsing(self) -> bool:
        return isinstance(self.q, Every)


@dataclass
class Marks:
    """What each hit marks: the query's index terms per language, and organizations."""

    terms: dict[str, set[str]] = field(default_factory=dict)
    orgs: set[str] = field(default_factory=set)


def day_counts(cols: Columns, docs: np.ndarray, notice: str | None = None) -> DayCounts:
    """``docs`` per day, and those dated by their year alone per year (``ym`` month 0)."""
    day, ym = cols.day[docs], cols.ym[docs]
    year_only = (day > 0) & (ym % 100 == 0)
    days, counts = np.unique(day[(day > 0) & ~year_only], return_counts=True)
    years, year_counts = np.unique(ym[year_only] // 100, return_counts=True)
    return DayCounts(int(len(docs)), {dt.date.fromordinal(int(d)): int(n) for d, n in zip(days, counts, strict=True)},
                     {int(y): int(n) for y, n in zip(years, year_counts, strict=True)}, notice)


def ordered(cols: Columns, scored: Scored, final: np.ndarray, sort: str, browsing: bool,
            need: int) -> np.ndarray:
    """The first ``need`` places of ``final`` in the request's order (not the whole result sorted):
    best first (ties by document number), or by date with undated items last both ways."""
    if sort != "relevance" or browsing:
        day = cols.day[final]
        key = np.where(day > 0, day, np.iinfo(np.int32).max if sort == "oldest" else 0)
        primary = key if sort == "oldest" else -key
    else:
        primary = -scores_at(scored, final, cols.size)
    return first_in_order(primary, final, need)


def coded_significant(cols: Columns, final: np.ndarray, field: str) -> list[Significant]:
    """Organizations or sources: counted over every match and over the archive's live items."""
    ours, theirs, values = cols.counts(field, final), cols.live_counts(field), cols.values(field)
    size, archive = len(final), int(cols.live.sum())
    return [Significant(values[i], values[i], int(ours[i]), size, int(theirs[i]), archive,
                        jlh(int(ours[i]), size, int(theirs[i]), archive))
            for i in np.flatnonzero(ours) if values[i]]


def word_significant(found: Found, final: np.ndarray, frequencies) -> tuple[int, list[Significant]]:
    """Words of the best WORD_SAMPLE matches against their language's items in the archive.

    ``frequencies(lang, term)``: the term's document frequency in the language's body field."""
    cols = found.gen.columns
    best = final[ordered(cols, found.scored, final, "relevance", found.browsing, WORD_SAMPLE)]
    items = [item_from_stored(found.searcher.stored_fields(docnum)) for docnum in best.tolist()]
    sample = WordSample.of([(item.language, sample_text(item)) for item in items])
    live_langs = cols.live_counts("language")
    archive = {lang: int(live_langs[cols.lang_values.index(lang)]) for lang in sample.items
               if lang in cols.lang_values}
    out = []
    for lang, term, n in sample.candidates():
        df = frequencies(lang, term)
        size, whole = sample.items[lang], archive.get(lang, 0)
        out.append(Significant(term, sample.spelled(lang, term), n, size, df, whole,
                               jlh(n, size, df, whole), lang))
    return len(best), out


def significant(found: Found, final: np.ndarray, field: str, size: int,
                frequencies) -> tuple[int, list[Significant]]:
    """(items counted, the best values) of ``field`` for the matches ``final``."""
    if field == "word":
        counted, values = word_significant(found, final, frequencies)
    else:
        counted, values = len(final), coded_significant(found.gen.columns, final, field)
    return counted, ranked(values, size)


def export_rows(found: Found, final: np.ndarray, sort: str, limit: int, searcher, hit) -> Iterator[dict]:
    """``hit(searcher, [docnum])`` for the first ``limit`` of ``final`` in order, one stored item
    read at a time; ``searcher`` is the export's own, closed when the rows end (or are abandoned)."""
    try:
        order = final[ordered(found.gen.columns, found.scored, final, sort, found.browsing,
                              min(limit, len(final)))]
        for docnum in order.tolist():
            yield hit(searcher, [docnum])
    finally:
        searcher.close()
