"""Query understanding: one query string searched in both languages.

- Unfielded words search every language's fields (Polish ones through the
  Polish analyzer, English ones through the English analyzer), titles boosted
  over bodies.
- Diacritics are optional: a word also searches its other written forms from
  the generation's lexicon ("ludzmi" also as "ludźmi"), at a lower boost, so
  exact forms rank first.
- Each language's fields drop that language's stopwords only: "II" in "World
  War II" (a Polish stopword) is still searched in English text, "ten" and
  "one" too.  A word common in both languages is dropped altogether.  The
  default matching strategy (``matching.py``) keeps an item that misses a
  word in its language's fields in the result, below the items with every
  word.
- Field filters have English and Polish names (``org:``/``organizacja:``, …);
  ``org:`` values resolve to registry ids, and an organization's name or
  acronym in free text is one parser node (``_OrganizationPlugin``, a Whoosh
  tagger) searching its id OR its words, so ``OBWE`` also finds items tagged
  OSCE.
- Bad syntax never raises: the query is re-run as plain words with a notice.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as wq
from whoosh.fields import TEXT, Schema
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    FieldsPlugin,
    FuzzyTermPlugin,
    GroupNode,
    MultifieldPlugin,
    OrGroup,
    Plugin,
    PlusMinusPlugin,
    QueryParser,
    WildcardPlugin,
    syntax,
)
from whoosh.qparser.taggers import Tagger
from whoosh.util.times import long_to_datetime

from indexer import Registry
from indexer import registry as default_registry
from indexer.analysis import ENGLISH_STOPWORDS, dictionary_lemmas, plain_analyzer, polish_stopwords
from indexer.extract import Mention

from .bilingual import dictionary, query_stopwords
from .lexicon import Lexicon
from .translations import Evidence, Weighted, unweighted, weigh

FIELD_BOOSTS = {
    "title_pl": 0.25, "body_pl": 1.0,
    "title_en": 0.25, "body_en": 1.0,
    "title_xx": 0.25, "body_xx": 1.0,
}
FIELD_LANG = {name: name.rsplit("_", 1)[1] for name in FIELD_BOOSTS}
LANG_CODES = {"pl": "pl", "en": "en"}  # field suffix -> the ``lang`` value of its items
POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
VARIANT_BOOST = 0.5  # other diacritic forms of a query word
TITLE_FIELDS = [f for f in FIELD_BOOSTS if f.startswith("title_")]
FIELD_ALIASES = {
    "orgs": ["org", "organization", "organisation", "organizacja", "organizacje"],
    "lang": ["language", "język", "jezyk"],
    "source": ["źródło", "zrodlo", "agency", "agencja"],
    "place": ["miejsce", "miasto", "city"],
    "date": ["data"],
    "title": ["tytuł", "tytul"],
}
ORG_BOOST = 2.0
TRANSLATION_BOOST = 0.5  # a word's translation against the word itself
# each parse's translations by target language and query word (``bilingual.py``); a context
# variable, as one parser serves many threads
# the stopwords of the query's own language, when its words tell it (``query_language``)
QUERY_STOPS: ContextVar[frozenset[str] | None] = ContextVar("query_stops", default=None)
TRANSLATIONS: ContextVar[dict[str, Weighted] | None] = ContextVar("translations", default=None)
MAX_EXPANSIONS = 200  # terms a prefix*, wild?card or fuzzy~ may expand to
# and all of a query's patterns together, over every field they are searched in (a pattern is
# searched in up to six title/body fields): a thousand-character query of 140 two-letter prefixes
# expanded to 14,500 terms (1.5 s) on a 2,600-item index; with this cap 1,800 terms (0.4 s)
MAX_QUERY_EXPANSIONS = 3_000
MIN_PREFIX = 2
_LANG_VALUES = {"pl": "pl", "polish": "pl", "polski": "pl", "en": "en", "english": "en",
                "angielski": "en", "other": "other", "inne": "other", "inny": "other"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SYNTAX_CHARS = re.compile(r"[\"“”„()\[\]{}^~*?:+\\!<>=]|(?<!\w)-|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b")
_PROTECTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\{[^}]*\}|[^\s:()]+:(?:"[^"]*"|\([^)]*\)|\S+)')


@dataclass
class ParsedQuery:
    """The Whoosh query, what the user should be told, and what suggestions need."""

    query: wq.Query
    notice: str | None = None
    words: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    text: str = ""
    date_from: dt.date | None = None  # from top-level date: clauses, applied as array filters
    date_to: dt.date | None = None
    translations: Weighted = field(default_factory=dict)  # what each word was also searched as, and how much
    translated_into: tuple[str, ...] = ()  # the language most words were translated into, if one


class _BilingualPlugin(MultifieldPlugin):
    """Multifield expansion that drops words common in both languages and expands ``title:``."""

    def __init__(self):
        super().__init__(list(FIELD_BOOSTS), FIELD_BOOSTS, group=OrGroup)
        # a word common in both languages goes; one common in a single language ("II", "ten",
        # "one" in Polish) is dropped by that language's analyzer only, and searched in the others
        self.stop = polish_stopwords() & ENGLISH_STOPWORDS

    def do_multifield(self, parser, group):
        out = group.empty_copy()
        for node in group:
            if isinstance(node, GroupNode):
                out.append(self.do_multifield(parser, node))
            elif isinstance(node, syntax.WordNode) and node.fieldname is None \
                    and node.text.lower() in self.stop:
                continue
            elif node.has_fieldname and node.fieldname == "title":
                out.append(self._expand(node, TITLE_FIELDS))
            elif node.has_fieldname and node.fieldname is None:
                out.append(self._expand(node, self.fieldnames))
            else:
                out.append(node)
        return out

    def _expand(self, node, fieldnames):
        copies = []
        for name in fieldnames:
            twin = copy.copy(node)
            twin.set_fieldname(name, override=True)
            twin.set_boost(self.boosts.get(name, 1.0) * (node.boost or 1.0))
            copies.append(twin)
        return self.group(copies)


class OrgMention(wq.Term):
    """An organization named in a query's free text: the ``orgs`` term it resolves to."""


class _OrganizationTagger(Tagger):
    """Tags an organization's name or acronym ("OBWE", "Narodów Zjednoczonych") as one node.

    The node searches the registry id in ``orgs`` (boosted) OR the words as
    typed, so ``OBWE`` finds items tagged OSCE in either language and items
    that merely say "OBWE".  A value after ``field:`` is that field's (``org:``
    resolves it itself); phrases and ranges are consumed by their own taggers
    first.  The registry matcher runs once per distinct query text.
    """

    def __init__(self, mentions):
        self.mentions = mentions

    def match(self, parser, text, pos):
        if pos and text[pos - 1] == ":":
            return None
        mention = self.mentions(text).get(pos)
        if mention is None:
            return None
        words = [syntax.WordNode(w) for w in mention.text.split()]
        org = syntax.WordNode(mention.org)
        org.set_fieldname("orgs")
        org.set_boost(ORG_BOOST)
        org.qclass = OrgMention  # so the parsed query says which organizations the text named
        node = OrGroup([org, parser.group(words)])
        return node.set_range(mention.start, mention.end)


class _OrganizationPlugin(Plugin):
    def __init__(self, registry: Registry):
        self.registry = registry
        self.mentions = lru_cache(maxsize=512)(self._find)  # one matcher run per distinct text
        self.tagger = _OrganizationTagger(self.mentions)

    def _find(self, text: str) -> dict[int, Mention]:
        """Organization mentions of a query text by start position (stopwords are no mention)."""
        stop = query_stopwords()
        return {m.start: m for m in self.registry.find(text, any_case=True) if m.text.lower() not in stop}

    def taggers(self, parser):
        return [(self.tagger, 2)]  # after phrases, ranges and field names; before words


class _Parser(QueryParser):
    """Analyzes words with their lemmas at one position; adds diacritic variants and name forms.

    A Polish form with several dictionary lemmas (``Stany`` -> stan, stany, …)
    becomes one ``DisjunctionMax`` slot, scored as its best lemma rather than
    their sum.  Prefix, wildcard and fuzzy texts stay unanalyzed: Whoosh would
    stem a prefix ("handl*" -> "handlić*"); ``limit_expansions`` expands the
    typed text against the lexicon's words instead.
    """

    lexicon: Lexicon | None = None

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        lang = FIELD_LANG.get(fieldname)
        if lang and issubclass(termclass, wq.MultiTerm):
            return termclass(fieldname, text.lower(), boost=boost)
        if lang is None or not tokenize:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        q = self._analyzed(fieldname, text, termclass, boost)
        if text.lower() in (QUERY_STOPS.get() or ()):
            q = None  # a stopword of the query's language is one in every field ("for" in "for the first time")
        if q is None and lang in LANG_CODES and self.group is AndGroup:
            # a stopword of this field's language: the items of that language have it, unscored
            # ("w" in "handel w Wiedniu" asks nothing of Polish items, "II" still of English ones)
            return wq.Term("lang", LANG_CODES[lang], boost=0.0)
        if q is None or lang == "xx":
            return q
        extra = self._variants(fieldname, text, termclass, boost, q) if self.lexicon is not None else []
        extra += self._translations(fieldname, text, termclass, boost)
        return wq.Or([q, *extra]) if extra else q

    def _variants(self, fieldname, text, termclass, boost, q) -> list[wq.Query]:
        """Accented forms of a diacritic-free word, other written forms and a name's case forms."""
        lang = FIELD_LANG[fieldname]
        extra = [termclass(fieldname, term, boost=boost * VARIANT_BOOST)
                 for _field, term in q.iter_all_terms() for term in self.lexicon.accented_terms(lang, term)]
        forms = [(form, VARIANT_BOOST) for form in self.lexicon.variants(lang, text.lower())]
        if lang == "pl":
            forms += [(form, 1.0) for form in self.lexicon.name_forms(text)]
        for form, weight in forms:
            alt = self._analyzed(fieldname, form, termclass, boost * weight)
            if alt is not None and alt.all_terms() != q.all_terms():
                extra.append(alt)
        return extra

    def _translations(self, fieldname, text, termclass, boost) -> list[wq.Query]:
        """The word's translations into this field's language, one group scored as its best.

        Pirkola's structured query: all translations of a word are one
        ``DisjunctionMax`` (a word with many senses is not counted many
        times), at ``TRANSLATION_BOOST`` of a native match.
        """
        found = (TRANSLATIONS.get() or {}).get(FIELD_LANG[fieldname], {}).get(text)
        alts = []
        lang = FIELD_LANG[fieldname]
        for translation, chosen in found or ():
            slots = self._slots(fieldname, translation)
            weight = boost * TRANSLATION_BOOST * chosen
            if not slots and lang in LANG_CODES:  # a stopword there ("first" -> pierwszy): asks nothing
                alts.append(wq.Term("lang", LANG_CODES[lang], boost=0.0))
            elif len(slots) == 1:
                alts.append(termclass(fieldname, slots[0][0], boost=weight))
            elif slots:
                alts.append(wq.Phrase(fieldname, [terms[0] for terms in slots], boost=weight))
        return [wq.DisjunctionMax(alts)] if alts else []

    def _slots(self, fieldname, text) -> list[list[str]]:
        return analyzed_slots(self.schema, fieldname, text)

    def _analyzed(self, fieldname, text, termclass, boost):
        """The word's terms, one slot per position (several lemmas of one word share a slot)."""
        parts = [termclass(fieldname, terms[0], boost=boost) if len(terms) == 1 else
                 wq.DisjunctionMax([termclass(fieldname, term, boost=boost) for term in terms])
                 for terms in self._slots(fieldname, text)]
        if len(parts) <= 1:
            return parts[0] if parts else None
        return self.group.qclass(parts)  # a hyphenated word, as Whoosh's default (boost on the terms)


def analyzed_slots(schema: Schema, fieldname: str, text: str) -> list[list[str]]:
    """A text's terms in a field, one list per position (a word's several lemmas share one)."""
    slots: dict[int, list[str]] = {}
    for t in schema[fieldname].analyzer(text, positions=True, mode="query"):
        if not t.stopped and t.text not in slots.setdefault(t.pos, []):
            slots[t.pos].append(t.text)
    return [terms for terms in slots.values() if terms]


def make_parser(schema: Schema, lexicon: Lexicon | None = None, match: str = "all",
                registry: Registry | None = None) -> QueryParser:
    """A parser over the index schema plus a virtual ``title`` field.

    ``match="any"`` joins words with OR; ``"all"`` and ``"most"`` with AND
    (``matching.py`` relaxes the AND for "most").
    """
    parse_schema = copy.deepcopy(schema)
    parse_schema.add("title", TEXT(analyzer=plain_analyzer()))
    parser = _Parser(None, parse_schema, group=OrGroup if match == "any" else AndGroup)
    parser.lexicon = lexicon
    parser.remove_plugin_class(FieldsPlugin)
    parser.remove_plugin_class(WildcardPlugin)
    parser.add_plugin(FieldsPlugin(remove_unknown=True))
    parser.add_plugin(WildcardPlugin())
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    # "-" negates only at the start of a word, so "inter-agency" stays one word
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?:^|(?<=\s))\+(?=\S)",
                                      minusexpr=r"(?:^|(?<=[\s(]))-(?=\S)"))
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(_BilingualPlugin())
    organizations = _OrganizationPlugin(registry or default_registry())
    parser.add_plugin(organizations)
    parser.mentions = organizations.mentions
    return parser


def syntax_problem(text: str) -> str | None:
    """A short description of unbalanced syntax, or None."""
    if text.count('"') % 2:
        return "an unclosed quote"
    for open_, close in ("()", "[]", "{}"):
        depth = 0
        for ch in text:
            depth += (ch == open_) - (ch == close)
            if depth < 0:
                return f"an unmatched '{close}'"
        if depth:
            return f"an unclosed '{open_}'"
    return None


def plain_words(text: str) -> str:
    """The query with every operator and syntax character removed."""
    return " ".join(_SYNTAX_CHARS.sub(" ", text).split())


def _free_words(text: str, parser: QueryParser) -> list[str]:
    """Plain words of the query (no field filters, no organization names), for suggestions."""
    free = _PROTECTED.sub(" ", text)
    free = " ".join(w for w in free.split() if not re.search(r"[*?~]", w) and w[:1] != "-")
    for mention in parser.mentions(text).values():  # the parse's own look-up, cached
        free = free.replace(mention.text, " ")
    return [w for w in re.findall(r"\w+", plain_words(free)) if not w.isdigit()]


def _normalize_terms(q: wq.Query, registry: Registry) -> wq.Query:
    """Resolve ``org:`` values to registry ids and ``lang:`` names to codes."""

    def fix(node):
        if isinstance(node, wq.Term) and node.fieldname == "orgs":
            node = copy.copy(node)
            node.text = registry.resolve(node.text) or node.text
        elif isinstance(node, wq.Phrase) and node.fieldname == "orgs":
            org = registry.resolve(" ".join(node.words)) or " ".join(node.words)
            node = wq.Term("orgs", org, boost=node.boost)
        elif isinstance(node, wq.Term) and node.fieldname == "lang":
            node = wq.Term("lang", _LANG_VALUES.get(node.text.lower(), node.text), boost=node.boost)
        return node

    return q.accept(fix)


def _phrase_variants(q: wq.Query, text: str, parser: QueryParser) -> wq.Query:
    """Phrases over words with several lemmas, or typed without diacritics, as sequences of slots.

    Whoosh flattens a phrase's analyzed tokens into one word list, so a word
    with two lemmas would need both in a row; here each word is one slot that
    any of its lemmas (and of its other diacritic forms) fills.
    """
    lexicon = getattr(parser, "lexicon", None)

    def fix(node):
        lang = FIELD_LANG.get(getattr(node, "fieldname", None) or "")
        if not isinstance(node, wq.Phrase) or lang is None or not node.char_ranges:
            return node
        analyzer = parser.schema[node.fieldname].analyzer
        slots: dict[tuple, list[str]] = {}
        for word, span in zip(node.words, node.char_ranges, strict=False):
            slots.setdefault(span, []).append(word)
        shared = any(len(words) > 1 for words in slots.values())
        variants = False
        for (start, end), words in slots.items():
            if lexicon is None or lang not in ("pl", "en") or start is None:
                continue
            forms = {t.text for v in lexicon.variants(lang, text[start:end].lower())
                     for t in analyzer(v)} - set(words)
            variants = variants or bool(forms)
            words.extend(sorted(forms))
        if not shared and not variants:
            return node
        sequence = wq.Sequence([wq.Or([wq.Term(node.fieldname, w) for w in words])
                                for words in slots.values()], slop=node.slop, boost=node.boost)
        if shared:
            return sequence
        sequence.boost *= VARIANT_BOOST
        return wq.Or([node, sequence])

    return q.accept(fix)


_YEAR = re.compile(r"(?:19|20)\d\d")


def _years_as_dates(q: wq.Query) -> wq.Query:
    """A bare year (``ONZ 2024``) also matches the items dated that year, not only its written form.

    Press items rarely print their own year; a year typed beside other words
    is almost always meant as a date.
    """

    def fix(node):
        if not isinstance(node, wq.Or) or not node.subqueries:
            return node
        leaves = node.subqueries
        texts = {getattr(leaf, "text", None) for leaf in leaves}
        if len(texts) != 1 or not all(isinstance(leaf, wq.Term) and FIELD_LANG.get(leaf.fieldname)
                                      for leaf in leaves):
            return node
        text = texts.pop()
        if not isinstance(text, str) or not _YEAR.fullmatch(text):
            return node
        year = int(text)
        dated = wq.DateRange("date", dt.datetime(year, 1, 1), dt.datetime(year, 12, 31, 23, 59, 59))
        return wq.Or([*leaves, dated], boost=node.boost)

    return q.accept(fix)


def _day(value: int | None) -> dt.date | None:
    return long_to_datetime(value).date() if value is not None else None


def pull_date_range(q: wq.Query) -> tuple[wq.Query, dt.date | None, dt.date | None]:
    """Take top-level ``date:`` ranges out of the query; they become array filters.

    Whoosh runs a date range as a union over many numeric terms (100+ ms at
    100k items); the facet arrays filter the same dates in well under 1 ms.
    """
    parts = list(q.subqueries) if isinstance(q, wq.And) else [q]
    ranges = [p for p in parts if isinstance(p, wq.NumericRange) and p.fieldname == "date"]
    if not ranges:
        return q, None, None
    starts = [_day(r.start) for r in ranges if r.start is not None]
    ends = [_day(r.end) for r in ranges if r.end is not None]
    rest = [p for p in parts if not any(p is r for r in ranges)]
    q = wq.And(rest) if len(rest) > 1 else (rest[0] if rest else wq.Every())
    return q, max(starts, default=None), min(ends, default=None)


def parse_query(text: str, parser: QueryParser, registry: Registry, translate: bool = False,
                evidence: Evidence | None = None) -> ParsedQuery:
    """Parse a user's query; never raises for bad syntax (falls back to plain words).

    ``translate``: each word also searches its dictionary translations in the
    other language's fields (``bilingual.py``), those the archive's
    ``evidence`` favours (``translations.py``), listed in ``translations``.
    """
    text = _CONTROL.sub(" ", text or "").strip()
    if not text:
        return ParsedQuery(wq.Every(), text="")
    notice = None
    problem = syntax_problem(text)
    if problem:
        notice = f"The query has {problem}; searched for its words instead."
        text = plain_words(text)
    words = _free_words(text, parser)
    forms = polish_forms(words, parser.lexicon)
    language = query_language(words, forms)
    found = translations_of(words, forms, language) if translate else {}
    translations = weigh(found, evidence) if evidence is not None else unweighted(found)
    token, stops = TRANSLATIONS.set(translations), QUERY_STOPS.set(query_language_stops(words, language))
    try:
        q, parsed_text, notice = _parse(text, parser, notice)
    finally:
        TRANSLATIONS.reset(token)
        QUERY_STOPS.reset(stops)
    if parsed_text != text:  # searched as plain words after all
        text, words = parsed_text, _free_words(parsed_text, parser)
    parsed = text
    if q is wq.NullQuery and re.search(r"(?:^|\s)(?:-|NOT\s)", text):
        parsed = f"* {text}"
        q = parser.parse(parsed)  # only exclusions: everything except those
    orgs = list(dict.fromkeys(t.text for t in q.leaves() if isinstance(t, OrgMention)))
    q = _years_as_dates(_phrase_variants(_normalize_terms(q, registry), parsed, parser))
    if q is wq.NullQuery:
        notice = notice or "The query has only very common words; nothing to search for."
    q, date_from, date_to = pull_date_range(q)
    shown: Weighted = {}  # both directions' translations of a word ("Germany": niemcy for Polish items)
    for by_word in translations.values():
        for word, chosen in by_word.items():
            shown[word] = sorted(shown.get(word, []) + chosen, key=lambda pair: -pair[1])
    # the language most of the words were translated into: the other language's items (feedback
    # words are read there, never from the query's own language's items)
    counts = sorted(((len(by_word), lang) for lang, by_word in translations.items() if by_word), reverse=True)
    into = (counts[0][1],) if counts and (len(counts) == 1 or counts[0][0] > counts[1][0]) else ()
    return ParsedQuery(q, notice, words, orgs, text, date_from, date_to, shown, into)


def _parse(text: str, parser: QueryParser, notice: str | None) -> tuple[wq.Query, str, str | None]:
    try:
        return parser.parse(text), text, notice
    except Exception:  # Whoosh's parser has corner cases; the user still gets results
        text = plain_words(text)
        return parser.parse(text), text, "The query could not be parsed; searched for its words instead."


def query_language(words: list[str], forms: dict[str, str | None]) -> str | None:
    """The language the query is written in, when its words tell: else None (each word decides).

    English when it has stopwords only English has ("the", "of") or when most of
    its words are no Polish word Morfeusz knows; Polish when it has stopwords only
    Polish has ("w", "się") and every other word is Polish.  "World War II"
    is no Polish query for its "II" (a Polish stopword): World and War are not Polish.
    ``forms``: each word's Polish form (``polish_forms``).
    """
    polish, english = polish_stopwords(), ENGLISH_STOPWORDS
    lower = [w.lower() for w in words]
    content = [w for w in words if w.lower() not in query_stopwords()]
    known = [w for w in content if forms.get(w)]
    if set(lower) & (english - polish) or (content and len(known) * 2 < len(content)):
        return "en"
    if set(lower) & (polish - english) and len(known) == len(content):
        return "pl"
    return None


def query_language_stops(words: list[str], language: str | None) -> frozenset[str]:
    """The stopwords of the query's language: stopwords in every field.

    "for" in "for the first time" is no Polish word to ask of Polish items, nor
    "w" in "handel w Wiedniu" an English one.  Without a language each field
    keeps its own stopwords.
    """
    stop = {"en": ENGLISH_STOPWORDS, "pl": polish_stopwords()}.get(language or "", frozenset())
    lower = {w.lower() for w in words}
    return frozenset(lower & stop) if lower - stop else frozenset()


def translations_of(words: list[str], forms: dict[str, str | None],
                    language: str | None = None) -> dict[str, dict[str, list[str]]]:
    """Each word's translations, by target language.

    In an English query every word is English; otherwise a word the Polish
    dictionary knows is Polish (a word typed without its Polish letters,
    ``Bialorus``, is Polish when the archive writes it with them), and any other
    word English.  In a query of no clear language a word Polish cannot
    translate is also tried as English when typed in lowercase ("first" is a
    Polish name to Morfeusz; "Trump" stays a name, not a trump card).
    """
    found = dictionary()
    if found is None or not words:
        return {}
    forms = {w: None if language == "en" else forms.get(w) for w in words}
    polish = [w for w in words if forms[w]]
    by_form = found.translate("pl", [forms[w] for w in polish])
    to_english = {w: by_form[forms[w]] for w in polish if forms[w] in by_form}
    english = [w for w in words if not forms[w] or (w not in to_english and w.islower())]
    return {"en": to_english, "pl": found.translate("en", english)}


def polish_forms(words: list[str], lexicon: Lexicon | None) -> dict[str, str | None]:
    """Each word's Polish form: itself when Morfeusz knows it (and the archive does not write it
    mostly in English items: "Germany", "gas"), else the archive's accented form of it that
    Morfeusz knows (``Bialorus`` -> Białoruś), else None."""
    return {w: _polish_form(w, lexicon) for w in words}


def _polish_form(word: str, lexicon: Lexicon | None) -> str | None:
    if dictionary_lemmas(word):
        return None if lexicon is not None and lexicon.english_rather(word) else word
    if lexicon is None:
        return None
    lower = word.lower()  # written forms, then index terms (lemmas) that differ only in diacritics
    for form in [*lexicon.variants("pl", lower), *lexicon.accented_terms("pl", lower)]:
        if dictionary_lemmas(form):
            return form
    return None


def limit_expansions(q: wq.Query, reader, schema, lexicon: Lexicon | None) -> tuple[wq.Query, str | None]:
    """Replace prefix/wildcard/fuzzy terms by at most MAX_EXPANSIONS real terms.

    Polish and English fields hold stems ("handel" for "handlem"), so ``handl*``
    is expanded against the lexicon's written words and each word is then
    analyzed into the field.  A lone ``*`` or a one-letter prefix is refused:
    it would make every search walk the whole vocabulary.
    """
    notes: list[str] = []
    budget = [MAX_QUERY_EXPANSIONS]

    def words_for(node) -> list[str]:
        lang = FIELD_LANG.get(node.fieldname)
        if lexicon is not None and lang in ("pl", "en"):
            if isinstance(node, wq.FuzzyTerm):
                return lexicon.similar(lang, node.text, node.maxdist, MAX_EXPANSIONS)
            pattern = node.text + ("*" if isinstance(node, wq.Prefix) else "")
            return lexicon.expand(lang, pattern, MAX_EXPANSIONS)
        words = []
        for _fieldname, btext in node.expanded_terms(reader):
            words.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            if len(words) > MAX_EXPANSIONS:
                break
        return words

    def cap(node):
        if not isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            return node
        stem = node.text.split("*")[0].split("?")[0]
        if isinstance(node, (wq.Prefix, wq.Wildcard)) and len(stem) < MIN_PREFIX:
            notes.append(f"'{node.text}' is too short for a wildcard; ignored.")
            return wq.NullQuery
        words = words_for(node) if budget[0] > 0 else []
        if len(words) > MAX_EXPANSIONS:
            notes.append(f"'{node.text}' matches too many words; used the {MAX_EXPANSIONS} most frequent.")
            words = words[:MAX_EXPANSIONS]
        if budget[0] <= 0 or len(words) > budget[0]:
            notes.append(f"the query's wildcards match too many words; used the first {MAX_QUERY_EXPANSIONS}.")
            words = words[:max(budget[0], 0)]
        budget[0] -= len(words) or 1  # a pattern that matches nothing still counts
        if FIELD_LANG.get(node.fieldname) in ("pl", "en"):
            analyzer = schema[node.fieldname].analyzer
            words = {t.text for w in words for t in analyzer(w) if not t.stopped}
        terms = [wq.Term(node.fieldname, w, boost=node.boost) for w in sorted(words)]
        return wq.Or(terms, boost=node.boost) if terms else wq.NullQuery

    q = q.accept(cap)
    return q, (notes[0] if notes else None)
