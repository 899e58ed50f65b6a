"""prasa's query side: bilingual query understanding, facets, highlights, paging.

Returns plain data; knows nothing about HTTP.
"""

from collections.abc import Callable
from pathlib import Path

from indexer import selected_backend

from .bilingual import status as translation_status
from .errors import BadRequest
from .export import DEFAULT_LIMIT as EXPORT_LIMIT
from .export import FORMATS as EXPORT_FORMATS
from .export import MAX_LIMIT as MAX_EXPORT
from .export import MEDIA_TYPES as EXPORT_TYPES
from .export import Export
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
from .significant import FIELDS as SIGNIFICANT_FIELDS
from .significant import MAX_SIZE as MAX_SIGNIFICANT
from .significant import SignificantTerms
from .timeline import INTERVALS, MAX_COMPARE, Timeline
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
    "EXPORT_FORMATS", "EXPORT_LIMIT", "EXPORT_TYPES", "FACETS", "INTERVALS", "MATCHES", "MAX_COMPARE", "MAX_EXPORT",
    "MAX_PER_PAGE", "MAX_QUERY_CHARS", "MAX_SIGNIFICANT", "SIGNIFICANT_FIELDS", "SORTS", "UI_LANGS",
    "BadRequest", "BaseService", "Export", "Facet", "FacetValue", "SearchRequest", "SearchResult", "SearchService",
    "SignificantTerms", "Timeline", "open_service", "parse_day", "translation_status",
]
