"""What every search backend shares: the result shape, the hit fields, and ``BaseService``
(the relaxed any-word retry, the warm-up, the timing).  The Whoosh folder's service is
``whoosh/service.py``, the cluster's ``opensearch/cluster.py``."""

from __future__ import annotations

import datetime as dt
import re
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace

from indexer import Item, Registry

from .errors import BadRequest
from .export import DEFAULT_LIMIT, Export, check_export
from .query import ParsedQuery
from .request import SearchRequest
from .significant import DEFAULT_SIZE, SignificantTerms, check_field, labelled
from .timeline import MAX_COMPARE, SCOPE_FACETS, DayCounts, Timeline, check_interval, timeline
from .translations import Weighted

RELAXED_NOTICE = "No item has all the words; showing items with some of them."
_OPERATORS = re.compile(r'\b(?:AND|OR|NOT)\b|["()\[\]]|(?:^|\s)[-+]')
SUGGEST_BELOW = 3  # offer "did you mean" when a query finds fewer hits than this
WARM_UP_QUERIES = ("handel ludźmi w Europie", "human trafficking in Europe")  # both analyzers, translation
COLLAPSE_SCAN = 2000  # ranked documents examined for near-duplicates when collapsing


@dataclass
class SearchResult:
    """The public result shape, identical for ``prasa search --json`` and ``/api/search``."""

    query: str
    total: int
    page: int
    per_page: int
    sort: str
    hits: list[dict] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=dict)
    suggestion: str | None = None
    notice: str | None = None
    translations: Weighted = field(default_factory=dict)  # what each word was also searched as, and how much
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        return {
            "query": self.query, "total": self.total, "page": self.page,
            "per_page": self.per_page, "pages": self.pages, "sort": self.sort,
            "hits": self.hits, "facets": self.facets, "suggestion": self.suggestion,
            "notice": self.notice,
            "translations": {word: [{"text": text, "weight": weight} for text, weight in chosen]
                             for word, chosen in self.translations.items()},
            "took_ms": self.took_ms,
        }


def hit_fields(item: Item, registry: Registry, ui_lang: str, title_html: str, snippet: str) -> dict:
    """One hit of ``SearchResult.hits``, the same for every backend."""
    return {
        "id": item.id,
        "title": item.title,
        "title_html": title_html,
        "snippet": snippet,
        "date": item.date,
        "date_precision": item.date_precision,
        "language": item.language,
        "source": item.source,
        "cited_sources": item.cited_sources,
        "place": item.place,
        "url": item.url,
        "organizations": [{"id": o, "label": registry.label(o, ui_lang)} for o in item.organizations],
    }


def date_bounds(request: SearchRequest, parsed: ParsedQuery) -> tuple[dt.date | None, dt.date | None]:
    """The narrowest of the request's from/to and the query's ``date:`` range."""
    start = max(filter(None, (request.date_from, parsed.date_from)), default=None)
    end = min(filter(None, (request.date_to, parsed.date_to)), default=None)
    return start, end


def version_fields(item: Item) -> dict:
    """A near-duplicate folded under a hit."""
    return {"id": item.id, "title": item.title, "language": item.language,
            "source": item.source, "date": item.date}


def item_fields(item: Item, registry: Registry, ui_lang: str) -> dict:
    """One item with its full text (``/api/items/<id>``)."""
    data = hit_fields(item, registry, ui_lang, "", "")
    del data["title_html"], data["snippet"]
    data["body"] = item.body
    data["path"] = item.path
    return data


class BaseService(ABC):
    """The query side's seam: what every backend answers (Whoosh folder, OpenSearch cluster).

    Subclasses implement ``_search``, ``item``, ``stats``, ``health`` and
    ``ready``; the relaxed any-word retry and the timing are shared here.
    """

    @abstractmethod
    def ready(self) -> bool:
        """Is there an index to search?"""

    @abstractmethod
    def item(self, item_id: str, ui_lang: str = "en") -> dict | None:
        """One item with its full text, or None."""

    @abstractmethod
    def stats(self) -> dict:
        """Document counts by language, source, organization and year."""

    @abstractmethod
    def health(self) -> dict:
        """Status, document count, last reindex and the generation (or index) served."""

    def warm_up(self) -> None:
        """Load what searching needs (analyzers, dictionaries, caches), then let go of the index.

        A server calls this before forking its worker processes: they share
        what was loaded, copy-on-write, and each opens the index itself.
        """
        if self.ready():
            for q in WARM_UP_QUERIES:
                self.search(SearchRequest(q=q))
        self.release()

    def release(self) -> None:  # noqa: B027 - an optional hook: a cluster client holds no index files
        """Close what this process holds open of the index (a server does so before forking)."""

    def search(self, request: SearchRequest) -> SearchResult:
        """Search; when no item has all of several plain words, show items with some of them."""
        started = time.perf_counter()
        result, words = self._search(request)
        if not result.total and request.match == "all" and len(words) > 1 \
                and not result.notice and not _OPERATORS.search(request.q):
            relaxed = self.search(replace(request, match="any"))
            if relaxed.total:
                relaxed.notice = RELAXED_NOTICE
                relaxed.suggestion = relaxed.suggestion or result.suggestion
                return relaxed
        result.took_ms = _ms_since(started)
        return result

    @abstractmethod
    def _search(self, request: SearchRequest) -> tuple[SearchResult, list[str]]:
        """One search: the result and the query's plain words."""

    # -- research tools: what people do after the first page of hits ----------------------
    def timeline(self, requests: list[SearchRequest], interval: str = "auto") -> Timeline:
        """Matches per bucket of each request (2-4 compare), with their share of the archive's items.

        The requests share their filters (one page's); the archive a share is taken
        of is narrowed by the language and source selections and the from/to dates.
        """
        started = time.perf_counter()
        check_interval(interval)
        if not 1 <= len(requests) <= MAX_COMPARE:
            raise BadRequest(f"a timeline compares 1 to {MAX_COMPARE} queries, not {len(requests)}", "q")
        first = requests[0]
        scope = SearchRequest(selections={k: v for k, v in first.selections.items() if k in SCOPE_FACETS},
                              date_from=first.date_from, date_to=first.date_to)
        chart = timeline([r.q for r in requests], [self._day_counts(r) for r in requests], self._day_counts(scope),
                         interval, first.date_from, first.date_to)
        chart.took_ms = _ms_since(started)
        return chart

    def significant(self, request: SearchRequest, field: str = "word", size: int = DEFAULT_SIZE) -> SignificantTerms:
        """The organizations, sources or words unusually frequent in the matches (``significant.py``)."""
        started = time.perf_counter()
        check_field(field, size)
        found = self._significant(request, field, size)
        found.values = labelled(found.values, field, self.registry, request.ui_lang)
        found.took_ms = _ms_since(started)
        return found

    def export(self, request: SearchRequest, limit: int = DEFAULT_LIMIT, fmt: str = "jsonl") -> Export:
        """Every match (up to ``limit``) in the request's order, as rows streamed from the index."""
        check_export(fmt, limit)
        return self._export(request, limit)

    @abstractmethod
    def _day_counts(self, request: SearchRequest) -> DayCounts:
        """The request's matches (facet selections applied) per day, and per year those dated by year."""

    @abstractmethod
    def _significant(self, request: SearchRequest, field: str, size: int) -> SignificantTerms:
        """The ``size`` most significant values of ``field`` in the request's matches."""

    @abstractmethod
    def _export(self, request: SearchRequest, limit: int) -> Export:
        """The request's total and its first ``limit`` hits (no ``versions``), streamed."""


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
