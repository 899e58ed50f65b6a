"""The OpenAPI 3 document of the JSON API (checked against the live app by the tests)."""

from __future__ import annotations

from search import (
    EXPORT_FORMATS,
    EXPORT_LIMIT,
    FACETS,
    INTERVALS,
    MAX_COMPARE,
    MAX_EXPORT,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_SIGNIFICANT,
    SIGNIFICANT_FIELDS,
)


def _array_param(name: str, description: str, enum: list[str] | None = None) -> dict:
    items: dict = {"type": "string"}
    if enum:
        items["enum"] = enum
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "array", "items": items}, "style": "form", "explode": True}


_FACET_VALUE = {
    "type": "object",
    "required": ["value", "label", "count", "selected"],
    "properties": {"value": {"type": "string"}, "label": {"type": "string"},
                   "count": {"type": "integer", "minimum": 0}, "selected": {"type": "boolean"},
                   "short_label": {"type": "string", "description": "organizations: the acronym in the "
                                   "interface language (ONZ / UN), else the label"},
                   "parent": {"type": "string", "nullable": True, "description": "organizations: the value this "
                              "one is listed and counted under (UNODC under un)"}},
}
_ORG = {"type": "object", "required": ["id", "label"],
        "properties": {"id": {"type": "string"}, "label": {"type": "string"}}}
_NULLABLE_STRING = {"type": "string", "nullable": True}
_ITEM_FIELDS = {
    "id": {"type": "string"}, "title": {"type": "string"},
    "date": {**_NULLABLE_STRING, "description": "ISO date, YYYY-MM, YYYY, or --MM-DD when the year is unknown"},
    "date_precision": {"type": "string", "enum": ["day", "month", "year", "no_year", "unknown"]},
    "language": {"type": "string", "enum": ["pl", "en", "other"]},
    "source": _NULLABLE_STRING, "place": _NULLABLE_STRING, "url": _NULLABLE_STRING,
    "cited_sources": {"type": "array", "items": {"type": "string"}},
    "organizations": {"type": "array", "items": _ORG},
}
_VERSION = {"type": "object", "required": ["id", "title", "language", "source", "date"],
            "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                           "language": {"type": "string"}, "source": _NULLABLE_STRING,
                           "date": _NULLABLE_STRING}}
_HIT = {
    "type": "object",
    "required": list(_ITEM_FIELDS) + ["title_html", "snippet", "versions"],
    "properties": {**_ITEM_FIELDS,
                   "versions": {"type": "array", "items": _VERSION,
                                "description": "near-duplicate reprints folded into this hit (collapse=1)"},
                   "title_html": {"type": "string", "description": "escaped HTML, matches in <mark>"},
                   "snippet": {"type": "string", "description": "escaped HTML, matches in <mark>"}},
}
_ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "parameter": {"type": "string"}}}},
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_BUCKET = {"type": "object", "required": ["key", "label", "from", "to", "count", "archive", "share"],
           "properties": {"key": {"type": "string", "description": "2023-11-06, 2023-W45, 2023-11 or 2023"},
                          "label": {"type": "string"}, "from": {"type": "string", "format": "date"},
                          "to": {"type": "string", "format": "date"}, "count": {"type": "integer", "minimum": 0},
                          "archive": {"type": "integer", "minimum": 0, "description": "the archive's items in the "
                                      "period (narrowed by the language and source selections and from/to)"},
                          "share": {"type": "number", "minimum": 0, "description": "count / archive"}}}
_TIMELINE = {"type": "object", "required": ["interval", "series", "took_ms"], "properties": {
    "interval": {"type": "string", "enum": list(INTERVALS[1:])}, "took_ms": {"type": "number"},
    "series": {"type": "array", "items": {"type": "object", "required": ["query", "total", "unplaced", "buckets"],
                                          "properties": {
        "query": {"type": "string"}, "total": {"type": "integer"}, "notice": _NULLABLE_STRING,
        "unplaced": {"type": "integer", "description": "matches without a date, or dated more coarsely than the "
                                                      "interval (a year alone): the buckets plus these are total"},
        "buckets": {"type": "array", "items": _BUCKET}}}}}}
_SIGNIFICANT = {"type": "object", "required": ["field", "statistic", "matches", "counted", "min_count", "values"],
                "properties": {
    "field": {"type": "string", "enum": list(SIGNIFICANT_FIELDS)}, "statistic": {"type": "string", "enum": ["jlh"]},
    "matches": {"type": "integer"}, "min_count": {"type": "integer"}, "took_ms": {"type": "number"},
    "counted": {"type": "integer", "description": "items the values were counted in: every match, or for words "
                                                  "the best matches sampled"},
    "values": {"type": "array", "items": {"type": "object", "required": ["value", "label", "count", "archive_count",
                                                                         "score"], "properties": {
        "value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"},
        "archive_count": {"type": "integer"}, "score": {"type": "number"},
        "language": {"type": "string", "description": "words: the items they were measured in"},
        "short_label": {"type": "string", "description": "organizations: the acronym in the interface language"}}}}}}


def openapi_document() -> dict:
    search_params = [
        {"name": "q", "in": "query", "required": False, "description": "Query (syntax in the README)",
         "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS}},
        *(_array_param(f.param, f.description, list(f.enum) if f.enum else None) for f in FACETS),
        {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
        {"name": "sort", "in": "query", "required": False,
         "schema": {"type": "string", "enum": ["relevance", "newest", "oldest"], "default": "relevance"}},
        {"name": "match", "in": "query", "required": False,
         "description": "most (the default): items with every word first, then, when they are "
                        "fewer than a page, items with most of the words; all: every word; any: at least one",
         "schema": {"type": "string", "enum": ["most", "all", "any"], "default": "most"}},
        {"name": "collapse", "in": "query", "required": False,
         "description": "1: fold near-duplicate reprints into one hit (listed in its versions)",
         "schema": {"type": "string", "enum": ["0", "1", "true", "false"]}},
        {"name": "translate", "in": "query", "required": False,
         "description": "0: search each word only in its own language (1, the default: also its "
                        "dictionary translations in the other language's fields, at a lower weight)",
         "schema": {"type": "string", "enum": ["0", "1", "true", "false"]}},
        {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}},
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10}},
        {"name": "ui", "in": "query", "required": False, "description": "Label language",
         "schema": {"type": "string", "enum": ["pl", "en"]}},
    ]
    search_result = {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "pages", "sort", "hits", "facets",
                     "suggestion", "notice", "translations", "took_ms"],
        "properties": {
            "query": {"type": "string"}, "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "pages": {"type": "integer"},
            "sort": {"type": "string"}, "hits": {"type": "array", "items": _HIT},
            "facets": {"type": "object", "required": [f.name for f in FACETS],
                       "properties": {f.name: {"type": "array", "items": _FACET_VALUE,
                                               "description": f"{f.title('en')}: parameter {f.param}"}
                                      for f in FACETS}},
            "suggestion": _NULLABLE_STRING, "notice": _NULLABLE_STRING, "took_ms": {"type": "number"},
            "translations": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {
                    "type": "object", "required": ["text", "weight"],
                    "properties": {"text": {"type": "string"}, "weight": {"type": "number"}}}},
                "description": "what each query word was also searched as in the other language, best first: "
                               "weight is against the word's best translation (from how often the archive uses "
                               "it and how often it occurs with the other words' translations; 0: a stopword "
                               "there, which asks nothing of those items)"},
        },
    }
    item = {"type": "object", "required": list(_ITEM_FIELDS) + ["body"],
            "properties": {**_ITEM_FIELDS, "body": {"type": "string"}, "path": {"type": "string"}}}
    health = {"type": "object", "required": ["status", "documents"],
              "properties": {"status": {"type": "string"}, "documents": {"type": "integer"},
                             "last_reindex": _NULLABLE_STRING, "generation": _NULLABLE_STRING,
                             "translation": {"type": "string", "description": "cross-language search: on, or "
                                                                              "off and what to install"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "prasa", "version": "0.1.0",
                 "description": "Bilingual (Polish/English) press search."},
        "paths": {
            "/api/search": {"get": {"operationId": "search", "parameters": search_params, "responses": {
                "200": _ok(search_result), "400": _error("Bad parameter"),
                "503": _error("No index yet")}}},
            "/api/timeline": {"get": {
                "operationId": "timeline",
                "description": f"Matches per period for 1 to {MAX_COMPARE} queries (repeat q), with each "
                               "period's share of the archive; every filter of /api/search applies",
                "parameters": [{**search_params[0], "schema": {"type": "array", "maxItems": MAX_COMPARE, "items": {
                                   "type": "string", "maxLength": MAX_QUERY_CHARS}}, "style": "form", "explode": True},
                               *search_params[1:],
                               {"name": "interval", "in": "query", "required": False,
                                "description": "auto: the finest with at most 120 periods",
                                "schema": {"type": "string", "enum": list(INTERVALS), "default": "auto"}}],
                "responses": {"200": _ok(_TIMELINE), "400": _error("Bad parameter"), "503": _error("No index yet")}}},
            "/api/significant": {"get": {
                "operationId": "significant",
                "description": "Organizations, sources or words unusually frequent in the matches (JLH)",
                "parameters": [*search_params,
                               {"name": "field", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": list(SIGNIFICANT_FIELDS), "default": "word"}},
                               {"name": "size", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SIGNIFICANT, "default": 20}}],
                "responses": {"200": _ok(_SIGNIFICANT), "400": _error("Bad parameter"),
                              "503": _error("No index yet")}}},
            "/api/export": {"get": {
                "operationId": "export",
                "description": "Every match in the request's order (not a page), streamed; the hit fields of "
                               "/api/search without versions; headers X-Prasa-Total, X-Prasa-Export-Limit, "
                               "X-Prasa-Export-Count",
                "parameters": [*search_params,
                               {"name": "format", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": list(EXPORT_FORMATS), "default": "jsonl"}},
                               {"name": "limit", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_EXPORT,
                                           "default": EXPORT_LIMIT}}],
                "responses": {"200": {"description": "CSV (header row) or JSON Lines (one hit per line)",
                                      "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}},
                                                  "application/jsonl": {"schema": {"type": "string", "format": "binary"}}}},
                              "400": _error("Bad parameter"), "503": _error("No index yet")}}},
            "/feeds/search.atom": {"get": {
                "operationId": "feed",
                "description": "The search as an Atom feed, newest items first (alerts); ETag and Last-Modified "
                               "for conditional GET (304 when nothing changed)",
                "parameters": [p for p in search_params if p["name"] not in ("sort", "page", "per_page")],
                "responses": {"200": {"description": "Atom 1.0", "content": {
                                  "application/atom+xml": {"schema": {"type": "string", "format": "binary"}}}},
                              "304": {"description": "Not modified since the ETag or date given"}}}},
            "/api/items/{item_id}": {"get": {"operationId": "item", "parameters": [
                {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "ui", "in": "query", "required": False, "schema": {"type": "string", "enum": ["pl", "en"]}}],
                "responses": {"200": _ok(item), "404": _error("Unknown item"), "503": _error("No index yet")}}},
            "/api/health": {"get": {"operationId": "health", "responses": {
                "200": _ok(health), "503": _error("No index yet")}}},
            "/api/openapi.json": {"get": {"operationId": "openapi", "responses": {
                "200": {"description": "This document", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {"Error": _ERROR}},
    }
