"""What each source file held at the last reindex, so that a reindex costs what changed.

A row per file (path, size, mtime, a digest of its bytes, how many items it
held) and a row per item (its id as indexed, its file, a digest of its raw
record).  A reindex stats every file and opens only those whose size or mtime
moved; of those, a file whose bytes hash the same is only touched, and the
others are diffed record by record on the raw digest *before* extraction, so
an edited item in a file of 50,000 is the only one extracted again.

SQLite, as Lucene keeps its segments file beside the index: one file per
index (the Whoosh generation's folder; for a cluster, a local cache checked
against a token the cluster holds).  The backend commits its index first and
the table after it, so a reindex killed between the two only makes the next
one diff those files again (and write with ``update``, which is idempotent).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "files.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
                                  digest TEXT, items INTEGER);
CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, path TEXT NOT NULL, raw TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS items_by_path ON items (path);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
DIGEST_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileState:
    """A file as last seen: enough to tell, without opening it, that it did not change."""

    size: int
    mtime_ns: int
    digest: str = ""
    items: int = 0

    def same_stat(self, other: FileState) -> bool:
        return self.size == other.size and self.mtime_ns == other.mtime_ns


def stat_of(path: Path) -> FileState | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return FileState(st.st_size, st.st_mtime_ns)


def file_digest(path: Path) -> str:
    """A digest of the file's bytes (BLAKE2b, read in 1 MiB chunks: flat memory for any size)."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(DIGEST_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def record_digest(fields: dict, item_id: str) -> str:
    """A digest of one raw record as read: its fields and the id it has of its own (which, for a
    record without an ``id`` field, is its place in the file)."""
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(f"{item_id}\x00{payload}".encode("utf-8", "replace"), digest_size=12).hexdigest()


class FileTable:
    """The table of one index.  Writes stay in one open transaction until ``commit``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        # --jobs N: the scan that reads and writes the table runs in the pool's feeder thread
        self.db = sqlite3.connect(self.path, isolation_level="DEFERRED", check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.db.commit()

    @classmethod
    def fresh(cls, path: Path) -> FileTable:
        """An empty table at ``path`` (whatever was there is gone)."""
        for suffix in ("", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return cls(path)

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def files(self) -> dict[str, FileState]:
        """Every known file with its state (one row per file: small beside the items)."""
        return {path: FileState(size, mtime, digest or "", items or 0)
                for path, size, mtime, digest, items in self.db.execute("SELECT * FROM files")}

    def items_of(self, path: str) -> list[tuple[str, str]]:
        """(id, raw digest) of every item the file held."""
        return self.db.execute("SELECT id, raw FROM items WHERE path = ?", (path,)).fetchall()

    def owner(self, item_id: str) -> str | None:
        """The file that holds ``item_id`` now, if any."""
        row = self.db.execute("SELECT path FROM items WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    def put_items(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """(id, path, raw digest) rows, replacing what an id had."""
        self.db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?)", rows)

    def drop_items(self, ids: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM items WHERE id = ?", ((i,) for i in ids))

    def set_file(self, path: str, state: FileState) -> None:
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                        (path, state.size, state.mtime_ns, state.digest, state.items))

    def drop_file(self, path: str) -> list[str]:
        """Forget a file; the ids of the items it held (for the index to delete)."""
        ids = [row[0] for row in self.db.execute("SELECT id FROM items WHERE path = ?", (path,))]
        self.db.execute("DELETE FROM items WHERE path = ?", (path,))
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        return ids

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()
