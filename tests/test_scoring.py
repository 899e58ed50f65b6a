"""The numpy matcher agrees with Whoosh on real queries: same documents, same ranking."""

import numpy as np
import pytest

from search.docsets import Matcher
from search.query import limit_expansions, parse_query

QUERIES = ["OBWE", "handel ludźmi", "trafficking persons", "UN OR OSCE", "resolution -Belarus",
           '"handel ludźmi"', "handl*", "lang:en trafficking", "Białoruś NOT ONZ"]


@pytest.mark.parametrize("text", QUERIES)
def test_numpy_matching_equals_whoosh(seed_service, text):
    gen = seed_service._current()
    with gen.ix.searcher() as searcher:
        q = parse_query(text, gen.parsers["all"], seed_service.registry).query
        q, _ = limit_expansions(q, searcher.reader(), gen.ix.schema, gen.lexicon)
        ours = Matcher(searcher, gen.columns).match(q)
        theirs = np.fromiter(q.docs(searcher), dtype=np.int64)
        assert ours.docs.tolist() == sorted(theirs.tolist())


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
