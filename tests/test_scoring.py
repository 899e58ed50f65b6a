"""The numpy matcher agrees with Whoosh on real queries: same documents, same ranking."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from search.query import limit_expansions, parse_query
from search.whoosh.docsets import (
    Matcher,
    PostingsCache,
    Scored,
    _unique_runs,
    first_in_order,
    gathered,
    member,
)

QUERIES = ["OBWE", "handel ludźmi", "trafficking persons", "UN OR OSCE", "resolution -Belarus",
           '"handel ludźmi"', "handl*", "lang:en trafficking", "Białoruś NOT ONZ"]
# on a real archive: lemmas, phrases, prefixes, negation, filters, organizations, both languages
NEWS_QUERIES = ["Trump", "Trumpa", "Unia Europejska", '"Unii Europejskiej"', "Białoru*", "Tusk OR Kaczyński",
                "Rosja -Ukraina", "wybory NOT Trump", "lang:pl brexit", "org:un", "oil prices",
                '"interest rates"', "compan*", "bank AND loan", "wheat -corn", "dollar OR yen",
                "lang:en trade", "Brexit~1", "(oil OR gas) AND NOT opec", "date:[1987 TO 1988] cocoa",
                # phrases of common words: many blocks per word, positions read for the shared items only
                '"said it"', '"the company said"', '"New York"', '"per cent"', '"pct of the"',
                '"Komisji Europejskiej"', '"Parlamentu Europejskiego"']


def _same_documents(service, text: str) -> tuple[list[int], list[int]]:
    gen = service._current()
    with gen.ix.searcher() as searcher:
        q = parse_query(text, gen.parsers["all"], service.registry).query
        q, _ = limit_expansions(q, searcher.reader(), gen.ix.schema, gen.lexicon)
        ours = Matcher(searcher, gen.columns).match(q)
        theirs = np.fromiter(q.docs(searcher), dtype=np.int64)
        return ours.docs.tolist(), sorted(theirs.tolist())


@pytest.mark.parametrize("text", QUERIES)
def test_numpy_matching_equals_whoosh(seed_service, text):
    ours, theirs = _same_documents(seed_service, text)
    assert ours == theirs


@pytest.mark.parametrize("text", NEWS_QUERIES)
def test_numpy_matching_equals_whoosh_on_a_real_archive(news_service, text):
    ours, theirs = _same_documents(news_service, text)
    assert ours == theirs and len(ours) > 0


def test_numpy_ranking_follows_whoosh_on_the_sample(sample_service):
    """Our BM25 (exact lengths, Lucene idf, tuned b) keeps mostly Whoosh's top results."""
    gen = sample_service._current()
    agree = total = 0
    with gen.ix.searcher() as searcher:
        for text in ["NATO", "handel ludźmi", "interest rates", "Komisja Europejska", "climate finance",
                     "OBWE", "inflacja", "human trafficking", "Sejm ustawa", "WHO vaccines"]:
            q = parse_query(text, gen.parsers["all"], sample_service.registry).query
            q, _ = limit_expansions(q, searcher.reader(), gen.ix.schema, gen.lexicon)
            ours = Matcher(searcher, gen.columns).match(q)
            top = ours.docs[np.lexsort((ours.docs, -ours.scores))][:3].tolist()
            theirs = [hit.docnum for hit in searcher.search(q, limit=3)]
            agree += len(set(top) & set(theirs))
            total += len(theirs)
    assert total and agree / total >= 0.9


def test_arrays_files_and_blocks_score_the_same_on_a_real_archive(news_service):
    """The frequent terms' arrays (``indexer/whoosh/arrays.py``) give the matcher what the blocks give."""
    gen = news_service._current()
    with gen.ix.searcher() as searcher:
        fast, slow = Matcher(searcher, gen.columns), Matcher(searcher, gen.columns)
        slow.arrays = [None] * len(slow.arrays)
        held = {key: count for a in fast.arrays if a is not None for key, count in a.terms().items()}
        # the frequent terms, and some of the rare ones a small segment also keeps
        in_arrays = [key for n, (key, count) in enumerate(held.items()) if count >= 512 or n % 50 == 0]
        for text in NEWS_QUERIES:
            q = parse_query(text, gen.parsers["all"], news_service.registry).query
            q, _ = limit_expansions(q, searcher.reader(), gen.ix.schema, gen.lexicon)
            a, b = fast.match(q), slow.match(q)
            assert np.array_equal(a.docs, b.docs) and np.allclose(a.scores, b.scores)
        assert in_arrays
        for fieldname, btext in in_arrays:  # every term the arrays hold (dates and ids too)
            a, b = fast.term(fieldname, btext), slow.term(fieldname, btext)
            assert len(a.docs) and np.array_equal(a.docs, b.docs) and np.allclose(a.scores, b.scores)


def test_postings_cache_is_bounded_and_keeps_the_recent():
    cache = PostingsCache(limit_bytes=3 * 1200)  # three terms of 100 documents (8 + 4 bytes each)
    arrays = {n: (np.arange(100, dtype=np.int64), np.ones(100, dtype=np.float32)) for n in "abcd"}
    for name in "abc":
        cache.put(("body_pl", name), arrays[name])
    assert cache.get(("body_pl", "a")) is arrays["a"]  # now the most recent
    cache.put(("body_pl", "d"), arrays["d"])
    assert cache.get(("body_pl", "b")) is None  # the least recent went
    assert all(cache.get(("body_pl", n)) is arrays[n] for n in "acd")
    assert cache.get(("body_pl", "huge")) is None
    cache.put(("body_pl", "huge"), (np.zeros(1000, dtype=np.int64), np.zeros(1000, dtype=np.float32)))
    assert cache.get(("body_pl", "huge")) is None  # larger than the whole cache: not kept


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=1, max_size=60), st.integers(1, 70))
def test_first_in_order_is_the_head_of_a_full_sort(keys, need):
    """Ties (equal scores or days) included: the top-k path must pick what the full sort picks."""
    primary = np.array(keys, dtype=float)
    docs = np.arange(len(keys), dtype=np.int64)[::-1].copy()  # document numbers not in key order
    assert first_in_order(primary, docs, need).tolist() == np.lexsort((docs, primary))[:need].tolist()


@settings(max_examples=200, deadline=None)
@example([list(range(0, 99, 2)), list(range(0, 99, 3))])  # 84 documents of 100: the dense path
@given(st.lists(st.lists(st.integers(0, 99), max_size=80), min_size=1, max_size=4))
def test_marks_and_sorts_gather_and_test_membership_alike(doc_lists):
    """The dense path (marks per document) and np.unique / np.isin give identical answers."""
    parts = [Scored(np.unique(np.array(d, dtype=np.int64)), np.arange(len(set(d)), dtype=float) + 0.5)
             for d in doc_lists]
    sparse, dense = gathered(parts), gathered(parts, size=100)
    assert all(np.array_equal(a, b) for a, b in zip(sparse, dense, strict=True))
    a, b = parts[0].docs, parts[-1].docs
    assert np.array_equal(member(a, b), member(a, b, size=100))
    docs = np.concatenate([p.docs for p in parts] + [np.array(doc_lists[0], dtype=np.int64)])  # and unsorted
    unique, inverse = np.unique(docs, return_inverse=True)
    ours = _unique_runs(docs)
    assert np.array_equal(ours[0], unique) and np.array_equal(ours[1], inverse)
