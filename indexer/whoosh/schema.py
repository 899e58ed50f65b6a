"""The Whoosh schema: what the index holds, shared by the indexer and the search side.

Each item's text goes into the fields of its own language only: ``*_pl`` through
the Polish analyzer, ``*_en`` through the English one, ``*_xx`` (folded, no
stemming) for other languages.  Text is analyzed ahead of time by the indexing
workers (``preanalyze``), so the Whoosh writer only files postings.  There is
no folded twin field: diacritic-free queries are expanded at query time through
the generation's surface-word vocabulary (``vocab.py``).  Facet values live in
columns that the search side reads once per index generation into arrays.
"""

from __future__ import annotations

import json
from datetime import datetime

from whoosh import columns
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from ..analysis import (
    PreanalyzedTEXT,
    english_analyzer,
    keyword_analyzer,
    plain_analyzer,
    polish_analyzer,
    preanalyze_item,
)
from ..extract import ItemDate, simhash_tokens
from ..fields import FIELD_LANGS, INDEX_BODY_CHARS, field_lang
from ..items import Item


def _text(analyzer) -> PreanalyzedTEXT:
    return PreanalyzedTEXT(analyzer=analyzer, stored=False)


def build_schema() -> Schema:
    """The schema of a prasa index (analyzers reference module-level stemmers only)."""
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        content_hash=STORED(),
        doc=STORED(),  # JSON of the item's fields for display
        title_pl=_text(polish_analyzer()),
        body_pl=_text(polish_analyzer()),
        title_en=_text(english_analyzer()),
        body_en=_text(english_analyzer()),
        title_xx=_text(plain_analyzer()),
        body_xx=_text(plain_analyzer()),
        lang=ID(),
        source=TEXT(analyzer=keyword_analyzer(), phrase=False),
        place=TEXT(analyzer=keyword_analyzer(), phrase=False),
        orgs=KEYWORD(commas=True, lowercase=True),
        date=DATETIME(),
        # facet columns, read into arrays by the search side
        c_lang=COLUMN(columns.RefBytesColumn()),
        c_source=COLUMN(columns.RefBytesColumn()),
        c_orgs=COLUMN(columns.VarBytesColumn()),
        c_day=COLUMN(columns.NumericColumn("i", default=0)),  # date.toordinal(), 0 unknown
        c_ym=COLUMN(columns.NumericColumn("i", default=0)),  # year*100 + month (0 if unknown)
        # token counts of the title and body fields, for the search side's BM25F
        c_tlen=COLUMN(columns.NumericColumn("I", default=0)),
        c_blen=COLUMN(columns.NumericColumn("I", default=0)),
        c_simhash=COLUMN(columns.NumericColumn("Q", default=0)),  # near-duplicate fingerprint
    )


def to_document(item: Item, words: set[str] | None = None) -> dict:
    """Whoosh field values for one item (text pre-analyzed); surface words go into ``words``."""
    date = ItemDate(item.date, item.date_precision)
    day = date.date
    indexed_body = item.body[:INDEX_BODY_CHARS]
    doc = {
        "id": item.id,
        "path": item.path,
        "content_hash": item.content_hash,
        "doc": json.dumps(item.to_dict(), ensure_ascii=False, default=str),
        "lang": item.language,
        "orgs": ",".join(item.organizations),
        "c_lang": item.language.encode(),
        "c_source": (item.source or "").encode(),
        "c_orgs": " ".join(item.organizations).encode(),
        "c_day": day.toordinal() if day else 0,
        "c_ym": _year_month(date),
    }
    lang = field_lang(item.language)
    fieldformat = _FORMATS[lang]
    # the body field holds the whole item, title included ("flat" BM25, measured better)
    tokens: list[str] = []
    title, body = preanalyze_item(item.title, indexed_body, lang, fieldformat, words, tokens)
    doc[f"title_{lang}"], doc[f"body_{lang}"] = title, body
    doc["c_tlen"], doc["c_blen"] = title.length, body.length
    doc["c_simhash"] = simhash_tokens(tokens)
    if item.source:
        doc["source"] = item.source
    if item.place:
        doc["place"] = item.place
    if day:
        doc["date"] = datetime(day.year, day.month, day.day)
    return doc


_FORMATS = {lang: build_schema()[f"body_{lang}"].format for lang in FIELD_LANGS}


def _year_month(date: ItemDate) -> int:
    day = date.date
    if day is None:
        return 0
    return day.year * 100 + (day.month if date.precision != "year" else 0)


def item_from_stored(stored: dict) -> Item:
    """The Item back from a stored document."""
    return Item(**json.loads(stored["doc"]))
