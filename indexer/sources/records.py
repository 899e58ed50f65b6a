"""What a reader yields — a ``Record`` or a ``Problem`` — and how a file's bytes become text.

Shared by the plain-text and JSON Lines readers (``readers.py``) and the feed
and page readers (``feeds.py``), so neither imports the other's module.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

MAX_FILE_BYTES = 200 * 1024 * 1024  # a whole-file format (text, HTML, feed, JSON array) larger is refused
MAX_LINE_BYTES = MAX_FILE_BYTES  # one JSON Lines record; a stream of them has no file limit
MAX_ITEM_CHARS = 2_000_000  # an item body beyond this is cut (and the cut reported)


@dataclass(frozen=True)
class Problem:
    """Something that could not be read: where, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Record:
    """One raw item as read, before field extraction."""

    fields: dict
    path: str
    key: str  # unique within the path: line number or chunk number


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8, Windows-1250 or ISO-8859-2, detected: (text, encoding).

    charset_normalizer picks among the encodings Polish archives use; it often
    mistakes one of the two Central European single-byte encodings for the
    other, so those are told apart by bytes: 0x80-0x9F are control codes in
    ISO-8859-2 but letters and quotes in Windows-1250, and ą ś ź Ą Ś Ź sit at
    different code points in the two.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["utf_8", "utf_16", "cp1250", "iso8859_2"]).best()
    encoding = best.encoding if best else "cp1250"
    if encoding in ("cp1250", "iso8859_2"):
        encoding = _central_european(data)
    return data.decode(encoding, errors="replace"), encoding


def _central_european(data: bytes) -> str:
    if any(0x80 <= b <= 0x9F for b in data):
        return "cp1250"
    iso_letters = sum(data.count(b) for b in (0xB1, 0xB6, 0xBC, 0xA1, 0xA6, 0xAC))
    return "iso8859_2" if iso_letters else "cp1250"


def open_stream(path: Path) -> BinaryIO:
    """The file's bytes as a stream, gunzipped as they are read when it is gzip'd."""
    f = open(path, "rb")
    if f.read(2) == b"\x1f\x8b":
        f.seek(0)
        return gzip.GzipFile(fileobj=f, mode="rb")
    f.seek(0)
    return f


def lines(stream: BinaryIO, limit: int | None = None) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of each line, decoded one at a time (constant memory for any file).

    UTF-8, or the file's Central European encoding once a line is not UTF-8
    (told from that line, as ``decode`` tells a whole file's).  A line over
    ``limit`` bytes (``MAX_LINE_BYTES``) comes as ``None`` and is skipped to its end.
    """
    limit = limit or MAX_LINE_BYTES
    encoding = None
    for n, line in enumerate(iter(lambda: stream.readline(limit + 1), b""), start=1):
        if len(line) > limit:
            while line and not line.endswith(b"\n"):
                line = stream.readline(limit)
            yield n, None
            continue
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            yield n, line.decode(encoding or "utf-8")
        except UnicodeDecodeError:
            text, encoding = decode(line)
            yield n, text


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit")
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
