"""The Polish and English analyzers: tokenizing, stopwords, guarded stemming."""

from indexer.analysis import Postings, analyze, english_analyzer, preanalyze, stem_pl
from indexer.schema import build_schema

from .conftest import PL_SEED, corpus_rows


def test_polish_inflections_share_a_stem():
    assert analyze("handel", "pl") == analyze("handlem", "pl") == analyze("handlu", "pl")
    assert analyze("organizacji", "pl") == analyze("organizacja", "pl")


def test_polish_stopwords_are_dropped():
    assert analyze("w i z na", "pl") == []
    assert analyze("Białoruś i Polska", "pl")[0] != "i"


def test_stemmer_guards_short_words_acronyms_and_invented_stems():
    # Stempel turns "londyn" into "ć" and "trump" into "treć": the token is kept instead
    assert stem_pl("londyn") == "londyn"
    assert stem_pl("trump") == "trump"
    assert stem_pl("nato") == "nato"  # Stempel: "na"
    assert analyze("NATO ONZ OBWE", "pl") == ["nato", "onz", "obwe"]
    assert analyze("2024", "pl") == ["2024"]


def test_hyphenated_words_are_indexed_as_parts_at_consecutive_positions():
    assert analyze("Inter-Agency", "en") == ["inter", "agenc"]
    tokens = [(t.text, t.pos) for t in english_analyzer()("Inter-Agency Coordination Group", positions=True)]
    assert tokens == [("inter", 0), ("agenc", 1), ("coordin", 2), ("group", 3)]


def test_english_possessives_and_stemming():
    assert analyze("UN's resolutions", "en") == analyze("UN resolution", "en")
    assert analyze("trafficking", "en") == analyze("trafficked", "en")


def test_preanalysis_equals_the_query_time_analyzer_on_real_text():
    """Index-time postings must hold exactly the terms queries produce."""
    schema = build_schema()
    texts = [("pl", PL_SEED.read_text("utf-8"))]
    texts += [("pl", r["body"]) for r in corpus_rows("pl-news-bsnlp.jsonl.gz", 40)]
    texts += [("en", r["body"]) for r in corpus_rows("en-news-reuters21578.jsonl.gz", 40)]
    for lang, text in texts:
        postings = preanalyze(text, lang, schema[f"body_{lang}"].format)
        assert isinstance(postings, Postings)
        assert {p[0].decode() for p in postings} == set(analyze(text, lang))
        assert postings.length == len(analyze(text, lang))


def test_index_toc_stays_small(seed_index):
    """No Stempel table pickled into the index (it would be megabytes)."""
    tocs = list(seed_index.glob("gen-*/_MAIN_*.toc"))
    assert tocs and all(t.stat().st_size < 100_000 for t in tocs)
