"""Errors, one shape each: JSON ``{"error": {"code", "message", "parameter"?}}`` under /api/, the page elsewhere."""

from __future__ import annotations

from flask import jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from indexer import IndexMissing
from search import BadRequest

from .i18n import translator, ui_language


def error_response(status: int, code: str, message: str, parameter: str | None = None):
    body = {"code": code, "message": message}
    if parameter:
        body["parameter"] = parameter
    response = jsonify({"error": body})
    response.status_code = status
    return response


def error_page(status: int, message: str | None):
    ui = ui_language(request)
    t = translator(ui)
    return render_template("error.html", t=t, ui=ui, status=status,
                           message=message or (t("unavailable") if status == 503 else ""),
                           ui_urls={lang: url_for("pages.index", ui=lang) for lang in ("pl", "en")}), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app) -> None:
    """JSON errors under /api/, the HTML error page elsewhere."""

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
