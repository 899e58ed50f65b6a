"""Reading press items from files: format sniffing, decoding, streaming records.

Formats: raw wire text, JSON Lines (plain or gzip'd), RSS/Atom feeds and saved
HTML pages (``feeds.py``).

Like sqlite-utils' ``rows_from_file``, each reader yields plain records (dicts
with at least ``body``), plus ``Problem`` entries for what could not be read,
so one bad line or file never stops the rest.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

from . import records
from .feeds import read_feed_file, read_html_file
from .records import Problem, Record, decode, lines, open_stream, read_bytes

TEXT_SUFFIXES = (".txt", ".text")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".json", ".json.gz")


def sniff(path: Path) -> str | None:
    """``text``, ``jsonl`` or None (not a press item file) from the name, then the content."""
    name = path.name.lower()
    if name.startswith(".") or name.lower().startswith("readme"):
        return None
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if name.endswith((".rss", ".atom", ".xml")):
        return "feed"
    if "." not in name:
        try:
            with open(path, "rb") as f:
                head = f.read(512).lstrip()
        except OSError:
            return None
        return "jsonl" if head.startswith(b"{") else "text"
    return None


def read_text_file(path: Path) -> Iterator[Record | Problem]:
    """A raw wire text file: one item, or several separated by ``---`` lines."""
    text, _encoding = decode(read_bytes(path))
    text = text.replace("\r\n", "\n").replace("\x00", "")
    chunks = [c.strip() for c in _split_items(text)]
    chunks = [c for c in chunks if c]
    if not chunks:
        yield Problem(str(path), "no text")
    for n, chunk in enumerate(chunks):
        key = "" if len(chunks) == 1 else str(n + 1)
        yield Record({"body": chunk}, str(path), key)


def _split_items(text: str) -> list[str]:
    chunks, current = [], []
    for line in text.split("\n"):
        if line.strip() == "---":
            chunks.append("\n".join(current))
            current = []
        else:
            current.append(line)
    chunks.append("\n".join(current))
    return chunks


def read_jsonl_file(path: Path) -> Iterator[Record | Problem]:
    """JSON Lines (plain or gzip'd), read as a stream: no file size limit, one line at a time.
    A JSON array file (``[...]``) is accepted too, read whole under the file size limit."""
    for n, row in _json_rows(path):
        if isinstance(row, Problem):
            yield row
        elif not isinstance(row, dict):
            yield Problem(f"{path}:{n}", f"expected a JSON object, got {type(row).__name__}")
        else:
            yield Record(row, str(path), str(n))


def _json_rows(path: Path) -> Iterator[tuple[int, object]]:
    """(number, value) of each JSON line, or of each element of a JSON array file."""
    with open_stream(path) as stream:
        if stream.peek(64)[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            text, _encoding = decode(read_bytes(path))
            try:
                yield from enumerate(json.loads(text.lstrip()), start=1)
            except json.JSONDecodeError as e:
                yield 0, Problem(str(path), f"invalid JSON: {e}")
            return
        for n, line in lines(stream):
            if line is None:
                yield n, Problem(f"{path}:{n}", f"line is over the {records.MAX_LINE_BYTES} byte limit")
            elif line.strip():
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as e:
                    yield n, Problem(f"{path}:{n}", f"invalid JSON: {e.msg} at column {e.colno}")


def _readers():

    return {"text": read_text_file, "jsonl": read_jsonl_file, "feed": read_feed_file,
            "html": read_html_file}


def read_file(path: Path) -> Iterator[Record | Problem]:
    """Records of one file; an unreadable file becomes one Problem."""
    fmt = sniff(path)
    if fmt is None:
        return
    try:
        yield from _readers()[fmt](path)
    except (OSError, ValueError, EOFError, gzip.BadGzipFile) as e:
        yield Problem(str(path), f"cannot read: {e}")
    except Exception as e:  # a parser library's own error: report the file, keep the rest
        yield Problem(str(path), f"cannot read: {type(e).__name__}: {e}")


def walk(source: Path) -> Iterator[Path]:
    """Item files under ``source`` (a file or a folder, walked recursively, sorted)."""
    if source.is_file():
        yield source
        return
    for root, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if sniff(path):
                yield path
