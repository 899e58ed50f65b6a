"""The whole result set as CSV or JSON Lines, streamed: one row per matching item, every field a
JSON hit has, in the request's order, a few hundred items read at a time (memory stays flat
however many items match).  The web's ``/api/export`` and ``prasa search --export`` write these."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import BadRequest

FORMATS = ("csv", "jsonl")
DEFAULT_LIMIT = 100_000  # rows, unless the request asks for fewer or more
MAX_LIMIT = 1_000_000
CHUNK = 500  # items read from the index at a time
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
CSV_COLUMNS = ("id", "title", "date", "date_precision", "language", "source", "cited_sources", "place", "url",
               "organization_ids", "organization_labels", "title_html", "snippet")
LIST_SEPARATOR = "|"


@dataclass
class Export:
    """A result set to stream: how many items match, how many the export holds, and the rows."""

    total: int
    limit: int
    rows: Iterator[dict]

    @property
    def count(self) -> int:
        return min(self.total, self.limit)

    def lines(self, fmt: str) -> Iterator[str]:
        return csv_lines(self.rows) if fmt == "csv" else jsonl_lines(self.rows)


def check_export(fmt: str, limit: int) -> None:
    if fmt not in FORMATS:
        raise BadRequest(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}", "format")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", "limit")


def jsonl_lines(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def csv_row(hit: dict) -> list[str]:
    """A hit as CSV cells: lists joined by ``|``, organizations as ids and labels side by side."""
    orgs = hit.get("organizations") or []
    flat = {**hit, "cited_sources": LIST_SEPARATOR.join(hit.get("cited_sources") or []),
            "organization_ids": LIST_SEPARATOR.join(o["id"] for o in orgs),
            "organization_labels": LIST_SEPARATOR.join(o["label"] for o in orgs)}
    return ["" if flat.get(c) is None else str(flat[c]) for c in CSV_COLUMNS]


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    """RFC 4180 lines (header first), as Python's csv module quotes them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(csv_row(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
