"""The JSON API: ``/api/search``, ``/api/items/<id>``, ``/api/health``, ``/api/openapi.json``.

Every error has one shape (``errors.py``).  No query string yields a 500.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from search import SearchRequest, translation_status

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
