"""HTML pages: the search page and item pages.  All state lives in the query string."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, url_for

from search import FACETS, SearchRequest

from . import service
from .api import search_request
from .i18n import translator, ui_language

bp = Blueprint("pages", __name__)


def search_url(params: dict[str, list[str]]) -> str:
    return url_for("pages.index") + ("?" + urlencode(params, doseq=True) if params else "")


def facet_views(req: SearchRequest, facets: dict, t) -> list[dict]:
    """Each facet's values with the link that toggles each, for the sidebar."""
    views = []
    for facet in FACETS:
        values, selected = facets.get(facet.name, []), req.selected(facet.name)
        top = max((v["count"] for v in values), default=0) or 1
        rows = [{**v, "url": search_url(req.to_params(**{facet.param: facet.toggle(selected, v["value"]),
                                                          "page": None})),
                 "bar": round(100 * v["count"] / top), "month": len(v["value"]) == 7} for v in values]
        views.append({"name": facet.name, "title": facet.title(req.ui_lang), "histogram": facet.histogram,
                      "values": rows, "clear_label": t("all_years") if facet.histogram else t("remove"),
                      "clear_url": search_url(req.to_params(**{facet.param: None, "page": None}))
                      if selected else None})
    return views


def active_filters(req: SearchRequest, facets: dict) -> list[dict]:
    """A removable chip for each selected value and date bound."""
    labels = {(name, v["value"]): v["label"] for name, vs in facets.items() for v in vs}
    out = []
    for facet in FACETS:
        chosen = req.selected(facet.name)
        for value in chosen:
            out.append({"label": labels.get((facet.name, value), value),
                        "url": search_url(req.to_params(**{facet.param: [v for v in chosen if v != value],
                                                           "page": None}))})
    for name in ("from", "to"):
        value = getattr(req, f"date_{name}")
        if value:
            out.append({"label": f"{name} {value.isoformat()}",
                        "url": search_url(req.to_params(**{name: None, "page": None}))})
    return out


def page_links(req: SearchRequest, pages: int) -> list[dict]:
    window = range(max(1, req.page - 3), min(pages, req.page + 3) + 1)
    return [{"n": n, "url": search_url(req.to_params(page=n if n > 1 else None)),
             "current": n == req.page} for n in window]


@bp.get("/")
def index():
    ui = ui_language(request)
    req = search_request()
    result = service().search(req)
    data = result.to_dict()
    return render_template(
        "search.html", t=translator(ui), ui=ui, req=req, result=data,
        facets=facet_views(req, data["facets"], translator(ui)), filters=active_filters(req, data["facets"]),
        pages=page_links(req, result.pages),
        prev_url=search_url(req.to_params(page=req.page - 1 if req.page > 2 else None)) if req.page > 1 else None,
        next_url=search_url(req.to_params(page=req.page + 1)) if req.page < result.pages else None,
        suggestion_url=search_url(req.to_params(q=result.suggestion, page=None)) if result.suggestion else None,
        sort_urls={s: search_url(req.to_params(sort=s if s != "relevance" else None, page=None))
                   for s in ("relevance", "newest", "oldest")},
        ui_urls={lang: search_url(req.to_params(ui=lang)) for lang in ("pl", "en")},
        collapse_url=search_url(req.to_params(collapse=None if req.collapse else "1", page=None)),
        translate_url=search_url(req.to_params(translate=None if not req.translate else "0", page=None)),
        browsing=not req.q and not req.filtered,
    )


@bp.get("/items/<path:item_id>")
def item(item_id: str):
    ui = ui_language(request)
    svc = service()
    data = svc.item(item_id, ui)
    if data is None:
        abort(404, description=f"no item with id {item_id!r}")
    related = []
    for org in data["organizations"][:2]:
        found = svc.search(SearchRequest(selections={"organization": (org["id"],)}, sort="newest", per_page=6, ui_lang=ui))
        hits = [h for h in found.hits if h["id"] != item_id][:5]
        if hits:
            related.append({"title": translator(ui)("more_org", org=org["label"]), "hits": hits,
                            "url": search_url({"org": [org["id"]], "ui": [ui]})})
    if data["date_precision"] == "day":
        day = dt.date.fromisoformat(data["date"])
        found = svc.search(SearchRequest(date_from=day, date_to=day, per_page=6, ui_lang=ui))
        hits = [h for h in found.hits if h["id"] != item_id][:5]
        if hits:
            related.append({"title": translator(ui)("same_day"), "hits": hits,
                            "url": search_url({"from": [data["date"]], "to": [data["date"]], "ui": [ui]})})
    paragraphs = [p.strip() for p in data["body"].split("\n") if p.strip()]
    return render_template("item.html", t=translator(ui), ui=ui, item=data,
                           paragraphs=paragraphs, related=related,
                           back_url=search_url({"ui": [ui]}),
                           ui_urls={lang: url_for("pages.item", item_id=item_id, ui=lang)
                                    for lang in ("pl", "en")})
