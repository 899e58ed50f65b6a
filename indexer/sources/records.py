"""What a reader yields — a ``Record`` or a ``Problem`` — and how a file's bytes become text.

Shared by the plain-text and JSON Lines readers (``readers.py``) and the feed
and page readers (``feeds.py``), so neither imports the other's module.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

MAX_FILE_BYTES = 200 * 1024 * 1024  # a single file larger than this is refused
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


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit")
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
