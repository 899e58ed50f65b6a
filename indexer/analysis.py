"""Polish and English analyzers for Whoosh, built from small filters composed with ``|``.

Whoosh pickles every analyzer into the index TOC and unpickles it on each
``ix.searcher()``.  A filter holding a Stempel table would make the TOC tens of
megabytes and each searcher open take seconds, so the stemmers live in
module-level caches (``_stempel()``, ``stem_pl``, ``stem_en``) and the filters
only hold references to module-level functions, which pickle by name.
"""

from __future__ import annotations

import os
from functools import cache, lru_cache
from importlib import resources

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.fields import TEXT
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

# Words with inner hyphens or apostrophes match as one token ("inter-agency",
# "ONZ-u", "O'Brien"); ``HyphenPartsFilter`` then indexes hyphenated ones as their parts.
TOKEN_PATTERN = r"\w+(?:[-'’]\w+)*"

MIN_STEM_LENGTH = 3  # Lucene's StempelFilter.DEFAULT_MIN_LENGTH


@lru_cache(maxsize=1)
def polish_stopwords() -> frozenset[str]:
    text = resources.files("indexer.data").joinpath("stopwords_pl.txt").read_text("utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(word for word in lines if word)


ENGLISH_STOPWORDS = frozenset(stoplists["en"])


@lru_cache(maxsize=1)
def _stempel():
    """Load the Stempel table once per process (about 1 s, 40 MB)."""
    from pystempel import streams

    streams.DISABLE_TQDM = True  # pystempel draws a progress bar while loading
    from pystempel import Stemmer

    table = os.environ.get("PRASA_STEMPEL_TABLE", "default")
    return Stemmer.polimorf() if table == "polimorf" else Stemmer.default()


def _degenerate(stem: str | None, word: str) -> bool:
    """Stempel invents stems for words it does not know (londyn -> ć, trump -> treć)."""
    if not stem or len(stem) < MIN_STEM_LENGTH:
        return True
    return len(os.path.commonprefix([stem, word])) < MIN_STEM_LENGTH


@lru_cache(maxsize=200_000)
def stem_pl(word: str) -> str:
    """Stem one lowercase Polish word with Stempel, guarded.

    Short tokens, tokens with digits or hyphens, and tokens whose stem looks
    invented pass unchanged (Lucene's minimum length and keyword guards).
    """
    if len(word) <= MIN_STEM_LENGTH or not word.isalpha():
        return word
    stem = _stempel()(word)
    return word if _degenerate(stem, word) else stem


@lru_cache(maxsize=1)
def _snowball_en():
    import Stemmer  # PyStemmer: Snowball's C stemmers

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem_en(word: str) -> str:
    """Porter2 (Snowball English) stem of one lowercase word."""
    if len(word) < MIN_STEM_LENGTH or not word.isalpha():
        return word
    return _snowball_en().stemWord(word)


def fold(text: str) -> str:
    """Remove diacritics, including ł/Ł, which Unicode does not decompose."""
    return text.translate(accent_map) if not text.isascii() else text


APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


class ApostropheFilter(Filter):
    """Typographic apostrophes as ASCII ones: "O’Leary" in print and a typed "O'Leary" are one word.

    The cluster analyzers do the same with a mapping char filter (``mapping.py``).
    """

    def __call__(self, tokens):
        for t in tokens:
            t.text = t.text.translate(APOSTROPHES)
            yield t


class HyphenPartsFilter(Filter):
    """Index a hyphenated word as its parts, at consecutive positions.

    "Inter-Agency Coordination" becomes inter, agency, coordination (as Lucene's
    StandardTokenizer splits), so "agency", "inter-agency" and the phrase
    "agency coordination" all find it; later tokens move along one position per
    extra part, so phrase positions stay consistent at index and query time.
    """

    def __call__(self, tokens):
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            text = t.text
            if "-" not in text:
                yield t
                continue
            start = t.startchar if t.chars else 0
            offset = 0
            parts = text.split("-")
            for n, part in enumerate(parts):
                if part:
                    t.text = part
                    if t.chars:
                        t.startchar = start + offset
                        t.endchar = t.startchar + len(part)
                    yield t
                    if t.positions and n < len(parts) - 1:
                        t.pos += 1
                        shift += 1
                offset += len(part) + 1


class KeywordMarkFilter(Filter):
    """Mark acronyms (all capitals, e.g. ONZ, OBWE, NATO) so no stemmer touches them."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            t.keyword = len(text) > 1 and text.isupper()
            yield t


class PossessiveFilter(Filter):
    """Drop English possessive endings: "UN's" -> "UN", "States'" -> "States"."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if text.endswith(("'s", "'S")):
                t.text = text[:-2]
            elif text.endswith("'"):
                t.text = text[:-1]
            yield t


class GuardedStemFilter(Filter):
    """Stem with a module-level function unless the token is marked as a keyword."""

    is_morph = True

    def __init__(self, stemfn):
        self.stemfn = stemfn

    def __eq__(self, other):
        return type(self) is type(other) and self.stemfn is other.stemfn

    def __call__(self, tokens):
        stemfn = self.stemfn
        for t in tokens:
            if not t.stopped and not getattr(t, "keyword", False):
                t.text = stemfn(t.text)
            yield t


def _chain(stopwords, stemfn, *, folded: bool = False, possessive: bool = False):
    chain = RegexTokenizer(TOKEN_PATTERN) | ApostropheFilter() | HyphenPartsFilter()
    if possessive:
        chain = chain | PossessiveFilter()
    chain = chain | KeywordMarkFilter() | LowercaseFilter() | StopFilter(stoplist=stopwords, minsize=1)
    if folded:
        chain = chain | CharsetFilter(accent_map)
    if stemfn is not None:
        chain = chain | GuardedStemFilter(stemfn)
    return chain


# Per language ("xx": every other language): its stopwords, stemmer and chain options.
_LANGUAGES = {
    "pl": (polish_stopwords, stem_pl, {}),
    "en": (lambda: ENGLISH_STOPWORDS, stem_en, {"possessive": True}),
    "xx": (frozenset, None, {"folded": True}),
}


def build_analyzer(lang: str, stemmed: bool = True):
    """The analysis chain of ``lang`` ("pl", "en" or "xx"), with or without its stemmer."""
    stopwords, stemfn, options = _LANGUAGES[lang]
    return _chain(stopwords(), stemfn if stemmed else None, **options)


def polish_analyzer():
    """Tokenize, lowercase, Carrot2/Lucene stopwords, guarded Stempel."""
    return build_analyzer("pl")


def english_analyzer():
    """Tokenize, drop possessives, lowercase, English stopwords, Porter2."""
    return build_analyzer("en")


def plain_analyzer():
    """For text in other languages: tokens lowercased and folded, no stemming."""
    return build_analyzer("xx")


@cache
def analyzer_for(lang: str):
    """One shared analyzer per language (any code but pl/en gets the plain one)."""
    return build_analyzer(lang if lang in _LANGUAGES else "xx")


def keyword_analyzer():
    """For filter fields (place, source): one token, lowercased and folded."""
    from whoosh.analysis import IDTokenizer

    return IDTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


@cache
def _pre_chain(lang: str):
    """The chain up to the stemmer, and the stemmer, for index-time analysis."""
    return build_analyzer(lang, stemmed=False), _LANGUAGES[lang][1]


class Postings(list):
    """A field value analyzed ahead of time: Whoosh's (btext, freq, weight, positions) rows.

    Indexing workers analyze and encode text in parallel; the Whoosh writer then
    only files these rows (see ``PreanalyzedTEXT``).
    """

    length = 0


def preanalyze(text: str, lang: str, fieldformat, words: set | None = None) -> Postings:
    """Analyze ``text`` once with the language's chain; collect its surface words in ``words``.

    Produces exactly what the field's analyzer would (same filters, then the
    same stemmer), in the encoded form Whoosh's writer expects.
    """
    chain, stemfn = _pre_chain(lang)
    positions: dict[str, list[int]] = {}
    for t in chain(text, positions=True):
        word = t.text
        if words is not None and word.isalpha():
            words.add(word)
        term = word if stemfn is None or t.keyword else stemfn(word)
        positions.setdefault(term, []).append(t.pos)
    out = Postings()
    encode = fieldformat.encode
    for term, poslist in positions.items():
        out.append((term.encode("utf-8"), len(poslist), float(len(poslist)), encode(poslist)))
        out.length += len(poslist)
    return out


class PreanalyzedTEXT(TEXT):
    """A TEXT field that also accepts ``Postings`` built by ``preanalyze``.

    Queries still go through ``self.analyzer``, the same filters and stemmer.
    """

    def index(self, value, **kwargs):
        if isinstance(value, Postings):
            return iter(value)
        return super().index(value, **kwargs)


def analyze(text: str, lang: str) -> list[str]:
    """Terms the index holds for ``text`` in language ``lang`` (for tests and tools)."""
    return [t.text for t in analyzer_for(lang)(text)]
