"""Post-translation expansion (Ballesteros & Croft 1997): words the best translated matches share.

A translated query finds the other language's items through a dictionary's
few senses; the items it ranks best hold the words that language's writers
use for the topic (``hodowla bydła`` → cattle, then livestock, hogs, beef).
The top ``FEEDBACK_DOCS`` items of the target language are read (title and
lead); a word in
at least ``MIN_SUPPORT`` of them, ranked by that count times its idf, is a
feedback word; the ``FEEDBACK_TERMS`` best re-rank the matches, never add to
them: an item's score grows by at most ``FEEDBACK_WEIGHT`` of itself, in
proportion to its feedback words' BM25 (so translated matches are reordered
among themselves, not lifted above native ones), and the total, facets and
the "most words" rule stay the query's own.  ``FEEDBACK_TERMS = 0``
turns it off; ``bench/crosslang_tuning.py`` sets it.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from indexer import item_from_stored

from ..query import LANG_CODES, analyzed_slots
from .docsets import Matcher, Scored, scores_at

FEEDBACK_TERMS = 10  # feedback words per target language (0: off)
FEEDBACK_WEIGHT = 0.1  # the largest lift of an item's score, as a share of it
FEEDBACK_DOCS = 10
FEEDBACK_CHARS = 300  # of each item: its title and lead (the whole body cost a new query 15 ms at 1M)
MIN_SUPPORT = 3


def feedback_words(searcher, matcher: Matcher, lang_column: np.ndarray, lang_values: list[str],
                   scored: Scored, langs: list[str], known: set[str]) -> list[tuple[str, str]]:
    """The feedback words of each target language, as (field, term)."""
    if FEEDBACK_TERMS <= 0 or not len(scored.docs):
        return []
    words = []
    for lang in langs:
        code = lang_values.index(LANG_CODES[lang]) if LANG_CODES[lang] in lang_values else -1
        mine = np.flatnonzero(lang_column[scored.docs] == code)
        if len(mine) < MIN_SUPPORT:
            continue
        top = scored.docs[mine[np.argsort(-scored.scores[mine], kind="stable")[:FEEDBACK_DOCS]]]
        field = f"body_{lang}"
        support: Counter[str] = Counter()
        for doc in top.tolist():
            item = item_from_stored(searcher.stored_fields(doc))
            lead = f"{item.title}\n{item.body[:FEEDBACK_CHARS]}"
            support.update({t for slot in analyzed_slots(matcher.schema, field, lead) for t in slot[:1]})
        size = max(1, matcher.size)
        ranked = sorted(((n * math.log(size / max(1, searcher.doc_frequency(field, t))), t)
                         for t, n in support.items() if n >= MIN_SUPPORT and t not in known), reverse=True)
        words += [(field, t) for _score, t in ranked[:FEEDBACK_TERMS]]
    return words


def feedback_scores(matcher: Matcher, words: list[tuple[str, str]], docs: np.ndarray) -> np.ndarray:
    """The feedback words' summed BM25 for ``docs`` (their postings against these documents only,
    not a union over the whole index)."""
    total = np.zeros(len(docs))
    for field, term in words:
        total += scores_at(matcher.term(field, term), docs, matcher.size)
    return total


def lifted(scored: Scored, extra: np.ndarray) -> Scored:
    """``scored`` with each item holding feedback words (``extra``: their BM25) lifted by at most
    ``FEEDBACK_WEIGHT`` of its score, then scaled so that the best of them scores no more than
    before: the translated matches are reordered among themselves, never carried above native ones."""
    held = extra > 0
    if not held.any():
        return scored
    lift = scored.scores[held] * (1 + FEEDBACK_WEIGHT * extra[held] / extra.max())
    scores = scored.scores.copy()
    scores[held] = lift * (scored.scores[held].max() / lift.max())
    return Scored(scored.docs, scores)
