"""What a search asks for, validated once for the CLI and the web alike."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_QUERY_CHARS = 1000
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_FILTER_VALUES = 50
SORTS = ("relevance", "newest", "oldest")
MATCHES = ("most", "all", "any")  # "most", the default: all words first, then most of them
UI_LANGS = ("pl", "en")
LANGUAGES = ("pl", "en", "other")
_DATE_VALUE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


def organization_ids(values: Sequence[str]) -> tuple[str, ...]:
    """Registry ids for organization values given as an id, acronym or name, in either language.

    ``OBWE``, ``osce`` and ``Organization for Security and Co-operation in
    Europe`` are one organization; a value the registry does not know is a
    clear error, never a silent empty result.
    """
    from indexer import registry

    found = []
    for value in values:
        org = registry().resolve(value)
        if org is None:
            raise BadRequest(f"unknown organization {value!r}: give an id, acronym or name from the registry",
                             "org")
        found.append(org)
    return tuple(dict.fromkeys(found))


class BadRequest(ValueError):
    """A parameter is out of range or malformed; the message says which and why."""

    def __init__(self, message: str, parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query, the selected facet values, sorting and paging."""

    q: str = ""
    languages: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()  # "2023" or "2023-11"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    match: str = "most"  # all words first, then most of them ("most"); AND ("all"); OR ("any")
    collapse: bool = False  # fold near-duplicate reprints into one hit
    page: int = 1
    per_page: int = 10
    ui_lang: str = "en"

    def __post_init__(self) -> None:
        if len(self.q) > MAX_QUERY_CHARS:
            raise BadRequest(f"query is longer than {MAX_QUERY_CHARS} characters", "q")
        if self.match not in MATCHES:
            raise BadRequest(f"match must be one of {', '.join(MATCHES)}", "match")
        if self.sort not in SORTS:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}", "sort")
        if not 1 <= self.page <= MAX_PAGE:
            raise BadRequest(f"page must be between 1 and {MAX_PAGE}", "page")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise BadRequest(f"per_page must be between 1 and {MAX_PER_PAGE}", "per_page")
        if self.ui_lang not in UI_LANGS:
            raise BadRequest("ui_lang must be pl or en", "ui_lang")
        for name in ("languages", "organizations", "sources", "dates"):
            if len(getattr(self, name)) > MAX_FILTER_VALUES:
                raise BadRequest(f"at most {MAX_FILTER_VALUES} values for {name}", name)
        for lang in self.languages:
            if lang not in LANGUAGES:
                raise BadRequest(f"unknown language {lang!r} (use pl, en or other)", "lang")
        for value in self.dates:
            if not _DATE_VALUE.match(value):
                raise BadRequest(f"date must be YYYY or YYYY-MM, not {value!r}", "date")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise BadRequest("'from' is after 'to'", "from")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def to_params(self, **changes) -> dict[str, list[str]]:
        """Query-string parameters for this request with ``changes`` applied (for links)."""
        values = {
            "q": [self.q] if self.q else [],
            "lang": list(self.languages),
            "org": list(self.organizations),
            "source": list(self.sources),
            "date": list(self.dates),
            "from": [self.date_from.isoformat()] if self.date_from else [],
            "to": [self.date_to.isoformat()] if self.date_to else [],
            "sort": [self.sort] if self.sort != "relevance" else [],
            "match": [self.match] if self.match != "most" else [],
            "collapse": ["1"] if self.collapse else [],
            "page": [str(self.page)] if self.page != 1 else [],
            "per_page": [str(self.per_page)] if self.per_page != 10 else [],
            "ui": [self.ui_lang],
        }
        for key, value in changes.items():
            values[key] = value if isinstance(value, list) else ([str(value)] if value else [])
        return {k: v for k, v in values.items() if v}

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]], ui_lang: str = "en") -> SearchRequest:
        """Build from query-string style parameters (each a list of strings)."""

        def one(name: str, default: str = "") -> str:
            values = params.get(name) or []
            return values[-1] if values else default

        def many(name: str) -> tuple[str, ...]:
            out: list[str] = []
            for value in params.get(name) or []:
                out.extend(v.strip() for v in value.split(",") if v.strip())
            return tuple(dict.fromkeys(out))

        return cls(
            q=one("q").strip(),
            languages=tuple(v.lower() for v in many("lang")),
            organizations=organization_ids(many("org")),
            sources=many("source"),
            dates=many("date"),
            date_from=parse_day(one("from"), "from"),
            date_to=parse_day(one("to"), "to"),
            sort=one("sort", "relevance") or "relevance",
            match=one("match", "most") or "most",
            collapse=_flag(one("collapse", "0"), "collapse"),
            page=_int(one("page", "1"), "page"),
            per_page=_int(one("per_page", "10"), "per_page"),
            ui_lang=one("ui", ui_lang) or ui_lang,
        )


def _flag(value: str, name: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("", "0", "false", "no", "off"):
        return False
    raise BadRequest(f"{name} must be 1 or 0, not {value!r}", name)


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value!r}", name) from None


def parse_day(value: str | None, name: str = "date") -> dt.date | None:
    """``2023-11-01`` (or ``2023-11`` / ``2023`` meaning its first day) to a date."""
    if not value:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$", value.strip())
    try:
        if not m:
            raise ValueError
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2023-11-01, not {value!r}", name) from None
