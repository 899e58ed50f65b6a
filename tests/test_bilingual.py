"""Cross-language search: FreeDict's dictionaries read as installed, and queries that cross languages."""

from __future__ import annotations

import re

import pytest

from search import SearchRequest, bilingual
from search.bilingual import Dictionary, english_polish, polish_english, read_dictd

pytestmark = pytest.mark.skipif(
    not bilingual.status().startswith("on"),
    reason="the FreeDict dictionaries are not installed (make test installs them: .ci/system-deps)")


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return bilingual.dictionary()


def entry(name: str, headword: str) -> str:
    return next(text for word, text in read_dictd(name) if word == headword)


def test_an_entry_gives_its_translations_not_its_definitions():
    assert polish_english(entry("freedict-pol-eng", "handel")) == ["trade", "commerce"]
    assert polish_english(entry("freedict-pol-eng", "strajk")) == ["strike"]
    assert polish_english(entry("freedict-pol-eng", "kawa")) == ["coffee", "coffee bean"]
    trade = english_polish("trade", entry("freedict-eng-pol", "trade"))
    assert trade["trade"][:2] == ["handel", "zawód"] and "z zawodu" not in trade["trade"]
    assert trade["trade union"] == ["związek zawodowy"]


@pytest.mark.parametrize(("lang", "words", "expected"), [
    ("pl", ["szczepionka"], {"szczepionka": ["vaccine"]}),
    ("pl", ["szczepionki"], {"szczepionki": ["vaccine"]}),  # an inflected form, by its lemma
    ("en", ["pipeline"], {"pipeline": ["rurociąg"]}),
    # a word spelled alike in both languages is its own translation, the dictionary's first sense
    ("pl", ["banku"], {"banku": ["bank", "pool", "house"]}),
])
def test_words_are_translated(dictionary, lang, words, expected):
    assert dictionary.translate(lang, words) == expected


@pytest.mark.parametrize(("lang", "words", "entry", "own"), [
    ("pl", ["handlu", "ludźmi"], "human trafficking", {"handlu": "trade", "ludźmi": "human"}),
    ("pl", ["linii", "lotniczych"], "airline", {"linii": "line"}),
    ("pl", ["kopalnie", "węgla"], "coalmine", {"kopalnie": "mine", "węgla": "coal"}),
])
def test_a_multiword_entry_comes_first_and_each_word_keeps_its_own(dictionary, lang, words, entry, own):
    found = dictionary.translate(lang, words)
    assert all(found[word][0] == entry for word in words)
    assert all(translation in found[word] for word, translation in own.items())


def test_a_word_is_looked_up_by_its_lemma_before_any_stem(dictionary):
    elections = dictionary.translate("en", ["elections"])["elections"]  # election, not the verb elect
    assert {"wybory", "wybór"} <= set(elections) and not {"wybierać", "chcieć"} & set(elections)
    assert dictionary.translate("en", ["Germany"])["Germany"] == ["niemcy"]  # not germanium's
    assert "strike" in dictionary.translate("pl", ["strajku"])["strajku"]
    stopy = dictionary.translate("pl", ["stopy"])["stopy"]  # stop (alloy) and stopa (foot)
    assert "alloy" in stopy and "foot" in stopy
    # a verbal noun FreeDict lacks: its verb, then that verb's imperfective (wydobyć -> wydobywać)
    assert "extract" in dictionary.translate("pl", ["wydobycie"])["wydobycie"]
    assert bilingual.imperfectives("zatrzymać")[0] == "zatrzymywać"
    # an adjective in -owy FreeDict lacks: the noun it is made from
    assert dictionary.translate("pl", ["walutowym"])["walutowym"][0] == "currency"
    assert "feed" in dictionary.translate("pl", ["paszowej"])["paszowej"]


def test_stopwords_are_never_translated(dictionary):
    english = dictionary.translate("en", ["for", "the", "first", "time", "of", "government"])
    assert set(english) == {"first", "time", "government"}
    polish = dictionary.translate("pl", ["bezrobocie", "w", "Stanach", "Zjednoczonych"])
    assert "w" not in polish and "bezrobocie" in polish


@pytest.mark.parametrize(("lang", "words", "expected"), [
    ("pl", ["Stanach", "Zjednoczonych"], {"united states", "american"}),
    ("pl", ["Japonii"], {"japan", "japanese"}),
    ("pl", ["Niemiec"], {"germany", "german"}),
    ("en", ["Japanese"], {"japonia"}),
    ("en", ["United", "States"], {"stany zjednoczone"}),
])
def test_countries_and_their_people_translate_through_their_names(dictionary, lang, words, expected):
    found = dictionary.translate(lang, words)
    assert all(expected <= set(found[word]) for word in words)


def test_each_direction_is_filled_from_the_other(dictionary):
    assert "linia lotnicza" in dictionary.translate("en", ["airline"])["airline"]  # eng-pol's own
    assert "handel ludźmi" in dictionary.translate("en", ["human", "trafficking"])["human"]  # pol-eng inverted


def test_a_polish_query_finds_english_items_and_says_what_it_searched(sample_service):
    request = SearchRequest(q="handel ludźmi", selections={"language": ("en",)}, per_page=20)
    result = sample_service.search(request)
    assert [t for t, _weight in result.translations["handel"]][0] == "human trafficking"
    assert result.total > 0 and all("<mark>" in h["snippet"] + h["title_html"] for h in result.hits)
    native = sample_service.search(SearchRequest(q="handel ludźmi", per_page=50))
    assert native.hits[0]["language"] == "pl"  # a native match still ranks above a translated one


def test_translation_can_be_turned_off(sample_service, client):
    off = SearchRequest(q="handel ludźmi", selections={"language": ("en",)}, translate=False)
    assert sample_service.search(off).total == 0 and sample_service.search(off).translations == {}
    api = client.get("/api/search", query_string={"q": "handel ludźmi", "lang": "en", "translate": "0"})
    assert api.get_json()["total"] == 0
    page = client.get("/", query_string={"q": "handel ludźmi", "ui": "en"}).get_data(as_text=True)
    assert "Also searched in the other language as:" in page and "human trafficking" in page


def test_without_the_dictionaries_the_feature_is_off_and_search_works(tmp_path, monkeypatch, sample_index):
    from search import SearchService

    monkeypatch.setattr(bilingual, "DICT_DIR", tmp_path)
    monkeypatch.setattr(bilingual, "_LOADED", [Dictionary.load(tmp_path)])
    assert bilingual.status().startswith("off: install") and bilingual._LOADED == [None]
    result = SearchService(sample_index).search(SearchRequest(q="handel ludźmi"))  # a process without them
    assert result.total > 0 and result.translations == {}


def test_the_cluster_request_carries_the_translations_as_one_group():
    import json

    from indexer import registry
    from search.opensearch.dsl import query_schema, to_dsl
    from search.query import make_parser, parse_query

    parser = make_parser(query_schema(), None, "all")
    phrase = json.dumps(to_dsl(parse_query("handel ludźmi", parser, registry(), translate=True).query))
    assert '"query": "human trafficking"' in phrase and '"type": "phrase"' in phrase and "body_en^0.5" in phrase
    senses = to_dsl(parse_query("strajk", parser, registry(), translate=True).query)
    assert '"dis_max"' in json.dumps(senses) and "walkout" in json.dumps(senses)  # the senses: one group
    assert '"dis_max"' not in json.dumps(to_dsl(parse_query("strajk", parser, registry()).query))


def test_the_built_tables_are_cached_and_read_back(tmp_path, monkeypatch, dictionary):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = bilingual._cached(bilingual.DICT_DIR)
    cached, = (tmp_path / "prasa").glob("dictionary-*.pickle")
    assert bilingual._cached(bilingual.DICT_DIR).table == built.table == dictionary.table
    cached.write_bytes(b"not a pickle")  # a damaged cache is rebuilt, not trusted
    assert bilingual._cached(bilingual.DICT_DIR).table == built.table


@pytest.mark.parametrize(("q", "native", "other"), [("handel ludźmi", "pl", "en"), ("human trafficking", "en", "pl")])
def test_the_other_languages_items_follow_the_native_ones(sample_service, q, native, other):
    """Among the items with every word, native matches first, then the translated ones."""
    everything = sample_service.search(SearchRequest(q=q, match="all", per_page=50)).hits
    natives = sample_service.search(SearchRequest(q=q, match="all", per_page=50, translate=False)).hits
    assert [h["language"] for h in everything] == [native] * len(natives) + [other] * (len(everything) - len(natives))
    assert len(everything) > len(natives) > 0
    default = sample_service.search(SearchRequest(q=q, per_page=50)).hits
    assert [h["id"] for h in default[:len(everything)]] == [h["id"] for h in everything]


def _texts(service, q: str, lang: str) -> tuple[list[str], dict]:
    """The top ten items' titles and bodies (lowercased) for ``q`` within ``lang``'s items."""
    result = service.search(SearchRequest(q=q, selections={"language": (lang,)}))
    items = [service.item(hit["id"]) for hit in result.hits]
    return [f"{item['title']} {item['body']}".lower() for item in items], result.translations


@pytest.mark.parametrize(("q", "lang", "about"), [
    ("for the first time", "pl", r"\bpo raz pierwszy\b|\bpierwsz"),
    ("government of Japan", "pl", r"japon|japoń"),
    ("wydobycie ropy", "en", r"\boil\b|\bcrude\b|petroleum"),
    ("kopalnie węgla", "en", r"\bcoal\b"),
    ("bezrobocie w Stanach Zjednoczonych", "en", r"unemploy|jobless"),
    ("strike of the workers", "pl", r"strajk"),
])
def test_the_queries_that_went_wrong_find_their_topic(crosslang_service, q, lang, about):
    """The issue's six: stopwords untranslated, multi-word entries beside their words, countries by
    name, senses the archive uses (never pus for ropy): nine of the top ten on the topic at least
    (all of them when fewer are found: four Polish items name Japan's government)."""
    texts, translations = _texts(crosslang_service, q, lang)
    on_topic = sum(bool(re.search(about, text)) for text in texts)
    assert texts and on_topic >= min(len(texts), 9), texts
    searched = {t for chosen in translations.values() for t, _weight in chosen}
    assert not {"of", "the", "for", "w"} & set(translations) and "pus" not in searched
    assert all(weights == sorted(weights, reverse=True)
               for weights in ([w for _t, w in chosen if w] for chosen in translations.values()))


def test_a_query_about_a_country_searches_its_names(crosslang_service):
    texts, translations = _texts(crosslang_service, "bezrobocie w Stanach Zjednoczonych", "en")
    assert {"united states", "american"} & {t for t, _w in translations["Stanach"]}
    assert sum(bool(re.search(r"\bu\.s\.|united states|american", t)) for t in texts) >= 8


def test_a_word_the_archive_writes_in_english_is_english_though_morfeusz_reads_it(crosslang_service):
    """Morfeusz reads "Germany" as germanium's plural and "gas" as gasić's; the archive's English
    items write both, so an English query about Germany searches Polish items for Niemcy."""
    texts, translations = _texts(crosslang_service, "Russian gas to Germany", "pl")
    searched = {t for t, _w in translations["Germany"]}
    assert "niemcy" in searched and not {"german", "germanium", "teuton"} & searched
    assert sum(bool(re.search(r"niem", t)) for t in texts) >= 9


def test_only_what_the_archive_writes_mostly_in_english_is_taken_for_english():
    from indexer import Vocabulary
    from search.lexicon import Lexicon

    lexicon = Lexicon(Vocabulary({"en": {"germany": 40, "bank": 30, "rzad": 9, "minister": 5},
                                  "pl": {"bank": 10, "minister": 20, "rząd": 50, "polska": 20}}))
    assert lexicon.english_rather("Germany")  # 40 of 84 English words, none of 100 Polish ones
    assert not lexicon.english_rather("bank")  # written in both (30/84 against 10/100)
    assert not lexicon.english_rather("minister") and not lexicon.english_rather("rząd")


def test_feedback_words_rerank_the_translated_matches_and_never_add_any(crosslang_service, monkeypatch):
    """Post-translation expansion: words the best English matches share re-rank the matches; the
    total, the facets and the set of items stay the query's own."""
    from search import SearchService
    from search.whoosh import feedback

    request = SearchRequest(q="hodowla bydła", selections={"language": ("en",)}, per_page=100)
    on = crosslang_service.search(request)
    gen = crosslang_service._current()
    words = next(found for key, found in gen._feedback.items() if key[0] == request.q)
    terms = [term for _field, term in words]
    assert 0 < len(terms) <= feedback.FEEDBACK_TERMS and all(field == "body_en" for field, _term in words)
    assert "cattl" not in terms  # a word the query already searches is no feedback word
    monkeypatch.setattr(feedback, "FEEDBACK_TERMS", 0)
    off = SearchService(crosslang_service.index_dir).search(request)
    assert on.total == off.total and on.facets == off.facets
    assert {h["id"] for h in on.hits} == {h["id"] for h in off.hits} or on.total > 100
    assert [h["id"] for h in on.hits] != [h["id"] for h in off.hits]
