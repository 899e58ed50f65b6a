"""HTML pages: the search page and item pages.  All state lives in the query string."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, url_for

from search import FACETS, INTERVALS, MAX_COMPARE, BadRequest, SearchRequest

from . import service
from .api import search_request
from .chart import draw
from .i18n import translator, ui_language

MEASURES = ("count", "share")
PANEL_VALUES = {"organization": 8, "word": 12}  # the "what the matches are about" panel
CHART_PARAMS = ("compare", "interval", "chart")  # the chart's state, kept while the reader filters

bp = Blueprint("pages", __name__)


def chart_state() -> dict[str, list[str]]:
    """The chart's compared queries and settings in the current request."""
    return {k: request.args.getlist(k) for k in CHART_PARAMS if request.args.getlist(k)}


def search_url(params: dict[str, list[str]], keep_chart: bool = True) -> str:
    """A link to the search page; the chart's compared queries and settings go along unless
    ``params`` sets them or ``keep_chart`` is off (a bar narrows to one query's period)."""
    if keep_chart:
        params = {**chart_state(), **params}
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


def chart_view(req: SearchRequest, t) -> dict:
    """The coverage chart of the query and its compared queries (``compare``), and its controls."""
    compare = [c.strip() for c in request.args.getlist("compare") if c.strip()][:MAX_COMPARE - 1]
    interval, measure = request.args.get("interval", "auto"), request.args.get("chart", "count")
    if measure not in MEASURES:
        raise BadRequest(f"chart must be count or share, not {measure!r}", "chart")
    timeline = service().timeline([req] + [replace(req, q=c) for c in compare], interval).to_dict(req.ui_lang)
    own = req.to_params(page=None)

    def link(**changes) -> str:
        params = {**own, "compare": compare, "interval": [interval] if interval != "auto" else [],
                  "chart": [measure] if measure != "count" else []}
        params.update(changes)
        return search_url({k: v for k, v in params.items() if v}, keep_chart=False)  # all of it set here

    def bucket_url(query: str, bucket: dict) -> str:
        return search_url(replace(req, q=query).to_params(**{"from": bucket["from"], "to": bucket["to"],
                                                               "page": None}), keep_chart=False)
    return {"chart": draw(timeline, measure, bucket_url, t), "timeline": timeline, "compare": compare,
            "interval": interval, "measure": measure, "hidden": own,
            "interval_urls": {i: link(interval=[i] if i != "auto" else []) for i in INTERVALS},
            "measure_urls": {m: link(chart=[m] if m != "count" else []) for m in MEASURES}}


def about_view(req: SearchRequest) -> list[dict]:
    """The organizations and words unusually frequent in the matches, each a link that narrows to it."""
    panels = []
    for field, size in PANEL_VALUES.items():
        found = service().significant(req, field, size).to_dict()
        for v in found["values"]:
            narrowed = {"org": sorted({*req.selected("organization"), v["value"]})} if field == "organization" \
                else {"q": f"{req.q} {v['label']}".strip()}
            v["url"] = search_url(req.to_params(**narrowed, page=None))
        panels.append({**found, "field": field})
    return panels


@bp.get("/")
def index():
    ui = ui_language(request)
    req = search_request()
    result = service().search(req)
    data = result.to_dict()
    t = translator(ui)
    researching = bool(req.q or req.filtered) and result.total > 0
    return render_template(
        "search.html", t=t, ui=ui, req=req, result=data,
        facets=facet_views(req, data["facets"], t), filters=active_filters(req, data["facets"]),
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
        sort_hidden={**chart_state(), **req.to_params(sort=None, page=None)},
        coverage=chart_view(req, t) if researching else None,
        about=about_view(req) if researching else [],
        feed_url=url_for("feeds.search_feed", **req.to_params(page=None, sort=None)),
        export_urls={fmt: url_for("api.api_export", format=fmt, **req.to_params(page=None, per_page=None))
                     for fmt in ("csv", "jsonl")},
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
