"""``prasa serve``: gunicorn, several worker processes forked from one warmed-up app.

One Python process searches on one core at a time, so a single server
process left the second core idle while clients queued.  Here gunicorn's
master loads the app and warms it up (Morfeusz's dictionary, Stempel's tables,
the FreeDict dictionaries and the analyzers' caches are read once), lets go
of the index files (a file offset inherited across ``fork`` would be shared
by every worker's reads), freezes the loaded objects out of the garbage
collector's reach (so its passes do not copy their pages) and forks
``processes`` workers that share those pages copy-on-write.  Each worker
answers with ``threads`` threads and opens the index generation itself; every
request checks the index's ``CURRENT`` file, so a finished reindex is picked
up by every worker.  The master replaces a worker that dies (killed, out of
memory) and, on SIGTERM, lets the workers finish their requests and exits.
"""

from __future__ import annotations

import ctypes
import gc
import os

from flask import Flask
from gunicorn.app.base import BaseApplication

GRACEFUL_SECONDS = 20  # SIGTERM: how long workers may finish the requests they hold
TIMEOUT_SECONDS = 60  # a worker silent this long is killed and replaced
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h


def default_processes() -> int:
    """One worker process per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _Gunicorn(BaseApplication):
    """Gunicorn with its settings from here, not from the command line or a config file."""

    def __init__(self, app: Flask, options: dict):
        self.app, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for the threads created from now on; False where that is not glibc.

    glibc gives threads their own arenas (up to eight per core), each keeping
    freed memory for itself: a worker's eight threads held about 25 MB more
    than with two arenas, for no measurable speed (``bench/load.py``).
    """
    try:
        return bool(ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def serve(app: Flask, host: str, port: int, processes: int, threads: int) -> None:
    """Serve ``app`` until SIGTERM or SIGINT: ``processes`` workers of ``threads`` threads each."""
    limit_malloc_arenas()
    app.extensions["prasa"].warm_up()
    gc.collect()
    gc.freeze()
    _Gunicorn(app, {
        "bind": f"{host}:{port}",
        "workers": processes,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "timeout": TIMEOUT_SECONDS,
        "graceful_timeout": GRACEFUL_SECONDS,
        "keepalive": 5,
        "proc_name": "prasa",
        "loglevel": "warning",
        "errorlog": "-",
        "accesslog": None,
        "control_socket_disable": True,
    }).run()
