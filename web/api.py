"""The JSON API: ``/api/search``, ``/api/items/<id>``, ``/api/health``, ``/api/openapi.json``.

Every error has one shape: ``{"error": {"code", "message"}}`` (plus ``parameter``
for a bad parameter).  No query string yields a 500.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from indexer import IndexMissing
from search import BadRequest, SearchRequest

from . import service
from .i18n import ui_language
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")


def error_response(status: int, code: str, message: str, parameter: str | None = None):
    body = {"code": code, "message": message}
    if parameter:
        body["parameter"] = parameter
    response = jsonify({"error": body})
    response.status_code = status
    return response


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
    return jsonify(service().health())


@bp.get("/openapi.json")
def api_openapi():
    return jsonify(openapi_document())


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app) -> None:
    """JSON errors under /api/, the HTML error page elsewhere."""
    from .pages import error_page

    @app.errorhandler(BadRequest)
    def bad_request(e: BadRequest):
        if _wants_json():
            return error_response(400, "bad_request", str(e), e.parameter)
        return error_page(400, str(e))

    @app.errorhandler(IndexMissing)
    def index_missing(e: IndexMissing):
        if _wants_json():
            return error_response(503, "index_unavailable", str(e))
        return error_page(503, None)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if _wants_json():
            code = (e.name or "error").lower().replace(" ", "_")
            return error_response(e.code or 500, code, e.description or e.name)
        return error_page(e.code or 500, e.description)

    @app.errorhandler(Exception)
    def unexpected(e: Exception):  # a bug: logged, answered without internals
        app.logger.exception("unhandled error")
        if _wants_json():
            return error_response(500, "internal_error", "internal error")
        return error_page(500, None)
