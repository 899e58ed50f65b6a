"""The JSON API: ``/api/search``, ``/api/timeline``, ``/api/significant``, ``/api/export``,
``/api/items/<id>``, ``/api/health``, ``/api/openapi.json``.

Every error has one shape (``errors.py``).  No query string yields a 500.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, jsonify, request

from search import EXPORT_LIMIT, EXPORT_TYPES, BadRequest, SearchRequest, translation_status

from . import service
from .errors import error_response
from .i18n import ui_language
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")


def search_request() -> SearchRequest:
    """The SearchRequest of the current HTTP request (raises BadRequest)."""
    return SearchRequest.from_params(request.args.to_dict(flat=False), ui_lang=ui_language(request))


@bp.before_app_request
def limit_query_string():
    from flask import current_app

    if len(request.query_string) > current_app.config["MAX_QUERY_STRING"]:
        return error_response(414, "uri_too_long", "the query string is too long")
    return None


@bp.get("/search")
def api_search():
    result = service().search(search_request())
    return jsonify(result.to_dict())


def compared_requests() -> list[SearchRequest]:
    """One request per query on a timeline: every ``q``, the same filters."""
    base = search_request()
    return [replace(base, q=q.strip()) for q in request.args.getlist("q") or [""]]


def int_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value!r}", name) from None


@bp.get("/timeline")
def api_timeline():
    chart = service().timeline(compared_requests(), request.args.get("interval", "auto"))
    return jsonify(chart.to_dict(ui_language(request)))


@bp.get("/significant")
def api_significant():
    found = service().significant(search_request(), request.args.get("field", "word"), int_arg("size", 20))
    return jsonify(found.to_dict())


@bp.get("/export")
def api_export():
    fmt = request.args.get("format", "jsonl")
    export = service().export(search_request(), int_arg("limit", EXPORT_LIMIT), fmt)
    headers = {"Content-Disposition": f'attachment; filename="prasa-export.{fmt}"',
               "X-Prasa-Total": str(export.total), "X-Prasa-Export-Limit": str(export.limit),
               "X-Prasa-Export-Count": str(export.count)}
    return Response(export.lines(fmt), content_type=EXPORT_TYPES[fmt], headers=headers)


@bp.get("/items/<path:item_id>")
def api_item(item_id: str):
    item = service().item(item_id, ui_language(request))
    if item is None:
        return error_response(404, "not_found", f"no item with id {item_id!r}")
    return jsonify(item)


@bp.get("/health")
def api_health():
    return jsonify({**service().health(), "translation": translation_status()})


@bp.get("/openapi.json")
def api_openapi():
    return jsonify(openapi_document())
