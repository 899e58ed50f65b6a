"""prasa's indexer: read press items, extract their fields, build the index.

The package is cut by concern: ``sources/`` reads files into records,
``extract/`` turns a record into an ``Item``, ``analysis.py`` is the Polish and
English analysis every backend and the query side share, ``pipeline.py`` is the
reindex loop every backend runs, and ``whoosh/`` and ``opensearch/`` are the two
backends' storage.  This face holds what the CLI, the search side and the tests use.
"""

from .analysis import analyze
from .backends import BACKENDS, index_label, reindex_into, selected_backend
from .errors import IndexBusy, IndexMissing
from .extract import ExtractError, Mention, Organization, Registry, extract, registry
from .items import Item
from .pipeline import Summary, prepare_items
from .sources import Problem, read_file
from .watch import watch
from .whoosh import (
    Vocabulary,
    build_schema,
    default_index_dir,
    item_from_stored,
    open_index,
    read_last_reindex,
    reindex,
)

__all__ = [
    "BACKENDS", "ExtractError", "IndexBusy", "IndexMissing", "Item", "Mention", "Organization", "Problem",
    "Registry", "Summary", "Vocabulary", "analyze", "build_schema", "default_index_dir", "extract",
    "index_label", "item_from_stored", "open_index", "prepare_items", "read_file", "read_last_reindex",
    "registry", "reindex", "reindex_into", "selected_backend", "watch",
]
