"""Coverage over time: per query, matches per day, week, month or year, as counts and as shares.

A spike in a month when the archive holds twice the items is not a spike, so
every bucket carries ``share``: its count over the archive's items in that
bucket (Media Cloud's "attention over time").  The archive is narrowed by the
request's language and source selections — the collection the reader chose —
and by nothing else (the query, organizations and dates are what is measured).

An item is placed in a bucket by its date; one dated more coarsely than the
interval (a year alone, in a month chart) or not at all is ``unplaced``, so the
buckets and ``unplaced`` always add up to the search's ``total``.  Weeks are ISO
weeks (Monday first), as OpenSearch's calendar week.  Backends count; this
module names the buckets, fills the gaps and checks the limits.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from .errors import BadRequest
from .facets import MONTHS

INTERVALS = ("auto", "day", "week", "month", "year")
AUTO_BUCKETS = 120  # "auto": the finest interval whose chart has at most this many bars
MAX_BUCKETS = 2000  # a chart wider than this is a request for a wider interval
MAX_COMPARE = 4  # queries on one chart
SCOPE_FACETS = ("language", "source")  # the selections that narrow the archive a share is taken of


@dataclass(frozen=True)
class Bucket:
    """One period: its first and last day, matches, the archive's items, and their ratio."""

    key: str
    start: dt.date
    end: dt.date
    count: int
    archive: int

    @property
    def share(self) -> float:
        return self.count / self.archive if self.archive else 0.0

    def to_dict(self, ui_lang: str = "en", interval: str = "month") -> dict:
        return {"key": self.key, "label": label(self.start, interval, ui_lang), "from": self.start.isoformat(),
                "to": self.end.isoformat(), "count": self.count, "archive": self.archive,
                "share": round(self.share, 6)}


@dataclass
class Series:
    """One query's line on the chart."""

    query: str
    total: int
    unplaced: int
    buckets: list[Bucket] = field(default_factory=list)
    notice: str | None = None

    def to_dict(self, ui_lang: str, interval: str) -> dict:
        return {"query": self.query, "total": self.total, "unplaced": self.unplaced, "notice": self.notice,
                "buckets": [b.to_dict(ui_lang, interval) for b in self.buckets]}


@dataclass
class Timeline:
    """The ``/api/timeline`` answer: one interval, one series per query, the same buckets in each."""

    interval: str
    series: list[Series]
    took_ms: float = 0.0

    def to_dict(self, ui_lang: str = "en") -> dict:
        return {"interval": self.interval, "series": [s.to_dict(ui_lang, self.interval) for s in self.series],
                "took_ms": self.took_ms}


@dataclass
class DayCounts:
    """What a backend counts for one request: its total, its matches per day, and those dated by
    their year alone per year (they belong in a year's bar and in no finer one)."""

    total: int
    days: dict[dt.date, int]
    years: dict[int, int] = field(default_factory=dict)
    notice: str | None = None

    def extent(self, interval: str) -> tuple[dt.date, dt.date] | None:
        """The first and last day with a match placed at ``interval``."""
        found = list(self.days) + ([dt.date(y, 1, 1) for y in self.years] if interval == "year" else [])
        return (min(found), max(found)) if found else None

    def rolled(self, interval: str) -> dict[dt.date, int]:
        """Counts per bucket start at ``interval``."""
        out: Counter = Counter()
        for day, n in self.days.items():
            out[start_of(day, interval)] += n
        if interval == "year":
            for year, n in self.years.items():
                out[dt.date(year, 1, 1)] += n
        return out


def timeline(queries: list[str], counted: list[DayCounts], archive: DayCounts, interval: str,
             date_from: dt.date | None, date_to: dt.date | None) -> Timeline:
    """The chart: ``auto`` resolved over every series, the same buckets in each."""
    check_interval(interval)
    if interval == "auto":
        days = _bounds(counted, "day", date_from, date_to) or _bounds(counted, "year", date_from, date_to)
        interval = choose_interval(*days) if days else "month"
    bounds = _bounds(counted, interval, date_from, date_to)
    base = archive.rolled(interval)
    return Timeline(interval, [series(q, c.total, c.rolled(interval), base, interval, bounds, c.notice)
                               for q, c in zip(queries, counted, strict=True)])


def _bounds(counted: list[DayCounts], interval: str, date_from: dt.date | None,
            date_to: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The chart's days: from/to where the request gives them, else its first and last placed match."""
    extents = [e for e in (c.extent(interval) for c in counted) if e]
    first = date_from or min((e[0] for e in extents), default=None)
    last = date_to or max((e[1] for e in extents), default=None)
    return (first, last) if first and last and first <= last else None


def check_interval(value: str) -> str:
    if value not in INTERVALS:
        raise BadRequest(f"interval must be one of {', '.join(INTERVALS)}, not {value!r}", "interval")
    return value


def start_of(day: dt.date, interval: str) -> dt.date:
    """The first day of the bucket holding ``day``."""
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    if interval == "year":
        return day.replace(month=1, day=1)
    return day


def after(start: dt.date, interval: str) -> dt.date:
    """The first day of the next bucket."""
    if interval == "day":
        return start + dt.timedelta(days=1)
    if interval == "week":
        return start + dt.timedelta(days=7)
    if interval == "month":
        return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return dt.date(start.year + 1, 1, 1)


def bucket_count(first: dt.date, last: dt.date, interval: str) -> int:
    """How many buckets cover ``first``..``last`` (without making them)."""
    if interval == "day":
        return (last - first).days + 1
    if interval == "week":
        return (start_of(last, "week") - start_of(first, "week")).days // 7 + 1
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def choose_interval(first: dt.date, last: dt.date) -> str:
    """``auto``: the finest interval whose chart of ``first``..``last`` has at most AUTO_BUCKETS bars."""
    for interval in ("day", "week", "month"):
        if bucket_count(first, last, interval) <= AUTO_BUCKETS:
            return interval
    return "year"


def key_of(start: dt.date, interval: str) -> str:
    if interval == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if interval == "month":
        return start.strftime("%Y-%m")
    if interval == "year":
        return str(start.year)
    return start.isoformat()


def label(start: dt.date, interval: str, ui_lang: str = "en") -> str:
    """What the chart writes under (or reads out for) a bar."""
    if interval == "month":
        return f"{MONTHS[ui_lang][start.month - 1]} {start.year}"
    if interval == "week":
        return ("tydzień od " if ui_lang == "pl" else "week of ") + start.isoformat()
    return key_of(start, interval)


def buckets(counts: dict[dt.date, int], archive: dict[dt.date, int], interval: str,
            first: dt.date, last: dt.date) -> list[Bucket]:
    """Every bucket from ``first`` to ``last`` (keys: bucket starts), empty ones included."""
    n = bucket_count(first, last, interval)
    if n > MAX_BUCKETS:
        raise BadRequest(f"a {interval} chart from {first} to {last} has {n} bars, over {MAX_BUCKETS}: "
                         "choose a wider interval or narrow from/to", "interval")
    out, start = [], start_of(first, interval)
    while start <= last:
        nxt = after(start, interval)
        out.append(Bucket(key_of(start, interval), start, nxt - dt.timedelta(days=1),
                          counts.get(start, 0), archive.get(start, 0)))
        start = nxt
    return out


def series(query: str, total: int, counts: dict[dt.date, int], archive: dict[dt.date, int], interval: str,
           bounds: tuple[dt.date, dt.date] | None, notice: str | None = None) -> Series:
    """One query's series; what falls outside the chart's days counts as unplaced."""
    made = buckets(counts, archive, interval, *bounds) if bounds else []
    placed = sum(b.count for b in made)
    return Series(query, total, total - placed, made, notice)
