"""The research tools' request bodies for the cluster, and their answers read back in the shapes
the Whoosh backend gives (``timeline.DayCounts``, ``significant.Significant``)."""

from __future__ import annotations

import datetime as dt

from ..facets import YEAR_ONLY
from ..significant import MIN_COUNT, WORD_SAMPLE, Significant, WordSample, jlh

EXPORT_PAGE = 1000  # hits per search_after step of an export


def _histogram(interval: str, fmt: str) -> dict:
    return {"date_histogram": {"field": "date", "calendar_interval": interval, "format": fmt, "min_doc_count": 1}}


def day_counts_body(query: dict, filters: list[dict]) -> dict:
    """Matches per day (items dated to a month or day) and per year (items dated by their year alone)."""
    return {"query": {"bool": {"must": [query], "filter": filters}}, "size": 0, "track_total_hits": True,
            "aggs": {"days": {"filter": {"bool": {"must_not": [YEAR_ONLY]}},
                              "aggs": {"h": _histogram("day", "yyyy-MM-dd")}},
                     "years": {"filter": YEAR_ONLY, "aggs": {"h": _histogram("year", "yyyy")}}}}


def day_counts_from(response: dict) -> tuple[int, dict[dt.date, int], dict[int, int]]:
    aggs = response["aggregations"]
    days = {dt.date.fromisoformat(b["key_as_string"]): int(b["doc_count"]) for b in aggs["days"]["h"]["buckets"]}
    years = {int(b["key_as_string"]): int(b["doc_count"]) for b in aggs["years"]["h"]["buckets"]}
    return int(response["hits"]["total"]["value"]), days, years


CODED_FIELDS = {"organization": "orgs", "source": "source"}


def significant_body(query: dict, filters: list[dict], field: str, size: int) -> dict:
    """Elasticsearch's ``significant_terms`` (JLH, the default) over every match."""
    return {"query": {"bool": {"must": [query], "filter": filters}}, "size": 0, "track_total_hits": True,
            "aggs": {"sig": {"significant_terms": {"field": CODED_FIELDS[field], "size": size,
                                                    "min_doc_count": MIN_COUNT, "jlh": {}}}}}


def significant_from(response: dict) -> list[Significant]:
    sig = response["aggregations"]["sig"]
    size, archive = int(sig["doc_count"]), int(sig.get("bg_count", 0))
    return [Significant(b["key"], b["key"], int(b["doc_count"]), size, int(b["bg_count"]), archive,
                        float(b["score"])) for b in sig["buckets"]]


def sample_body(query: dict, filters: list[dict]) -> dict:
    """The WORD_SAMPLE best matches' items (the word sample)."""
    return {"query": {"bool": {"must": [query], "filter": filters}}, "size": WORD_SAMPLE,
            "track_total_hits": True, "_source": ["item"]}


def frequencies_body(candidates: list[tuple[str, str, int]]) -> dict:
    """One request for every candidate's document frequency and each language's item count."""
    terms = {f"{lang}:{term}": {"term": {f"body_{lang}": term}} for lang, term, _n in candidates}
    return {"size": 0, "track_total_hits": True,
            "aggs": {"terms": {"filters": {"filters": terms or {"none": {"match_none": {}}}}},
                     "langs": {"terms": {"field": "lang", "size": 100}}}}


def words_from(sample: WordSample, response: dict) -> list[Significant]:
    aggs = response["aggregations"]
    df = {key: int(b["doc_count"]) for key, b in aggs["terms"]["buckets"].items()}
    langs = {b["key"]: int(b["doc_count"]) for b in aggs["langs"]["buckets"]}
    out = []
    for lang, term, n in sample.candidates():
        size, archive, found = sample.items[lang], langs.get(lang, 0), df.get(f"{lang}:{term}", 0)
        out.append(Significant(term, sample.spelled(lang, term), n, size, found, archive,
                               jlh(n, size, found, archive), lang))
    return out
