"""What a search asks for, validated once for the CLI and the web alike."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .errors import BadRequest
from .facets import FACETS, facet_named

MAX_QUERY_CHARS = 1000
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_FILTER_VALUES = 50
SORTS = ("relevance", "newest", "oldest")
MATCHES = ("most", "all", "any")  # "most", the default: all words first, then most of them
UI_LANGS = ("pl", "en")


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query, the selected facet values, sorting and paging.

    ``selections`` maps a facet's name (``facets.FACETS``) to its chosen
    values, e.g. ``{"language": ("pl",), "date": ("2023-11",)}``.
    """

    q: str = ""
    selections: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    match: str = "most"  # all words first, then most of them ("most"); AND ("all"); OR ("any")
    collapse: bool = False  # fold near-duplicate reprints into one hit
    translate: bool = True  # each word also searches its translations in the other language
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
        selections = {}
        for name, values in self.selections.items():
            facet = facet_named(name)
            if facet is None:
                raise BadRequest(f"no facet named {name!r}", name)
            if len(values) > MAX_FILTER_VALUES:
                raise BadRequest(f"at most {MAX_FILTER_VALUES} values for {facet.param}", facet.param)
            facet.check(tuple(values))
            if values:
                selections[name] = tuple(values)
        object.__setattr__(self, "selections", selections)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise BadRequest("'from' is after 'to'", "from")

    def selected(self, name: str) -> tuple[str, ...]:
        """The values chosen of the facet ``name`` (none: an empty tuple)."""
        return self.selections.get(name, ())

    @property
    def filtered(self) -> bool:
        """Does anything beyond the query narrow the result (a facet value or a date bound)?"""
        return bool(self.selections or self.date_from or self.date_to)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def to_params(self, **changes) -> dict[str, list[str]]:
        """Query-string parameters for this request with ``changes`` applied (for links)."""
        values = {
            "q": [self.q] if self.q else [],
            **{f.param: list(self.selected(f.name)) for f in FACETS},
            "from": [self.date_from.isoformat()] if self.date_from else [],
            "to": [self.date_to.isoformat()] if self.date_to else [],
            "sort": [self.sort] if self.sort != "relevance" else [],
            "match": [self.match] if self.match != "most" else [],
            "collapse": ["1"] if self.collapse else [],
            "translate": [] if self.translate else ["0"],
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
            selections={f.name: f.parse(many(f.param)) for f in FACETS},
            date_from=parse_day(one("from"), "from"),
            date_to=parse_day(one("to"), "to"),
            sort=one("sort", "relevance") or "relevance",
            match=one("match", "most") or "most",
            collapse=_flag(one("collapse", "0"), "collapse"),
            translate=_flag(one("translate", "1"), "translate"),
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
