"""The default matching strategy ("most"): all words first, then the items with most of them.

All-words matching (AND) is precise for short queries and starves long ones:
a six-word question finds one item where a hundred are on its topic.  Any-word
matching (OR) never starves, but buries the items that have every word under
items that repeat one of them.  Like Meilisearch's ``matchingStrategy`` and
Elasticsearch's ``minimum_should_match``, "most" takes the query's words (its
top-level clauses: a word in every language's fields, a phrase, an
organization, a year) and

- a query of up to ``LONG_QUERY - 1`` words: the items with every word, ranked
  by BM25; when they are fewer than ``ENOUGH``, the items with at least
  ``minimum_words(n)`` of the words follow, ranked by BM25;
- a longer query (a claim, a sentence): the items with at least
  ``minimum_words(n)`` of its words, ranked by BM25 as a whole; requiring
  every word first would put a chance item that happens to hold them all
  above better ones (measured on the SciFact training claims,
  ``bench/tune_scifact.py``).

``total`` and the facet counts count every item of the result, both tiers.
Excluded words (``-word``, ``NOT``) always exclude.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoosh import query as wq

from .query import FIELD_LANG

if TYPE_CHECKING:  # the Whoosh backend's result type; a cluster's Matched carries none
    from .whoosh.docsets import Scored

STRICT = re.compile(r"\bAND\b|(?:^|\s)\+\S")  # an explicit AND or +word: every word, as typed
ENOUGH = 10  # all-words items below this (a page) and the rest follows
LONG_QUERY = 4  # words from which a query is ranked as a whole (bench/tune_scifact.py)
SHARE = 0.0  # of a long query's words an item must have, at least one (bench/tune_scifact.py)


def minimum_words(n: int) -> int:
    """Words an item needs to be in the result: one of two, two of three, SHARE of a longer query."""
    if n <= 2:
        return 1
    if n < LONG_QUERY:
        return n - 1
    return max(1, math.ceil(n * SHARE))


@dataclass
class Matched:
    """The result set with scores (all-words items lifted above the rest), and how many had all."""

    scored: Scored
    all_words: int
    words: int
    relaxed: bool


def is_word(clause: wq.Query) -> bool:
    """Does the clause search text (a word, phrase, organization mention, year), not only filter?

    ``lang:en``, ``source:PAP``, ``org:OBWE`` and date ranges are filters: never relaxed.
    """
    return any(FIELD_LANG.get(getattr(leaf, "fieldname", None) or "") for leaf in clause.leaves()) \
        or FIELD_LANG.get(getattr(clause, "fieldname", None) or "") is not None


def _free(node: wq.Query) -> bool:
    """An unscored ``lang`` term: every item of a language, adding nothing to a score."""
    return isinstance(node, wq.Term) and node.fieldname == "lang" and node.boost == 0


def is_stopword(clause: wq.Query) -> bool:
    """A word that is a stopword in one language (``query.py`` gives it an unscored ``lang`` term)."""
    return any(_free(leaf) for leaf in clause.leaves())


def without_free(clause: wq.Query) -> wq.Query:
    """The clause without its unscored ``lang`` alternatives (``is_stopword``): the same scores.

    Those alternatives match every item of a language (934,000 at 1M items) and add
    nothing to a score; where only scores are wanted, or the other words decide
    which items match, leaving them out saves merging the whole language.
    """
    if _free(clause):
        return wq.NullQuery
    if isinstance(clause, (wq.Or, wq.DisjunctionMax)):
        kept = [without_free(s) for s in clause.subqueries if not _free(s)]
        kept = [k for k in kept if k is not wq.NullQuery]
        if not kept:
            return wq.NullQuery
        if len(kept) == 1 and clause.boost == 1.0:
            return kept[0]
        return type(clause)(kept, boost=clause.boost)
    if isinstance(clause, wq.And):  # a clause left with nothing asks nothing
        kept = [k for k in (without_free(s) for s in clause.subqueries) if k is not wq.NullQuery]
        return type(clause)(kept, boost=clause.boost) if kept else wq.NullQuery
    return clause


def free_languages(clause: wq.Query) -> set[str] | None:
    """The languages of a clause made only of unscored ``lang`` terms (a word that is a stopword in
    every language searched: "jest" -> ``lang:pl^0 OR lang:en^0``), else None: such a clause
    only says which languages' items may match."""
    leaves = list(clause.leaves())
    if not leaves or not all(_free(leaf) for leaf in leaves):
        return None
    return {leaf.text for leaf in leaves}


@dataclass(frozen=True)
class Clauses:
    """An all-words query's top-level clauses by the part each plays under "most".

    ``words`` are counted (``minimum_words(n)`` of them required); ``stopwords``
    of one language are optional, scored where they match; ``filters`` are
    required and never counted; ``exclusions`` are the queries under ``-word``/``NOT``.
    Every backend sorts a query this one way.
    """

    words: list[wq.Query]
    stopwords: list[wq.Query]
    filters: list[wq.Query]
    exclusions: list[wq.Query]

    @property
    def n(self) -> int:
        return len(self.words)

    def beyond_all_words(self, all_words: int) -> bool:
        """Does the result go beyond the items with every word, given how many have them?"""
        return self.n > 1 and not (self.n < LONG_QUERY and all_words >= ENOUGH)


def clauses_of(q: wq.Query) -> Clauses:
    """Sort an all-words query's top-level clauses (any other query has none)."""
    subs = q.subqueries if isinstance(q, wq.And) else []
    kept = [s for s in subs if not isinstance(s, wq.Not)]
    text = [c for c in kept if is_word(c)]
    return Clauses(words=[c for c in text if not is_stopword(c)], stopwords=[c for c in text if is_stopword(c)],
                   filters=[c for c in kept if not is_word(c)],
                   exclusions=[s.query for s in subs if isinstance(s, wq.Not)])


def notice(matched: Matched) -> str | None:
    """What the user is told when the result goes beyond the items with every word."""
    if not matched.relaxed:
        return None
    if matched.words >= LONG_QUERY:
        return (f"{matched.all_words} items have all {matched.words} words; "
                "items with some of them are ranked with them by relevance.")
    if not matched.all_words:
        return "No item has all the words; showing items with most of them."
    return f"{matched.all_words} items have all the words; more items below have most of them."
