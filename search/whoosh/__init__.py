"""The Whoosh folder's search service: doc sets over the postings and arrays files, the
"most" strategy over them, and the generation the service follows."""

from .service import SearchService

__all__ = ["SearchService"]
