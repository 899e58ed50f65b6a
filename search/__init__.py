"""prasa's query side: bilingual query understanding, facets, highlights, paging.

Returns plain data; knows nothing about HTTP.
"""

from collections.abc import Callable
from pathlib import Path

from indexer import selected_backend

from .bilingual import status as translation_status
from .errors import BadRequest
from .facets import FACETS, Facet, FacetValue
from .request import (
    MATCHES,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    SORTS,
    UI_LANGS,
    SearchRequest,
    parse_day,
)
from .service import BaseService, SearchResult
from .whoosh import SearchService


def _cluster_service(index: str | Path | None) -> BaseService:
    from .opensearch import ClusterService

    return ClusterService()


SERVICES: dict[str, Callable[[str | Path | None], BaseService]] = {"whoosh": SearchService,
                                                                   "opensearch": _cluster_service}


def open_service(index: str | Path | None = None, backend: str | None = None) -> BaseService:
    """The search service of the configured backend (``PRASA_BACKEND``): Whoosh folder or cluster."""
    return SERVICES[selected_backend(backend)](index)


__all__ = [
    "FACETS", "MATCHES", "MAX_PER_PAGE", "MAX_QUERY_CHARS", "BadRequest", "BaseService", "Facet", "FacetValue", "SearchRequest", "SearchResult",
    "SORTS", "SearchService", "UI_LANGS", "open_service", "parse_day", "translation_status",
]
