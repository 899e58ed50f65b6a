"""The "most" strategy (``search/matching.py``) evaluated over the Whoosh index's doc sets."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from whoosh import query as wq

# matching's LONG_QUERY is read at call time: bench/tune_scifact.py sets it
from .. import matching
from ..matching import Matched, clauses_of, free_languages, is_stopword, minimum_words, without_free
from .docsets import Matcher, Scored, combined, member, scores_at


def match_most(matcher: Matcher, q: wq.Query, strict: bool = False,
               rerank: Callable[[Scored], Scored] | None = None) -> Matched:
    """Evaluate an all-words query tree under the "most" strategy (``strict``: as all words).

    A stopword of one language (``II``, ``ten``, ``w``) neither counts as a word nor is
    required; it adds its score where it matches.  ``rerank`` (feedback words) changes
    the scores before the all-words items are lifted above the rest, never after.
    """
    rerank = rerank or (lambda scored: scored)
    parts = clauses_of(q)
    n = parts.n
    if not n and (parts.stopwords or is_stopword(q)):
        # only words that are stopwords in one language ("jaki" -> what): their words in the
        # other languages decide; when no item has them, every item of that language matches
        scored = matcher.match(without_free(q))
        if len(scored.docs):
            scored = rerank(scored)
            return Matched(scored, len(scored.docs), n, False)
    if strict or n <= 1:
        scored = rerank(matcher.match(q))
        return Matched(scored, len(scored.docs), n, False)
    unique, scores, counts = combined([matcher.match(c) for c in parts.words], matcher.size, "sum", counted=True)
    for clause in parts.stopwords:  # optional, scored (an unscored language alternative adds nothing)
        scores = scores + scores_at(matcher.match(without_free(clause)), unique, matcher.size)
    for clause in parts.filters:  # required
        langs = free_languages(clause)
        if langs is not None:  # a language mask, not every item of the language read and merged
            keep = matcher.columns.in_languages(unique, langs)
        else:
            found = matcher.match(clause)
            keep = member(unique, found.docs, matcher.size)
            scores = scores + scores_at(found, unique, matcher.size)
        unique, counts, scores = unique[keep], counts[keep], scores[keep]
    for clause in parts.exclusions:
        keep = ~member(unique, matcher.match(clause).docs, matcher.size)
        unique, counts, scores = unique[keep], counts[keep], scores[keep]
    scores = rerank(Scored(unique, scores * q.boost)).scores
    complete = counts == n
    all_words = int(complete.sum())
    if not parts.beyond_all_words(all_words):
        return Matched(Scored(unique[complete], scores[complete]), all_words, n, False)
    keep = counts >= minimum_words(n)
    if n < matching.LONG_QUERY:  # every all-words item above the rest
        lift = scores[keep & ~complete].max(initial=0.0) + 1.0
        scores = np.where(complete, scores + lift, scores)
    return Matched(Scored(unique[keep], scores[keep]), all_words, n, bool((keep & ~complete).any()))
