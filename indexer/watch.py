"""``prasa reindex --watch``: keep the index current as files come, change and go.

watchdog reports file events under the sources; once they have been quiet for
``debounce`` seconds an incremental reindex runs over the paths the events
named, and only those (created, modified, moved from and to, deleted): the rest
of the archive is neither walked nor stat'ed after the first pass.  Same lock,
same atomic commit, so a crash mid-way leaves the last commit serving.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .backends import reindex_into
from .pipeline import Summary
from .sources import sniff

DEBOUNCE_SECONDS = 1.0
CHANGES = {"created", "modified", "deleted", "moved"}


def watch(sources: list[Path], index_dir: Path, *, reference: dt.date | None = None,
          jobs: int = 1, debounce: float = DEBOUNCE_SECONDS,
          report: Callable[[Summary], None] = lambda s: None,
          stop: threading.Event | None = None) -> None:
    """Reindex now, then after every quiet spell following changes, until ``stop`` is set."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    stop = stop or threading.Event()
    index_dir = Path(index_dir).resolve()
    changed = _Changes()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type not in CHANGES:  # reading files (ours too) raises open/close events
                return
            for raw in (event.src_path, getattr(event, "dest_path", "")):
                path = Path(raw) if raw else None
                if path is None or index_dir == path.resolve() or index_dir in path.resolve().parents:
                    continue
                if event.event_type in ("deleted", "moved") or event.is_directory or sniff(path):
                    changed.add(path)

    observer = Observer()
    for source in sources:
        folder = source if source.is_dir() else source.parent
        observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()  # before the first pass, so no change slips between the two
    try:
        report(reindex_into(sources, index_dir, reference=reference, jobs=jobs))
        while not stop.is_set():
            stop.wait(debounce / 4)
            paths = changed.take_after(debounce)
            if paths:
                report(reindex_into(sources, index_dir, reference=reference, jobs=jobs, paths=paths))
    finally:
        observer.stop()
        observer.join()


class _Changes:
    """The paths events named since the last pass, handed over once they have been quiet."""

    def __init__(self):
        self.lock = threading.Lock()
        self.paths: set[Path] = set()
        self.last = 0.0

    def add(self, path: Path) -> None:
        with self.lock:
            self.paths.add(path)
            self.last = time.monotonic()

    def take_after(self, quiet: float) -> list[Path]:
        with self.lock:
            if not self.paths or time.monotonic() - self.last < quiet:
                return []
            paths, self.paths = sorted(self.paths), set()
            return paths
