"""Which index prasa writes and reads: the embedded Whoosh folder or an OpenSearch cluster.

``PRASA_BACKEND=whoosh`` (the default) or ``opensearch`` (with
``PRASA_OPENSEARCH_URL``); the reindex command, the search command and the
web app all choose through here, so one setting moves all of them.
"""

from __future__ import annotations

import os
from pathlib import Path

from .build import Summary, reindex

BACKENDS = ("whoosh", "opensearch")


def selected_backend(name: str | None = None) -> str:
    """The backend named (or set in ``PRASA_BACKEND``); ``whoosh`` when neither."""
    name = (name or os.environ.get("PRASA_BACKEND") or "whoosh").lower()
    if name not in BACKENDS:
        raise ValueError(f"PRASA_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    return name


def reindex_into(sources: list[Path], index_dir: Path, *, backend: str | None = None, **options) -> Summary:
    """``reindex`` into the Whoosh folder ``index_dir`` or into the configured cluster."""
    if selected_backend(backend) == "opensearch":
        from .cluster import ClusterConfig, reindex_cluster

        return reindex_cluster(sources, ClusterConfig.from_env(), **options)
    return reindex(sources, index_dir, **options)


def index_label(index_dir: Path, backend: str | None = None) -> str:
    """How messages name the index: its folder, or the cluster URL and alias."""
    if selected_backend(backend) == "opensearch":
        from .cluster import ClusterConfig

        config = ClusterConfig.from_env()
        return f"{config.url.rstrip('/')}/{config.alias}"
    return str(index_dir)
