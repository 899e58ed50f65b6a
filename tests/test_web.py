"""The Flask app: pages, JSON API, errors, security headers, and the OpenAPI contract."""

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from web import create_app
from web.openapi import openapi_document

PL = "000_613f5bc85193b596"


@pytest.fixture(scope="module")
def seed_client(seed_index):
    app = create_app({"INDEX": str(seed_index), "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def sample_client(sample_index):
    return create_app({"INDEX": str(sample_index), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def spec():
    return OpenAPI.from_dict(openapi_document())


def check(spec, response):
    """The response matches the OpenAPI document (status, content type, body schema)."""
    spec.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response))
    return response


def test_search_api(seed_client, spec):
    r = check(spec, seed_client.get("/api/search?q=OBWE"))
    data = r.get_json()
    assert r.status_code == 200 and data["total"] == 2
    assert {h["id"] for h in data["hits"]} == {PL, "002_ceb986d18146e281"}


def test_search_api_matches_the_cli_shape(seed_client, seed_service):
    from search import SearchRequest

    api = seed_client.get("/api/search?q=handel+ludźmi").get_json()
    lib = seed_service.search(SearchRequest(q="handel ludźmi")).to_dict()
    api.pop("took_ms"), lib.pop("took_ms")
    assert api == lib


def test_multi_select_parameters(seed_client, spec):
    data = check(spec, seed_client.get("/api/search?q=OBWE&lang=pl&lang=en")).get_json()
    assert {v["value"]: v["selected"] for v in data["facets"]["language"]} == {"pl": True, "en": True}
    data = check(spec, seed_client.get("/api/search?q=OBWE&lang=pl,en&org=osce")).get_json()
    assert data["total"] == 2


@pytest.mark.parametrize("query,parameter", [
    ("page=0", "page"), ("per_page=101", "per_page"), ("page=abc", "page"),
    ("from=2023-02-30", "from"), ("sort=random", "sort"), ("lang=xx", "lang"),
    ("date=20x4", "date"), ("q=" + "a" * 1001, "q"), ("from=2024-01-01&to=2023-01-01", "from"),
])
def test_bad_parameters_are_400_with_one_error_shape(seed_client, spec, query, parameter):
    r = check(spec, seed_client.get(f"/api/search?{query}"))
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "bad_request"
    assert r.get_json()["error"]["parameter"] == parameter


def test_items_api(seed_client, spec):
    r = check(spec, seed_client.get(f"/api/items/{PL}"))
    assert r.get_json()["body"].startswith("6 grudnia") and r.get_json()["place"] == "Mińsk"
    r = check(spec, seed_client.get("/api/items/nope"))
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_health_and_openapi(seed_client, spec):
    data = check(spec, seed_client.get("/api/health")).get_json()
    assert data["documents"] == 2 and data["last_reindex"]
    assert seed_client.get("/api/openapi.json").get_json()["openapi"].startswith("3.")


def test_unknown_api_path_is_json_404(seed_client):
    r = seed_client.get("/api/nothing")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_too_long_query_string(seed_client):
    r = seed_client.get("/api/search?q=" + "x" * 9000)
    assert r.status_code == 414 and "error" in r.get_json()


def test_no_index_is_503(tmp_path):
    seed_client = create_app({"INDEX": str(tmp_path / "none"), "TESTING": True}).test_client()
    r = seed_client.get("/api/search?q=x")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "index_unavailable"
    assert seed_client.get("/").status_code == 503


def test_search_page_with_facets_and_highlights(seed_client):
    html = seed_client.get("/?q=handel+ludźmi&ui=pl").get_data(as_text=True)
    assert "<mark>handlem</mark>" in html and 'lang="pl"' in html
    assert "Organizacja Bezpieczeństwa i Współpracy w Europie" in html  # facet label in Polish
    assert 'aria-checked="false"' in html


def test_page_language_follows_accept_language(seed_client):
    html = seed_client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9"}).get_data(as_text=True)
    assert "Przeszukaj 2 depesz" in html
    html = seed_client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Search 2 press items" in html


def test_facet_links_toggle_filters(sample_client):
    html = sample_client.get("/?q=NATO").get_data(as_text=True)
    assert "lang=pl" in html and "org=nato" in html
    html = sample_client.get("/?q=NATO&lang=pl").get_data(as_text=True)
    assert 'aria-checked="true"' in html


def test_item_page_and_related_links(sample_client):
    html = sample_client.get("/items/sample-017").get_data(as_text=True)
    assert "Biuro Narodów Zjednoczonych" in html and "sample-018" in html  # more about UNODC
    assert sample_client.get("/items/unknown").status_code == 404


def test_bad_page_parameter_renders_an_error_page(seed_client):
    r = seed_client.get("/?page=0")
    assert r.status_code == 400 and "page must be between" in r.get_data(as_text=True)


def test_security_headers(seed_client):
    r = seed_client.get("/?q=x")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_collapsed_reprints_on_the_page(sample_client):
    html = sample_client.get("/?q=Group+of+Friends+trafficking&collapse=1").get_data(as_text=True)
    assert "2 versions (EN)" in html and "Show reprints separately" in html
    html = sample_client.get("/?q=Group+of+Friends+trafficking&collapse=1&ui=pl").get_data(as_text=True)
    assert "2 wersje (EN)" in html


@pytest.mark.parametrize("path", ["/api/timeline?q=OBWE&q=NATO&interval=month", "/api/timeline?q=OBWE",
                                  "/api/significant?q=OBWE&field=organization",
                                  "/api/significant?q=handel&field=word", "/api/export?q=OBWE&format=csv",
                                  "/api/export?q=OBWE", "/api/timeline?q=OBWE&interval=hour",
                                  "/api/significant?field=x", "/api/export?format=pdf"])
def test_research_endpoints_match_the_openapi_document(sample_client, spec, path):
    r = check(spec, sample_client.get(path))
    assert r.status_code == (400 if "hour" in path or "=x" in path or "pdf" in path else 200)


def test_feed_matches_the_openapi_document(sample_client, spec):
    r = check(spec, sample_client.get("/feeds/search.atom?q=OBWE"))
    assert r.status_code == 200
