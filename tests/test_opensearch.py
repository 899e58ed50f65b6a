"""The OpenSearch backend without a cluster: index definition, query builder, responses, reindex.

No OpenSearch or Elasticsearch can be installed here (see the README), so:
settings and mappings are checked against what prasa extracts from the real
seeds and the sample corpus; the query builder on parsed real queries; the
response mapping on a sample response written from the documented format; the
reindex (alias swap, crash, lock, retries) against ``tests/fake_cluster.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from indexer import IndexBusy, read_file, registry
from indexer.analysis import analyzer_for
from indexer.opensearch.cluster import ClusterConfig, reindex_cluster
from indexer.opensearch.mapping import (
    ANALYSIS,
    MAX_RESULT_WINDOW,
    index_settings,
    to_source,
    unsigned64,
)
from indexer.pipeline import extract_only
from search import SearchRequest
from search.opensearch.cluster import ClusterService
from search.opensearch.dsl import (
    aggregations,
    facets_from_response,
    query_schema,
    search_body,
    to_dsl,
)
from search.query import make_parser, parse_query

from .conftest import SAMPLE, SEEDS
from .fake_cluster import FakeCluster

BUILTIN_FILTERS = {"lowercase", "asciifolding"}  # core filters; no plugin is needed
REFERENCE = dt.date(2024, 12, 31)


def sample_items():
    items = []
    for path in sorted(p for p in SAMPLE.rglob("*") if p.is_file()):
        items += [extract_only(r, REFERENCE) for r in read_file(path)]
    return items


def dsl(q: str, match: str = "all"):
    parsed = parse_query(q, make_parser(query_schema(), None, match), registry())
    notes: list[str] = []
    return to_dsl(parsed.query, notes), parsed, notes


def clauses(tree, kind: str) -> list[dict]:
    """Every ``kind`` clause anywhere in a DSL tree."""
    found = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == kind:
                found.append(value)
            found += clauses(value, kind)
    elif isinstance(tree, list):
        for value in tree:
            found += clauses(value, kind)
    return found


# -- settings and mappings ---------------------------------------------------------------

def test_every_analyzer_uses_defined_or_builtin_filters():
    defined = set(ANALYSIS["filter"])
    for name, analyzer in ANALYSIS["analyzer"].items():
        assert analyzer["tokenizer"] in ("standard", "whitespace"), name
        assert set(analyzer["filter"]) <= defined | BUILTIN_FILTERS, name
    # Polish fields take prasa's encoded terms: split, never analyzed again by the cluster
    assert ANALYSIS["analyzer"]["prasa_terms"] == {"type": "custom", "tokenizer": "whitespace",
                                                   "filter": ["prasa_slot_terms"]}


def test_every_extracted_item_fits_the_strict_mapping():
    settings = index_settings()
    props = settings["mappings"]["properties"]
    assert settings["mappings"]["dynamic"] == "strict"
    assert props["body_pl"]["analyzer"] == "prasa_terms" and props["body_en"]["analyzer"] == "prasa_english"
    assert props["body_pl"]["fields"]["folded"] == {"type": "text", "analyzer": "prasa_words_folded",
                                                    "search_analyzer": "prasa_folded"}
    items = sample_items() + [extract_only(r, None) for p in sorted(SEEDS.iterdir()) for r in read_file(p)]
    assert len(items) > 50
    seen = set()
    for item in items:
        source = to_source(item)
        assert set(source) <= set(props), item.id
        seen |= set(source)
        json.dumps(source)  # serializable as sent
        if source.get("date"):
            dt.date.fromisoformat(source["date"])  # strict_date
        assert 0 <= unsigned64(source["simhash"]) < 1 << 64
    assert {"title_pl", "body_pl", "title_en", "body_en", "orgs", "source", "date"} <= seen


def test_seed_items_carry_their_organizations_and_undated_year_stays_out():
    items = {i.id: to_source(i) for p in sorted(SEEDS.iterdir()) for r in read_file(p)
             for i in [extract_only(r, None)]}
    pl, en = items["000_613f5bc85193b596"], items["002_ceb986d18146e281"]
    assert "osce" in pl["orgs"] and "osce" in en["orgs"]
    assert "date" not in pl and pl["date_precision"] == "no_year"  # "6 grudnia": no year, no date filter
    assert en["date"] == "2023-11-11" and en["lang"] == "en" and "body_en" in en


def test_polish_fields_carry_prasas_own_lemmas_at_prasas_positions():
    item, = [i for r in read_file(SEEDS / "000_613f5bc85193b596.txt") for i in [extract_only(r, None)]]
    slots = to_source(item)["body_pl"].split(" ")
    assert "białorusi|białoruś" in slots and "wiedniu|wiedeń" in slots
    # the slots' terms are the Whoosh index's terms, position by position
    chain = [t.text for t in analyzer_for("pl")(f"{item.title}\n{item.body}")]
    assert [term for slot in slots for term in slot.split("|")[1:]] == chain

# -- the query builder ----------------------------------------------------------------------

def test_an_acronym_searches_the_organization_and_the_word_in_every_language():
    tree, parsed, _ = dsl("OBWE handel")
    assert {"value": "osce", "boost": 2.0} in [c["orgs"] for c in clauses(tree, "term")]
    words = {m["query"]: m for m in clauses(tree, "multi_match")}
    assert set(words) == {"OBWE", "handel"}
    fields = words["handel"]["fields"]
    assert "body_en^1" in fields and "title_en^0.25" in fields
    assert "body_pl.folded^0.5" in fields  # diacritic-free typing, half weight
    assert "body_pl^1" not in fields  # Polish terms are prasa's: sent analyzed, below
    polish = [m["body_pl"] for m in clauses(tree, "match") if "body_pl" in m]
    assert {"query": "handel|handel", "operator": "and", "boost": 1.0} in polish
    assert tree["bool"]["must"] and parsed.organizations == ["osce"]


def test_phrases_exclusions_prefixes_and_dates():
    tree, _, _ = dsl('"handel ludźmi" -narkotyki')
    phrase, = [m for m in clauses(tree, "multi_match") if m["type"] == "phrase"]
    assert phrase["query"] == "handel ludźmi" and phrase["slop"] == 0
    polish, = [m["body_pl"] for m in clauses(tree, "match_phrase") if "body_pl" in m]
    assert polish == {"query": "handel|handel ludźmi|człowiek", "slop": 0, "boost": 1.0}
    assert clauses(tree["bool"]["must_not"], "multi_match")[0]["query"] == "narkotyki"
    tree, _, _ = dsl("Handl*")
    assert {"value": "handl", "boost": 1.0, "rewrite": "top_terms_200"} in \
        [c["body_pl.folded"] for c in clauses(tree, "prefix") if "body_pl.folded" in c]
    tree, _, notes = dsl("a*")
    assert tree == {"match_none": {}} and "too short" in notes[0]
    _, parsed, _ = dsl("date:2023 trump")
    assert (parsed.date_from, parsed.date_to) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    tree, _, _ = dsl("source:PAP lang:polski")
    assert {"source.folded": {"value": "pap", "boost": 1.0}} in [{k: v} for c in clauses(tree, "term")
                                                                 for k, v in c.items()]
    assert {"value": "pl", "boost": 1.0} in [c.get("lang") for c in clauses(tree, "term")]


def test_multi_select_facets_use_post_filter_and_exclude_their_own_selection():
    request = SearchRequest(q="x", selections={"language": ("pl", "en"), "organization": ("osce",),
                                               "date": ("2024-03",)})
    body = search_body({"match_all": {}}, request, dt.date(2024, 1, 1), None, browsing=False)
    assert body["query"]["bool"]["filter"] == [{"range": {"date": {"gte": "2024-01-01"}}}]
    posted = body["post_filter"]["bool"]["filter"]
    assert {"terms": {"lang": ["pl", "en"]}} in posted and {"terms": {"orgs": ["odihr", "osce"]}} in posted
    aggs = aggregations(request)
    language_filters = aggs["language"]["filter"]["bool"]["filter"]
    assert {"terms": {"orgs": ["odihr", "osce"]}} in language_filters  # OSCE with the body under it
    assert {"terms": {"lang": ["pl", "en"]}} not in language_filters
    months = aggs["date"]["aggs"]["values"]["aggs"]["months"]["aggs"]["values"]["date_histogram"]
    assert months["calendar_interval"] == "month"
    assert body["from"] == 0 and body["sort"] == ["_score", {"id": "asc"}]
    deep = search_body({"match_all": {}}, SearchRequest(page=1000, per_page=100), None, None, browsing=True)
    assert "from" not in deep and deep["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}


# A response in the shape the OpenSearch documentation gives for terms and
# date_histogram aggregations (written for this test, not captured from a node).
DOCUMENTED_RESPONSE = {
    "took": 3, "timed_out": False,
    "hits": {"total": {"value": 2, "relation": "eq"}, "max_score": 1.2, "hits": [
        {"_index": "prasa-1", "_id": "a", "_score": 1.2, "sort": [1.2, "a"],
         "_source": {"item": {"id": "a", "title": "OBWE <i>i</i> ONZ", "body": "Tekst.", "language": "pl",
                              "date": "2024-03-05", "date_precision": "day", "place": "Mińsk",
                              "source": "BELTA", "organizations": ["osce", "un"]}, "simhash": -5},
         "highlight": {"title_pl": ["<mark>OBWE</mark> &lt;i&gt;i&lt;/i&gt; ONZ"]}},
        {"_index": "prasa-1", "_id": "b", "_score": 0.7, "sort": [0.7, "b"],
         "_source": {"item": {"id": "b", "title": "OSCE", "body": "Text <b>x</b>", "language": "en",
                              "date": None, "date_precision": "unknown", "place": None, "source": None}}}]},
    "aggregations": {
        "language": {"doc_count": 2, "values": {"buckets": [{"key": "pl", "doc_count": 1},
                                                            {"key": "en", "doc_count": 1}]}},
        # the organization facet: a terms aggregation and one filter per body with bodies under it
        "organization": {"doc_count": 2, "values": {"doc_count": 2, "orgs": {"buckets": [
            {"key": "osce", "doc_count": 2}, {"key": "un", "doc_count": 1}, {"key": "unodc", "doc_count": 1}]},
            "family:un": {"doc_count": 2}, "family:osce": {"doc_count": 2}, "family:eu": {"doc_count": 0}}},
        "source": {"doc_count": 2, "values": {"buckets": [{"key": "BELTA", "doc_count": 1}]}},
        "date": {"doc_count": 2, "values": {"buckets": [
            {"key_as_string": "2024", "key": 1704067200000, "doc_count": 1}]}},
    },
}
# the date facet once a year is selected: the year's count and a month histogram under it
MONTHS_AGGREGATION = {"doc_count": 2, "values": {"doc_count": 1, "months": {"doc_count": 1, "values": {
    "buckets": [{"key_as_string": "2024-03", "key": 1709251200000, "doc_count": 1}]}}}}


def test_documented_response_becomes_prasas_facets():
    request = SearchRequest(q="OBWE", ui_lang="pl",
                            selections={"language": ("pl",), "source": ("PAP",), "date": ("2024",)})
    aggs = {**DOCUMENTED_RESPONSE["aggregations"], "date": MONTHS_AGGREGATION}
    facets = facets_from_response(aggs, request)
    assert {"value": "pl", "label": "polski", "count": 1, "selected": True} in facets["language"]
    years = facets_from_response(DOCUMENTED_RESPONSE["aggregations"], SearchRequest())
    assert years["date"] == [{"value": "2024", "label": "2024", "count": 1, "selected": False}]
    assert [(o["value"], o["short_label"], o["count"], o["parent"]) for o in facets["organization"]] == [
        ("osce", "OBWE", 2, None), ("un", "ONZ", 2, None), ("unodc", "UNODC", 1, "un")]  # UN covers UNODC
    assert facets["organization"][0]["label"] == registry().label("osce", "pl")
    assert {"value": "PAP", "label": "PAP", "count": 0, "selected": True} in facets["source"]
    assert facets["date"] == [{"value": "2024", "label": "2024", "count": 1, "selected": True},
                              {"value": "2024-03", "label": "marzec 2024", "count": 1, "selected": False}]


class Recorder:
    """A client that answers every search with one response and records the bodies."""

    def __init__(self, response):
        self.response, self.bodies = response, []

    def search(self, index, body):
        self.bodies.append(body)
        return self.response


def test_cluster_service_returns_the_whoosh_result_shape_escaped():
    client = Recorder(DOCUMENTED_RESPONSE)
    service = ClusterService(ClusterConfig(url="http://cluster.invalid:9200"), client=client)
    result = service.search(SearchRequest(q="OBWE"))
    assert result.total == 2 and [h["id"] for h in result.hits] == ["a", "b"]
    first, second = result.hits
    assert first["title_html"] == "<mark>OBWE</mark> &lt;i&gt;i&lt;/i&gt; ONZ"
    assert second["title_html"] == "OSCE" and second["snippet"] == "Text &lt;b&gt;x&lt;/b&gt;"
    assert [o["id"] for o in first["organizations"]] == ["osce", "un"]
    assert client.bodies[-1]["highlight"]["encoder"] == "html"  # what makes the cluster escape item text
    assert set(first) == {"id", "title", "title_html", "snippet", "date", "date_precision", "language",
                          "source", "cited_sources", "place", "url", "organizations", "versions"}


def test_polish_hits_are_marked_by_prasa_in_every_inflection_and_escaped():
    """The cluster holds encoded terms for Polish, so prasa marks the item text with its own lemmas."""
    hit = {"_index": "prasa-1", "_id": "p", "_score": 1.0, "sort": [1.0, "p"],
           "_source": {"item": {"id": "p", "title": "Wizyta na <b>Białorusi</b>", "language": "pl",
                                "body": "Delegacja Białorusi w Wiedniu.", "date": None,
                                "date_precision": "unknown", "place": None, "source": None}},
           "highlight": {"body_pl": ["białorusi|białoruś"]}}  # what a cluster would show: not used
    client = Recorder({**DOCUMENTED_RESPONSE, "hits": {"total": {"value": 5}, "hits": [hit]}})
    service = ClusterService(ClusterConfig(url="http://cluster.invalid:9200"), client=client)
    first, = service.search(SearchRequest(q="Białoruś Wiedeń")).hits
    assert first["title_html"] == "Wizyta na &lt;b&gt;<mark>Białorusi</mark>&lt;/b&gt;"
    assert first["snippet"] == "Delegacja <mark>Białorusi</mark> w <mark>Wiedniu</mark>."
    assert "body_pl" not in client.bodies[-1]["highlight"]["fields"]


def test_pages_beyond_the_result_window_walk_with_search_after():
    client = Recorder(DOCUMENTED_RESPONSE)
    service = ClusterService(ClusterConfig(url="http://cluster.invalid:9200"), client=client)
    walked = []

    def search(index, body):
        walked.append(body)
        start = int(body["search_after"][1]) + 1 if "search_after" in body else 0
        item = DOCUMENTED_RESPONSE["hits"]["hits"][1]["_source"]
        hits = [{"_id": str(n), "sort": [0.5, f"{n:06d}"], "_source": item}
                for n in range(start, start + body["size"])]
        return {**DOCUMENTED_RESPONSE, "hits": {"total": {"value": 50_000}, "hits": hits}}

    client.search = search
    result = service.search(SearchRequest(q="OBWE", page=150, per_page=100))  # offset 14,900
    steps = [b for b in walked if b.get("_source") is False]
    assert [b["size"] for b in steps] == [MAX_RESULT_WINDOW, 4_900]
    assert "search_after" in steps[1] and "aggs" not in steps[0]
    assert walked[-1]["search_after"] == [0.5, "014899"] and "from" not in walked[-1]
    assert len(result.hits) == 100


# the research tools: each sends the aggregation OpenSearch documents, and reads its answer
DAY_HISTOGRAM = {"hits": {"total": {"value": 5}, "hits": []}, "aggregations": {
    "days": {"doc_count": 4, "h": {"buckets": [
        {"key_as_string": "2024-12-06", "key": 1733443200000, "doc_count": 3},
        {"key_as_string": "2024-12-10", "key": 1733788800000, "doc_count": 1}]}},
    "years": {"doc_count": 1, "h": {"buckets": [{"key_as_string": "2023", "key": 1672531200000, "doc_count": 1}]}}}}


def test_cluster_timeline_reads_date_histograms_into_the_shared_buckets():
    client = Recorder(DAY_HISTOGRAM)
    service = ClusterService(ClusterConfig(url="http://cluster.invalid:9200"), client=client)
    chart = service.timeline([SearchRequest(q="OBWE", selections={"language": ("pl",)})], "month")
    series = chart.series[0]
    assert series.total == 5 and series.unplaced == 1  # dated by its year alone: in no month
    assert [(b.key, b.count) for b in series.buckets] == [("2024-12", 4)]
    body = client.bodies[-2]  # the query's (the last is the archive's, under the language alone)
    assert body["aggs"]["days"]["aggs"]["h"]["date_histogram"]["calendar_interval"] == "day"
    assert {"terms": {"lang": ["pl"]}} in client.bodies[-1]["query"]["bool"]["filter"]
    assert service.timeline([SearchRequest(q="OBWE")], "year").series[0].unplaced == 0


def test_cluster_significant_terms_use_jlh_and_min_doc_count():
    response = {"hits": {"total": {"value": 40}, "hits": []}, "aggregations": {"sig": {
        "doc_count": 40, "bg_count": 1000, "buckets": [
            {"key": "osce", "doc_count": 30, "bg_count": 50, "score": 17.4}]}}}
    client = Recorder(response)
    service = ClusterService(ClusterConfig(url="http://cluster.invalid:9200"), client=client)
    found = service.significant(SearchRequest(q="OBWE"), "organization", 5)
    aggregation = client.bodies[-1]["aggs"]["sig"]["significant_terms"]
    assert aggregation == {"field": "orgs", "size": 5, "min_doc_count": 3, "jlh": {}}
    value, = found.values
    assert (value.value, value.count, value.archive_count, value.score) == ("osce", 30, 50, 17.4)


def test_cluster_significant_words_sample_then_count_each_candidate_once():
    item = DOCUMENTED_RESPONSE["hits"]["hits"][0]["_source"]["item"]
    sample = {"hits": {"total": {"value": 3}, "hits": [{"_source": {"item": {**item, "language": "en",
                                                                              "title": "crude oil quota"}}}] * 3}}
    frequencies = {"hits": {"total": {"value": 9}, "hits": []}, "aggregations": {
        "terms": {"buckets": {"en:crude": {"doc_count": 4}, "en:oil": {"doc_count": 8}, "en:quota": {"doc_count": 3}}},
        "langs": {"buckets": [{"key": "en", "doc_count": 100}]}}}
    client = Recorder(sample)
    client.search = lambda index, body: (client.bodies.append(body),
                                         frequencies if "aggs" in body else sample)[1]
    service = ClusterService(ClusterConfig(url="http://cluster.invalid:9200"), client=client)
    found = service.significant(SearchRequest(q="quota", match="all"), "word", 10)
    filters = client.bodies[-1]["aggs"]["terms"]["filters"]["filters"]
    assert filters["en:crude"] == {"term": {"body_en": "crude"}}
    assert [v.value for v in found.values][:3] == ["quota", "crude", "oil"]  # rarer in the archive first


def test_cluster_export_walks_every_hit_with_search_after():
    item = DOCUMENTED_RESPONSE["hits"]["hits"][1]["_source"]

    def search(index, body):
        if body.get("size") == 0:
            return {"hits": {"total": {"value": 2500}, "hits": []}}
        start = int(body["search_after"][1]) + 1 if "search_after" in body else 0
        return {"hits": {"hits": [{"_id": str(n), "sort": ["2024-01-01", f"{n:06d}"], "_source": item}
                                  for n in range(start, min(start + body["size"], 2500))]}}

    client = Recorder({})
    client.search = search
    service = ClusterService(ClusterConfig(url="http://cluster.invalid:9200"), client=client)
    export = service.export(SearchRequest(q="OBWE", sort="newest"), limit=2200)
    assert export.total == 2500 and len(list(export.rows)) == 2200


# -- reindex into a cluster (fake) ---------------------------------------------------------

@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "sample")
    return tmp_path / "sample"


def test_full_reindex_builds_a_new_index_and_swaps_the_alias(corpus):
    cluster, config = FakeCluster(), ClusterConfig(url="http://fake:9200")
    first = reindex_cluster([corpus], config, client=cluster, reference=REFERENCE)
    old = cluster.aliases["prasa"]
    assert first.added == len(cluster.docs[old]) == first.documents > 50 and not first.failed
    assert cluster.settings[old]["settings"]["analysis"] == ANALYSIS
    again = reindex_cluster([corpus], config, client=cluster, reference=REFERENCE)
    assert again.unchanged == first.added and cluster.aliases["prasa"] == old
    rebuilt = reindex_cluster([corpus], config, client=cluster, full=True, reference=REFERENCE)
    new = cluster.aliases["prasa"]
    assert new != old and rebuilt.added == first.added
    assert cluster.alias_calls[-1] == [{"remove": {"index": old, "alias": "prasa"}},
                                       {"add": {"index": new, "alias": "prasa"}}]
    assert "lock" not in cluster.docs["prasa-meta"] and cluster.docs["prasa-meta"]["last_reindex"]["full"]


def test_incremental_reindex_updates_and_deletes(corpus):
    cluster, config = FakeCluster(), ClusterConfig(url="http://fake:9200")
    reindex_cluster([corpus], config, client=cluster, reference=REFERENCE)
    wire = sorted((corpus / "wire").glob("*.txt"))
    wire[0].write_text(wire[0].read_text("utf-8").rstrip() + " Dopisek redakcji.\n", "utf-8")
    wire[1].unlink()
    summary = reindex_cluster([corpus], config, client=cluster, reference=REFERENCE)
    assert (summary.updated, summary.deleted) == (1, 1)
    assert summary.documents == len(cluster.docs[cluster.aliases["prasa"]])


def test_a_crashed_full_reindex_leaves_the_old_index_serving(corpus):
    cluster, config = FakeCluster(), ClusterConfig(url="http://fake:9200")
    reindex_cluster([corpus], config, client=cluster, reference=REFERENCE)
    old = cluster.aliases["prasa"]
    count = len(cluster.docs[old])
    cluster.fail_on_bulk = cluster.bulk_calls + 1
    with pytest.raises(ConnectionError):
        reindex_cluster([corpus], config, client=cluster, full=True, reference=REFERENCE)
    assert cluster.aliases["prasa"] == old and len(cluster.docs[old]) == count
    assert [n for n in cluster.docs if n.startswith("prasa-2")] == [old]  # the partial build is gone
    assert "lock" not in cluster.docs["prasa-meta"]


def test_a_second_reindex_is_refused_while_one_runs(corpus):
    cluster, config = FakeCluster(), ClusterConfig(url="http://fake:9200")
    cluster.indices.create("prasa-meta")
    cluster.index("prasa-meta", "lock", {"host": "other", "pid": 1,
                                         "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
    with pytest.raises(IndexBusy, match="another reindex"):
        reindex_cluster([corpus], config, client=cluster)


def _stale_lock(cluster: FakeCluster) -> None:
    cluster.indices.create("prasa-meta")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    cluster.index("prasa-meta", "lock", {"host": "crashed", "pid": 1, "started_at": long_ago.isoformat()})


def test_a_stale_lock_is_taken_over_by_exactly_one_of_two_racing_reindexes():
    """Both read the same stale lock; the conditional write lets one through and refuses the other."""
    from indexer.opensearch.cluster import _Lock

    class Racing(FakeCluster):
        def get(self, index, id, ignore=()):
            held = super().get(index, id, ignore)
            if id == "lock" and not self.raced:  # the other reindex takes it between this read and the write
                self.raced = True
                now = dt.datetime.now(dt.UTC).isoformat()
                self.index("prasa-meta", "lock", {"host": "other", "pid": 2, "started_at": now},
                           if_seq_no=held["_seq_no"], if_primary_term=held["_primary_term"])
            return held

    cluster, config = Racing(), ClusterConfig(url="http://fake:9200")
    cluster.raced = False
    _stale_lock(cluster)
    with pytest.raises(IndexBusy, match="took over the stale lock first"):
        with _Lock(cluster, config):
            pass
    assert cluster.docs["prasa-meta"]["lock"]["host"] == "other"  # the winner's lock is left alone


def test_a_run_whose_lock_was_taken_over_leaves_the_new_holders_lock():
    from indexer.opensearch.cluster import _Lock

    cluster, config = FakeCluster(), ClusterConfig(url="http://fake:9200")
    _stale_lock(cluster)
    with _Lock(cluster, config):
        assert cluster.docs["prasa-meta"]["lock"]["host"] != "crashed"  # taken over
        cluster.index("prasa-meta", "lock", {"host": "successor", "pid": 3, "started_at": "2026-01-01T00:00:00+00:00"})
    assert cluster.docs["prasa-meta"]["lock"]["host"] == "successor"


def test_the_fake_refuses_a_write_on_a_version_it_does_not_hold():
    from opensearchpy.exceptions import ConflictError

    cluster = FakeCluster()
    first = cluster.index("meta", "lock", {"n": 1})
    cluster.index("meta", "lock", {"n": 2}, if_seq_no=first["_seq_no"], if_primary_term=1)
    with pytest.raises(ConflictError):
        cluster.index("meta", "lock", {"n": 3}, if_seq_no=first["_seq_no"], if_primary_term=1)
    assert cluster.docs["meta"]["lock"] == {"n": 2}


def test_busy_cluster_is_retried_and_a_refused_item_is_reported(corpus, monkeypatch):
    import opensearchpy.helpers.actions as actions

    waits = []
    monkeypatch.setattr(actions.time, "sleep", waits.append)
    cluster, config = FakeCluster(), ClusterConfig(url="http://fake:9200")
    items = [i for i in sample_items() if i.path.endswith("press.jsonl")]
    cluster.reject = {items[0].id: 429, items[1].id: 429, items[2].id: 400}
    summary = reindex_cluster([corpus], config, client=cluster, reference=REFERENCE)
    indexed = cluster.docs[cluster.aliases["prasa"]]
    assert waits and items[0].id in indexed and items[1].id in indexed  # back-pressure: waited, then sent
    assert items[2].id not in indexed and summary.documents == len(indexed)
    failed, = summary.failed
    assert failed.path.endswith("press.jsonl") and "mapper_parsing_exception" in failed.reason


# -- the backend setting ------------------------------------------------------------------

def test_the_backend_setting_reaches_the_cli_and_the_web_app(monkeypatch):
    from click.testing import CliRunner

    from web import create_app
    from web.cli import main

    monkeypatch.setenv("PRASA_BACKEND", "solr")
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 1 and "PRASA_BACKEND must be one of whoosh, opensearch" in result.output
    monkeypatch.setenv("PRASA_BACKEND", "opensearch")
    monkeypatch.delenv("PRASA_OPENSEARCH_URL", raising=False)
    result = CliRunner().invoke(main, ["search", "OBWE"])
    assert result.exit_code == 1 and "needs PRASA_OPENSEARCH_URL" in result.output
    monkeypatch.setenv("PRASA_OPENSEARCH_URL", "http://127.0.0.1:9")  # nothing listens there
    client = create_app({"TESTING": True}).test_client()
    response = client.get("/api/search?q=OBWE")
    assert response.status_code == 503 and response.json["error"]["code"] == "index_unavailable"
    assert "127.0.0.1:9" in response.json["error"]["message"]
