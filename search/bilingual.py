"""Query translation, Polish <-> English, with FreeDict's dictionaries as Debian installs them.

``dict-freedict-pol-eng`` (from Wiktionary, CC-BY-SA-3.0) and
``dict-freedict-eng-pol`` (GPL) put dictd files under ``/usr/share/dictd``
(``PRASA_DICT_DIR`` elsewhere): an ``.index`` of ``headword TAB offset TAB
length`` (dictd's base64 numbers) and a dictzip'd ``.dict.dz`` that gzip
reads.  They are read here at run time, never copied into the repository.
Each direction is the dictionary written for it, filled with the other one
inverted.  Only translations are kept: pronunciations, part-of-speech tags,
Polish definitions, ``[labels]``, ``(notes)`` and examples are dropped.  A
word spelled alike in both languages keeps its own spelling as a translation
(``banku`` -> bank): the other language's analyzer never sees ``bank`` in it.

A query word is looked up by its lemmas, exactly: Polish ones from
Morfeusz, English ones from simplemma (``elections`` -> election).  Only a
word whose lemmas have no entry falls back: an English word to its Snowball
stem (the stem joins a verb and its noun, ``elect`` and ``election``, so it is
never tried first), a Polish verb or verbal noun to its imperfective
(``wydobycie`` -> wydobyć -> wydobywać, the form FreeDict lists), an
adjective in -owy to its noun (``walutowy`` -> waluta -> currency).  Stopwords
are never translated.  Two or three words in a row that form an entry
(``handel ludźmi`` -> human trafficking, ``kopalnia węgla`` -> coalmine)
add that translation before each word's own.  Countries, their people and
their adjectives translate through pycountry's and countryinfo's names
(``Stany Zjednoczone`` -> United States, American), which FreeDict lacks.
Without the packages the feature is off (``Dictionary.load`` gives None).
Which translations a query then searches, and how strongly, the archive
decides (``weigh`` in ``search/translations.py``).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
import pickle
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from indexer.analysis import (
    ENGLISH_STOPWORDS,
    dictionary_lemmas,
    polish_chain,
    polish_stopwords,
    terms_en,
)
from indexer.extract import country_names

DICT_DIR = Path(os.environ.get("PRASA_DICT_DIR", "/usr/share/dictd"))
FILES = {"pl": "freedict-pol-eng", "en": "freedict-eng-pol"}  # source language -> dictionary
MAX_TRANSLATIONS = 6  # per word: the first senses, the dictionaries' own order
MAX_WORDS = 3  # a translation (or a multi-word entry) longer than this is a definition
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_SENSE = re.compile(r"^\s*(?:[IVX]+\.\s+)?(?:<[^>]*>\s*)?(?:\d+\.\s*)?(?:[a-z]\.\s+)?")
_NOTES = re.compile(r"\[[^\]]*\]|\([^)]*\)|/[^/]*/")


def _number(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 64 + _B64[ch]
    return value


def read_dictd(name: str, folder: Path = DICT_DIR) -> Iterator[tuple[str, str]]:
    """(headword, entry text) of every entry of a dictd dictionary."""
    data = gzip.open(folder / f"{name}.dict.dz").read()
    with open(folder / f"{name}.index", encoding="utf-8") as index:
        for line in index:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and not parts[0].startswith("00database"):
                start, length = _number(parts[1]), _number(parts[2])
                yield parts[0], data[start:start + length].decode("utf-8", "replace")


def _clean(values: str) -> list[str]:
    """Translations from one sense line: labels, notes and definitions dropped."""
    out = []
    for value in _NOTES.sub(" ", values).split(","):
        value = " ".join(re.sub(r"\s\d+\.$", "", value.strip()).split()).strip(" .;:")
        if len(value) > 2 and len(value.split()) <= MAX_WORDS and _WORD.fullmatch(value.replace(" ", "-")):
            out.append(value.lower())
    return out


def polish_english(entry: str) -> list[str]:
    """Translations of a pol-eng entry: the line after the headword and each numbered sense's line.

    The other lines are Polish definitions (``proces gospodarczy …``) or a
    domain label and its definition (``(ekonomia) …``).
    """
    lines = entry.split("\n")[1:]
    out: list[str] = []
    for n, line in enumerate(lines):
        numbered = re.match(r"^\d+\.\s+\S", line)
        if (n == 0 and not line.startswith("(")) or numbered:
            out += _clean(re.sub(r"^\d+\.\s+", "", line))
    return list(dict.fromkeys(out))


def english_polish(headword: str, entry: str) -> dict[str, list[str]]:
    """An eng-pol entry's translations by English headword: its own, and its compounds'.

    ``trade``: ``I. <N> 1. handel`` is the word's; ``V. <N Comp>trade union
    /…/ związek zawodowy`` gives the compound ``trade union``.  Example lines
    (`` - …``, quoted phrases, ``(:by :trade)``) are skipped.
    """
    found: dict[str, list[str]] = {}
    for line in entry.split("\n")[1:]:
        if not line.strip() or line.lstrip().startswith("-") or '"' in line or "(:" in line:
            continue
        compound = re.match(r"^\s*[IVX]+\.\s+<[^>]*(?:Comp|Phras)>\s*([^/\[]+?)\s*(?:/[^/]*/)?\s{2,}(.+)$", line)
        if compound:
            found.setdefault(compound.group(1).lower(), []).extend(_clean(compound.group(2)))
            continue
        found.setdefault(headword.lower(), []).extend(_clean(_SENSE.sub("", line)))
    return found


@dataclass
class Dictionary:
    """Both directions: ``table["pl"]`` maps Polish keys to English, ``table["en"]`` English to Polish.

    Keys are tuples of a word's lemmas, one per word of the headword (Polish
    lemmas lowercased, English words as written, lowercased); ``stems["en"]``
    holds the same English entries by Snowball stem, for words no lemma finds.
    """

    table: dict[str, dict[tuple[str, ...], list[str]]] = field(default_factory=lambda: {"pl": {}, "en": {}})
    stems: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path = DICT_DIR) -> Dictionary | None:
        """Both dictionaries, or None when either is not installed."""
        if not installed(folder):
            return None
        out = cls()
        out._add_countries()
        pairs: dict[str, list[tuple[str, str]]] = {"pl": [], "en": []}
        for headword, entry in read_dictd(FILES["pl"], folder):
            pairs["pl"] += [(headword, t) for t in polish_english(entry)]
        for headword, entry in read_dictd(FILES["en"], folder):
            for english, translations in english_polish(headword, entry).items():
                pairs["en"] += [(english, t) for t in translations]
        for source, target in (("pl", "en"), ("en", "pl")):
            for word, translation in pairs[source]:  # the dictionary written for the direction first
                out._add(source, word, translation)
            for translation, word in pairs[target]:  # then the other one, inverted
                out._add(source, word, translation)
        return out

    def _add_countries(self) -> None:
        """Country names both ways, before the dictionaries' senses (``Niemcy`` is Germany first)."""
        for country in country_names():
            # "U.S." is analyzed as "u" (as U.K. and U.N. are): its spelled-out names stand for it
            english = sorted((n.lower() for n in country.english
                              if n.isascii() and "." not in n and len(n.split()) <= MAX_WORDS),
                             key=lambda n: len(n.split()))
            for polish in country.polish:
                for name in english:
                    self._add("pl", polish, name, limit=None)
            for name in english:
                if name not in ENGLISH_STOPWORDS:  # "US" is also "us"
                    for polish in country.polish:
                        self._add("en", name, polish.lower(), limit=None)

    def _add(self, lang: str, headword: str, translation: str, limit: int | None = MAX_TRANSLATIONS) -> None:
        words = headword.lower().split()
        if not words or len(words) > MAX_WORDS:
            return
        if lang == "pl" and len(words) == 1:
            keys = [(words[0],)]  # a headword is a dictionary form already (no Morfeusz call at load)
        elif lang == "pl":  # each word's lemmas: "zjednoczone" is zjednoczony and zjednoczyć
            keys = list(itertools.product(*(lookup_terms(lang, w)[:3] for w in words)))
        else:
            keys = [tuple(words)]
            _append(self.stems.setdefault(tuple(terms_en(w)[0] for w in words), []), translation, limit)
        for key in keys:
            _append(self.table[lang].setdefault(key, []), translation, limit)

    def translate(self, lang: str, words: list[str]) -> dict[str, list[str]]:
        """Each word's translations out of ``lang``: a multi-word entry's first, then its own.

        A single word's multi-word translations (``kawa`` -> coffee bean) are
        dropped when it has one-word ones: a phrase is the costliest query
        (Whoosh's positional matchers), and the one-word sense finds the topic.
        Stopwords are not translated (nor searched natively).
        """
        stop = query_stopwords()  # either language's: "for" is a Polish word too, but not in a query
        terms = [lookup_terms(lang, w) for w in words]
        out: dict[str, list[str]] = {}
        for i, word in enumerate(words):
            if word.lower() in stop:
                continue
            own = self._single(lang, word, terms[i])
            for start in range(max(0, i - MAX_WORDS + 1), i + 1):
                for stop_at in range(i + 1, min(len(words), start + MAX_WORDS) + 1):
                    if stop_at - start > 1:
                        _extend(out, word, _lookup(self.table[lang], terms[start:stop_at]))
            _extend(out, word, own)
        return out

    def _single(self, lang: str, word: str, options: tuple[str, ...]) -> list[str]:
        """One word's own translations: by its lemmas, else the fallback of its language."""
        found = _lookup(self.table[lang], [options])
        if not found and lang == "en":
            found = _lookup(self.stems, [terms_en(word.lower())])
        if not found and lang == "pl":
            found = _lookup(self.table[lang], [tuple(v for o in options for v in imperfectives(o))])
        if not found and lang == "pl":
            found = _lookup(self.table[lang], [tuple(v for o in options for v in base_nouns(o))])
        return [t for t in found if " " not in t] or found


@cache
def query_stopwords() -> frozenset[str]:
    """Words dropped from queries: stopwords of either language."""
    return polish_stopwords() | ENGLISH_STOPWORDS


def _append(known: list[str], translation: str, limit: int | None) -> None:
    if translation not in known and (limit is None or len(known) < limit):
        known.append(translation)


def _extend(out: dict[str, list[str]], word: str, found: list[str]) -> None:
    if found:
        held = out.setdefault(word, [])
        held.extend(t for t in found if t not in held)


def imperfectives(lemma: str) -> list[str]:
    """The secondary imperfectives of a perfective verb (or of a verbal noun's verb), which
    FreeDict often lists alone: wydobyć -> wydobywać, zatrzymać -> zatrzymywać, dostać -> dostawać."""
    if not lemma.endswith("ć") or len(lemma) < 5:
        return []
    base = lemma[:-1]
    if base.endswith("a"):
        return [base[:-1] + "ywać", base[:-1] + "iwać", base + "wać"]
    return [base + "wać"]


def base_nouns(lemma: str) -> list[str]:
    """The nouns a denominal adjective in -owy is made from, which FreeDict often lists alone:
    walutowy -> waluta (currency), paszowy -> pasza (feed), cenowy -> cena (price)."""
    if not lemma.endswith("owy") or len(lemma) < 7:
        return []
    base = lemma[:-3]
    return [base + "a", base, base + "o", base + "e"]


def _lookup(table: dict, terms: list[tuple[str, ...]]) -> list[str]:
    """The translations of every key built from one term of each word (a form of several lemmas
    has the senses of all: ``stopy`` is ``stop`` and ``stopa``), the first lemma's first."""
    keys = [()]
    for options in terms:
        keys = [k + (o,) for k in keys for o in options]
    return list(dict.fromkeys(t for key in keys for t in table.get(key, ())))


def lookup_terms(lang: str, word: str) -> tuple[str, ...]:
    """A word's dictionary keys: its Polish lemmas (the word itself first when it is one), or the
    English word and its lemma."""
    lower = word.lower()
    if lang == "en":
        return tuple(dict.fromkeys([lower, _english_lemma(lower)]))
    lemmas = list(dictionary_lemmas(word))
    return tuple(dict.fromkeys(([lower] if lower in lemmas else []) + lemmas)) or (lower,)


def _english_lemma(word: str) -> str:
    from simplemma import lemmatize

    return lemmatize(word, lang="en").lower()


def _files(folder: Path) -> list[Path]:
    return [folder / f"{name}.{ext}" for name in FILES.values() for ext in ("index", "dict.dz")]


def installed(folder: Path) -> bool:
    """Are both dictionaries there (each an index and its dictzip'd text)?"""
    return all(f.is_file() for f in _files(folder))


def status() -> str:
    """For ``/api/health`` and ``prasa stats``: whether queries are translated, and if not why."""
    if installed(DICT_DIR):
        return "on (FreeDict Polish-English and English-Polish)"
    return ("off: install the Debian packages dict-freedict-pol-eng and dict-freedict-eng-pol "
            f"(or set PRASA_DICT_DIR to their folder; looked in {DICT_DIR})")


_LOADED: list[Dictionary | None] = []
_LOCK = threading.Lock()


def dictionary() -> Dictionary | None:
    """The process's dictionary, loaded on first use (None when the packages are missing)."""
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                _LOADED.append(_cached(DICT_DIR))
    return _LOADED[0]


FORMAT = 3  # of the cached tables: raise when what ``load`` builds changes


def _cached(folder: Path) -> Dictionary | None:
    """``Dictionary.load`` through a pickle in the user's cache (1.7 s to build, 0.1 s to read).

    The cache file is named after the dictionary files' sizes and times, the
    lookup chain and the country names the table adds, so an upgraded package,
    another chain or a new country alias builds anew; a cache folder that
    cannot be written only costs the build.
    """
    if not installed(folder):
        return None
    files = _files(folder)
    stamp = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    key = hashlib.sha1(repr((stamp, FORMAT, MAX_TRANSLATIONS, polish_chain(), country_names())).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "prasa" / f"dictionary-{key}.pickle"
    try:
        with open(cache, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    built = Dictionary.load(folder)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        with open(partial, "wb") as f:
            pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, cache)
    except OSError:
        pass
    return built


def query_words(text: str) -> list[str]:
    """The words of a query a dictionary is asked about (letters only, operators left out)."""
    return [w for w in _WORD.findall(text) if w not in ("AND", "OR", "NOT", "TO")]
