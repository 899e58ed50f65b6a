"""Query understanding: one query string searched in both languages.

- Unfielded words search every language's fields (Polish ones through the
  Polish analyzer, English ones through the English analyzer), titles boosted
  over bodies, exact-diacritics fields over folded ones.
- A word that is a stopword in either language is dropped before the query is
  built; otherwise a Polish "i" would be required in English fields and make
  Polish items unreachable.
- Field filters have English and Polish names (``org:``/``organizacja:``, …);
  ``org:`` values and free-text organization names or acronyms resolve to
  registry ids, so ``OBWE`` also finds items tagged OSCE.
- Bad syntax never raises: the query is re-run as plain words with a notice.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from indexer import Registry
from indexer.analysis import ENGLISH_STOPWORDS, plain_analyzer, polish_stopwords
from whoosh import query as wq
from whoosh.fields import TEXT, Schema
from whoosh.qparser import (
    FieldAliasPlugin,
    FieldsPlugin,
    FuzzyTermPlugin,
    GroupNode,
    MultifieldPlugin,
    OrGroup,
    PlusMinusPlugin,
    QueryParser,
    WildcardPlugin,
)
from whoosh.qparser import syntax

FIELD_BOOSTS = {
    "title_pl": 3.0, "body_pl": 1.5, "title_plf": 1.2, "body_plf": 0.6,
    "title_en": 3.0, "body_en": 1.5, "title_enf": 1.2, "body_enf": 0.6,
    "title_xx": 2.0, "body_xx": 1.0,
}
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
MAX_EXPANSIONS = 200  # terms a prefix*, wild?card or fuzzy~ may expand to
MIN_PREFIX = 2
# unstemmed word forms to expand prefixes and fuzzy terms against, by field suffix
SPELLING_SOURCES = {"pl": "spell_body_pl", "plf": "spell_body_pl",
                    "en": "spell_body_en", "enf": "spell_body_en"}
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


class _BilingualPlugin(MultifieldPlugin):
    """Multifield expansion that drops stopwords and expands ``title:``."""

    def __init__(self):
        super().__init__(list(FIELD_BOOSTS), FIELD_BOOSTS, group=OrGroup)
        self.stop = polish_stopwords() | ENGLISH_STOPWORDS

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


class _Parser(QueryParser):
    """Leaves prefix, wildcard and fuzzy texts unanalyzed.

    Whoosh would stem them ("handl*" -> "handlić*"); ``limit_expansions``
    expands the typed text against unstemmed word forms instead.
    """

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        if issubclass(termclass, wq.MultiTerm) and fieldname in FIELD_BOOSTS:
            return termclass(fieldname, text.lower(), boost=boost)
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


def make_parser(schema: Schema) -> QueryParser:
    """A parser over the index schema plus a virtual ``title`` field."""
    parse_schema = copy.deepcopy(schema)
    parse_schema.add("title", TEXT(analyzer=plain_analyzer()))
    parser = _Parser(None, parse_schema)
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


def _rewrite_organizations(text: str, registry: Registry) -> tuple[str, list[str]]:
    """Wrap free-text organization mentions: ``OBWE`` -> ``(orgs:osce^2 OR (OBWE))``."""
    pieces, found, last = [], [], 0
    for m in _PROTECTED.finditer(text + " "):
        pieces.append((text[last : m.start()], True))
        pieces.append((m.group(), False))
        last = m.end()
    pieces.append((text[last:], True))
    out = []
    stop = polish_stopwords() | ENGLISH_STOPWORDS
    for piece, free in pieces:
        if not free:
            out.append(piece)
            continue
        pos = 0
        for mention in registry.find(piece, any_case=True):
            if mention.text.lower() in stop:
                continue
            out.append(piece[pos : mention.start])
            out.append(f"(orgs:{mention.org}^{ORG_BOOST} OR ({mention.text}))")
            found.append(mention.org)
            pos = mention.end
        out.append(piece[pos:])
    return "".join(out), list(dict.fromkeys(found))


def _free_words(text: str, registry: Registry) -> list[str]:
    """Plain words of the query (no field filters, no organization names), for suggestions."""
    free = _PROTECTED.sub(" ", text)
    free = " ".join(w for w in free.split() if not re.search(r"[*?~]", w))
    for mention in registry.find(free, any_case=True):
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


def parse_query(text: str, parser: QueryParser, registry: Registry) -> ParsedQuery:
    """Parse a user's query; never raises for bad syntax (falls back to plain words)."""
    text = _CONTROL.sub(" ", text or "").strip()
    if not text:
        return ParsedQuery(wq.Every(), text="")
    notice = None
    problem = syntax_problem(text)
    if problem:
        notice = f"The query has {problem}; searched for its words instead."
        text = plain_words(text)
    rewritten, orgs = _rewrite_organizations(text, registry)
    try:
        q = parser.parse(rewritten)
    except Exception:  # Whoosh's parser has corner cases; the user still gets results
        notice = "The query could not be parsed; searched for its words instead."
        rewritten, orgs = _rewrite_organizations(plain_words(text), registry)
        q = parser.parse(rewritten)
    if q is wq.NullQuery and re.search(r"(?:^|\s)(?:-|NOT\s)", rewritten):
        q = parser.parse(f"* {rewritten}")  # only exclusions: everything except those
    q = _normalize_terms(q, registry)
    words = _free_words(text, registry)
    if q is wq.NullQuery:
        notice = notice or "The query has only very common words; nothing to search for."
    return ParsedQuery(q, notice, words, orgs, text)


def limit_expansions(q: wq.Query, reader, schema) -> tuple[wq.Query, str | None]:
    """Replace prefix/wildcard/fuzzy terms by at most MAX_EXPANSIONS real terms.

    Stemmed fields hold stems ("handel" for "handlem"), so ``handl*`` is
    expanded against the unstemmed word forms of the spelling fields and each
    form is then stemmed into the field.  A lone ``*`` or a one-letter prefix
    is refused: it would make every search walk the whole vocabulary.
    """
    notes: list[str] = []

    def cap(node):
        if not isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            return node
        stem = node.text.split("*")[0].split("?")[0]
        if isinstance(node, (wq.Prefix, wq.Wildcard)) and len(stem) < MIN_PREFIX:
            notes.append(f"'{node.text}' is too short for a wildcard; ignored.")
            return wq.NullQuery
        probe = copy.copy(node)
        probe.text = node.text.lower()
        source = SPELLING_SOURCES.get(node.fieldname.rsplit("_", 1)[-1])
        if source:
            probe.fieldname = source
        words = []
        for _fieldname, btext in probe.expanded_terms(reader):
            words.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            if len(words) > MAX_EXPANSIONS:
                notes.append(f"'{node.text}' matches too many words; used the first {MAX_EXPANSIONS}.")
                words = words[:MAX_EXPANSIONS]
                break
        if source:
            analyzer = schema[node.fieldname].analyzer
            words = {t.text for w in words for t in analyzer(w) if not t.stopped}
        terms = [wq.Term(node.fieldname, w, boost=node.boost) for w in sorted(words)]
        return wq.Or(terms, boost=node.boost) if terms else wq.NullQuery

    q = q.accept(cap)
    return q, (notes[0] if notes else None)
