"""The research tools on a real two-language archive (the Polish news and the Reuters corpus):
coverage over time, significant values, the Atom feed and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import feedparser
import pytest

from search import BadRequest, SearchRequest
from web import create_app


@pytest.fixture(scope="module")
def news_client(crosslang_service):
    app = create_app({"INDEX": str(crosslang_service.index_dir), "TESTING": True})
    return app.test_client()


@pytest.mark.parametrize("interval", ["day", "week", "month", "year", "auto"])
@pytest.mark.parametrize("q", ["oil prices", "wybory", "org:opec"])
def test_timeline_buckets_add_up_to_the_search_total(crosslang_service, q, interval):
    request = SearchRequest(q=q)
    if interval == "day":  # a day chart of 1987-2021 is over the bar limit: narrow it as a reader would
        request = SearchRequest(q=q, date_from=dt.date(1987, 3, 1), date_to=dt.date(1987, 4, 30))
    series = crosslang_service.timeline([request], interval).series[0]
    total = crosslang_service.search(request).total
    assert total > 0 and series.total == total
    assert sum(b.count for b in series.buckets) + series.unplaced == total
    days = [b.start for b in series.buckets]
    assert days == sorted(days) and len(set(days)) == len(days)


def test_shares_are_counts_over_the_archives_items_in_the_bucket(crosslang_service):
    chart = crosslang_service.timeline([SearchRequest(q="oil")], "month")
    busy = sorted(chart.series[0].buckets, key=lambda b: -b.count)[:3]
    for bucket in busy:
        archive = crosslang_service.search(SearchRequest(date_from=bucket.start, date_to=bucket.end)).total
        assert bucket.archive == archive > 0
        assert bucket.share == pytest.approx(bucket.count / archive)


def test_the_archive_a_share_is_taken_of_follows_the_language_selection(crosslang_service):
    request = SearchRequest(q="handel", selections={"language": ("pl",)})
    for bucket in crosslang_service.timeline([request], "year").series[0].buckets:
        polish = crosslang_service.search(SearchRequest(selections={"language": ("pl",)},
                                                        date_from=bucket.start, date_to=bucket.end)).total
        assert bucket.archive == polish


def test_compared_queries_share_their_buckets(crosslang_service):
    chart = crosslang_service.timeline([SearchRequest(q="oil"), SearchRequest(q="ropa")], "auto")
    first, second = chart.series
    assert [b.key for b in first.buckets] == [b.key for b in second.buckets]
    assert first.total > 0 and second.total > 0


@pytest.mark.parametrize("interval,field", [("hour", "interval"), ("", "interval")])
def test_a_bad_interval_is_refused(crosslang_service, interval, field):
    with pytest.raises(BadRequest) as e:
        crosslang_service.timeline([SearchRequest(q="oil")], interval)
    assert e.value.parameter == field


def test_a_chart_too_wide_for_its_interval_is_refused(crosslang_service):
    with pytest.raises(BadRequest, match="wider interval"):
        crosslang_service.timeline([SearchRequest(q="oil")], "day")  # 1987 to 2021 by day


def test_significant_words_of_opec_are_about_crude_oil(crosslang_service):
    found = crosslang_service.significant(SearchRequest(q="org:opec"), "word", 20)
    words = [v.value for v in found.values]
    assert {"crude", "barrel", "opec"} <= set(words[:10])
    everywhere = {"said", "year", "pct", "would"}  # Reuters' commonest words: frequent, not significant
    assert not everywhere & set(words[:10])
    assert all(v.language == "en" and v.count >= 3 for v in found.values)
    assert found.counted == min(100, found.matches)


def test_significant_words_of_a_polish_query_are_polish_lemmas(crosslang_service):
    found = crosslang_service.significant(SearchRequest(q="wybory prezydenckie", translate=False), "word", 20)
    assert found.values and {v.language for v in found.values} == {"pl"}
    assert any(v.value in {"kandydat", "wybór", "prezydent", "głos", "kampania"} for v in found.values[:10])


def test_significant_organizations_are_counted_over_every_match(crosslang_service):
    found = crosslang_service.significant(SearchRequest(q="oil prices"), "organization", 10)
    total = crosslang_service.search(SearchRequest(q="oil prices")).total
    assert found.matches == found.counted == total
    assert found.values[0].value == "opec"
    scores = [v.score for v in found.values]
    assert scores == sorted(scores, reverse=True)


def test_export_streams_every_match_in_the_searchs_order(crosslang_service):
    request = SearchRequest(q="oil prices")
    export = crosslang_service.export(request, limit=250)
    rows = list(export.rows)
    first_page = crosslang_service.search(SearchRequest(q="oil prices", per_page=100)).hits
    assert export.total > 250 and len(rows) == export.count == 250
    assert [r["id"] for r in rows[:100]] == [h["id"] for h in first_page]
    assert set(rows[0]) == set(first_page[0]) - {"versions"}


def test_export_by_date_is_newest_first(crosslang_service):
    rows = list(crosslang_service.export(SearchRequest(q="wybory", sort="newest"), limit=5000).rows)
    dates = [r["date"] for r in rows if r["date_precision"] == "day"]
    assert len(rows) == crosslang_service.search(SearchRequest(q="wybory")).total
    assert dates == sorted(dates, reverse=True)


def test_timeline_api(news_client):
    data = news_client.get("/api/timeline?q=oil&q=ropa&interval=year&lang=en").get_json()
    assert data["interval"] == "year" and [s["query"] for s in data["series"]] == ["oil", "ropa"]
    search = news_client.get("/api/search?q=oil&lang=en").get_json()
    series = data["series"][0]
    assert sum(b["count"] for b in series["buckets"]) + series["unplaced"] == series["total"] == search["total"]
    assert news_client.get("/api/timeline?q=a&q=b&q=c&q=d&q=e").status_code == 400


def test_significant_api_and_its_400(news_client):
    data = news_client.get("/api/significant?q=org:opec&field=organization&size=5").get_json()
    assert data["statistic"] == "jlh" and len(data["values"]) <= 5
    r = news_client.get("/api/significant?q=oil&field=colour")
    assert r.status_code == 400 and r.get_json()["error"]["parameter"] == "field"
    assert news_client.get("/api/significant?q=oil&size=500").get_json()["error"]["parameter"] == "size"


def test_csv_export_over_http(news_client):
    r = news_client.get("/api/export?q=org:opec&format=csv&limit=50")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["X-Prasa-Export-Limit"] == "50" and int(r.headers["X-Prasa-Total"]) > 50
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == 50 == int(r.headers["X-Prasa-Export-Count"])
    assert all("opec" in row["organization_ids"].split("|") for row in rows)
    assert "Organization of the Petroleum Exporting Countries" in rows[0]["organization_labels"]


def test_jsonl_export_over_http_holds_the_json_hits(news_client):
    r = news_client.get("/api/export?q=wybory&format=jsonl")
    lines = r.get_data(as_text=True).splitlines()
    search = news_client.get("/api/search?q=wybory&per_page=20").get_json()
    assert len(lines) == search["total"] == int(r.headers["X-Prasa-Total"])
    first = [json.loads(line) for line in lines[:20]]
    assert first == [{k: v for k, v in h.items() if k != "versions"} for h in search["hits"]]


@pytest.mark.parametrize("query,parameter", [("format=xml", "format"), ("limit=0", "limit"),
                                             ("limit=abc", "limit"), ("limit=2000000", "limit")])
def test_bad_export_parameters_are_400(news_client, query, parameter):
    r = news_client.get(f"/api/export?q=oil&{query}")
    assert r.status_code == 400 and r.get_json()["error"]["parameter"] == parameter


def test_the_atom_feed_parses_and_lists_the_newest_first(news_client):
    r = news_client.get("/feeds/search.atom?q=wybory")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    feed = feedparser.parse(r.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and len(feed.entries) == 50
    times = [e.updated_parsed for e in feed.entries]
    assert times == sorted(times, reverse=True)
    newest = news_client.get("/api/search?q=wybory&sort=newest&per_page=1").get_json()["hits"][0]
    assert feed.entries[0].link.endswith(f"/items/{newest['id']}")
    assert feed.entries[0].title == newest["title"]


def test_polling_the_feed_is_cheap(news_client):
    first = news_client.get("/feeds/search.atom?q=oil")
    etag = first.headers["ETag"]
    again = news_client.get("/feeds/search.atom?q=oil", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    other = news_client.get("/feeds/search.atom?q=gas", headers={"If-None-Match": etag})
    assert other.status_code == 200
    since = news_client.get("/feeds/search.atom?q=oil", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_the_page_draws_the_chart_and_the_panels(news_client):
    html = news_client.get("/?q=oil&compare=ropa&interval=year").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 1
    assert 'class="bar s0"' in html and 'class="bar s1"' in html
    assert "from=1987-01-01" in html and "to=1987-12-31" in html  # a bar's link narrows to its year
    assert "about-organization" in html and "about-word" in html
    assert 'type="application/atom+xml"' in html and "/api/export?" in html


def test_the_chart_escapes_the_compared_query(news_client):
    html = news_client.get("/?q=oil&compare=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_cli_export(runner, crosslang_service):
    out = runner.invoke(["search", "org:opec", "--index", str(crosslang_service.index_dir), "--export", "csv",
                         "--limit", "7"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 7 and all(r["id"] for r in rows)


def test_filtering_keeps_the_chart_and_a_bar_narrows_to_its_query(news_client):
    import re

    html = news_client.get("/?q=oil&compare=ropa&interval=year").get_data(as_text=True)
    facet_links = re.findall(r'href="([^"]*lang=en[^"]*)"', html)
    assert facet_links and all("compare=ropa" in link and "interval=year" in link for link in facet_links)
    bars = re.findall(r'<a href="([^"]*from=[^"]*)" aria-label', html)
    assert bars and not any("compare=" in link for link in bars)
    auto = re.findall(r'<a href="([^"]*)"[^>]*>auto</a>', html)
    assert auto and "interval=" not in auto[0] and "compare=ropa" in auto[0]
    sort_form = html[html.index('<form class="sort"'):]
    sort_form = sort_form[:sort_form.index("</form>")]
    assert 'name="compare" value="ropa"' in sort_form and 'name="interval" value="year"' in sort_form
