"""The search library on the seeds and the sample corpus: queries, facets, snippets, paging."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import reindex
from search import BadRequest, SearchRequest, SearchService
from web.cli import main

from .conftest import assert_consistent

PL, EN = "000_613f5bc85193b596", "002_ceb986d18146e281"


def ids(result):
    return [h["id"] for h in result.hits]


def facet(result, name):
    return {v["value"]: (v["count"], v["selected"]) for v in result.facets[name]}


@pytest.mark.parametrize("q", ["OBWE", "OSCE", "obwe", "Organizacja Bezpieczeństwa i Współpracy w Europie",
                               "org:OBWE", "organizacja:osce"])
def test_organization_in_either_language_finds_both_seeds(seed_service, q):
    assert set(ids(seed_service.search(SearchRequest(q=q)))) == {PL, EN}


def test_language_filter_in_the_query(seed_service):
    assert ids(seed_service.search(SearchRequest(q="lang:en trafficking"))) == [EN]
    assert ids(seed_service.search(SearchRequest(q="język:polski OBWE"))) == [PL]


@pytest.mark.parametrize("q", ["handel ludźmi", "handlem ludźmi", "handlu ludzmi", "handel ludzmi",
                               '"handel ludźmi"', '"handlem ludzmi"', "handl*"])
def test_polish_inflections_and_optional_diacritics(seed_service, q):
    assert ids(seed_service.search(SearchRequest(q=q)))[:1] == [PL]


def test_polish_seed_first_with_highlighted_snippet(seed_service):
    result = seed_service.search(SearchRequest(q="handel ludźmi"))
    hit = result.hits[0]
    assert hit["id"] == PL
    assert "<mark>handlem</mark> <mark>ludźmi</mark>" in hit["snippet"]
    assert "<mark>ludźmi</mark>" in hit["title_html"]


def test_organization_mentions_are_highlighted_in_any_language(sample_service):
    hits = {h["id"]: h for h in sample_service.search(SearchRequest(q="OBWE")).hits}
    assert "<mark>OSCE</mark>" in hits["sample-026"]["snippet"]
    assert "<mark>Organization for Security and Co-operation in Europe</mark>" in hits["sample-032"]["snippet"]
    assert "<mark>Organizacji Bezpieczeństwa i Współpracy w Europie</mark>" in \
        hits["belta-2024-12-10-obwe"]["snippet"]


def test_english_query_finds_english_item(seed_service):
    for q in ("trafficking", "inter-agency coordination", '"agency coordination group"',
              '"Inter-Agency Coordination"'):
        assert ids(seed_service.search(SearchRequest(q=q, translate=False))) == [EN]
        assert ids(seed_service.search(SearchRequest(q=q)))[0] == EN  # translated, the Polish item may follow


def test_multi_select_language_facet_keeps_both_counts(seed_service):
    result = seed_service.search(SearchRequest(q="OBWE", selections={"language": ("pl", "en")}))
    assert facet(result, "language") == {"pl": (1, True), "en": (1, True)}
    one = seed_service.search(SearchRequest(q="OBWE", selections={"language": ("pl",)}))
    assert ids(one) == [PL]
    assert facet(one, "language") == {"pl": (1, True), "en": (1, False)}  # own selection ignored


def test_facets_combine_with_and_across_facets(sample_service):
    unodc = sample_service.search(SearchRequest(selections={"organization": ("unodc",)}))
    both = sample_service.search(SearchRequest(selections={"organization": ("unodc",), "language": ("en",)}))
    english = sum(h["language"] == "en" for h in unodc.hits)
    assert 0 < both.total == english < unodc.total and all(h["language"] == "en" for h in both.hits)
    counts = facet(both, "organization")
    assert counts["unodc"][1] is True
    either = sample_service.search(SearchRequest(selections={"organization": ("unodc", "frontex")}))
    unodc = sample_service.search(SearchRequest(selections={"organization": ("unodc",)})).total
    frontex = sample_service.search(SearchRequest(selections={"organization": ("frontex",)})).total
    assert unodc and frontex and either.total == unodc + frontex  # OR within a facet


@pytest.mark.parametrize("q", ['"handel (ludźmi', "handel ludźmi)", "[handel", '"handel"" ludźmi'])
def test_bad_syntax_gives_results_and_a_notice(seed_service, q):
    result = seed_service.search(SearchRequest(q=q))
    assert PL in ids(result) and "searched for its words" in result.notice


@pytest.mark.parametrize("q", ["(((", "AND", "OR OR", "NOT", "org:", ":::", "~~", "\x00\x1f", "🙂 𝔘"])
def test_odd_queries_never_raise(seed_service, q):
    assert_consistent(seed_service, seed_service.search(SearchRequest(q=q)))



def test_script_in_an_item_comes_back_escaped(tmp_path: Path):
    src = tmp_path / "evil.jsonl"
    src.write_text(json.dumps({"id": "evil", "title": "<b>Atak</b> na serwer",
                               "body": "Hakerzy wstawili <script>alert('x')</script> do serwisu NATO."}) + "\n")
    reindex([src], tmp_path / "ix")
    hit = SearchService(tmp_path / "ix").search(SearchRequest(q="hakerzy alert")).hits[0]
    assert "<script>" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    assert "<b>" not in hit["title_html"] and "&lt;b&gt;" in hit["title_html"]


def index_rows(folder: Path, rows: list[dict]) -> SearchService:
    """A service over an index of ``rows`` written as JSON Lines into ``folder``."""
    src = folder / "items.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    reindex([src], folder / "ix")
    return SearchService(folder / "ix")


def test_exact_diacritics_rank_first(tmp_path: Path):
    service = index_rows(tmp_path, [
        {"id": "ascii", "body": "Konferencja w Lodz zgromadziła ekspertów.", "language": "pl"},
        {"id": "polish", "body": "Konferencja w Łódź zgromadziła ekspertów.", "language": "pl"}])
    assert ids(service.search(SearchRequest(q="Łódź"))) == ["polish", "ascii"]
    assert ids(service.search(SearchRequest(q="Lodz"))) == ["ascii", "polish"]


def test_date_facet_years_then_months(sample_service):
    years = facet(sample_service.search(SearchRequest()), "date")
    counted = sample_service.stats()["years"]
    assert {y: c for y, (c, _) in years.items()} == counted and counted["2024"] > 30
    months = sample_service.search(SearchRequest(selections={"date": ("2024",)}))
    values = facet(months, "date")
    assert values["2024"] == (counted["2024"], True) and values["2024-03"][0] >= 3
    assert sum(c for v, (c, _) in values.items() if len(v) == 7) == counted["2024"]
    march = sample_service.search(SearchRequest(selections={"date": ("2024-03",)}))
    assert march.total == values["2024-03"][0]


def test_date_filters(sample_service):
    r = sample_service.search(SearchRequest(q="date:[2023-10-01 TO 2023-10-31]"))
    assert sorted(ids(r)) == ["sample-031", "sample-032"]
    from datetime import date
    r = sample_service.search(SearchRequest(date_from=date(2024, 12, 1), date_to=date(2024, 12, 31)))
    assert {h["date"][:7] for h in r.hits} == {"2024-12"}


def test_sorting_and_paging(sample_service):
    newest = sample_service.search(SearchRequest(sort="newest", per_page=5))
    dates = [h["date"] for h in newest.hits]
    documents = sample_service.stats()["documents"]
    assert dates == sorted(dates, reverse=True) and newest.total == documents
    oldest = sample_service.search(SearchRequest(sort="oldest", per_page=100))
    dated = [h["date"] for h in oldest.hits if h["date"]]
    assert dated == sorted(dated) and oldest.hits[-1]["date"] is None  # undated last
    page2 = sample_service.search(SearchRequest(sort="newest", per_page=5, page=2))
    assert not set(ids(page2)) & set(ids(newest))
    far = sample_service.search(SearchRequest(page=50))
    assert far.total == documents and far.hits == []


@pytest.mark.parametrize("kwargs", [{"per_page": 101}, {"page": 0}, {"q": "x" * 10_000},
                                    {"sort": "random"}, {"selections": {"language": ("de",)}},
                                    {"selections": {"date": ("2024-13",)}}])
def test_bad_parameters_raise_bad_request(kwargs):
    with pytest.raises(BadRequest):
        SearchRequest(**kwargs)


def test_did_you_mean(seed_service, sample_service):
    assert seed_service.search(SearchRequest(q="trafficing")).suggestion == "trafficking"
    assert seed_service.search(SearchRequest(q="handel ludzxmi")).suggestion == "handel ludźmi"
    assert seed_service.search(SearchRequest(q="handel ludźmi")).suggestion is None


def test_wildcards_are_bounded(seed_service):
    assert "too short" in seed_service.search(SearchRequest(q="h*")).notice
    assert seed_service.search(SearchRequest(q="*")).total == 2
    assert ids(seed_service.search(SearchRequest(q="-handel"))) == [EN]


def test_labels_in_the_interface_language(seed_service):
    r = seed_service.search(SearchRequest(q="OBWE", ui_lang="pl"))
    labels = {v["value"]: v["label"] for v in r.facets["organization"]}
    assert labels["osce"] == "Organizacja Bezpieczeństwa i Współpracy w Europie"
    assert {v["label"] for v in r.facets["language"]} == {"polski", "angielski"}


def test_field_aliases_on_sample(sample_service):
    assert {h["source"] for h in sample_service.search(SearchRequest(q="źródło:PAP NATO")).hits} == {"PAP"}
    assert {h["place"] for h in sample_service.search(SearchRequest(q="miejsce:Genewa")).hits} == {"Genewa"}
    titles = sample_service.search(SearchRequest(q="tytuł:szczyt")).hits
    assert {h["id"] for h in titles} == {"sample-015", "szczyt-nato"}


def test_cli_search_json(seed_index):
    out = CliRunner().invoke(main, ["search", "handel ludźmi", "--json", "--index", str(seed_index)]).output
    data = json.loads(out)
    assert data["hits"][0]["id"] == PL and "<mark>" in data["hits"][0]["snippet"]
    assert set(data) >= {"total", "page", "per_page", "hits", "facets", "suggestion", "notice", "took_ms"}
    assert set(data["facets"]) == {"language", "organization", "source", "date"}


def test_polish_i_is_a_word_not_an_operator(seed_service):
    assert ids(seed_service.search(SearchRequest(q="Bezpieczeństwa i Współpracy"))) == [PL]
    assert ids(seed_service.search(SearchRequest(q="handel i ludźmi", translate=False))) == [PL]


def test_a_finished_reindex_is_picked_up_without_restart(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text(json.dumps({"id": "a", "body": "Szczyt NATO w Wilnie."}) + "\n", "utf-8")
    reindex([src], tmp_path / "ix")
    service = SearchService(tmp_path / "ix")
    assert service.search(SearchRequest(q="NATO")).total == 1
    (src / "b.jsonl").write_text(json.dumps({"id": "b", "body": "NATO i Ukraina."}) + "\n", "utf-8")
    reindex([src], tmp_path / "ix")  # incremental: a new Whoosh commit
    assert service.search(SearchRequest(q="NATO")).total == 2
    reindex([src], tmp_path / "ix", full=True)  # full: a new generation swapped in
    assert service.search(SearchRequest(q="NATO")).total == 2
    assert service.health()["documents"] == 2


def test_any_word_matching_and_relaxing_an_empty_and(seed_service):
    def search(q, **options):
        return seed_service.search(SearchRequest(q=q, translate=False, **options))

    strict = search("trafficking Białoruś", match="all")
    assert strict.total == 2 and strict.notice == "No item has all the words; showing items with some of them."
    most = search("trafficking Białoruś")
    assert most.total == 2 and most.notice == "No item has all the words; showing items with most of them."
    assert search("trafficking Białoruś", match="any").total == 2
    assert search("trafficking AND Białoruś").total == 0
    # translated, "Białoruś" is also "Belarus": the English item has both words
    assert ids(seed_service.search(SearchRequest(q="trafficking AND Białoruś"))) == [EN]


def test_reprints_collapse_into_one_hit_with_versions(sample_service):
    plain = sample_service.search(SearchRequest(q="Group of Friends trafficking"))
    assert {"sample-026", "trend-2024-12-07-reprint"} <= set(ids(plain))
    folded = sample_service.search(SearchRequest(q="Group of Friends trafficking", collapse=True))
    lead = folded.hits[0]
    assert {lead["id"], *(v["id"] for v in lead["versions"])} >= {"sample-026", "trend-2024-12-07-reprint"}
    assert "trend-2024-12-07-reprint" not in ids(folded)[1:] and "sample-026" not in ids(folded)[1:]
    others = sample_service.search(SearchRequest(q="NATO", collapse=True))
    assert all(h["versions"] == [] for h in others.hits)  # different stories stay apart


def test_typed_apostrophe_finds_typographic_one(tmp_path: Path):
    service = index_rows(tmp_path, [
        {"id": "pl", "body": "Szef linii Michael O’Leary zapowiedział podwyżki cen biletów.", "language": "pl"},
        {"id": "en", "body": "Ryanair's chief Michael O'Leary said fares will rise next year.", "language": "en"}])
    for q in ("O'Leary", "O’Leary", '"Michael O\'Leary"'):
        assert sorted(ids(service.search(SearchRequest(q=q)))) == ["en", "pl"], q
    hit = service.search(SearchRequest(q="O'Leary", selections={"language": ("pl",)})).hits[0]
    assert "<mark>O’Leary</mark>" in hit["snippet"]


def test_a_commit_between_columns_and_searcher_is_never_mixed(tmp_path: Path):
    service = index_rows(tmp_path, [{"id": "a", "body": "Frontex na granicy.", "language": "pl"}])
    gen = service._current()  # columns read at this commit
    (tmp_path / "more.jsonl").write_text(json.dumps({"id": "b", "body": "Europol i Frontex.", "language": "pl"}))
    reindex([tmp_path / "items.jsonl", tmp_path / "more.jsonl"], tmp_path / "ix")  # then a commit lands
    assert service._searcher(gen) is None  # a searcher of the newer commit would not fit the arrays
    assert sorted(ids(service.search(SearchRequest(q="Frontex")))) == ["a", "b"]


def test_organization_values_resolve_the_same_in_the_api_the_cli_and_the_query(sample_index):
    from web import create_app

    client = create_app({"INDEX": str(sample_index), "TESTING": True}).test_client()
    by_api = {v: [h["id"] for h in client.get("/api/search", query_string={"org": v, "per_page": 100})
                  .get_json()["hits"]] for v in ("OBWE", "osce", "OSCE")}
    by_query = [h["id"] for h in client.get("/api/search", query_string={"q": "org:OBWE", "per_page": 100})
                .get_json()["hits"]]
    out = CliRunner().invoke(main, ["search", "", "--org", "OBWE", "--json", "--per-page", "100",
                                    "--index", str(sample_index)]).output
    by_cli = [h["id"] for h in json.loads(out)["hits"]]
    assert len(by_query) >= 5 and by_api["OBWE"] == by_api["osce"] == by_api["OSCE"] == by_cli
    assert set(by_cli) == set(by_query)
    bad = client.get("/api/search", query_string={"org": "nonsense"})
    assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == "org"
    refused = CliRunner().invoke(main, ["search", "x", "--org", "nonsense", "--index", str(sample_index)])
    assert refused.exit_code != 0 and "unknown organization 'nonsense'" in refused.output


def test_a_repeated_query_is_parsed_once_and_answers_the_same(sample_index):
    service = SearchService(sample_index)
    request = SearchRequest(q="handel ludźmi OBWE", per_page=20)
    first = service.search(request).to_dict()
    gen = service._current()
    assert len(gen._parsed) == 1
    for _ in range(3):
        again = service.search(request).to_dict()
        assert {**again, "took_ms": 0} == {**first, "took_ms": 0}
    assert len(gen._parsed) == 1
    service.search(SearchRequest(q="handel ludźmi OBWE", translate=False))
    assert len(gen._parsed) == 2  # another request, another parse
