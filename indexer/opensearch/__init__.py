"""The OpenSearch (or Elasticsearch 8) backend: the index mapping and the cluster writer."""

from .cluster import (
    ClusterBackend,
    ClusterConfig,
    ClusterUnavailable,
    current_index,
    read_last_cluster_reindex,
    reindex_cluster,
)
from .mapping import MAX_RESULT_WINDOW, PRE_ANALYZED, TEXT_LANGS, unsigned64

__all__ = ["MAX_RESULT_WINDOW", "PRE_ANALYZED", "TEXT_LANGS", "ClusterBackend", "ClusterConfig",
           "ClusterUnavailable", "current_index", "read_last_cluster_reindex", "reindex_cluster",
           "unsigned64"]
