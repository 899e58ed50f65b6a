"""Countries named in text, in English and Polish: which body a generic name means.

"Supreme Court", "Labour Party" or "ministerstwo zdrowia" name a different
body in every country; the organization rules (``mentions.py``) ask this
module which country a phrase or an item points to.  Names come from
libraries, not from a list kept here: ISO 3166 names and their Polish
translations (pycountry), English alternative spellings and demonyms
(countryinfo: "Pakistani", "British", "USA").  They match through the
organization matcher, so inflected forms count ("w Pakistanie", "Francji",
"Pakistan's").  Polish adjectives ("pakistański", "Fińskie") are read by
their stem: the country name word sharing the longest prefix with it.
"""

from __future__ import annotations

import gettext
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..analysis import fold
from .orgs import Organization, Registry

# Everyday press forms the ISO names lack, English and Polish.
_ALIASES_EN = {
    "us": ("U.S.", "USA", "US", "America"),
    "gb": ("U.K.", "UK", "Britain", "British"),
}
_ALIASES_PL = {
    "us": ("Ameryka",),
    "gb": ("Brytania", "W. Brytania", "Wlk. Brytania", "Anglia"),
    "nl": ("Holandia",),
    "ru": ("Rosja",),
    "kr": ("Korea Południowa",),
    "kp": ("Korea Północna",),
    "sy": ("Syria",),
}
_ALIASES = {code: _ALIASES_EN.get(code, ()) + _ALIASES_PL.get(code, ()) for code in {*_ALIASES_EN, *_ALIASES_PL}}
# Words of Polish country names that are no country's own (Republika Czeska -> czeska).
_NAME_FILLER = (
    "republik", "wysp", "federac", "krolestw", "panstw", "demokraty", "ludow", "zjednocz", "stan",
    "swiet", "now", "wielk", "poludni", "polnoc", "zachod", "wschod", "prowinc", "stolic", "islamsk",
)
# Polish adjectives not formed from their country's name (duński: Dania), and one that looks like
# another country's (kataloński is no Katar's); folded, the start of every form
_IRREGULAR_ADJECTIVES = {"dunsk": "dk", "angielsk": "gb", "szkock": "gb", "walijsk": "gb", "holendersk": "nl",
                         "saudyjsk": "sa", "katalonsk": None}
_ADJECTIVE = re.compile(r"^(?P<stem>[a-z]{3,}?)(?:an|ij|yj|in|en)?(?:sk|ck|dzk)(?:i|a|ie|iego|iej|im|ich|imi|iemu|a)$")


def _country_rows():
    """(alpha-2 code, English names, Polish names) of every country the libraries know."""
    import pycountry
    from countryinfo import all_countries

    polish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["pl"], fallback=True)
    info: dict[str, list[dict]] = {}
    for row in (country.info() for country in all_countries()):  # England, Scotland, Wales: GB too
        info.setdefault(row.get("ISO", {}).get("alpha2"), []).append(row)
    for country in pycountry.countries:
        code = country.alpha_2
        english = {country.name, getattr(country, "common_name", country.name)}
        for row in info.get(code, ()):
            english.update((row.get("name", ""), row.get("demonym") or ""))
            english.update(s for s in row.get("altSpellings", ()) if not re.fullmatch(r"[A-Z]{2,3}", s))
        # "Iran, Islamska Republika", "Mołdawia - Republika": the everyday name comes first
        polish_name = re.split(r",| - | \(", polish.gettext(country.name))[0]
        yield code.lower(), sorted(n for n in english if n and "," not in n), [polish_name]


@dataclass(frozen=True)
class CountryNames:
    """A country's everyday names in both languages, for translating queries."""

    code: str
    english: tuple[str, ...]  # names, spellings and the demonym (countryinfo's), the press's forms
    polish: tuple[str, ...]  # the everyday Polish name (ISO's, "Rosja" before "Federacja Rosyjska")


def country_names() -> list[CountryNames]:
    """Every country's names (ISO 3166 in English and Polish, countryinfo's, the press aliases)."""
    return [CountryNames(code, tuple(dict.fromkeys([*english, *_ALIASES_EN.get(code, ())])),
                         tuple(dict.fromkeys([*_ALIASES_PL.get(code, ()), *polish])))
            for code, english, polish in _country_rows()]


@lru_cache(maxsize=1)
def _matcher() -> tuple[Registry, dict[str, tuple[str, bool]]]:
    orgs: dict[str, Organization] = {}
    words: dict[str, tuple[str, bool]] = {}
    for code, english, polish in _country_rows():
        aliases = _ALIASES.get(code, ())
        acronyms = tuple(a for a in aliases if a.isupper() and "." not in a)
        names = tuple(a for a in aliases if a not in acronyms)
        orgs[code] = Organization(code, tuple(english) + names, tuple(polish), acronyms)
        for name in (*polish, *names):
            for word in re.findall(r"\w+", fold(name.lower())):
                if len(word) < 4 or word.startswith(_NAME_FILLER):
                    continue
                if " " in name and _ADJECTIVE.match(word):
                    continue  # Polinezja Francuska is not what "francuski" names; Polska stays
                words.setdefault(word, (code, " " not in name))
    return Registry(orgs), words


def _adjective_country(word: str) -> str | None:
    """The country a Polish adjective names (pakistański -> pk), by the longest shared stem.

    Three shared letters are enough when they are the whole stem or the name is
    short (fiński: Finlandia, rosyjski: Rosja); among equals a one-word name,
    then the shortest wins (turecki: Turcja, not Turks i Caicos; polski:
    Polska, not Polinezja); a true tie names nothing.
    """
    folded = fold(word.lower())
    for start, country in _IRREGULAR_ADJECTIVES.items():
        if folded.startswith(start):
            return country
    found = _ADJECTIVE.match(folded)
    if not found:
        return None
    stem = found.group("stem")
    best, code, tie = (0, False, 0), None, False
    for name, (country, single) in _matcher()[1].items():
        shared = len(os.path.commonprefix([stem, name]))
        if shared < 4 and not (shared == 3 and (shared == len(stem) or len(name) <= 6)):
            continue
        rank = (shared, single, -len(name))
        if rank > best:
            best, code, tie = rank, country, False
        elif rank == best and country != code:
            tie = True
    return None if tie else code


_WORD = re.compile(r"\w+")


def _named(text: str) -> list:
    """Country mentions in ``text``, less a place named after one: New Jersey, New Mexico, New
    Britain (New Zealand and Papua New Guinea are matched whole, as countries)."""
    return [m for m in _matcher()[0].find(text) if text[max(0, m.start - 4):m.start] != "New "]


def countries_in(text: str, polish: bool = False) -> Counter:
    """How often each country is named in ``text`` (names, demonyms, Polish adjectives)."""
    counts = Counter(m.org for m in _named(text))
    if polish:
        counts.update(c for w in _WORD.findall(text) if (c := _cached_adjective(w)))
    return counts


@lru_cache(maxsize=50_000)
def _cached_adjective(word: str) -> str | None:
    return _adjective_country(word) if len(word) > 5 else None


_JOINERS = re.compile(r"^[\s,]*(?:(?:of|in|for|the|w|we|z|ze|do)\s+)*$", re.IGNORECASE)
_QUALIFIERS = re.compile(r"^(?:\s+[a-z]+){0,2}\s*$")  # "New Zealand's ruling Labour Party"


def country_beside(text: str, start: int, end: int) -> str | None:
    """The country named in the phrase ``text[start:end]``, or just around it.

    Inside it ("Polish Supreme Court"), just before it, perhaps past two
    lowercase words ("Pakistan's", "Britain's opposition", "pakistański"), or
    just after it ("Pakistanu", "of Finland", "w Pakistanie").
    """
    inside = _named(text[start:end])
    if inside:
        return inside[0].org
    before = text[max(0, start - 60):start]
    named = _named(before)
    if named and _QUALIFIERS.match(before[named[-1].end:]):
        return named[-1].org
    previous = _WORD.findall(before[-25:])
    if previous and (code := _cached_adjective(previous[-1])):
        return code
    after = text[end:end + 40]
    named = _named(after)
    if named and _JOINERS.match(after[:named[0].start]):
        return named[0].org
    return None
