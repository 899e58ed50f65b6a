"""Polish and English analyzers for Whoosh, built from small filters composed with ``|``.

Polish words become their dictionary lemmas (Morfeusz 2 with the SGJP
dictionary: Białorusi -> białoruś, Wiedniu -> wiedeń, Trumpa -> trump); a
word the dictionary does not know goes through the guarded Stempel stemmer.
English words get Snowball's Porter2 stem.

Whoosh pickles every analyzer into the index TOC and unpickles it on each
``ix.searcher()``.  A filter holding a Stempel table or a Morfeusz instance
would make the TOC tens of megabytes and each searcher open take seconds (a
Morfeusz object cannot be pickled at all), so the dictionaries live in
module-level caches (``_stempel()``, ``_morfeusz()``, ``terms_pl``,
``terms_en``) and the filters only hold references to module-level functions,
which pickle by name.
"""

from __future__ import annotations

import os
import pickle
import re
import threading
from collections import defaultdict
from functools import cache, lru_cache, partial
from importlib import resources
from operator import itemgetter, sub

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
from whoosh.system import pack_uint

from .memo import Memo

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


POLISH_CHAINS = ("morfeusz", "stempel")


def polish_chain() -> str:
    """``PRASA_POLISH``: ``morfeusz`` (dictionary lemmas, Stempel for the rest) or ``stempel``."""
    chain = os.environ.get("PRASA_POLISH", "morfeusz")
    if chain not in POLISH_CHAINS:
        raise ValueError(f"PRASA_POLISH must be one of {', '.join(POLISH_CHAINS)}, not {chain!r}")
    return chain


@lru_cache(maxsize=1)
def _morfeusz():
    """Morfeusz 2 with the SGJP dictionary shipped in its wheel (0.1 s, about 47 MB)."""
    import morfeusz2

    return morfeusz2.Morfeusz(generate=False, expand_tags=False), threading.Lock()


def dictionary_id() -> str:
    """The dictionary behind the Polish lemmas (``pl.sgjp.sgjp-2026.06.01``), or ``stempel``."""
    if polish_chain() == "stempel":
        return "stempel"
    return _morfeusz()[0].dict_id()


ANALYSIS_VERSION = 2  # bump when a change to the chains changes the terms of indexed text


def analysis_signature() -> dict:
    """What an index generation records of the chains that built it (``store.check_analysis``)."""
    return {"version": ANALYSIS_VERSION, "polish": polish_chain(), "dictionary": dictionary_id(),
            "stempel_table": os.environ.get("PRASA_STEMPEL_TABLE", "default")}


@lru_cache(maxsize=100_000)
def dictionary_lemmas(word: str) -> tuple[str, ...]:
    """Every lemma the dictionary gives the written ``word``, lowercased; () if it does not know it.

    Case is kept on the way in: Morfeusz uses it (``Polska`` is the country and
    the adjective, ``polska`` the adjective first).  SGJP marks homonyms with a
    suffix (``Stan:Sm1`` the name, ``stan`` the noun); the index is case-folded
    and has no part of speech, so the suffix is dropped and the homonyms share
    one term.  Only analyses of the word's first segment count (``zrobiłem`` is
    ``zrobić`` + the agglutinate ``być``).
    """
    if polish_chain() == "stempel" or not word.isalpha():  # 40mg, covid19: kept whole, as Stempel's guard does
        return ()
    morfeusz, lock = _morfeusz()
    with lock:  # one analyser per process; the C++ object is not documented as thread-safe
        # The SWIG object's own analyse: the wrapper's builds tag, name and
        # label strings per interpretation that are not needed here (a third
        # of the time per word).
        interps = morfeusz._morfeusz_obj.analyse(word)
        lemmas = {i.lemma.split(":", 1)[0].lower()
                  for i in interps if i.startNode == 0 and not i.isIgn()}
    return tuple(sorted(lemma for lemma in lemmas if lemma))


def terms_pl(word: str) -> tuple[str, ...]:
    """The index terms of one Polish word as written: its lemmas, else its guarded Stempel stem.

    Not cached itself: both halves are, and so are the indexer's token plans.
    """
    return dictionary_lemmas(word) or terms_stempel(word)


@lru_cache(maxsize=1)
def _snowball_en():
    import Stemmer  # PyStemmer: Snowball's C stemmers

    # Its own word cache off: stemming a word in C takes 0.3 µs, and the cache (10,000
    # words by default) is purged over and over by a corpus's 30,000+ distinct words,
    # which made a stem cost 1 to 5 µs in a micro-benchmark (a whole indexing worker
    # gains too little to measure).  The indexer's token memo and the query side's
    # token plans keep what repeats.
    return Stemmer.Stemmer("english", 0)


def stem_en(word: str) -> str:
    """Porter2 (Snowball English) stem of one lowercase word."""
    if len(word) < MIN_STEM_LENGTH or not word.isalpha():
        return word
    return _snowball_en().stemWord(word)


def terms_en(word: str) -> tuple[str, ...]:
    """The index term of one English word as written."""
    return (stem_en(word.lower()),)


def warm_up() -> None:
    """Load the dictionaries now (Stempel ~1 s, Morfeusz 0.1 s), e.g. before forking workers."""
    _stempel()
    _snowball_en()
    if polish_chain() == "morfeusz":
        _morfeusz()


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
    """Mark acronyms (all capitals, e.g. ONZ, OBWE, NATO) so no stemmer touches them.

    Also keeps the word as written (``t.cased``) for the lemmatizer, which
    reads case after the chain has lowercased the token.
    """

    def __call__(self, tokens):
        for t in tokens:
            text = t.cased = t.text
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


class TermsFilter(Filter):
    """Replace each word by its index terms, unless it is marked as a keyword.

    ``termsfn`` (a module-level function) maps the word as written to one or
    more terms; several terms (the lemmas of an ambiguous Polish form) are
    yielded at the same position, so phrases still line up.
    """

    is_morph = True

    def __init__(self, termsfn):
        self.termsfn = termsfn

    def __eq__(self, other):
        return type(self) is type(other) and self.termsfn is other.termsfn

    def __call__(self, tokens):
        termsfn = self.termsfn
        for t in tokens:
            if t.stopped or getattr(t, "keyword", False):
                yield t
                continue
            for term in termsfn(getattr(t, "cased", t.text)):
                t.text = term
                yield t


def _chain(stopwords, termsfn, *, folded: bool = False, possessive: bool = False):
    chain = RegexTokenizer(TOKEN_PATTERN) | ApostropheFilter() | HyphenPartsFilter()
    if possessive:
        chain = chain | PossessiveFilter()
    chain = chain | KeywordMarkFilter() | LowercaseFilter() | StopFilter(stoplist=stopwords, minsize=1)
    if folded:
        chain = chain | CharsetFilter(accent_map)
    if termsfn is not None:
        chain = chain | TermsFilter(termsfn)
    return chain


# Per language ("xx": every other language): its stopwords, terms function and chain options.
_LANGUAGES = {
    "pl": (polish_stopwords, terms_pl, {}),
    "en": (lambda: ENGLISH_STOPWORDS, terms_en, {"possessive": True}),
    "xx": (frozenset, None, {"folded": True}),
}


def build_analyzer(lang: str, stemmed: bool = True):
    """The analysis chain of ``lang`` ("pl", "en" or "xx"), with or without lemmas/stems."""
    stopwords, termsfn, options = _LANGUAGES[lang]
    return _chain(stopwords(), termsfn if stemmed else None, **options)


def terms_stempel(word: str) -> tuple[str, ...]:
    """The guarded Stempel stem alone (``PRASA_POLISH=stempel``, and the fallback of ``terms_pl``)."""
    return (stem_pl(word.lower()),)


def stempel_analyzer():
    """The Polish chain with Stempel for every word: what Lucene's ``polish`` analyzer does."""
    return _chain(polish_stopwords(), terms_stempel)


def polish_analyzer():
    """Tokenize, lowercase, Carrot2/Lucene stopwords, SGJP lemmas, else guarded Stempel."""
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


class Postings:
    """A field value analyzed ahead of time: each term's positions, encoded only when filed.

    Indexing workers analyze text in parallel; the segment writer then files
    the terms straight into its pool (``TermPool.add_postings``), encoding
    each term's positions as Whoosh's ``Positions`` format does.  Iterating
    gives Whoosh's ``(btext, freq, weight, value)`` rows, for any other
    writer (see ``PreanalyzedTEXT``).
    """

    __slots__ = ("terms", "length")

    def __init__(self, terms: dict[str, list[int]], length: int):
        self.terms, self.length = terms, length

    def __iter__(self):
        for term, positions in self.terms.items():
            yield term.encode("utf-8"), len(positions), float(len(positions)), encode_positions(positions)

    def __len__(self) -> int:
        return len(self.terms)

    def __eq__(self, other) -> bool:
        return isinstance(other, Postings) and self.terms == other.terms


def deltas(numbers) -> list[int]:
    """An ascending sequence as Whoosh stores it: the first number, then each one's step from the last."""
    return [numbers[0], *map(sub, numbers[1:], numbers)]


def encode_positions(positions: list[int]) -> bytes:
    """One posting's value in Whoosh's ``Positions`` format: the count, then the pickled deltas."""
    if len(positions) == 1:  # most terms occur once in an item
        return SINGLE_POSITION[positions[0]]
    return pack_uint(len(positions)) + pickle.dumps(deltas(positions), 2)


_TOKEN = re.compile(TOKEN_PATTERN)


@cache
def _fused(lang: str):
    """Stopwords, terms function and options of ``lang``'s chain, for the one-pass indexer."""
    stopwords, termsfn, options = _LANGUAGES[lang]
    return stopwords(), termsfn, options.get("possessive", False), options.get("folded", False)


def _token_plan(lang: str, token: str) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
    """What one token becomes: per part, its lowercase word (None if a stopword) and its terms.

    The index-time twin of ``build_analyzer(lang)``: the same parts of
    hyphenated words, possessives, acronym marks, lowercasing, stopwords,
    folding and lemmas/stems, decided once per distinct token (tokens repeat)
    instead of a generator and a Token object per filter per occurrence.
    ``tests/test_analysis.py`` checks it against the chain on real text.
    """
    stop, termsfn, possessive, folded = _fused(lang)
    token = token.translate(APOSTROPHES)
    plan = []
    for part in token.split("-"):
        if possessive:
            if part.endswith(("'s", "'S")):
                part = part[:-2]
            elif part.endswith("'"):
                part = part[:-1]
        word = part.lower()
        if not word or word in stop:
            plan.append((None, ()))
            continue
        if folded and not word.isascii():
            word = word.translate(accent_map)
        keyword = len(part) > 1 and part.isupper()
        plan.append((word, (word,) if termsfn is None or keyword else termsfn(part)))
    return tuple(plan)


token_plan = lru_cache(maxsize=300_000)(_token_plan)


def tokens_of(text: str) -> list[str]:
    """The tokens every analyzer cuts ``text`` into (``token_plan`` says what each becomes)."""
    return _TOKEN.findall(text)


def first_terms(text: str, lang: str) -> set[str]:
    """The first index term of each word of ``text`` that is no stopword (its first lemma or its
    stem): what the field analyzer's slots give, from the cached token plans, without a chain."""
    return {terms[0] for token in _TOKEN.findall(text) for word, terms in token_plan(lang, token)
            if word is not None and terms}


def _single_position(pos: int) -> bytes:
    return pack_uint(1) + pickle.dumps([pos], 2)


# position -> the encoded value of a term found once in a field, at that position
SINGLE_POSITION = Memo(_single_position, 100_000)


def _slot(lang: str, token: str) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """What ``token`` puts into a field once the field has a first word: the terms of each
    kept part, one position each (a stopword part takes none), and its surface words."""
    plan = _token_plan(lang, token)  # uncached: the slot is what is kept
    return (tuple(terms for word, terms in plan if word is not None),
            tuple(word for word, _ in plan if word is not None and word.isalpha()))


_SLOTS = {lang: Memo(partial(_slot, lang), 300_000) for lang in _LANGUAGES}
_WORDS = itemgetter(1)  # a slot's surface words


class _Positions:
    """Term -> positions of one field value, filled one text at a time (positions continue)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.slots = _SLOTS[lang]
        self.terms: defaultdict[str, list[int]] = defaultdict(list)
        self.tokens: set[str] = set()  # distinct tokens seen, for the surface words
        self.raw = -1  # the tokenizer's position (stopwords included), until the first kept word
        self.pos: int | None = None  # Whoosh's StopFilter: the first kept word keeps its position

    def add(self, text: str) -> list[str]:
        """Analyze one more text of the field; its tokens (for the fingerprint)."""
        tokens = _TOKEN.findall(text)
        self.tokens.update(tokens)
        terms, pos = self.terms, self.pos
        rest = tokens
        if pos is None:
            pos, taken = self._first_word(tokens)
            rest = tokens[taken:]
        # after the first kept word, positions run on by one per kept part (StopFilter renumbers)
        for kept in map(self.slots.__getitem__, rest):
            for part_terms in kept[0]:
                pos += 1
                for term in part_terms:
                    terms[term].append(pos)
        self.pos = pos
        return tokens

    def _first_word(self, tokens: list[str]) -> tuple[int | None, int]:
        """Stopwords up to and including the token of the field's first kept word: its position
        (the tokenizer's, stopwords counted) and how many tokens that took."""
        raw, pos, terms = self.raw, None, self.terms
        for taken, token in enumerate(tokens, start=1):
            for word, token_terms in token_plan(self.lang, token):
                raw += 1
                if word is None:
                    continue
                pos = raw if pos is None else pos + 1
                for term in token_terms:
                    terms[term].append(pos)
            if pos is not None:
                return pos, taken
        self.raw = raw
        return None, len(tokens)

    def postings(self) -> Postings:
        """The field so far (a copy: the title's postings stay as they are when the body is added)."""
        return Postings({term: positions[:] for term, positions in self.terms.items()},
                        sum(map(len, self.terms.values())))

    def finish(self) -> Postings:
        """The whole field (no copy: nothing is added afterwards)."""
        return Postings(self.terms, sum(map(len, self.terms.values())))

    def surface_words(self) -> set[str]:
        return set().union(*map(_WORDS, map(self.slots.__getitem__, self.tokens)))


def encode_terms(text: str, lang: str) -> str:
    """The text's index terms as the cluster's ``prasa_terms`` analyzer reads them.

    One whitespace-separated slot per position: the word as indexed (lowercase),
    then its terms, joined by ``|`` (``ludźmi|człowiek``, ``stany|stan|stany``).
    A ``pattern_capture`` filter emits the terms at the slot's position, so the
    cluster indexes exactly prasa's terms and positions; the folded sub-field
    keeps the words (diacritic-free typing, prefixes, suggestions).
    """
    return " ".join("|".join((word, *terms)) for token in _TOKEN.findall(text)
                    for word, terms in token_plan(lang, token) if word is not None)


def preanalyze(text: str, lang: str, fieldformat=None, words: set | None = None) -> Postings:
    """Analyze ``text`` once with the language's chain; collect its surface words in ``words``.

    Produces exactly what the field's analyzer would (same filters, then the
    same lemmas or stems), in the encoded form Whoosh's writer expects.
    """
    field = _Positions(lang)
    field.add(text)
    if words is not None:
        words |= field.surface_words()
    return field.finish()


def preanalyze_item(title: str, body: str, lang: str, fieldformat=None, words: set | None = None,
                    tokens: list | None = None) -> tuple[Postings, Postings]:
    """The title field and the body field (title, newline, body) of one item, the title analyzed once.

    No token spans the newline, so the title's postings are the body field's
    after its first text, at the same positions.  The body's tokens go into
    ``tokens`` (the near-duplicate fingerprint is made of them).
    """
    field = _Positions(lang)
    field.add(title)
    head = field.postings()
    body_tokens = field.add(body)
    if tokens is not None:
        tokens += body_tokens
    if words is not None:
        words |= field.surface_words()
    return head, field.finish()


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
