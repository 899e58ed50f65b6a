"""One contract, every backend: the same searches, facets, histogram and inflections.

Runs against the Whoosh index always.  Runs against OpenSearch/Elasticsearch
when ``PRASA_OPENSEARCH_URL`` points at a node (no plugin needed: prasa sends its
Polish terms pre-analyzed; the sample corpus is indexed under the alias ``prasa-contract``, then removed).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace

import pytest

from search import SearchRequest

from .conftest import SAMPLE

REFERENCE = dt.date(2024, 12, 31)
OPENSEARCH_URL = os.environ.get("PRASA_OPENSEARCH_URL")


@pytest.fixture(scope="module", params=["whoosh", "opensearch"])
def service(request, sample_service):
    if request.param == "whoosh":
        yield sample_service
        return
    if not OPENSEARCH_URL:
        pytest.skip("no OpenSearch/Elasticsearch node configured: set PRASA_OPENSEARCH_URL to a node "
                    "(no plugin needed) to run this contract against it")
    from indexer.opensearch.cluster import ClusterConfig, reindex_cluster
    from search.opensearch.cluster import ClusterService

    config = ClusterConfig(url=OPENSEARCH_URL, alias="prasa-contract")
    client = config.client()
    summary = reindex_cluster([SAMPLE], config, client=client, full=True, reference=REFERENCE)
    assert not summary.failed
    yield ClusterService(config, client=client)
    for name in client.indices.get(index="prasa-contract-*"):
        client.indices.delete(index=name)


def ids(result) -> list[str]:
    return [h["id"] for h in result.hits]


def facet(result, name: str) -> dict[str, tuple[int, bool]]:
    return {v["value"]: (v["count"], v["selected"]) for v in result.facets[name]}


def test_result_shape(service):
    data = service.search(SearchRequest(q="OBWE")).to_dict()
    assert list(data) == ["query", "total", "page", "per_page", "pages", "sort", "hits", "facets",
                          "suggestion", "notice", "translations", "took_ms"]
    assert set(data["facets"]) == {"language", "organization", "source", "date"}
    for values in data["facets"].values():
        assert all(set(v) - {"short_label", "parent"} == {"value", "label", "count", "selected"} for v in values)
    assert all({"short_label", "parent"} <= set(v) for v in data["facets"]["organization"])


@pytest.mark.parametrize("q", ["OBWE", "OSCE", "org:OBWE"])
def test_an_organization_in_either_language_finds_items_in_both(service, q):
    result = service.search(SearchRequest(q=q, per_page=50))
    assert {"pl", "en"} <= {h["language"] for h in result.hits}
    assert {"belta-2024-12-10-obwe", "sample-026", "sample-032"} <= set(ids(result))


def test_organization_filter_finds_both_languages(service):
    result = service.search(SearchRequest(per_page=50, selections={"organization": ("osce",)}))
    assert facet(result, "language").keys() >= {"pl", "en"}
    assert all("osce" in [o["id"] for o in h["organizations"]] for h in result.hits)


@pytest.mark.parametrize("q", ["handel ludźmi", "handlu ludźmi", "handlem ludźmi"])
def test_polish_inflections_find_the_same_items(service, q):
    base = set(ids(service.search(SearchRequest(q="handel ludźmi", per_page=50))))
    assert base and set(ids(service.search(SearchRequest(q=q, per_page=50)))) == base


def test_default_strategy_puts_the_all_words_items_first_then_most_words(service):
    strict = ids(service.search(SearchRequest(q="ONZ 2024", match="all", per_page=100)))
    result = service.search(SearchRequest(q="ONZ 2024", per_page=100))
    assert strict and set(ids(result)[: len(strict)]) == set(strict) and result.total > len(strict)
    assert result.notice.startswith(f"{len(strict)} items have all the words")
    explicit = service.search(SearchRequest(q="ONZ AND 2024", per_page=100))
    assert set(ids(explicit)) == set(strict)


def test_organization_values_resolve_alike(service):
    found = [set(ids(service.search(SearchRequest.from_params({"org": [v], "per_page": ["100"]}))))
             for v in ("OBWE", "osce", "Organizacja Bezpieczeństwa i Współpracy w Europie")]
    assert found[0] and found[0] == found[1] == found[2]
    assert found[0] == set(ids(service.search(SearchRequest(q="org:OBWE", per_page=100))))


def test_multi_select_facets(service):
    both = service.search(SearchRequest(q="OBWE", selections={"language": ("pl", "en")}))
    one = service.search(SearchRequest(q="OBWE", selections={"language": ("pl",)}))
    assert facet(one, "language") == {k: (c, k == "pl") for k, (c, _) in facet(both, "language").items()}
    assert one.total == facet(both, "language")["pl"][0] and all(h["language"] == "pl" for h in one.hits)


def test_date_histogram_years_then_months(service):
    years = facet(service.search(SearchRequest()), "date")
    assert years["2024"][0] > 30
    months = facet(service.search(SearchRequest(selections={"date": ("2024",)})), "date")
    assert months["2024"] == (years["2024"][0], True)
    assert sum(c for v, (c, _) in months.items() if len(v) == 7) <= years["2024"][0]
    march = service.search(SearchRequest(selections={"date": ("2024-03",)}))
    assert march.total == months["2024-03"][0] >= 3


def test_sorting_and_paging(service):
    newest = service.search(SearchRequest(sort="newest", per_page=5))
    dates = [h["date"] for h in newest.hits]
    assert dates == sorted(dates, reverse=True)
    page2 = service.search(SearchRequest(sort="newest", per_page=5, page=2))
    assert not set(ids(page2)) & set(ids(newest)) and page2.total == newest.total
    oldest = service.search(SearchRequest(sort="oldest", per_page=100))
    full = [bool(h["date"]) and not h["date"].startswith("--") for h in oldest.hits]
    assert full[0] and not full[-1] and full == sorted(full, reverse=True)  # undated (or no year) last


def test_snippets_are_escaped_and_marked(service):
    hit = service.search(SearchRequest(q="handel ludźmi")).hits[0]
    assert "<mark>" in hit["snippet"] + hit["title_html"] and "<script" not in hit["snippet"]


def test_item_and_stats(service):
    item = service.item("sample-026")
    assert item["id"] == "sample-026" and item["body"]
    assert service.item("no-such-item") is None
    stats = service.stats()
    assert stats["documents"] == service.search(SearchRequest()).total
    assert stats["organizations"]["osce"] >= 3


@pytest.mark.parametrize(("q", "lang", "word"), [("handel ludźmi", "en", "trafficking"),
                                                 ("handlu ludźmi", "en", "trafficking"),
                                                 ("human trafficking", "pl", "ludźmi")])
def test_a_query_finds_the_other_languages_items_through_the_dictionary(service, q, lang, word):
    other = SearchRequest(q=q, per_page=50, selections={"language": (lang,)})
    found = service.search(other)
    assert found.total > 0 and found.translations
    assert all(h["language"] == lang for h in found.hits)
    assert any(word in h["snippet"].lower() for h in found.hits)
    assert service.search(replace(other, translate=False)).total < found.total


def test_timeline_adds_up_to_the_total(service):
    request = SearchRequest(q="OBWE")
    chart = service.timeline([request, SearchRequest(q="ONZ")], "month")
    for series, q in zip(chart.series, ("OBWE", "ONZ"), strict=True):
        total = service.search(SearchRequest(q=q)).total
        assert series.total == total > 0
        assert sum(b.count for b in series.buckets) + series.unplaced == total
        assert all(b.archive >= b.count for b in series.buckets)


def test_significant_organizations_and_words(service):
    orgs = service.significant(SearchRequest(q="OBWE"), "organization", 10)
    assert orgs.matches == service.search(SearchRequest(q="OBWE")).total
    assert all(v.count >= 3 and v.archive_count >= v.count for v in orgs.values)
    words = service.significant(SearchRequest(q="handel ludźmi"), "word", 10)
    assert 0 < words.counted <= words.matches


def test_export_follows_the_search(service):
    request = SearchRequest(q="OBWE", sort="newest")
    rows = list(service.export(request, limit=1000).rows)
    assert [r["id"] for r in rows[:10]] == ids(service.search(request))
    assert len(rows) == service.search(request).total
