"""prasa's query side: bilingual query understanding, facets, highlights, paging.

Returns plain data; knows nothing about HTTP.
"""

from .request import MAX_PER_PAGE, MAX_QUERY_CHARS, BadRequest, SearchRequest, parse_day
from .service import SearchResult, SearchService

__all__ = [
    "MAX_PER_PAGE", "MAX_QUERY_CHARS", "BadRequest", "SearchRequest", "SearchResult",
    "SearchService", "parse_day",
]
