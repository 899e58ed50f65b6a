"""The OpenSearch/Elasticsearch request for a search, and the facets from its response.

Query understanding is shared with the Whoosh backend: the same parser
(``query.py``: bilingual fields, stopwords, organization rewrite, field
aliases, syntax fallback) parses with a schema whose text fields keep the
surface words, and ``to_dsl`` translates the resulting query tree.  English
and other words are stemmed by the cluster's analyzers (``indexer.opensearch.mapping``);
Polish words are lemmatized here, exactly as the indexer did, and sent
encoded (``encode_terms``) to the Polish fields.  A word searched in every
language becomes one ``multi_match`` over the cluster-analyzed fields plus
every ``folded`` sub-field at half weight (diacritic-free typing), and one
``match`` per Polish field.

Facets are multi-select as in ``facets.py``: the selections go into
``post_filter``, and each facet's aggregation is wrapped in a filter of the
*other* facets' selections.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from whoosh import query as wq
from whoosh.analysis import RegexTokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.util.times import long_to_datetime

from indexer.analysis import TOKEN_PATTERN, encode_terms, fold, keyword_analyzer
from indexer.opensearch import MAX_RESULT_WINDOW, PRE_ANALYZED, TEXT_LANGS

from ..facets import FACETS, date_range
from ..matching import LONG_QUERY, clauses_of, minimum_words
from ..query import FIELD_LANG, MAX_EXPANSIONS, MIN_PREFIX, VARIANT_BOOST
from ..request import SearchRequest

HIGHLIGHT = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html"}
SNIPPET_CHARS = 220


@cache
def query_schema() -> Schema:
    """The fields queries name, with text fields kept as surface words as typed.

    Case is kept: the cluster's analyzers lowercase, and the Polish lemmatizer
    reads it (``Stany`` is also the name Stan, ``stany`` only states).
    """
    surface = RegexTokenizer(TOKEN_PATTERN)
    text = {f"{kind}_{lang}": TEXT(analyzer=surface) for kind in ("title", "body") for lang in TEXT_LANGS}
    return Schema(id=ID(), lang=ID(), orgs=KEYWORD(commas=True, lowercase=True), date=DATETIME(),
                  source=TEXT(analyzer=keyword_analyzer(), phrase=False),
                  place=TEXT(analyzer=keyword_analyzer(), phrase=False), **text)


class Unsupported(ValueError):
    """A query node the cluster translation does not know (reported as a notice)."""


def _boosted(clause: dict, boost: float) -> dict:
    if boost != 1.0:
        (kind, body), = clause.items()
        clause = {kind: {**body, "boost": boost}}
    return clause


def _fields(nodes: list[wq.Query]) -> list[str]:
    """``multi_match`` field list: each language field and its folded sub-field at half weight.

    Fields holding prasa's encoded terms (Polish) join with their folded words
    only; their terms are matched by ``_pre_analyzed``.
    """
    out = []
    for node in nodes:
        if FIELD_LANG[node.fieldname] not in PRE_ANALYZED:
            out.append(f"{node.fieldname}^{node.boost:g}")
        out.append(f"{node.fieldname}.folded^{node.boost * VARIANT_BOOST:g}")
    return out


def _pre_analyzed(node: wq.Query) -> dict | None:
    """A word or phrase on a field of prasa's terms, analyzed here as the indexer analyzed the text."""
    lang = FIELD_LANG[node.fieldname]
    words = node.words if isinstance(node, wq.Phrase) else [node.text]
    encoded = encode_terms(" ".join(words), lang)
    if not encoded:
        return None
    if isinstance(node, wq.Phrase):
        return {"match_phrase": {node.fieldname: {"query": encoded, "slop": node.slop - 1, "boost": node.boost}}}
    return {"match": {node.fieldname: {"query": encoded, "operator": "and", "boost": node.boost}}}


def _text_key(node: wq.Query):
    """Children of a bilingual Or with the same key are one word (or phrase) over several fields."""
    if not FIELD_LANG.get(getattr(node, "fieldname", None) or ""):
        return None
    if type(node) is wq.Term:
        return ("term", node.text)
    if isinstance(node, wq.Phrase):
        return ("phrase", tuple(node.words), node.slop)
    return None


def _or_clauses(node: wq.Or, notes: list[str]) -> list[dict]:
    """The Or's children, those searching one word in several text fields merged into a multi_match."""
    groups: dict = {}
    for kid in node.subqueries:
        key = _text_key(kid)
        groups.setdefault(key if key else id(kid), []).append(kid)
    out = []
    for kids in groups.values():
        clauses = [to_dsl(kids[0], notes)] if not _text_key(kids[0]) else _word_clauses(kids, notes)
        for clause in clauses:
            if clause not in out:  # "*" or a refused wildcard repeats the same clause per field
                out.append(clause)
    return out


def _word_clauses(kids: list[wq.Query], notes: list[str]) -> list[dict]:
    """One word or phrase over several text fields: a multi_match, plus the pre-analyzed fields."""
    clause = _text_leaf(kids[0], notes)
    (kind, body), = clause.items()
    clauses = [{kind: {**body, "fields": _fields(kids)}}]
    return clauses + [c for k in kids if FIELD_LANG[k.fieldname] in PRE_ANALYZED
                      for c in [_pre_analyzed(k)] if c]


def _text_leaf(node: wq.Query, notes: list[str]) -> dict:
    field, boost = node.fieldname, node.boost
    if type(node) is wq.Term:
        return {"multi_match": {"query": node.text, "fields": _fields([node]), "type": "most_fields",
                                "operator": "and"}}
    if isinstance(node, wq.Phrase):
        return {"multi_match": {"query": " ".join(node.words), "fields": _fields([node]),
                                "type": "phrase", "slop": node.slop - 1}}  # Whoosh's 1 is Lucene's 0
    text = fold(node.text.lower())
    if isinstance(node, (wq.Prefix, wq.Wildcard)) and len(text.split("*")[0].split("?")[0]) < MIN_PREFIX:
        notes.append(f"'{node.text}' is too short for a wildcard; ignored.")
        return {"match_none": {}}
    rewrite = {"rewrite": f"top_terms_{MAX_EXPANSIONS}"}
    if isinstance(node, wq.Prefix):
        return {"prefix": {f"{field}.folded": {"value": text, "boost": boost, **rewrite}}}
    if isinstance(node, wq.Wildcard):
        return {"wildcard": {f"{field}.folded": {"value": text, "boost": boost, **rewrite}}}
    if isinstance(node, wq.FuzzyTerm):
        return {"fuzzy": {f"{field}.folded": {"value": text, "fuzziness": node.maxdist, "boost": boost,
                                               "prefix_length": node.prefixlength,
                                               "max_expansions": MAX_EXPANSIONS}}}
    raise Unsupported(type(node).__name__)


def _day(value) -> str | None:
    if value is None:
        return None
    return (value if isinstance(value, dt.datetime) else long_to_datetime(value)).date().isoformat()


def _filter_leaf(node: wq.Query) -> dict:
    field = node.fieldname
    if isinstance(node, wq.NumericRange) and field == "date":
        return date_range(_day(node.start), _day(node.end))
    if isinstance(node, wq.Term):
        target = {"source": "source.folded"}.get(field, field)
        return {"term": {target: {"value": node.text, "boost": node.boost}}}
    raise Unsupported(f"{type(node).__name__} on {field}")


def to_dsl(node: wq.Query, notes: list[str] | None = None) -> dict:
    """Translate a parsed Whoosh query tree into the cluster's query DSL."""
    notes = notes if notes is not None else []
    if isinstance(node, type(wq.NullQuery)):
        return {"match_none": {}}
    if isinstance(node, wq.Every):
        return {"match_all": {}}
    if isinstance(node, wq.AndNot):
        return {"bool": {"must": [to_dsl(node.a, notes)], "must_not": [to_dsl(node.b, notes)]}}
    if isinstance(node, wq.AndMaybe):
        return {"bool": {"must": [to_dsl(node.a, notes)], "should": [to_dsl(node.b, notes)]}}
    if isinstance(node, wq.Require):
        return {"bool": {"must": [to_dsl(node.a, notes)], "filter": [to_dsl(node.b, notes)]}}
    if isinstance(node, wq.Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [to_dsl(node.query, notes)]}}
    if isinstance(node, wq.DisjunctionMax):  # a word's lemmas, or its translations: scored as the best one
        return _boosted({"dis_max": {"queries": [to_dsl(q, notes) for q in node.subqueries]}}, node.boost)
    if isinstance(node, wq.And):
        return _boosted({"bool": {"must": [to_dsl(q, notes) for q in node.subqueries]}}, node.boost)
    if isinstance(node, wq.Or):
        clauses = _or_clauses(node, notes)
        if len(clauses) == 1:
            return _boosted(clauses[0], node.boost)
        return _boosted({"bool": {"should": clauses, "minimum_should_match": 1}}, node.boost)
    if FIELD_LANG.get(getattr(node, "fieldname", None) or ""):
        if _text_key(node):
            clauses = _word_clauses([node], notes)
            return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}
        return _text_leaf(node, notes)
    return _filter_leaf(node)


LIFT = 10_000.0  # added to the score of items with every word under the "most" strategy


def most_query(node: wq.Query, all_words: int, notes: list[str]) -> tuple[dict, bool]:
    """The "most" strategy (``matching.py``) as a ``bool.should`` with ``minimum_should_match``.

    ``all_words`` is how many items have every word (a count request before);
    returns the query and whether it goes beyond those items.
    """
    parts = clauses_of(node)
    if not parts.beyond_all_words(all_words):
        return to_dsl(node, notes), False
    clauses = [to_dsl(s, notes) for s in parts.words]
    should = list(clauses)
    if parts.n < LONG_QUERY:  # every all-words item above the rest
        should.append({"constant_score": {"filter": {"bool": {"must": clauses}}, "boost": LIFT}})
    relaxed = {"bool": {"should": should, "minimum_should_match": minimum_words(parts.n)}}
    query = {"bool": {
        "must": [relaxed, *(to_dsl(s, notes) for s in parts.filters)],
        "should": [to_dsl(s, notes) for s in parts.stopwords],  # scored where they match, never required
        "must_not": [to_dsl(s, notes) for s in parts.exclusions]}}
    return query, True


# -- filters and facets (each defined in ``facets.py``) -----------------------------

def selection_filters(request: SearchRequest) -> dict[str, dict]:
    """One filter per facet with selected values (values of one facet combine with OR)."""
    return {f.name: f.cluster_filter(request.selected(f.name)) for f in FACETS if request.selected(f.name)}


def aggregations(request: SearchRequest) -> dict:
    """Each facet counted under the other facets' selections (multi-select)."""
    selected = selection_filters(request)
    out = {}
    for facet in FACETS:
        others = [f for other, f in selected.items() if other != facet.name]
        out[facet.name] = {"filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                           "aggs": {"values": facet.cluster_aggregation(request.selected(facet.name))}}
    return out


def sort_clause(request: SearchRequest, browsing: bool) -> list:
    """Sort with a unique tie-breaker (``id``) so ``search_after`` pages are stable."""
    if request.sort == "relevance" and not browsing:
        return ["_score", {"id": "asc"}]
    order = "asc" if request.sort == "oldest" else "desc"
    return [{"date": {"order": order, "missing": "_last"}}, {"id": "asc"}]


def highlight_clause() -> dict:
    """Highlights of the fields the cluster analyzes; Polish hits are marked by prasa (``cluster.py``)."""
    fields = {}
    for lang in TEXT_LANGS:
        if lang in PRE_ANALYZED:
            continue
        fields[f"title_{lang}"] = {"number_of_fragments": 0}
        fields[f"body_{lang}"] = {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1,
                                  "no_match_size": SNIPPET_CHARS}
    return {**HIGHLIGHT, "fields": fields}


def search_body(query: dict, request: SearchRequest, date_from: dt.date | None, date_to: dt.date | None,
                browsing: bool) -> dict:
    """The ``_search`` body of one page (from/size within the result window)."""
    filters = []
    if date_from or date_to:
        filters.append(date_range(date_from and date_from.isoformat(), date_to and date_to.isoformat()))
    selected = list(selection_filters(request).values())
    body = {
        "query": {"bool": {"must": [query], "filter": filters}},
        "aggs": aggregations(request),
        "sort": sort_clause(request, browsing),
        "track_total_hits": True,
        "size": request.per_page,
        "highlight": highlight_clause(),
        "_source": ["item", "simhash"],
    }
    if selected:
        body["post_filter"] = {"bool": {"filter": selected}}
    if request.offset + request.per_page <= MAX_RESULT_WINDOW:
        body["from"] = request.offset
    return body


def facets_from_response(aggs: dict, request: SearchRequest) -> dict[str, list[dict]]:
    """The response's ``aggregations`` in the shape of the Whoosh backend's facets."""
    out = {}
    for facet in FACETS:
        selected = request.selected(facet.name)
        counts = facet.cluster_counts(aggs[facet.name]["values"], selected)
        out[facet.name] = [v.to_dict() for v in facet.values(counts, selected, request.ui_lang)]
    return out
