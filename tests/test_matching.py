"""The default matching strategy ("most"), years in queries, and each language's own stopwords."""

from __future__ import annotations

import json
import math

import pytest

from indexer import reindex
from search import SearchRequest, SearchService
from search.matching import ENOUGH, LONG_QUERY, SHARE, minimum_words

from .conftest import corpus_rows


def ids(result) -> list[str]:
    return [h["id"] for h in result.hits]


def every_id(service, q: str, **options) -> list[str]:
    out, page = [], 1
    while True:
        result = service.search(SearchRequest(q=q, per_page=100, page=page, **options))
        out += ids(result)
        if page >= result.pages:
            return out
        page += 1


def test_minimum_words():
    assert [minimum_words(n) for n in (1, 2, 3)] == [1, 1, 2]
    assert all(minimum_words(n) == max(1, math.ceil(n * SHARE)) for n in range(LONG_QUERY, 30))


def test_a_short_query_shows_every_all_words_item_first_then_most_words(polish_news_service):
    q = "protest załóg Ryanaira"
    strict = set(every_id(polish_news_service, q, match="all"))
    assert 0 < len(strict) < ENOUGH
    result = polish_news_service.search(SearchRequest(q=q, per_page=100))
    assert set(ids(result)[: len(strict)]) == strict and result.total > len(strict)
    assert result.notice == f"{len(strict)} items have all the words; more items below have most of them."


def test_enough_all_words_items_are_the_whole_result(polish_news_service):
    strict = every_id(polish_news_service, "Donald Trump", match="all")
    assert len(strict) >= ENOUGH
    result = polish_news_service.search(SearchRequest(q="Donald Trump", per_page=100))
    assert set(every_id(polish_news_service, "Donald Trump")) == set(strict) and result.notice is None


@pytest.mark.parametrize(("q", "topic"), [("liczba zakażonych koronawirusem w Polsce rośnie", "covid-19"),
                                          ("Sąd Najwyższy Pakistanu uchylił wyrok", "asia_bibi")])
def test_a_long_query_never_starves(polish_news_service, q, topic):
    topics = {r["id"]: r["topic"] for r in corpus_rows("pl-news-bsnlp.jsonl.gz")}
    strict = polish_news_service.search(SearchRequest(q=q, match="all"))
    result = polish_news_service.search(SearchRequest(q=q))
    assert strict.total < 10 and result.total >= 30
    assert sum(topics[i] == topic for i in ids(result)) >= 8  # P@10 on the item's story
    assert "items have all" in result.notice


def test_filters_and_exclusions_are_never_relaxed(sample_service):
    for hit in sample_service.search(SearchRequest(q="lang:en trafficking Białoruś", per_page=100)).hits:
        assert hit["language"] == "en"
    assert {h["source"] for h in sample_service.search(SearchRequest(q="źródło:PAP NATO szczyt")).hits} == {"PAP"}
    excluded = sample_service.search(SearchRequest(q="NATO szczyt -Wilno", per_page=100)).hits
    assert excluded and not any("Wiln" in h["snippet"] for h in excluded)


def test_a_bare_year_finds_the_items_of_that_year(sample_service):
    result = sample_service.search(SearchRequest(q="ONZ 2024"))
    strict = sample_service.search(SearchRequest(q="ONZ 2024", match="all", per_page=100))
    assert strict.total >= 5 and strict.notice is None
    top = result.hits[: strict.total]
    assert {h["id"] for h in top} == set(ids(strict))
    for hit in top:
        assert hit["date"].startswith("2024") and "un" in {o["id"] for o in hit["organizations"]}
    # matched by its date, not by a "2024" in its text
    assert any("2024" not in sample_service.item(h["id"])["body"] for h in top)


@pytest.fixture(scope="module")
def stopwords_service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stop")
    rows = [
        {"id": "ii", "title": "Veterans of World War II meet in London", "language": "en",
         "body": "Veterans of the Second World War gathered on Monday to remember the fallen."},
        {"id": "i", "title": "World War I letters found in an attic", "language": "en",
         "body": "Letters from the Great War were found by a family in Kent."},
        {"id": "ten", "title": "Ten years of the treaty", "language": "en",
         "body": "The treaty signed ten years ago still divides the parties."},
        {"id": "pl", "title": "Dziesięć lat traktatu", "language": "pl",
         "body": "Ten traktat podpisano dziesięć lat temu."},
    ]
    (folder / "items.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    reindex([folder / "items.jsonl"], folder / "index")
    return SearchService(folder / "index")


def test_each_language_drops_only_its_own_stopwords(stopwords_service):
    # "II" and "ten" are Polish stopwords: English text still matches them
    assert ids(stopwords_service.search(SearchRequest(q="World War II", match="all"))) == ["ii"]
    assert ids(stopwords_service.search(SearchRequest(q="World War II")))[0] == "ii"
    assert ids(stopwords_service.search(SearchRequest(q="ten years", match="all"))) == ["ten"]
    # a word common in both languages is dropped: "the" and "i" do not decide anything
    assert set(ids(stopwords_service.search(SearchRequest(q="the treaty", match="all", translate=False)))) == {"ten"}
    # an English query's "the" asks nothing of Polish items either: translated, the treaty is traktat
    assert ids(stopwords_service.search(SearchRequest(q="the treaty", match="all"))) == ["ten", "pl"]


@pytest.mark.parametrize("q", ["byśmy chcieli jaki", "jaki problem", "jest chcą pracy", "Wyspach teraz"])
def test_a_stopword_clause_scores_the_same_without_its_unscored_language_alternatives(crosslang_service, q):
    """Leaving out ``lang:X^0`` (every item of a language, unscored) changes no score: only the
    items it alone brought in, all of that language and all scored 0."""
    from search.matching import clauses_of, is_stopword, without_free

    service = crosslang_service
    service.search(SearchRequest(q=q))
    gen = service._current()
    matcher = service._local.matcher
    _parsed, tree, _note = gen.parsed(SearchRequest(q=q), service.registry, matcher)
    checked = 0
    parts = clauses_of(tree)
    for clause in [c for c in parts.stopwords + parts.filters if is_stopword(c)]:
        whole, lean = matcher.match(clause), matcher.match(without_free(clause))
        kept = dict(zip(whole.docs.tolist(), whole.scores.tolist(), strict=True))
        assert all(kept[d] == pytest.approx(s) for d, s in zip(lean.docs.tolist(), lean.scores.tolist(), strict=True))
        gone = sorted(set(kept) - set(lean.docs.tolist()))
        assert all(kept[d] == 0 for d in gone)
        assert {gen.columns.lang_values[c] for c in gen.columns.lang[gone]} <= {"pl", "en"}
        checked += 1
    assert checked


def test_a_word_alone_whose_translation_is_a_stopword_does_not_match_the_whole_language(crosslang_service):
    """"jaki" translates to "like" and "what" (an English stopword): alone, it finds the items with
    jaki and the English items with "like", not every English item."""
    result = crosslang_service.search(SearchRequest(q="jaki", per_page=100))
    english = crosslang_service.search(SearchRequest(selections={"language": ("en",)})).total
    found = {v["value"]: v["count"] for v in result.facets["language"]}
    assert 0 < found["en"] < english / 5
    like = crosslang_service.search(SearchRequest(q="like", translate=False, selections={"language": ("en",)}))
    assert found["en"] == like.total
