"""``prasa reindex`` into an OpenSearch/Elasticsearch cluster (``PRASA_BACKEND=opensearch``).

The backend of the shared reindex loop (``pipeline.py``), as ``whoosh/build.py`` is
for the Whoosh folder; the cluster analyzes English text itself, prasa sends
Polish terms pre-analyzed (``mapping.py``).

- Searches go to an alias (``PRASA_OPENSEARCH_INDEX``, default ``prasa``).  A
  full reindex builds a new index ``<alias>-<timestamp>``, and only once it is
  complete and refreshed moves the alias in one ``_aliases`` call; a crashed
  build leaves the old index serving and is deleted by the next full reindex.
  The previous index is kept (as the Whoosh store keeps one generation).
- Bulk requests of at most ``BULK_ITEMS`` items / ``BULK_BYTES``; documents
  the cluster rejects with 429 (its queues are full) are retried with
  exponential back-off, which is the back-pressure; any other rejected item is
  reported like a broken file and the rest are indexed.
- One reindex at a time: a lock document created with ``op_type=create`` in
  ``<alias>-meta``, which also keeps the last reindex summary.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import IndexBusy, IndexMissing
from ..filetable import FILE_NAME, FileTable
from ..items import Item
from ..pipeline import Backend, Summary, extract_only, run_reindex, seed_table
from ..sources import Problem
from .mapping import index_settings, to_source


class ClusterError(ValueError):
    """The cluster backend cannot be used as configured (no URL set, opensearch-py not installed)."""


class ClusterUnavailable(IndexMissing):
    """The cluster is unreachable or holds no prasa index: searching it is a 503, as a missing folder is."""


BULK_ITEMS = 500
BULK_BYTES = 8 * 1024 * 1024
BULK_RETRIES = 6  # 429 retries: 2, 4, 8, 16, 32, 60 s
LOCK_STALE = dt.timedelta(hours=6)  # a lock older than this was left by a crashed reindex
SCAN_PAGE = 5000
TOKEN = "file_table"  # the meta document naming the file table that matches the index


@dataclass(frozen=True)
class ClusterConfig:
    """Where the cluster is and what prasa calls its index there."""

    url: str
    alias: str = "prasa"
    shards: int = 1
    replicas: int = 0
    ca_certs: str | None = None  # a CA bundle for a cluster with its own certificates (Elasticsearch 8)

    @classmethod
    def from_env(cls) -> ClusterConfig:
        url = os.environ.get("PRASA_OPENSEARCH_URL")
        if not url:
            raise ClusterError("PRASA_BACKEND=opensearch needs PRASA_OPENSEARCH_URL (e.g. http://localhost:9200)")
        return cls(url=url, alias=os.environ.get("PRASA_OPENSEARCH_INDEX", "prasa"),
                   shards=int(os.environ.get("PRASA_OPENSEARCH_SHARDS", "1")),
                   replicas=int(os.environ.get("PRASA_OPENSEARCH_REPLICAS", "0")),
                   ca_certs=os.environ.get("PRASA_OPENSEARCH_CA") or None)

    @property
    def meta(self) -> str:
        return f"{self.alias}-meta"

    @property
    def label(self) -> str:
        """How messages name the index: the cluster URL and alias."""
        return f"{self.url.rstrip('/')}/{self.alias}"

    def client(self):
        """An ``opensearchpy.OpenSearch`` client (install prasa[opensearch])."""
        try:
            from opensearchpy import OpenSearch
        except ImportError as e:  # pragma: no cover - depends on the installation
            raise ClusterError("the OpenSearch backend needs opensearch-py: pip install 'prasa[opensearch]'") from e
        tls = {"ca_certs": self.ca_certs} if self.ca_certs else {}
        return OpenSearch(hosts=[self.url], timeout=60, max_retries=3, retry_on_timeout=True, **tls)


def current_index(client, alias: str) -> str | None:
    """The index the alias points at, or None before the first reindex."""
    if not client.indices.exists_alias(name=alias):
        return None
    return next(iter(client.indices.get_alias(name=alias)))


class _Lock:
    """The one-reindex-at-a-time lock, a document in the meta index.

    Taking over a stale lock and releasing one are conditional on the
    document's version (``if_seq_no``/``if_primary_term``): of two reindexes
    that find the same stale lock only one takes it, and a reindex whose lock
    was taken over does not delete its successor's.
    """

    def __init__(self, client, config: ClusterConfig):
        self.client, self.index = client, config.meta
        self.version: dict | None = None

    def __enter__(self):
        from opensearchpy.exceptions import ConflictError

        if not self.client.indices.exists(index=self.index):
            self.client.indices.create(index=self.index, body={"mappings": {"dynamic": False}})
        body = {"host": socket.gethostname(), "pid": os.getpid(),
                "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        try:
            written = self.client.index(index=self.index, id="lock", body=body, op_type="create", refresh=True)
        except ConflictError:
            written = self._take_over(body)
        self.version = _version(written)
        return self

    def _take_over(self, body: dict) -> dict:
        from opensearchpy.exceptions import ConflictError

        held = self.client.get(index=self.index, id="lock")
        since = dt.datetime.fromisoformat(held["_source"]["started_at"])
        if dt.datetime.now(dt.UTC) - since < LOCK_STALE:
            raise IndexBusy(f"another reindex of {self.index[:-5]} is running "
                            f"(since {held['_source']['started_at']} on {held['_source']['host']})")
        try:
            return self.client.index(index=self.index, id="lock", body=body, refresh=True, **_version(held))
        except ConflictError:
            raise IndexBusy(f"another reindex of {self.index[:-5]} took over the stale lock first") from None

    def __exit__(self, *exc):
        from opensearchpy.exceptions import ConflictError, NotFoundError

        try:
            self.client.delete(index=self.index, id="lock", refresh=True, **(self.version or {}))
        except (ConflictError, NotFoundError):
            pass  # taken over (this run was thought dead): the lock is the other run's now


def _version(response: dict) -> dict:
    """The compare-and-swap condition for the document a response names."""
    return {"if_seq_no": response["_seq_no"], "if_primary_term": response["_primary_term"]}


def _actions(entries: Iterator[tuple[Item, bool]], index: str, paths: dict[str, str]) -> Iterator[dict]:
    for item, _update in entries:
        paths[item.id] = item.path
        yield {"_op_type": "index", "_index": index, "_id": item.id, "_source": to_source(item)}


def _bulk(client, actions: Iterator[dict], summary: Summary, paths: dict[str, str]) -> None:
    """Send actions in bounded chunks; report (not raise) items the cluster rejects."""
    from opensearchpy import helpers

    for ok, info in helpers.streaming_bulk(
            client, actions, chunk_size=BULK_ITEMS, max_chunk_bytes=BULK_BYTES,
            max_retries=BULK_RETRIES, initial_backoff=2, max_backoff=60,
            raise_on_error=False, yield_ok=False):
        if not ok:
            op, detail = next(iter(info.items()))
            reason = detail.get("error", detail.get("status"))
            if isinstance(reason, dict):
                reason = f"{reason.get('type')}: {reason.get('reason')}"
            summary.failed.append(Problem(paths.get(detail.get("_id"), detail.get("_id", "?")),
                                          f"the cluster refused to {op} it: {reason}"))


def _swap(client, alias: str, new: str, old: str | None) -> None:
    """Point the alias at ``new`` atomically; drop every older build but ``old``."""
    actions = [{"add": {"index": new, "alias": alias}}]
    if old:
        actions.insert(0, {"remove": {"index": old, "alias": alias}})
    client.indices.update_aliases(body={"actions": actions})
    builds = client.indices.get(index=f"{alias}-2*", ignore_unavailable=True, allow_no_indices=True)
    for name in builds:
        if name not in (new, old):
            client.indices.delete(index=name, ignore_unavailable=True)


class ClusterBackend(Backend):
    """An index behind an alias: a full build is a new index, swapped in by moving the alias."""

    prepare = staticmethod(extract_only)

    def __init__(self, config: ClusterConfig, client=None, table_dir: Path | None = None):
        self.config = config
        self.client = client or config.client()
        self.paths: dict[str, str] = {}  # id -> file, to name the file of an item the cluster refuses
        self.table_dir = table_dir  # where the file table is cached (None: kept in memory, for one run)

    @property
    def label(self) -> str:
        return self.config.label

    def lock(self):
        return _Lock(self.client, self.config)

    def begin(self, full: bool) -> bool:
        self.current = current_index(self.client, self.config.alias)
        self.fresh = full or self.current is None
        self.target = f"{self.config.alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}" if self.fresh else self.current
        if self.fresh:
            self.client.indices.create(index=self.target,
                                       body=index_settings(self.config.shards, self.config.replicas))
        return self.fresh

    def known_items(self) -> dict[str, tuple[str, str]]:
        """id -> (content hash, path) of what the index holds, paged with search_after."""
        known: dict[str, tuple[str, str]] = {}
        after = None
        while True:
            body = {"size": SCAN_PAGE, "sort": [{"id": "asc"}], "_source": ["id", "content_hash", "path"],
                    "query": {"match_all": {}}}
            if after:
                body["search_after"] = after
            hits = self.client.search(index=self.target, body=body)["hits"]["hits"]
            for hit in hits:
                src = hit["_source"]
                known[src["id"]] = (src.get("content_hash", ""), src.get("path", ""))
            if len(hits) < SCAN_PAGE:
                return known
            after = hits[-1]["sort"]

    def open_table(self, fresh: bool) -> FileTable:
        """A local cache of the file table, trusted only while the cluster holds the same token
        (another machine's reindex, or a lost cache, makes it seed from the cluster's items)."""
        if self.table_dir is None:
            table = FileTable(Path(":memory:"))
        else:
            Path(self.table_dir).mkdir(parents=True, exist_ok=True)
            path = Path(self.table_dir) / f"{self.config.alias}.{FILE_NAME}"
            table = FileTable(path)
            if not fresh and table.get_meta(TOKEN) == self._cluster_token():
                return table
            table.close()
            table = FileTable.fresh(path)
        if not fresh:
            seed_table(table, self.known_items())
        return table

    def seal_table(self, table: FileTable) -> None:
        token = uuid.uuid4().hex
        table.set_meta(TOKEN, token)
        table.commit()
        self.client.index(index=self.config.meta, id=TOKEN, body={"token": token}, refresh=True)

    def _cluster_token(self) -> str | None:
        return (_meta_doc(self.client, self.config, TOKEN) or {}).get("token")

    def write(self, entries, summary: Summary) -> None:
        _bulk(self.client, _actions(entries, self.target, self.paths), summary, self.paths)

    def delete(self, ids: list[str], summary: Summary) -> None:
        deletes = ({"_op_type": "delete", "_index": self.target, "_id": item_id} for item_id in ids)
        _bulk(self.client, deletes, summary, self.paths)

    def flush(self) -> None:
        self.client.indices.refresh(index=self.target)

    def abort(self) -> None:
        if self.fresh:  # the alias never pointed here: the old index keeps serving
            self.client.indices.delete(index=self.target, ignore_unavailable=True)

    def swap(self) -> None:
        _swap(self.client, self.config.alias, self.target, self.current)

    def documents(self) -> int:
        return self.client.count(index=self.config.alias)["count"]

    def record(self, summary: dict) -> None:
        self.client.index(index=self.config.meta, id="last_reindex", body=summary, refresh=True)


def reindex_cluster(sources: list[Path], config: ClusterConfig, *, full: bool = False, jobs: int = 1,
                    reference: dt.date | None = None, client=None, table_dir: Path | None = None,
                    progress: Callable[[int], None] | None = None, paths: list[Path] | None = None) -> Summary:
    """Bring the cluster index up to date with ``sources`` (the cluster twin of ``reindex``)."""
    return run_reindex(ClusterBackend(config, client, table_dir), sources, full=full, jobs=jobs,
                       reference=reference, progress=progress, paths=paths)


def read_last_cluster_reindex(client, config: ClusterConfig) -> dict | None:
    return _meta_doc(client, config, "last_reindex")


def _meta_doc(client, config: ClusterConfig, doc_id: str) -> dict | None:
    """A document of the meta index (the last summary, the file table's token), or None."""
    if not client.indices.exists(index=config.meta):
        return None
    found = client.get(index=config.meta, id=doc_id, ignore=[404])
    return found.get("_source") if found.get("found") else None
