"""The search service: opens the index read-only, follows reindexes, answers searches.

One ``SearchService`` per process.  Whoosh searchers are not shared between
threads, so each thread keeps its own; the facet arrays are shared (read-only)
and rebuilt once per index generation.  A finished reindex (a new generation
folder or a new Whoosh commit) is picked up on the next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from indexer import (
    IndexMissing,
    Registry,
    Vocabulary,
    default_index_dir,
    item_from_stored,
    open_index,
    read_last_reindex,
    registry,
)
from indexer.analysis import analyzer_for
from indexer.fields import field_lang
from indexer.whoosh import current_generation

from ..columns import Columns, date_range_mask
from ..export import Export
from ..facets import count_facets, passing
from ..highlight import snippet, title_html
from ..lexicon import Lexicon
from ..matching import STRICT
from ..matching import notice as most_notice
from ..query import (
    LANG_CODES,
    POLISH_LETTERS,
    limit_expansions,
    make_parser,
    parse_query,
)
from ..reprints import collapse
from ..request import MATCHES, SearchRequest
from ..service import (
    COLLAPSE_SCAN,
    SUGGEST_BELOW,
    BaseService,
    SearchResult,
    date_bounds,
    hit_fields,
    item_fields,
    version_fields,
)
from ..significant import SignificantTerms
from ..timeline import DayCounts
from .docsets import Matcher, PostingsCache, Scored
from .feedback import feedback_words, reranked
from .most import match_most
from .research import Found, Marks, day_counts, export_rows, ordered, significant
from .segcolumns import load_columns

PARSED_QUERIES = 1024  # distinct queries whose parse each generation keeps
FREQUENCIES = 200_000  # document frequencies of terms each generation keeps (significant words)


class _PerQuery:
    """What a generation keeps per distinct query (its parse, its feedback words): the
    ``PARSED_QUERIES`` most recently used, shared by the generation's threads."""

    def __init__(self):
        self._held: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, make):
        """The value kept for ``key``, else ``make()``'s (made outside the lock, then kept)."""
        with self._lock:
            if key in self._held:
                self._held.move_to_end(key)
                return self._held[key]
        value = make()
        with self._lock:
            self._held[key] = value
            while len(self._held) > PARSED_QUERIES:
                self._held.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._held)

    def items(self) -> list[tuple[tuple, object]]:
        with self._lock:
            return list(self._held.items())


class _Generation:
    """An opened index generation with its facet arrays."""

    def __init__(self, index_dir: Path):
        self.path = current_generation(index_dir)
        self.ix = open_index(index_dir)
        self.lexicon = Lexicon(Vocabulary.load(self.path))
        self.parsers = {match: make_parser(self.ix.schema, self.lexicon, match) for match in MATCHES}
        with self.ix.reader() as reader:  # the version and the columns of one and the same commit
            self.version = reader.generation()
            self.columns = load_columns(reader)
            if "body_pl" in reader.indexed_field_names():
                self.lexicon.add_terms("pl", reader.lexicon("body_pl"))
        self._parsed = _PerQuery()  # (ParsedQuery, expanded query, its notice)
        self._feedback = _PerQuery()  # feedback words (field, term)
        self.browsed = _PerQuery()  # the archive's items per day, per scope (timeline shares)
        self.postings = PostingsCache()  # shared by this generation's threads
        self._frequencies: dict[tuple[str, str], int] = {}

    def parsed(self, request: SearchRequest, registry: Registry, matcher: Matcher):
        """The parsed query, its expansions and their notice: once per distinct query and generation.

        Parsing (organization tagging, lemmas, diacritic variants, dictionary
        translations) costs more than matching for short queries, and the
        same queries come back; the trees are never changed after parsing.
        """
        def parse():
            parsed = parse_query(request.q, self.parsers[request.match], registry, request.translate,
                                 matcher.evidence())
            return (parsed, *limit_expansions(parsed.query, matcher.reader, self.ix.schema, self.lexicon))

        return self._parsed.get((request.q, request.match, request.translate), parse)

    def fed_back(self, request: SearchRequest, into: list[str], q, scored: Scored, searcher,
                 matcher: Matcher) -> Scored:
        """``scored`` re-ranked by the translated matches' feedback words (``feedback.py``)."""
        def words():
            known = {t.text for t in q.leaves() if isinstance(getattr(t, "text", None), str)}
            reader = searcher.reader()
            return feedback_words(searcher, matcher, scored, into, known,
                                  lambda field, term: self.frequency(reader, field, term))

        return reranked(matcher, self._feedback.get((request.q, request.match), words), scored)

    def frequency(self, reader, fieldname: str, term: str) -> int:
        """A term's document frequency (the term table of each segment, read once per generation)."""
        key = (fieldname, term)
        found = self._frequencies.get(key)
        if found is None:
            if len(self._frequencies) >= FREQUENCIES:
                self._frequencies.clear()
            found = self._frequencies[key] = reader.doc_frequency(fieldname, term)
        return found


class SearchService(BaseService):
    """Search one Whoosh index folder; safe to call from many threads."""

    def __init__(self, index_dir: Path | str | None = None):
        self.index_dir = Path(index_dir) if index_dir else default_index_dir()
        self.registry = registry()
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._local = threading.local()

    # -- index lifecycle ---------------------------------------------------
    def _current(self) -> _Generation:
        gen = self._generation
        stale = gen is None or current_generation(self.index_dir) != gen.path \
            or gen.ix.latest_generation() != gen.version
        if stale:
            with self._lock:
                gen = self._generation
                if gen is None or current_generation(self.index_dir) != gen.path \
                        or gen.ix.latest_generation() != gen.version:
                    self._generation = gen = _Generation(self.index_dir)
        return gen

    def _searcher(self, gen: _Generation):
        """This thread's searcher of ``gen``'s commit, or None if a newer commit landed meanwhile."""
        local = self._local
        if getattr(local, "generation", None) is not gen:
            if getattr(local, "searcher", None) is not None:
                local.searcher.close()
                local.searcher = local.generation = None
            searcher = gen.ix.searcher()
            if searcher.reader().generation() != gen.version:
                # an incremental reindex committed between reading the columns and
                # opening this searcher: its document numbers would not fit the arrays
                searcher.close()
                return None
            local.searcher, local.generation = searcher, gen
            local.matcher = Matcher(searcher, gen.columns, gen.postings)
        return local.searcher

    def _open(self):
        """The current generation and this thread's searcher of it, both of one commit."""
        for _ in range(10):
            gen = self._current()
            searcher = self._searcher(gen)
            if searcher is not None:
                return gen, searcher
        raise IndexMissing("the index is changing too fast to search; try again")

    def release(self) -> None:
        """Close this thread's searcher; the opened generation (columns, lexicon, parsers) stays.

        Its arrays hold no open file, so forked workers share them copy-on-write
        instead of loading a copy each (about 40 MB at 100k items).
        """
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
        self._local = threading.local()

    def ready(self) -> bool:
        try:
            self._current()
            return True
        except IndexMissing:
            return False

    # -- searching -----------------------------------------------------------
    def _found(self, request: SearchRequest) -> Found:
        """The request's matches before its facet selections (``Found``): what a search, a
        timeline, a significant-terms panel and an export all start from."""
        gen, searcher = self._open()
        matcher = self._local.matcher
        parsed, q, expansion_note = gen.parsed(request, self.registry, matcher)
        notice = parsed.notice or expansion_note
        cols = gen.columns

        # feedback words when the reader asks for the other language's items only (lang=en for a
        # Polish query): the cross-language search they serve, and no cost for any other query
        wanted = set(request.selected("language"))
        into = [lang for lang in parsed.translated_into if LANG_CODES[lang] in wanted]

        def rerank(scored: Scored) -> Scored:
            return gen.fed_back(request, into, q, scored, searcher, matcher) if into else scored
        if request.match == "most":
            matched = match_most(matcher, q, strict=bool(STRICT.search(request.q)), rerank=rerank)
            scored, notice = matched.scored, notice or most_notice(matched)
        else:
            scored = rerank(matcher.match(q))
        docs = scored.docs[cols.live[scored.docs]] if len(scored.docs) else scored.docs
        start, end = date_bounds(request, parsed)
        if start or end:
            docs = docs[date_range_mask(cols, docs, start, end)]
        return Found(gen, searcher, matcher, parsed, q, notice, scored, docs)

    def _search(self, request: SearchRequest) -> tuple[SearchResult, list[str]]:
        found = self._found(request)
        cols, parsed = found.gen.columns, found.parsed
        final, facets = count_facets(cols, found.docs, request.selections, request.ui_lang)

        result = SearchResult(query=request.q, total=int(len(final)), page=request.page,
                              per_page=request.per_page, sort=request.sort, notice=found.notice,
                              translations=parsed.translations)
        result.facets = {name: [v.to_dict() for v in values] for name, values in facets.items()}
        page_docs = self._page(cols, found.scored, final, request, browsing=found.browsing)
        marks = self._marks(found, request)
        result.hits = [self._hit(found.searcher, marks, group, request.ui_lang) for group in page_docs]
        if result.total < SUGGEST_BELOW and parsed.words:
            result.suggestion = self._suggest(found.gen.lexicon, found.searcher.reader(), parsed.words)
        return result, parsed.words

    @staticmethod
    def _suggest(lexicon: Lexicon, reader, words: list[str]) -> str | None:
        """The query with unknown words replaced by close known ones, in the query's language."""
        langs = ["pl", "en"] if any(POLISH_LETTERS & set(w) for w in words) else ["en", "pl"]
        out, changed = [], False
        for word in words:
            lower = word.lower()
            better = None
            if len(lower) >= 3 and not lexicon.known(lower) and not any(
                    (f"body_{lang}", t.text) in reader for lang in langs for t in analyzer_for(lang)(lower)):
                better = lexicon.suggest(lower, langs)
            out.append(better or word)
            changed = changed or better is not None
        return " ".join(out) if changed else None

    def _page(self, cols: Columns, scored: Scored, final: np.ndarray, request: SearchRequest,
              browsing: bool) -> list[list[int]]:
        """The requested page: a list of hits, each [document, its other versions…]."""
        start, stop = request.offset, request.offset + request.per_page
        if not len(final) or start >= len(final):
            return []
        need = COLLAPSE_SCAN if request.collapse else stop
        order = ordered(cols, scored, final, request.sort, browsing, need)
        if request.collapse:
            groups = collapse(final[order], cols.simhash, stop)
            return groups[start:stop]
        return [[int(d)] for d in final[order[start:stop]]]

    @staticmethod
    def _marks(found: Found, request: SearchRequest) -> Marks:
        """What a hit marks: the query's terms held by the index, per language, and the
        organizations the query names or the request selects."""
        # Whoosh 2.7's Query.existing_terms() reuses its ``fieldname`` argument as a
        # loop variable and skips every field after the first, so walk the leaves here.
        # Whether a term is in the index comes from the postings the match has just read
        # (cached), not from a term-table look-up in every segment.
        terms: dict[str, set[str]] = {}
        orgs = set(found.parsed.organizations) | set(request.selected("organization"))
        reader = found.searcher.reader()
        for leaf in found.q.leaves():
            for fieldname, btext in leaf.expanded_terms(reader, phrases=True):
                text = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                if found.matcher.holds(fieldname, text):
                    terms.setdefault(fieldname.rsplit("_", 1)[-1], set()).add(text)
                if fieldname == "orgs":
                    orgs.add(text)
        return Marks(terms, orgs)

    def _hit(self, searcher, marks: Marks, group: list[int], ui_lang: str) -> dict:
        """One hit (its near-duplicates under ``versions``), the query's words and its
        organizations' mentions (found at index time) marked."""
        docnum, *others = group
        item = item_from_stored(searcher.stored_fields(docnum))
        lang = field_lang(item.language)
        terms = marks.terms.get(lang, set())

        def mentions(part: str) -> list[tuple[int, int]]:
            return [(start, end) for where, start, end, org in item.mentions if where == part and org in marks.orgs]

        hit = hit_fields(item, self.registry, ui_lang, title_html(item.title, lang, terms, mentions("title")),
                         snippet(item.body, lang, terms, extra=mentions("body")))
        hit["versions"] = [self._version(searcher, d) for d in others]
        return hit

    @staticmethod
    def _version(searcher, docnum: int) -> dict:
        return version_fields(item_from_stored(searcher.stored_fields(docnum)))

    # -- research tools: timelines, significant values, exports ------------------------
    def _matches(self, request: SearchRequest) -> tuple[Found, np.ndarray]:
        """The request's matches and those of them passing its facet selections."""
        found = self._found(request)
        return found, passing(found.gen.columns, found.docs, request.selections)

    def _day_counts(self, request: SearchRequest) -> DayCounts:
        def count() -> DayCounts:
            found, final = self._matches(request)
            return day_counts(found.gen.columns, final, found.notice)

        if request.q:
            return count()
        key = (tuple(sorted(request.selections.items())), request.date_from, request.date_to)
        return self._current().browsed.get(key, count)  # the archive: the same for every query

    def _significant(self, request: SearchRequest, field: str, size: int) -> SignificantTerms:
        found, final = self._matches(request)
        reader = found.searcher.reader()

        def frequency(lang: str, term: str) -> int:
            return found.gen.frequency(reader, f"body_{lang}", term)
        counted, values = significant(found, final, field, size, frequency)
        return SignificantTerms(field, int(len(final)), counted, values)

    def _export(self, request: SearchRequest, limit: int) -> Export:
        for _ in range(3):
            found, final = self._matches(request)
            searcher = found.gen.ix.searcher()  # the export's own: the stream outlives this call
            if searcher.reader().generation() == found.gen.version:
                break
            searcher.close()  # a commit landed meanwhile: find again in the new one
        else:
            raise IndexMissing("the index is changing too fast to export; try again")
        marks = self._marks(found, request)

        def hit(s, group: list[int]) -> dict:
            out = self._hit(s, marks, group, request.ui_lang)
            del out["versions"]
            return out
        return Export(int(len(final)), limit, export_rows(found, final, request.sort, limit, searcher, hit))

    # -- items and stats -------------------------------------------------------
    def item(self, item_id: str, ui_lang: str = "en") -> dict | None:
        """One item with its full text, or None."""
        gen, searcher = self._open()
        docnum = searcher.document_number(id=item_id)
        if docnum is None:
            return None
        return item_fields(item_from_stored(searcher.stored_fields(docnum)), self.registry, ui_lang)

    def stats(self) -> dict:
        """Document counts by language, source, organization and year."""
        gen = self._current()
        cols = gen.columns
        docs = cols.live_docs()

        def counts(kind: str) -> dict[str, int]:
            n = cols.live_counts(kind)
            return {v: int(c) for v, c in sorted(zip(cols.values(kind), n, strict=True), key=lambda x: -x[1]) if c and v}

        years = cols.ym[docs] // 100
        return {
            "documents": int(len(docs)),
            "languages": counts("language"),
            "sources": counts("source"),
            "organizations": counts("organization"),
            "years": {str(y): int(c) for y, c in zip(*np.unique(years[years > 0], return_counts=True), strict=True)},
        }

    def health(self) -> dict:
        last = read_last_reindex(self.index_dir) or {}
        gen = self._current()
        return {"status": "ok", "documents": int(gen.columns.live.sum()),
                "last_reindex": last.get("finished_at"), "generation": gen.path.name if gen.path else None}
