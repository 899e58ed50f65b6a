"""The Polish and English analyzers: tokenizing, stopwords, guarded stemming."""

import pytest

from indexer.analysis import (
    Postings,
    analyze,
    analyzer_for,
    english_analyzer,
    first_terms,
    preanalyze,
    preanalyze_item,
    stem_pl,
)
from indexer.whoosh.schema import build_schema

from .conftest import EN_SEED, PL_SEED, corpus_rows


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


def chain_positions(text: str, lang: str) -> dict[str, list[int]]:
    """Term -> positions as the query-time Whoosh chain (filters composed with |) gives them."""
    out: dict[str, list[int]] = {}
    for t in analyzer_for(lang)(text, positions=True):
        out.setdefault(t.text, []).append(t.pos)
    return out


def test_preanalysis_equals_the_query_time_analyzer_on_real_text():
    """Index-time postings (the fused one-pass tokenizer) hold exactly the chain's terms and positions."""
    schema = build_schema()
    texts = [("pl", PL_SEED.read_text("utf-8")), ("en", EN_SEED.read_text("utf-8")),
             ("pl", "W Wiedniu ONZ-u i OBWE’s O’Leary inter-agency - 2024 r."),
             ("en", "The UN's and States' inter-agency O’Leary"), ("xx", "Łódź żółć Praha-Brno")]
    texts += [("pl", r["body"]) for r in corpus_rows("pl-news-bsnlp.jsonl.gz", 60)]
    texts += [("en", r["body"]) for r in corpus_rows("en-news-reuters21578.jsonl.gz", 60)]
    texts += [("xx", r["body"]) for r in corpus_rows("other-lang-news-bsnlp.jsonl.gz", 20)]
    for lang, text in texts:
        fieldformat = schema[f"body_{lang}"].format
        postings = preanalyze(text, lang, fieldformat)
        assert isinstance(postings, Postings)
        expected = chain_positions(text, lang)
        assert {p[0].decode(): fieldformat.decode_positions(p[3]) for p in postings} == expected
        assert postings.length == sum(len(v) for v in expected.values())


def test_an_items_title_field_is_the_head_of_its_body_field():
    schema = build_schema()
    fieldformat = schema["body_pl"].format
    title, body = "W Wiedniu o handlu ludźmi", PL_SEED.read_text("utf-8")
    t, b = preanalyze_item(title, body, "pl", fieldformat)
    assert t == preanalyze(title, "pl", fieldformat)
    assert b == preanalyze(f"{title}\n{body}", "pl", fieldformat)


def test_index_toc_stays_small(seed_index):
    """No Stempel table pickled into the index (it would be megabytes)."""
    tocs = list(seed_index.glob("gen-*/_MAIN_*.toc"))
    assert tocs and all(t.stat().st_size < 100_000 for t in tocs)


@pytest.mark.parametrize("name,lang", [("pl-news-bsnlp.jsonl.gz", "pl"), ("en-news-reuters21578.jsonl.gz", "en")])
def test_first_terms_are_the_field_analyzers_first_term_of_each_word(name, lang):
    """Feedback words read items' leads with the cached token plans: the same terms as the chain."""
    from search.query import analyzed_slots

    schema = build_schema()
    for row in corpus_rows(name, 300):
        lead = f"{row['title']}\n{row['body'][:300]}"
        chain = {t for slot in analyzed_slots(schema, f"body_{lang}", lead) for t in slot[:1]}
        assert first_terms(lead, lang) == chain
