"""Alerts: a search as an Atom feed (``/feeds/search.atom?q=…``), newest items first.

A feed reader or a newsroom's chat bot polls it; polling is cheap because the
feed's ETag and Last-Modified come from the index's state (its generation, item
count and last reindex) and the request, so an unchanged archive answers 304
without searching.  The feed is written by ``feedgen``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, request, url_for

from . import service
from .api import search_request
from .i18n import translator, ui_language

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
FEED_ENTRIES = 50  # items per feed (the newest)
ATOM = "application/atom+xml; charset=utf-8"


def feed_state(req_params: dict) -> tuple[str, dt.datetime | None]:
    """The feed's ETag and Last-Modified: what changes when the archive or the request does."""
    health = service().health()
    state = json.dumps([health.get("generation"), health.get("documents"), health.get("last_reindex"), req_params],
                       sort_keys=True, default=str)
    modified = _parsed_time(health.get("last_reindex"))
    return hashlib.sha256(state.encode()).hexdigest()[:32], modified


def _parsed_time(value: str | None) -> dt.datetime | None:
    try:
        stamp = dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if stamp is not None and stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.replace(microsecond=0) if stamp else None


def entry_time(hit: dict, fallback: dt.datetime) -> dt.datetime:
    """An item's date as Atom wants it (a full time): its day, month or year at midnight UTC."""
    date, precision = hit.get("date") or "", hit.get("date_precision")
    if precision in ("day", "month", "year"):
        parts = [int(p) for p in date.split("-")] + [1, 1]
        return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)
    return fallback


@bp.get("/search.atom")
def search_feed():
    req = replace(search_request(), sort="newest", page=1, per_page=FEED_ENTRIES)
    params = req.to_params()
    etag, modified = feed_state(params)
    if request.if_none_match.contains(etag) or (
            modified and request.if_modified_since and not request.if_none_match
            and modified <= request.if_modified_since):
        response = Response(status=304)
    else:
        response = Response(_atom(req, params, modified), content_type=ATOM)
    response.set_etag(etag)
    if modified:
        response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response


def _atom(req, params: dict, modified: dt.datetime | None) -> bytes:
    ui = ui_language(request)
    t = translator(ui)
    result = service().search(req)
    now = modified or dt.datetime.now(dt.UTC).replace(microsecond=0)
    feed = FeedGenerator()
    self_url = url_for("feeds.search_feed", _external=True, **params)
    feed.id(self_url)
    feed.title(f"prasa: {req.q}" if req.q else f"prasa: {t('newest_items')}")
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=url_for("pages.index", _external=True, **{k: v for k, v in params.items() if k != "sort"}),
              rel="alternate", type="text/html")
    feed.language(ui)
    feed.generator("prasa")
    times = [entry_time(hit, now) for hit in result.hits]
    feed.updated(max(times, default=now))
    for hit, when in reversed(list(zip(result.hits, times, strict=True))):  # feedgen puts each new entry first
        entry = feed.add_entry()
        link = url_for("pages.item", item_id=hit["id"], _external=True)
        entry.id(link)
        entry.title(hit["title"] or hit["id"])
        entry.link(href=link, rel="alternate", type="text/html")
        entry.updated(when)
        entry.published(when)
        entry.summary(hit["snippet"], type="html")
        if hit["source"]:
            entry.author(name=hit["source"])
        for org in hit["organizations"]:
            entry.category(term=org["id"], label=org["label"])
    return feed.atom_str(pretty=False)
