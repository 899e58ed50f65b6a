"""prasa's web face: the search page, item pages and the JSON API (no search logic here).

``create_app(config)`` is the factory; ``flask --app web run`` serves it for
development and ``prasa serve`` under gunicorn (``server.py``).
"""

from __future__ import annotations

import os

from flask import Flask

from search import BaseService, open_service

DEFAULTS = {
    "INDEX": None,  # folder; default $PRASA_INDEX or ./prasa-index
    "BACKEND": None,  # whoosh (default) or opensearch; $PRASA_BACKEND
    "MAX_CONTENT_LENGTH": 64 * 1024,  # request bodies (the API takes none larger)
    "MAX_QUERY_STRING": 8 * 1024,  # longer query strings are refused with 414
    "JSON_SORT_KEYS": False,
}

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides defaults and ``PRASA_*`` environment variables."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PRASA")
    if config:
        app.config.update(config)
    app.config["INDEX"] = app.config["INDEX"] or os.environ.get("PRASA_INDEX") or "prasa-index"
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["prasa"] = open_service(app.config["INDEX"], app.config["BACKEND"])

    from . import api, errors, feeds, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    errors.register_error_handlers(app)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def service(app: Flask | None = None) -> BaseService:
    from flask import current_app

    return (app or current_app).extensions["prasa"]
