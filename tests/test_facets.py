"""Each facet is defined once: a new definition reaches the page, the API, OpenAPI, the CLI and the cluster."""

from __future__ import annotations

import json

import pytest

from search import FACETS, SearchRequest
from search.facets import DateFacet, LanguageFacet, SourceFacet
from search.opensearch.dsl import aggregations, facets_from_response, selection_filters
from web.openapi import openapi_document


class AgencyFacet(SourceFacet):
    """A throw-away facet: the source column under another name, parameter and titles."""

    name, param = "agency", "agency"
    titles = {"en": "Wire agency", "pl": "Agencja prasowa"}
    description = "Wire agency (a facet a test defines)"


@pytest.fixture
def agency():
    facet = AgencyFacet()
    FACETS.append(facet)
    try:
        yield facet
    finally:
        FACETS.remove(facet)


def first_source(client) -> str:
    return client.get("/api/search").get_json()["facets"]["source"][0]["value"]


def test_a_new_facet_is_counted_and_filters_through_the_api(agency, client):
    source = first_source(client)
    by_source = client.get("/api/search", query_string={"source": source}).get_json()
    by_agency = client.get("/api/search", query_string={"agency": source}).get_json()
    assert by_agency["total"] == by_source["total"] > 0
    assert by_agency["facets"]["agency"] == by_source["facets"]["source"]  # each ignores its own selection
    assert [v["value"] for v in by_agency["facets"]["agency"] if v["selected"]] == [source]


def test_a_new_facet_is_on_the_page_with_toggle_links(agency, client):
    source = first_source(client)
    page = client.get("/?ui=pl").get_data(as_text=True)
    assert 'data-facet="agency"' in page and "Agencja prasowa" in page
    assert f"agency={source}" in page
    selected = client.get("/", query_string={"agency": source, "ui": "en"}).get_data(as_text=True)
    assert "Wire agency" in selected and 'aria-checked="true"' in selected


def test_a_new_facet_is_in_the_openapi_document(agency):
    document = openapi_document()
    params = {p["name"]: p for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert params["agency"]["description"] == agency.description
    facets = document["paths"]["/api/search"]["get"]["responses"]["200"]["content"]["application/json"]
    assert "agency" in facets["schema"]["properties"]["facets"]["required"]


def test_a_new_facet_is_a_cli_option(agency, runner, sample_index, client):
    source = first_source(client)
    assert "--agency" in runner.invoke(["search", "--help"]).output
    out = runner.invoke(["search", "", "--agency", source, "--json", "--index", str(sample_index)])
    cli = json.loads(out.output)
    api = client.get("/api/search", query_string={"agency": source}).get_json()
    assert cli["total"] == api["total"] and cli["facets"]["agency"] == api["facets"]["agency"]


def test_a_new_facet_reaches_the_cluster_request(agency):
    request = SearchRequest(selections={"agency": ("PAP",), "language": ("pl",)})
    assert selection_filters(request)["agency"] == {"terms": {"source": ["PAP"]}}
    aggs = aggregations(request)
    assert aggs["agency"]["aggs"]["values"] == {"terms": {"field": "source", "size": 30}}
    assert {"terms": {"lang": ["pl"]}} in aggs["agency"]["filter"]["bool"]["filter"]
    response = {name: {"values": {"buckets": [{"key": "PAP", "doc_count": 3}]}} for name in ("agency", "source")}
    response["language"] = {"values": {"buckets": [{"key": "pl", "doc_count": 3}]}}
    response["organization"] = {"values": {"doc_count": 0, "orgs": {"buckets": []}}}
    response["date"] = {"values": {"buckets": []}}
    facets = facets_from_response(response, request)
    assert facets["agency"] == [{"value": "PAP", "label": "PAP", "count": 3, "selected": True}]


def test_values_rank_by_count_and_keep_a_selected_value_at_zero():
    values = LanguageFacet().values({"en": 5, "pl": 9, "other": 0}, ("other",), "pl")
    assert [(v.value, v.label, v.count, v.selected) for v in values] == [
        ("pl", "polski", 9, False), ("en", "angielski", 5, False), ("other", "inne języki", 0, True)]


def test_a_selected_year_shows_its_months_in_order():
    counts = {"2024": 7, "2024-03": 4, "2024-11": 2, "2024-05": 0}
    values = DateFacet().values(counts, ("2024-05",), "en")
    assert [(v.value, v.count, v.selected) for v in values] == [
        ("2024", 7, False), ("2024-03", 4, False), ("2024-05", 0, True), ("2024-11", 2, False)]
    assert values[1].label == "March 2024"


def test_date_toggles():
    date = DateFacet()
    assert date.toggle((), "2024") == ["2024"]
    assert date.toggle(("2024",), "2024-03") == ["2024-03"]
    assert date.toggle(("2024-03",), "2024-03") == ["2024"]
    assert date.toggle(("2024-03",), "2024") == []


def test_unknown_facet_names_and_values_are_bad_requests():
    from search import BadRequest

    with pytest.raises(BadRequest) as e:
        SearchRequest(selections={"colour": ("red",)})
    assert e.value.parameter == "colour"
    with pytest.raises(BadRequest) as e:
        SearchRequest.from_params({"lang": ["de"]})
    assert e.value.parameter == "lang"
    with pytest.raises(BadRequest) as e:
        SearchRequest.from_params({"org": ["no such body"]})
    assert e.value.parameter == "org"


def test_the_un_covers_its_bodies_on_the_whoosh_backend(sample_index):
    from indexer import registry
    from search import SearchService

    service, family = SearchService(sample_index), registry().families()["un"]
    everything = service.search(SearchRequest(per_page=100))
    tags = {h["id"]: {o["id"] for o in h["organizations"]} for h in everything.hits}
    un_family = {i for i, orgs in tags.items() if orgs & family}
    assert un_family > {i for i, orgs in tags.items() if "un" in orgs}  # some items name only a UN body
    un = service.search(SearchRequest(per_page=100, selections={"organization": ("un",)}))
    assert {h["id"] for h in un.hits} == un_family
    values = {v["value"]: v for v in everything.facets["organization"]}
    assert values["un"]["count"] == len(un_family) and values["un"]["parent"] is None
    children = [v for v in everything.facets["organization"] if v["parent"] == "un"]
    assert children and all(v["value"] in family for v in children)
    order = [v["value"] for v in everything.facets["organization"]]
    assert all(order.index(v["value"]) > order.index("un") for v in children)  # listed under the UN


def test_organization_values_carry_the_acronym_of_the_interface_language(sample_index):
    from search import SearchService

    for ui_lang, expected in (("pl", {"un": "ONZ", "osce": "OBWE"}), ("en", {"un": "UN", "osce": "OSCE"})):
        result = SearchService(sample_index).search(SearchRequest(q="OBWE ONZ", match="any", ui_lang=ui_lang))
        short = {v["value"]: v["short_label"] for v in result.facets["organization"]}
        assert {k: short[k] for k in expected} == expected


def test_the_sidebar_shows_acronyms_with_the_full_name_on_hover(client):
    page = client.get("/?q=OBWE&ui=pl").get_data(as_text=True)
    assert '<span class="label" title="Organizacja Bezpieczeństwa i Współpracy w Europie">OBWE</span>' in page
