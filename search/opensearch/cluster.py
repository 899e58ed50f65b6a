"""The search service over an OpenSearch/Elasticsearch cluster (``PRASA_BACKEND=opensearch``).

Same requests, same ``SearchResult`` as ``SearchService``; the request body is
built by ``dsl.py``.  Pages beyond the cluster's result window
(``index.max_result_window``, 10,000 by default) are reached with
``search_after``: the hits before the page are walked in window-sized steps
fetching only their sort values.
"""

from __future__ import annotations

import html
from functools import cache

import numpy as np
from whoosh import query as wq

from indexer import Item, analyze, registry
from indexer.fields import field_lang
from indexer.opensearch import (
    MAX_RESULT_WINDOW,
    PRE_ANALYZED,
    ClusterConfig,
    ClusterUnavailable,
    current_index,
    read_last_cluster_reindex,
    unsigned64,
)

from ..errors import BadRequest
from ..export import Export
from ..facets import date_range
from ..highlight import snippet, title_html
from ..matching import STRICT, Matched, clauses_of
from ..matching import notice as most_notice
from ..query import FIELD_LANG, ParsedQuery, make_parser, parse_query
from ..reprints import collapse
from ..request import SearchRequest
from ..service import (
    COLLAPSE_SCAN,
    SUGGEST_BELOW,
    BaseService,
    SearchResult,
    date_bounds,
    hit_fields,
    item_fields,
    version_fields,
)
from ..significant import SignificantTerms, WordSample, ranked, sample_text
from ..timeline import DayCounts
from .dsl import (
    SNIPPET_CHARS,
    Unsupported,
    facets_from_response,
    highlight_clause,
    most_query,
    query_schema,
    search_body,
    selection_filters,
    sort_clause,
    to_dsl,
)
from .research import (
    EXPORT_PAGE,
    day_counts_body,
    day_counts_from,
    frequencies_body,
    sample_body,
    significant_body,
    significant_from,
    words_from,
)

UNSUPPORTED_NOTICE = "Part of the query cannot run on this index; searched for its words instead."


def _pre_analyzed_terms(q) -> dict[str, set[str]]:
    """The terms the query's words and phrases have in each pre-analyzed language (for highlights)."""
    terms: dict[str, set[str]] = {lang: set() for lang in PRE_ANALYZED}
    for leaf in q.leaves():
        lang = FIELD_LANG.get(getattr(leaf, "fieldname", None) or "")
        if lang in terms:
            words = leaf.words if isinstance(leaf, wq.Phrase) else [getattr(leaf, "text", "")]
            terms[lang].update(analyze(" ".join(words), lang))
    return terms


@cache
def _parser(match: str):
    return make_parser(query_schema(), None, match)


class ClusterService(BaseService):
    """Search the cluster alias named by ``config``; safe to call from many threads."""

    def __init__(self, config: ClusterConfig | None = None, client=None):
        self.config = config or ClusterConfig.from_env()
        self.client = client or self.config.client()
        self.registry = registry()
        self.alias = self.config.alias

    def ready(self) -> bool:
        try:
            return current_index(self.client, self.alias) is not None
        except Exception:  # the cluster is down or unreachable
            return False

    def _missing(self) -> ClusterUnavailable:
        return ClusterUnavailable(f"no prasa index {self.alias!r} on {self.config.url}: run `prasa reindex`")

    # -- searching -------------------------------------------------------------------
    def _query(self, request: SearchRequest) -> tuple[ParsedQuery, dict, list[str]]:
        """The parsed query, its DSL (under the "most" strategy when it applies) and its notes."""
        parsed = parse_query(request.q, _parser(request.match), self.registry, request.translate)
        notes: list[str] = []
        try:
            query = to_dsl(parsed.query, notes)
        except Unsupported:
            parsed = parse_query(" ".join(parsed.words), _parser(request.match), self.registry,
                                 request.translate)
            query, notes = to_dsl(parsed.query, notes), [UNSUPPORTED_NOTICE]
        if request.match == "most" and isinstance(parsed.query, wq.And) and not STRICT.search(request.q):
            all_words = self._count(query)
            query, relaxed = most_query(parsed.query, all_words, notes)
            if relaxed and not notes:
                notes.append(most_notice(Matched(None, all_words, clauses_of(parsed.query).n, True)))
        return parsed, query, notes

    def _filters(self, request: SearchRequest, parsed: ParsedQuery) -> list[dict]:
        """The date bounds and every facet selection, as filters (no facet counts to keep apart)."""
        start, end = date_bounds(request, parsed)
        filters = [date_range(start and start.isoformat(), end and end.isoformat())] if start or end else []
        return filters + list(selection_filters(request).values())

    def _search(self, request: SearchRequest) -> tuple[SearchResult, list[str]]:
        parsed, query, notes = self._query(request)
        start, end = date_bounds(request, parsed)
        browsing = query == {"match_all": {}}
        body = search_body(query, request, start, end, browsing)
        # with collapse, this call only counts and aggregates; _collapsed fetches the hits
        response = self._call({**body, "size": 0}) if request.collapse else self._page(body, request)
        result = SearchResult(query=request.q, total=response["hits"]["total"]["value"], page=request.page,
                              per_page=request.per_page, sort=request.sort, notice=parsed.notice or
                              (notes[0] if notes else None), translations=parsed.translations)
        result.facets = facets_from_response(response["aggregations"], request)
        hits = response["hits"]["hits"]
        marks = _pre_analyzed_terms(parsed.query)
        result.hits = self._collapsed(body, request, marks) if request.collapse else \
            [self._hit(h, request.ui_lang, marks) for h in hits]
        if result.total < SUGGEST_BELOW and parsed.words:
            result.suggestion = self._suggest(parsed.words)
        return result, parsed.words

    def _count(self, query: dict) -> int:
        """Items matching ``query`` (before filters), as the "most" strategy needs."""
        body = {"query": query, "size": 0, "track_total_hits": True}
        return int(self._call(body)["hits"]["total"]["value"])

    def _call(self, body: dict) -> dict:
        """One ``_search``; a refused query is the user's 400, no index or no cluster a 503."""
        from opensearchpy.exceptions import ConnectionError as Unreachable
        from opensearchpy.exceptions import NotFoundError, RequestError

        try:
            return self.client.search(index=self.alias, body=body)
        except RequestError as e:
            raise BadRequest(f"the cluster refused the query: {e.error}", "q") from e
        except NotFoundError as e:
            raise self._missing() from e
        except Unreachable as e:
            raise ClusterUnavailable(f"the cluster at {self.config.url} is unreachable") from e

    def _page(self, body: dict, request: SearchRequest) -> dict:
        if "from" in body or request.offset == 0:
            return self._call(body)
        after = self._sort_values_before(body, request.offset)
        return self._call({**body, "search_after": after} if after else body)

    def _sort_values_before(self, body: dict, offset: int) -> list | None:
        """The sort values of the hit just before ``offset`` (deep paging with search_after)."""
        walk = {k: body[k] for k in ("query", "post_filter", "sort") if k in body}
        walk.update(_source=False, track_total_hits=False)
        after, remaining = None, offset
        while remaining:
            step = min(remaining, MAX_RESULT_WINDOW)
            page = self._call({**walk, "size": step, **({"search_after": after} if after else {})})
            hits = page["hits"]["hits"]
            if not hits:
                return None
            after, remaining = hits[-1]["sort"], remaining - len(hits)
            if len(hits) < step:
                break
        return after

    def _collapsed(self, body: dict, request: SearchRequest, marks: dict) -> list[dict]:
        """Near-duplicates folded as in the Whoosh backend, over the best COLLAPSE_SCAN hits."""
        scan = {**body, "from": 0, "size": min(COLLAPSE_SCAN, MAX_RESULT_WINDOW)}
        scan.pop("aggs", None)
        hits = self._call(scan)["hits"]["hits"]
        fingerprints = np.array([unsigned64(h["_source"].get("simhash", 0)) for h in hits], dtype=np.uint64)
        stop = request.offset + request.per_page
        groups = collapse(np.arange(len(hits)), fingerprints, stop)[request.offset:stop]
        out = []
        for lead, *others in groups:
            hit = self._hit(hits[lead], request.ui_lang, marks)
            hit["versions"] = [version_fields(Item(**hits[d]["_source"]["item"])) for d in others]
            out.append(hit)
        return out

    def _hit(self, hit: dict, ui_lang: str, terms: dict[str, set[str]]) -> dict:
        item = Item(**hit["_source"]["item"])
        lang = field_lang(item.language)
        if lang in PRE_ANALYZED:  # the cluster holds encoded terms: prasa marks the text itself
            data = hit_fields(item, self.registry, ui_lang, title_html(item.title, lang, terms[lang]),
                              snippet(item.body, lang, terms[lang]))
            data["versions"] = []
            return data
        marks = hit.get("highlight", {})
        escaped_title = html.escape(item.title)
        title = next((v[0] for k, v in marks.items() if k.startswith("title_")), escaped_title)
        body = next((v[0] for k, v in marks.items() if k.startswith("body_")), "")
        if body.startswith(escaped_title):  # the body field starts with the title
            body = body[len(escaped_title):].lstrip()
        data = hit_fields(item, self.registry, ui_lang, title, body or html.escape(item.body[:SNIPPET_CHARS]))
        data["versions"] = []
        return data

    def _suggest(self, words: list[str]) -> str | None:
        """Close indexed words for unknown ones, from the cluster's term suggester."""
        suggest = {"text": " ".join(words)}
        for lang in ("pl", "en"):
            suggest[lang] = {"term": {"field": f"body_{lang}.folded", "suggest_mode": "missing",
                                      "min_word_length": 3}}
        response = self._call({"size": 0, "suggest": suggest})
        out, changed = [], False
        options = [response["suggest"][lang] for lang in ("pl", "en")]
        for n, word in enumerate(words):
            best = max((o for entries in options if n < len(entries) for o in entries[n]["options"]),
                       key=lambda o: (o["score"], o["freq"]), default=None)
            out.append(best["text"] if best else word)
            changed = changed or best is not None
        return " ".join(out) if changed else None

    # -- research tools: timelines, significant values, exports ------------------------------
    def _day_counts(self, request: SearchRequest) -> DayCounts:
        parsed, query, notes = self._query(request)
        response = self._call(day_counts_body(query, self._filters(request, parsed)))
        return DayCounts(*day_counts_from(response), notice=parsed.notice or (notes[0] if notes else None))

    def _significant(self, request: SearchRequest, field: str, size: int) -> SignificantTerms:
        parsed, query, _notes = self._query(request)
        filters = self._filters(request, parsed)
        if field != "word":
            response = self._call(significant_body(query, filters, field, size))
            total = response["hits"]["total"]["value"]
            return SignificantTerms(field, total, total, significant_from(response))
        found = self._call(sample_body(query, filters))
        items = [Item(**h["_source"]["item"]) for h in found["hits"]["hits"]]
        sample = WordSample.of([(i.language, sample_text(i)) for i in items])
        values = words_from(sample, self._call(frequencies_body(sample.candidates())))
        return SignificantTerms(field, found["hits"]["total"]["value"], len(items), ranked(values, size))

    def _export(self, request: SearchRequest, limit: int) -> Export:
        parsed, query, _notes = self._query(request)
        body = {"query": {"bool": {"must": [query], "filter": self._filters(request, parsed)}},
                "sort": sort_clause(request, query == {"match_all": {}}), "_source": ["item"]}
        total = self._call({**body, "size": 0, "track_total_hits": True})["hits"]["total"]["value"]
        marks = _pre_analyzed_terms(parsed.query)

        def rows():
            after, left = None, min(limit, total)
            while left > 0:
                step = {**body, "size": min(EXPORT_PAGE, left), "track_total_hits": False,
                        **({"search_after": after} if after else {}), "highlight": highlight_clause()}
                hits = self._call(step)["hits"]["hits"]
                if not hits:
                    return
                for h in hits:
                    out = self._hit(h, request.ui_lang, marks)
                    del out["versions"]
                    yield out
                after, left = hits[-1]["sort"], left - len(hits)
        return Export(int(total), limit, rows())

    # -- items and stats -----------------------------------------------------------------
    def item(self, item_id: str, ui_lang: str = "en") -> dict | None:
        found = self._call({"query": {"term": {"id": item_id}}, "size": 1, "_source": ["item"]})["hits"]["hits"]
        return item_fields(Item(**found[0]["_source"]["item"]), self.registry, ui_lang) if found else None

    def stats(self) -> dict:
        aggs = {"languages": {"terms": {"field": "lang", "size": 100}},
                "sources": {"terms": {"field": "source", "size": 1000}},
                "organizations": {"terms": {"field": "orgs", "size": 1000}},
                "years": {"date_histogram": {"field": "date", "calendar_interval": "year", "format": "yyyy",
                                             "min_doc_count": 1}}}
        response = self._call({"size": 0, "track_total_hits": True, "aggs": aggs})
        out = {"documents": response["hits"]["total"]["value"]}
        for name in ("languages", "sources", "organizations"):
            out[name] = {b["key"]: b["doc_count"] for b in response["aggregations"][name]["buckets"]}
        out["years"] = {b["key_as_string"]: b["doc_count"] for b in response["aggregations"]["years"]["buckets"]}
        return out

    def health(self) -> dict:
        index = current_index(self.client, self.alias) if self.ready() else None
        if index is None:
            raise self._missing()
        last = read_last_cluster_reindex(self.client, self.config) or {}
        return {"status": "ok", "documents": self.client.count(index=self.alias)["count"],
                "last_reindex": last.get("finished_at"), "generation": index}
