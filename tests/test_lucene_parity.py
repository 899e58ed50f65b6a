"""prasa's analyzers beside Lucene's, token by token (the code behind OpenSearch's analyzers).

The Lucene chains are built from ``indexer.mapping.ANALYSIS``, the analyzer
definitions the OpenSearch backend sends to a cluster, and run in Lucene 8
(Debian's liblucene8-java, through JPype).  Word list: Debian's wpolish
(4.3 million Polish word forms); text: the real Polish and English corpora.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from indexer.analysis import _degenerate, analyzer_for, polish_stopwords
from indexer.mapping import ANALYSIS

from .conftest import corpus_rows
from .lucene import LuceneChain, compare, stempel_raw
from .lucene import polish_stopwords as lucene_polish_stopwords

WORDLIST = Path("/usr/share/dict/polish")  # Debian package wpolish
EVERY = 40  # every 40th word of the list: 108k words, about 5 s


@pytest.fixture(scope="module")
def polish() -> LuceneChain:
    return LuceneChain("prasa_polish", ANALYSIS)


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
    result = compare(polish, analyzer_for("pl"), "\n".join(words), invented_stem_guard)
    total = sum(len(rows) for rows in result.values())
    assert total > 100_000
    assert result["stem"] == [] and result["tokenizer"] == []
    # the guard fires on about 1.2% of word forms; every one of them is Stempel's raw stem in Lucene
    assert len(result["explained"]) / total < 0.02
    for surface, lucene, _prasa in result["explained"][::50]:
        assert stempel_raw(surface.lower()) in (lucene, None)


def test_real_polish_news_stems_as_in_lucene_or_a_named_guard_kept_it(polish):
    rows = corpus_rows("pl-news-bsnlp.jsonl.gz")
    result = _totals([compare(polish, analyzer_for("pl"), f"{r['title']}\n{r['body']}",
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
                                   for t in analyzer_for("pl")(text, chars=True)}
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
