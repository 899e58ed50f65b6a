"""prasa's analyzers beside Lucene's, token by token (the code behind OpenSearch's analyzers).

The Lucene chains are built from ``indexer.opensearch.mapping.ANALYSIS``, the analyzer
definitions the OpenSearch backend sends to a cluster, and run in Lucene 8
(Debian's liblucene8-java, through JPype).  Polish fields hold prasa's own
terms (``encode_terms``): the cluster's ``prasa_terms`` analyzer must give
back exactly prasa's terms at prasa's positions.  Stempel, prasa's fallback
for words the dictionary lacks (and the whole chain with
``PRASA_POLISH=stempel``), is compared with Lucene's Polish analyzer.  Word
list: Debian's wpolish (4.3 million Polish word forms); text: the real Polish
and English corpora.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from indexer.analysis import (
    _degenerate,
    analyzer_for,
    encode_terms,
    fold,
    polish_stopwords,
    stempel_analyzer,
)
from indexer.opensearch.mapping import ANALYSIS

from .conftest import corpus_rows
from .lucene import LuceneChain, compare, stempel_raw
from .lucene import polish_stopwords as lucene_polish_stopwords

WORDLIST = Path("/usr/share/dict/polish")  # Debian package wpolish
EVERY = 40  # every 40th word of the list: 108k words, about 5 s


# Lucene's PolishAnalyzer chain (as Elasticsearch's ``polish`` analyzer, analysis-stempel plugin)
# with prasa's acronym marker: what prasa's Stempel chain must equal.
STEMPEL_ANALYSIS = {
    "char_filter": ANALYSIS["char_filter"],
    "filter": {"prasa_unstemmed": ANALYSIS["filter"]["prasa_unstemmed"],
               "prasa_pl_stop": {"type": "polish_stop"}, "prasa_pl_stem": {"type": "polish_stem"}},
    "analyzer": {"stempel": {"type": "custom", "char_filter": ["prasa_apostrophe"], "tokenizer": "standard",
                             "filter": ["prasa_unstemmed", "lowercase", "prasa_pl_stop", "prasa_pl_stem"]}},
}


@pytest.fixture(scope="module")
def polish() -> LuceneChain:
    return LuceneChain("stempel", STEMPEL_ANALYSIS)


@pytest.fixture(scope="module")
def terms_field() -> LuceneChain:
    return LuceneChain("prasa_terms", ANALYSIS)


def prasa_positions(text: str) -> list[tuple[int, str]]:
    """prasa's Polish chain as ``(position, term)``, positions counted from 0 as Lucene does."""
    tokens = [(t.pos, t.text) for t in analyzer_for("pl")(text, positions=True)]
    first = tokens[0][0] if tokens else 0
    return [(pos - first, term) for pos, term in tokens]


def test_the_cluster_indexes_prasas_polish_terms_at_prasas_positions(terms_field):
    """Every 40th wpolish form and every Polish news item, through the cluster's analyzer."""
    words = WORDLIST.read_text("utf-8").split("\n")[::EVERY]
    texts = [" ".join(words[i:i + 2000]) for i in range(0, len(words), 2000)]
    texts += [f"{r['title']}\n{r['body']}" for r in corpus_rows("pl-news-bsnlp.jsonl.gz")]
    compared = 0
    for text in texts:
        ours = prasa_positions(text)
        assert sorted(terms_field.positions(encode_terms(text, "pl"))) == sorted(ours)
        compared += len(ours)
    assert compared > 300_000


def test_the_clusters_folded_words_are_the_words_prasa_indexed():
    folded = LuceneChain("prasa_words_folded", ANALYSIS)
    text = "Białoruś zorganizowała w Wiedniu spotkanie ONZ-u; Łódź, ŻÓŁĆ i ludźmi"
    words = [slot.split("|")[0] for slot in encode_terms(text, "pl").split(" ")]
    assert [term for _pos, term in folded.positions(encode_terms(text, "pl"))] == [fold(w) for w in words]


def invented_stem_guard(surface: str, lucene: str, prasa: str) -> bool:
    """prasa kept the word because Stempel's stem looks invented (londyn -> ć, trump -> treć)."""
    word = surface.lower()
    return prasa == word and _degenerate(lucene, word)


def _totals(results: list[dict]) -> dict[str, list]:
    out: dict[str, list] = {}
    for result in results:
        for kind, rows in result.items():
            out.setdefault(kind, []).extend(rows)
    return out


def test_polish_stopwords_are_lucenes():
    assert set(polish_stopwords()) == lucene_polish_stopwords()


def test_every_dictionary_word_stems_as_in_lucene_or_a_named_guard_kept_it(polish):
    assert WORDLIST.is_file(), "install Debian's wpolish (.ci/system-deps does)"
    words = WORDLIST.read_text("utf-8").split("\n")[::EVERY]
    result = compare(polish, stempel_analyzer(), "\n".join(words), invented_stem_guard)
    total = sum(len(rows) for rows in result.values())
    assert total > 100_000
    assert result["stem"] == [] and result["tokenizer"] == []
    # the guard fires on about 1.2% of word forms; every one of them is Stempel's raw stem in Lucene
    assert len(result["explained"]) / total < 0.02
    for surface, lucene, _prasa in result["explained"][::50]:
        assert stempel_raw(surface.lower()) in (lucene, None)


def test_real_polish_news_stems_as_in_lucene_or_a_named_guard_kept_it(polish):
    rows = corpus_rows("pl-news-bsnlp.jsonl.gz")
    result = _totals([compare(polish, stempel_analyzer(), f"{r['title']}\n{r['body']}",
                              invented_stem_guard) for r in rows])
    total = sum(len(rows) for rows in result.values())
    assert total > 200_000
    assert result["stem"] == []
    aligned = len(result["same"]) + len(result["explained"])
    assert len(result["same"]) / aligned > 0.95  # measured 0.962
    # Tokenizers differ on a few strings: "m.in." and "2,5" are one token in Lucene
    assert len(result["tokenizer"]) / total < 0.02  # measured 0.015
    kept = Counter(row[0].lower() for row in result["explained"])
    assert {"trump", "londyn"} <= set(kept)


def test_acronyms_and_tokens_with_digits_are_never_stemmed_in_either(polish):
    text = "ONZ OBWE NATO PiS covid19 2021 O'Leary O’Leary"
    assert polish.tokens(text) == {(t.startchar, t.endchar): t.text
                                   for t in stempel_analyzer()(text, chars=True)}
    assert set(polish.tokens(text).values()) == {"onz", "obwe", "nato", "pis", "covid19", "2021", "o'leary"}


def test_english_chain_agrees_except_for_the_snowball_version():
    english = LuceneChain("prasa_english", ANALYSIS)
    rows = corpus_rows("en-news-reuters21578.jsonl.gz", limit=1000)
    result = _totals([compare(english, analyzer_for("en"), f"{r['title']}\n{r['body']}",
                              lambda *row: False) for r in rows])
    aligned = len(result["same"]) + len(result["stem"])
    assert aligned > 50_000
    # Lucene ships Snowball's 2001 English stemmer, PyStemmer a later one ("added": ad / add)
    assert len(result["same"]) / aligned > 0.99  # measured 0.996


def test_folded_chain_agrees_on_other_languages():
    folded = LuceneChain("prasa_folded", ANALYSIS)
    rows = corpus_rows("other-lang-news-bsnlp.jsonl.gz")
    result = _totals([compare(folded, analyzer_for("xx"), f"{r['title']}\n{r['body']}",
                              lambda *row: False) for r in rows])
    total = sum(len(rows) for rows in result.values())
    assert len(result["same"]) / total > 0.99  # measured 0.992 (Czech, Russian, Bulgarian, Ukrainian, Slovene)
    assert result["stem"] == []
