"""The index folder on disk: generations, the atomic swap, and the reindex lock.

Layout of an index folder::

    CURRENT            name of the generation being served
    gen-<time>-<pid>/  a Whoosh index, with analysis.json: the analysis chain it was built with
    reindex.lock       held by the running reindex
    last-reindex.json  the summary of the last finished reindex

A full reindex writes a new generation and then replaces ``CURRENT`` with
``os.replace`` (atomic on POSIX), so readers see either the old index or the new
one, never a half-built one; a crash leaves ``CURRENT`` pointing at the old one.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from ..analysis import analysis_signature
from ..errors import IndexBusy, IndexMissing
from .schema import build_schema

ANALYSIS_FILE = "analysis.json"

DEFAULT_INDEX = "prasa-index"


class AnalysisMismatch(IndexMissing):
    """The index was built with another analysis chain (e.g. ``PRASA_POLISH=stempel``)."""


def default_index_dir() -> Path:
    """``$PRASA_INDEX``, else ``./prasa-index``."""
    return Path(os.environ.get("PRASA_INDEX") or DEFAULT_INDEX)


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = (Path(index_dir) / "CURRENT").read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    gen = Path(index_dir) / name
    return gen if name and gen.is_dir() else None


def open_index(index_dir: Path | str | None = None):
    """Open the generation being served, read-only use (schema from code, not the pickle)."""
    index_dir = Path(index_dir) if index_dir else default_index_dir()
    gen = current_generation(index_dir)
    if gen is None or not whoosh_index.exists_in(str(gen)):
        raise IndexMissing(f"no index at {index_dir} (run `prasa reindex` first)")
    check_analysis(gen)
    return whoosh_index.open_dir(str(gen), schema=build_schema())


def built_with(gen: Path) -> dict:
    """The analysis signature a generation recorded (an older one recorded none)."""
    try:
        return json.loads((gen / ANALYSIS_FILE).read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"polish": "stempel (before Morfeusz lemmas)"}


def check_analysis(gen: Path) -> None:
    """Refuse a generation whose terms came from another analysis chain: its searches would miss.

    Queries must be analyzed exactly as the text was; a generation records its
    chain (``analysis.json``), and one from before the record is a mismatch too.
    """
    built, current = built_with(gen), analysis_signature()
    if built != current:
        raise AnalysisMismatch(
            f"the index at {gen.parent} was built with Polish analysis {built.get('polish')!r}, "
            f"this prasa analyzes with {current['polish']!r}: run `prasa reindex --full` "
            "(or set PRASA_POLISH to match the index)")


def new_generation(index_dir: Path):
    """Create an empty index in a fresh generation folder (not yet served)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    for n in range(1000):
        gen = index_dir / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            gen.mkdir()
            break
        except FileExistsError:
            continue
    (gen / ANALYSIS_FILE).write_text(json.dumps(analysis_signature()), "utf-8")
    return gen, whoosh_index.create_in(str(gen), build_schema())


def publish(index_dir: Path, gen: Path) -> None:
    """Serve ``gen`` from now on (atomic), then drop generations no longer needed.

    The generation served until now is kept (searchers opened on it may still
    be reading); every other folder goes, including ones left by a reindex
    that was killed before it could publish.
    """
    previous = current_generation(index_dir)
    tmp = index_dir / "CURRENT.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(gen.name)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / "CURRENT")
    keep = {gen.name, previous.name if previous else None}
    for path in index_dir.glob("gen-*"):
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def discard(gen: Path) -> None:
    """Remove a generation that was never published (a failed build)."""
    shutil.rmtree(gen, ignore_errors=True)


@contextmanager
def reindex_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the folder's reindex lock; raise IndexBusy if another reindex has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / "reindex.lock", "a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise IndexBusy(
                f"another reindex of {index_dir} is running ({holder}); try again when it ends"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)
            fcntl.flock(f, fcntl.LOCK_UN)


def write_last_reindex(index_dir: Path, summary: dict) -> None:
    tmp = index_dir / "last-reindex.json.tmp"
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, index_dir / "last-reindex.json")


def read_last_reindex(index_dir: Path) -> dict | None:
    try:
        return json.loads((Path(index_dir) / "last-reindex.json").read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
