"""From a raw record to an ``Item``: language, date, place, source, title, organizations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from ..items import Item
from ..sources import MAX_ITEM_CHARS, Record
from . import countries, dates, langs
from .datelines import agency_name, attributions, parse_dateline
from .mentions import org_mentions
from .orgs import Registry, registry

EXTRACTOR_VERSION = "1"  # bump when extraction changes, so reindex rewrites every item
TITLE_MAX = 160

_KNOWN_KEYS = {"id", "title", "body", "text", "date", "language", "lang", "declared_language", "source", "url",
               "place"}
_ABBREVIATIONS = frozenset(
    "ds np m.in tzw r ul dr prof itd itp św gen płk mgr inż godz tj ok pt al mr mrs ms st jr sr"
    " u.s u.k no vs jan feb mar apr jun jul aug sep sept oct nov dec corp inc co ltd".split()
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»]?\s+(?=[\"„“«(]?[A-ZĄĆĘŁŃÓŚŹŻ0-9])")


class ExtractError(ValueError):
    """A record that cannot become an item (no text, wrong types)."""


def _text(value: object, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ExtractError(f"'{name}' must be a string, not {type(value).__name__}")
    return value


def first_sentence(text: str) -> str:
    """A title from the first sentence, not cut at abbreviations like "ds." or "m.in."."""
    text = " ".join(text.split())
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.start()].rsplit(" ", 1)[-1].lower().strip("(\"„")
        if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
            continue
        text = text[: m.start() + 1]
        break
    if len(text) > TITLE_MAX:
        text = text[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(",;:-–") + "…"
    return text


def _hash(fields: dict, reference: dt.date | None) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    key = f"{EXTRACTOR_VERSION}|{reference}|{payload}"
    return hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()


def item_id(record: Record) -> str:
    raw = record.fields.get("id")
    if isinstance(raw, (str, int)) and not isinstance(raw, bool) and str(raw).strip():
        return str(raw).strip()
    stem = Path(record.path).name.split(".")[0]
    return f"{stem}-{record.key}" if record.key else stem


def _date(header: dates.ItemDate | None, meta: dates.ItemDate, dateline_text: str | None,
          head: str, reference: dt.date | None) -> dates.ItemDate:
    """Header first, then a full metadata date, then the text, with metadata's year."""
    if header and header.value:
        return header
    if meta.precision == dates.DAY:
        return meta
    ref = dates.reference_from(meta) or reference
    found = dates.find_date(dateline_text, ref) if dateline_text else None
    found = found or dates.find_date(head, ref)
    if found and (meta.value is None or found.value.startswith(meta.value)):
        return found
    return meta if meta.value else (found or dates.NO_DATE)


def warm_up() -> None:
    """Load what extraction and analysis need once, before worker processes fork (they share it)."""
    from ..analysis import warm_up as load_dictionaries

    load_dictionaries()
    langs.choose("warm up")
    registry()
    countries.countries_in("Polska")
    dates.month_number("grudnia")


def extract(record: Record, reference: dt.date | None = None, orgs: Registry | None = None) -> Item:
    """Extract every field of one record; raises ExtractError for unusable records."""
    fields = record.fields
    body = _text(fields.get("body", fields.get("text")), "body")
    title = _text(fields.get("title"), "title").strip()
    if not body.strip() and not title:
        raise ExtractError("no title and no body")
    body = body[:MAX_ITEM_CHARS]

    first_line, _, rest = body.lstrip().partition("\n")
    header = dates.header_date(first_line)
    if header:
        body = rest.strip()
    dateline = parse_dateline(body)
    meta_dateline = parse_dateline(_text(fields.get("dateline"), "dateline") + " ")

    declared = langs.normalize(fields.get("declared_language"))
    language = langs.choose(f"{title}\n{body}", fields.get("language") or fields.get("lang"), declared)

    date = _date(header, dates.parse_iso(fields.get("date")),
                 dateline.date_text or meta_dateline.date_text, body[:200], reference)

    reported_by, cited = attributions(body)
    meta_source = _text(fields.get("source"), "source").strip() or None
    source = meta_source or dateline.source or reported_by
    if dateline.source and dateline.source != source and dateline.source not in cited:
        cited.insert(0, dateline.source)
    cited = [c for c in cited if c != source]

    place = _text(fields.get("place"), "place").strip() or dateline.place or meta_dateline.place
    if not title:
        title = first_sentence(body[dateline.end:] or body)

    mentions = org_mentions(orgs or registry(), title, body, dateline.end, language)

    return Item(
        id=item_id(record),
        title=title,
        body=body,
        language=language,
        declared_language=declared,
        date=date.value,
        date_precision=date.precision,
        place=place,
        source=agency_name(source) if source else None,
        cited_sources=cited,
        organizations=list(dict.fromkeys(m[3] for m in mentions)),
        mentions=mentions,
        url=_text(fields.get("url"), "url") or None,
        path=record.path,
        extra={k: v for k, v in fields.items() if k not in _KNOWN_KEYS},
        content_hash=_hash(fields, reference),
    )
