"""Post-translation expansion (Ballesteros & Croft 1997): words the best translated matches share.

A translated query finds the other language's items through a dictionary's
few senses; the items it ranks best hold the words that language's writers
use for the topic (``hodowla bydła`` → cattle, then livestock, hogs, beef).
The title and lead of the top ``FEEDBACK_DOCS`` items of the target language
are read; a word in at least ``MIN_SUPPORT`` of them, ranked by that count
times its idf, is a feedback word.  The ``FEEDBACK_TERMS`` best re-rank the
matches and never add to them (``lifted``), so the total, facets and the
"most words" rule stay the query's own.  ``FEEDBACK_TERMS = 0`` turns it off;
``bench/crosslang_tuning.py`` sets the constants.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np

from indexer import item_from_stored
from indexer.analysis import first_terms

from ..query import LANG_CODES
from .docsets import Matcher, Scored

FEEDBACK_TERMS = 10  # feedback words per target language (0: off)
FEEDBACK_WEIGHT = 0.1  # the largest lift of an item's score, as a share of it
FEEDBACK_DOCS = 10
FEEDBACK_CHARS = 300  # of each item: its title and lead (the whole body cost a new query 15 ms at 1M)
MIN_SUPPORT = 3
RERANK_WINDOW = 1000  # the best matches re-ranked


def feedback_words(searcher, matcher: Matcher, scored: Scored, langs: list[str], known: set[str],
                   frequency: Callable[[str, str], int]) -> list[tuple[str, str]]:
    """The feedback words of each target language, as (field, term); ``frequency(field, term)``
    is a term's document frequency (the generation keeps them)."""
    if FEEDBACK_TERMS <= 0 or not len(scored.docs):
        return []
    words = []
    for lang in langs:
        mine = np.flatnonzero(matcher.columns.in_languages(scored.docs, [LANG_CODES[lang]]))
        if len(mine) < MIN_SUPPORT:
            continue
        top = scored.docs[mine[np.argsort(-scored.scores[mine], kind="stable")[:FEEDBACK_DOCS]]]
        field = f"body_{lang}"
        support: Counter[str] = Counter()
        for doc in top.tolist():
            item = item_from_stored(searcher.stored_fields(doc))
            lead = f"{item.title}\n{item.body[:FEEDBACK_CHARS]}"
            support.update(first_terms(lead, lang))  # the field's first term of each word
        size = max(1, matcher.size)
        ranked = sorted(((n * math.log(size / max(1, frequency(field, t))), t)
                         for t, n in support.items() if n >= MIN_SUPPORT and t not in known), reverse=True)
        words += [(field, t) for _score, t in ranked[:FEEDBACK_TERMS]]
    return words


def reranked(matcher: Matcher, words: list[tuple[str, str]], scored: Scored) -> Scored:
    """``scored`` with the best ``RERANK_WINDOW`` matches holding feedback words lifted by at most
    ``FEEDBACK_WEIGHT`` of their score, in proportion to the words' summed BM25, then scaled so
    that the best of them scores no more than before: the translated matches are reordered among
    themselves, never carried above native ones.  A match outside the window could not have
    climbed far (a tenth at most), and scoring only the window keeps a query at 1M items cheap."""
    if not words or not len(scored.docs):
        return scored
    window = np.arange(len(scored.docs)) if len(scored.docs) <= RERANK_WINDOW else \
        np.argpartition(-scored.scores, RERANK_WINDOW - 1)[:RERANK_WINDOW]
    docs = scored.docs[window]
    order = np.argsort(docs)
    extra = np.zeros(len(docs))
    for field, term in words:
        extra[order] += matcher.term_at(field, term, docs[order])
    held = extra > 0
    if not held.any():
        return scored
    before = scored.scores[window][held]
    lift = before * (1 + FEEDBACK_WEIGHT * extra[held] / extra.max())
    scores = scored.scores.copy()
    scores[window[held]] = lift * (before.max() / lift.max())
    return Scored(scored.docs, scores)
