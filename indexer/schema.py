"""The Whoosh schema: what the index holds, shared by the indexer and the search side.

Each item's text goes into the fields of its own language only: ``*_pl`` through
the Polish analyzer, ``*_en`` through the English one, ``*_xx`` (no stemming)
for other languages.  Polish and English also get a folded twin (``*_plf``,
``*_enf``) so queries typed without diacritics match, while the exact field,
boosted at query time, ranks exact forms first.  Facet values live in columns
that the search side reads once per index generation into arrays.
"""

from __future__ import annotations

import json
from datetime import datetime

from whoosh import columns
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from .analysis import english_analyzer, keyword_analyzer, plain_analyzer, polish_analyzer
from .dates import ItemDate
from .items import Item

TEXT_SUFFIXES = {"pl": ("pl", "plf"), "en": ("en", "enf")}
OTHER_SUFFIXES = ("xx",)
INDEX_BODY_CHARS = 500_000  # text beyond this is stored but not indexed


def _text(analyzer, spelling: bool = False) -> TEXT:
    return TEXT(analyzer=analyzer, stored=False, spelling=spelling)


def build_schema() -> Schema:
    """The schema of a prasa index (analyzers reference module-level stemmers only)."""
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        content_hash=STORED(),
        doc=STORED(),  # JSON of the item's fields for display
        title_pl=_text(polish_analyzer()),
        body_pl=_text(polish_analyzer(), spelling=True),
        title_plf=_text(polish_analyzer(folded=True)),
        body_plf=_text(polish_analyzer(folded=True)),
        title_en=_text(english_analyzer()),
        body_en=_text(english_analyzer(), spelling=True),
        title_enf=_text(english_analyzer(folded=True)),
        body_enf=_text(english_analyzer(folded=True)),
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
    )


def to_document(item: Item) -> dict:
    """Whoosh field values for one item."""
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
    for suffix in TEXT_SUFFIXES.get(item.language, OTHER_SUFFIXES):
        doc[f"title_{suffix}"] = item.title
        doc[f"body_{suffix}"] = indexed_body
    if item.source:
        doc["source"] = item.source
    if item.place:
        doc["place"] = item.place
    if day:
        doc["date"] = datetime(day.year, day.month, day.day)
    return doc


def _year_month(date: ItemDate) -> int:
    day = date.date
    if day is None:
        return 0
    return day.year * 100 + (day.month if date.precision != "year" else 0)


def item_from_stored(stored: dict) -> Item:
    """The Item back from a stored document."""
    return Item(**json.loads(stored["doc"]))
