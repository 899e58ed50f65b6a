"""Datelines and attributions: where an item was filed and which agency sent it.

Wire items open with a dateline in a handful of house styles:

- BELTA in Polish:  ``6 grudnia, Mińsk /Kor. BELTA/.``
- PAP:              ``WARSZAWA, 12 marca (PAP) -``
- Reuters:          ``BRUSSELS, March 12 (Reuters) -`` or ``LONDON, Feb 26 -``

and cite others in the text ("Azernews reports, citing BelTA"; "podaje PAP").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PLACE = r"[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_]+){0,3}"
_DATE = r"\d{1,2}\.?\s+[^\W\d_]{3,}\.?(?:\s+\d{4})?(?:\s*r\.)?|[^\W\d_]{3,}\.?\s+\d{1,2}(?:,?\s+\d{4})?"

_DATELINES = (
    # 6 grudnia, Mińsk /Kor. BELTA/.
    re.compile(
        rf"^(?P<date>{_DATE})\s*,\s*(?P<place>{_PLACE})\s*/(?:Kor\.\s*|Korr?\.\s*)?(?P<agency>[^/\n]{{2,30}})/\s*\.?"
    ),
    # WARSZAWA, 12 marca (PAP) -   |   BRUSSELS, March 12 (Reuters) -   |   LONDON, Feb 26 -
    re.compile(
        rf"^(?P<place>{_PLACE})\s*,\s*(?P<date>{_DATE})\s*(?:[(/](?P<agency>[^)/\n]{{2,30}})[)/])?\s*[-–—]+\s"
    ),
    # WARSZAWA (PAP) -   |   Mińsk /BELTA/ -
    re.compile(rf"^(?P<place>{_PLACE})\s*[(/](?P<agency>[^)/\n]{{2,30}})[)/]\s*[-–—.]+\s"),
)

# Each phrase with the words it needs: a plain substring test skips the regex on most texts.
_CITING = (
    (("citing",),
     re.compile(r"\b(?P<source>[A-Z][\w.-]{1,30}) (?:reports|reported|said|says),? citing (?P<cited>[A-Z][\w.-]{1,30})")),
    (("according to", "citing", "cited by", "quoted by"),
     re.compile(r"\b(?:according to|citing|cited by|quoted by) (?P<cited>[A-Z][\w.-]{1,30})")),
    (("poda", "poinformowała", "informuje", "za "),
     re.compile(r"\b(?:podaje|podała|poinformowała|informuje|za) (?:agencj[aąi] )?(?P<cited>[A-ZŁŚŻ][\w.-]{1,30})")),
)

# Agencies by lowercase name: how they spell themselves.
AGENCIES = {
    "belta": "BELTA", "pap": "PAP", "reuters": "Reuters", "reuter": "Reuters", "reutera": "Reuters",
    "afp": "AFP", "ap": "AP", "dpa": "dpa", "iar": "IAR", "tass": "TASS", "ria": "RIA",
    "azernews": "Azernews", "bbc": "BBC", "ukrinform": "Ukrinform", "interfax": "Interfax",
    "efe": "EFE", "ansa": "ANSA", "ctk": "ČTK", "čtk": "ČTK", "kyodo": "Kyodo", "xinhua": "Xinhua",
}


@dataclass
class Dateline:
    """What the head of an item says: place, agency, the date text, and where the body starts."""

    place: str | None = None
    source: str | None = None
    date_text: str | None = None
    end: int = 0
    cited: list[str] = field(default_factory=list)


def agency_name(raw: str) -> str:
    """``Kor. BELTA`` -> ``BELTA``; ``reuters`` -> ``Reuters``; unknown names kept as written."""
    name = re.sub(r"^(?:Kor|Korr|Corr)\.\s*", "", raw.strip(" .,/()")).strip()
    return AGENCIES.get(name.lower(), name)


def _tidy_place(place: str) -> str:
    place = place.strip(" ,.")
    return place.title() if place.isupper() else place


def parse_dateline(text: str) -> Dateline:
    """Read the dateline at the start of ``text`` (nothing found is not an error)."""
    head = text[:200]
    for pattern in _DATELINES:
        m = pattern.match(head)
        if m:
            groups = m.groupdict()
            return Dateline(
                place=_tidy_place(groups["place"]),
                source=agency_name(groups["agency"]) if groups.get("agency") else None,
                date_text=groups.get("date"),
                end=m.end(),
            )
    return Dateline()


def attributions(text: str) -> tuple[str | None, list[str]]:
    """The reporting outlet and the agencies it cites, from phrases in the text."""
    source = None
    cited: list[str] = []
    text = text[:5000]
    for needs, pattern in _CITING:
        if not any(word in text for word in needs):
            continue
        for m in pattern.finditer(text):
            groups = m.groupdict()
            if groups.get("source") and source is None:
                source = agency_name(groups["source"])
            name = agency_name(groups["cited"])
            if name.lower() in {a.lower() for a in AGENCIES.values()} and name not in cited:
                cited.append(name)
    return source, cited
