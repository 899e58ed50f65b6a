"""prasa's query side: bilingual query understanding, facets, highlights, paging.

Returns plain data; knows nothing about HTTP.
"""

from pathlib import Path

from indexer import selected_backend

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
from .service import BaseService, SearchResult, SearchService


def open_service(index: str | Path | None = None, backend: str | None = None) -> BaseService:
    """The search service of the configured backend (``PRASA_BACKEND``): Whoosh folder or cluster."""
    if selected_backend(backend) == "opensearch":
        from .cluster import ClusterService

        return ClusterService()
    return SearchService(index)


__all__ = [
    "FACETS", "MATCHES", "MAX_PER_PAGE", "MAX_QUERY_CHARS", "BadRequest", "BaseService", "Facet", "FacetValue", "SearchRequest", "SearchResult",
    "SORTS", "SearchService", "UI_LANGS", "open_service", "parse_day",
]
