"""Which index prasa writes and reads: the embedded Whoosh folder or an OpenSearch cluster.

``PRASA_BACKEND=whoosh`` (the default) or ``opensearch`` (with
``PRASA_OPENSEARCH_URL``).  ``selected_backend`` is the one place that reads
the setting; the write side picks its ``pipeline.Backend`` from ``WRITERS``
here, the read side its service from ``search.SERVICES``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .pipeline import Backend, Summary, run_reindex

BACKENDS = ("whoosh", "opensearch")


def _whoosh(index_dir: Path) -> Backend:
    from .whoosh import WhooshBackend

    return WhooshBackend(index_dir)


def _cluster(index_dir: Path) -> Backend:
    from .opensearch import ClusterBackend, ClusterConfig

    return ClusterBackend(ClusterConfig.from_env(), table_dir=index_dir)


WRITERS: dict[str, Callable[[Path], Backend]] = {"whoosh": _whoosh, "opensearch": _cluster}


def selected_backend(name: str | None = None) -> str:
    """The backend named (or set in ``PRASA_BACKEND``); ``whoosh`` when neither."""
    name = (name or os.environ.get("PRASA_BACKEND") or "whoosh").lower()
    if name not in BACKENDS:
        raise ValueError(f"PRASA_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    return name


def open_backend(index_dir: Path, backend: str | None = None) -> Backend:
    """The write side of the configured backend (the folder ``index_dir`` for Whoosh)."""
    return WRITERS[selected_backend(backend)](Path(index_dir))


def reindex_into(sources: list[Path], index_dir: Path, *, backend: str | None = None, **options) -> Summary:
    """``reindex`` into the Whoosh folder ``index_dir`` or into the configured cluster."""
    return run_reindex(open_backend(index_dir, backend), sources, **options)


def index_label(index_dir: Path, backend: str | None = None) -> str:
    """How messages name the index: its folder, or the cluster URL and alias (no client is made)."""
    if selected_backend(backend) == "opensearch":
        from .opensearch import ClusterConfig

        return ClusterConfig.from_env().label
    return str(index_dir)
