"""Dates of press items: header lines, datelines, metadata, with a precision.

Month names in every Polish case form ("grudnia", "grudniu", "grudzień") and
English forms ("Feb", "February") are recognized by ``dateparser``; the
regular expressions here only find the day / month / year slots, so we know
whether a year was written at all.  A date with no year takes its year from a
reference date and never lands after it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

DAY, MONTH, YEAR, NO_YEAR, UNKNOWN = "day", "month", "year", "no_year", "unknown"

_WORD = r"[^\W\d_]{3,}"
_PATTERNS = (
    # 2023-11-11
    (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"), DAY),
    # 6 grudnia | 11 November 2023 | 6 grudnia 2023 r.
    (re.compile(rf"\b(?P<d>\d{{1,2}})\.?\s+(?P<mw>{_WORD})\.?(?:,?\s+(?P<y>\d{{4}}))?\b"), DAY),
    # Feb 26 | March 12, 2024
    (re.compile(rf"\b(?P<mw>{_WORD})\.?\s+(?P<d>\d{{1,2}})\b(?:,?\s+(?P<y>\d{{4}}))?(?!\d)"), DAY),
    # w grudniu 2024 | November 2023
    (re.compile(rf"\b(?P<mw>{_WORD})\s+(?P<y>\d{{4}})\b"), MONTH),
)
_HEADER = re.compile(r"^\s*date\s+(?P<v>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)", re.I)


@dataclass(frozen=True)
class ItemDate:
    """A date as known: ISO text (``--MM-DD`` when the year is unknown) and precision."""

    value: str | None
    precision: str

    @property
    def date(self) -> dt.date | None:
        """The calendar date for ranges and sorting, when the year is known."""
        if not self.value or self.value.startswith("--"):
            return None
        parts = [int(p) for p in self.value.split("-")]
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


NO_DATE = ItemDate(None, UNKNOWN)


@lru_cache(maxsize=1)
def _month_parser():
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["pl", "en"], settings={"PARSERS": ["absolute-time"], "STRICT_PARSING": True}
    )


@lru_cache(maxsize=4096)
def month_number(word: str) -> int | None:
    """1-12 for a Polish or English month name in any form, else None."""
    word = word.lower().rstrip(".")
    if len(word) < 3:
        return None
    parsed = _month_parser().get_date_data(f"1 {word} 2000").date_obj
    return parsed.month if parsed else None


def parse_iso(value: object) -> ItemDate:
    """Metadata dates: ``2023-11-11``, ``2023-11-11T15:02:20``, ``2023-11``, ``2023``."""
    if isinstance(value, (dt.date, dt.datetime)):
        return ItemDate(value.strftime("%Y-%m-%d"), DAY)
    if not isinstance(value, str):
        return NO_DATE
    m = re.match(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?\s*$", value)
    if not m:
        return NO_DATE
    y, mo, d = m.groups()
    try:
        dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return NO_DATE
    if d:
        return ItemDate(f"{y}-{mo}-{d}", DAY)
    return ItemDate(f"{y}-{mo}", MONTH) if mo else ItemDate(y, YEAR)


def header_date(first_line: str) -> ItemDate | None:
    """The ``date 2023-11-11 …`` header some feeds put on the first line."""
    m = _HEADER.match(first_line)
    return parse_iso(m.group("v")) if m else None


def _place_year(month: int, day: int | None, reference: dt.date) -> int:
    """The latest year that puts month/day on or before the reference date."""
    for year in range(reference.year, reference.year - 8, -1):  # 29 Feb needs a leap year
        try:
            if dt.date(year, month, 1 if day is None else day) <= reference:
                return year
        except ValueError:
            continue
    return reference.year - 1


def _build(y: str | None, month: int, d: str | None, reference: dt.date | None) -> ItemDate | None:
    day = int(d) if d else None
    year = int(y) if y else None
    if year is None and reference is not None:
        year = _place_year(month, day, reference)
    try:
        dt.date(year or 2000, month, 1 if day is None else day)  # day 0 is no day
    except ValueError:
        return None
    if year is None:
        return ItemDate(f"--{month:02d}-{day:02d}", NO_YEAR) if day is not None else None
    if day is None:
        return ItemDate(f"{year:04d}-{month:02d}", MONTH)
    return ItemDate(f"{year:04d}-{month:02d}-{day:02d}", DAY)


def find_date(text: str, reference: dt.date | None = None) -> ItemDate | None:
    """The first date written in ``text`` (a dateline or an item's head)."""
    best: tuple[int, ItemDate] | None = None
    for pattern, _precision in _PATTERNS:
        for m in pattern.finditer(text):
            if best and m.start() >= best[0]:
                break
            groups = m.groupdict()
            month = month_number(groups["mw"]) if groups.get("mw") else int(groups["m"])
            if not month:
                continue
            found = _build(groups.get("y"), month, groups.get("d"), reference)
            if found:
                best = (m.start(), found)
                break
    return best[1] if best else None


def reference_from(value: ItemDate) -> dt.date | None:
    """A reference date from a partial metadata date: the last day it covers."""
    if not value.value or value.value.startswith("--"):
        return None
    parts = value.value.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return dt.date(year, 12, 31)
    month = int(parts[1])
    if len(parts) == 2:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return value.date
