"""``prasa reindex --watch``: keep the index current as files come, change and go.

watchdog reports file events under the sources; once they have been quiet for
``debounce`` seconds an ordinary incremental reindex runs (same lock, same
atomic Whoosh commit, so a crash mid-way leaves the last commit serving).
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
    last_change = [0.0]

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type not in CHANGES:  # reading files (ours too) raises open/close events
                return
            paths = [Path(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
            for path in paths:
                if index_dir in path.resolve().parents:
                    continue
                if event.event_type == "deleted" or event.is_directory or sniff(path):
                    last_change[0] = time.monotonic()

    observer = Observer()
    for source in sources:
        folder = source if source.is_dir() else source.parent
        observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()  # before the first pass, so no change slips between the two
    try:
        report(reindex_into(sources, index_dir, reference=reference, jobs=jobs))
        while not stop.is_set():
            stop.wait(debounce / 4)
            changed = last_change[0]
            if changed and time.monotonic() - changed >= debounce:
                last_change[0] = 0.0
                report(reindex_into(sources, index_dir, reference=reference, jobs=jobs))
    finally:
        observer.stop()
        observer.join()
