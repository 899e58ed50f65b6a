"""prasa's indexer: read press items, extract their fields, build the Whoosh index.

The public face: what the CLI, the search side and the tests use.
"""

from .analysis import analyze
from .backends import BACKENDS, index_label, reindex_into, selected_backend
from .build import reindex
from .extract import extract
from .items import Item
from .orgs import Organization, Registry, registry
from .pipeline import Summary, prepare_items
from .readers import read_file
from .records import Problem
from .schema import build_schema, item_from_stored
from .store import IndexBusy, IndexMissing, default_index_dir, open_index, read_last_reindex
from .vocab import Vocabulary

__all__ = [
    "BACKENDS", "Item", "Organization", "Vocabulary", "Problem", "Registry", "Summary", "IndexBusy", "IndexMissing",
    "analyze", "build_schema", "default_index_dir", "extract", "item_from_stored",
    "open_index", "prepare_items", "read_file", "read_last_reindex", "registry", "reindex",
    "index_label", "reindex_into", "selected_backend",
]
