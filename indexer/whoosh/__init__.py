"""The Whoosh backend's storage: schema, segment writing, postings and arrays files, the
generation folders with their atomic swap, and the surface-word vocabulary."""

from .arrays import segment_arrays
from .build import WhooshBackend, reindex
from .schema import build_schema, item_from_stored
from .store import current_generation, default_index_dir, open_index, read_last_reindex
from .vocab import Vocabulary

__all__ = ["Vocabulary", "WhooshBackend", "build_schema", "current_generation", "default_index_dir",
           "item_from_stored", "open_index", "read_last_reindex", "reindex", "segment_arrays"]
