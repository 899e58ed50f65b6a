"""The facets, each defined once: its parameter, labels, checks, and how each backend counts it.

A facet class owns everything about one facet — the request parameter and
CLI option (``param``), its title in each interface language, the OpenAPI
description, how values given by a user are checked and resolved, how a
value is labelled and toggled on the page, how the Whoosh backend filters
and counts it from the index columns (``columns.py``), and how the cluster
filters and aggregates it.  The page, the JSON API, the OpenAPI document,
the CLI and both backends read ``FACETS``; adding a facet is one class here.

Facets are multi-select: values within one facet combine with OR, facets
combine with AND, and each facet's counts ignore its own selection (as
Elasticsearch's post_filter or Solr's tag/exclude do).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .columns import Columns
from .errors import BadRequest

MAX_FACET_VALUES = 30
LANGUAGE_LABELS = {
    "en": {"pl": "Polish", "en": "English", "other": "Other languages"},
    "pl": {"pl": "polski", "en": "angielski", "other": "inne języki"},
}
MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "pl": "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień".split(),
}
_DATE_VALUE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    short_label: str | None = None  # what the sidebar shows when the label is long (organizations)
    parent: str | None = None  # the value this one is listed under (an organization's parent body)

    def to_dict(self) -> dict:
        out = {"value": self.value, "label": self.label, "count": self.count, "selected": self.selected}
        if self.short_label is not None:
            out.update(short_label=self.short_label, parent=self.parent)
        return out


Counts = dict[str, int]  # value -> items, what either backend counted


class Facet:
    """One facet; subclasses set the class attributes and the backend methods."""

    name = ""  # the key in a result's ``facets`` and in ``SearchRequest.selections``
    param = ""  # URL parameter and CLI option
    titles: dict[str, str] = {}  # heading in each interface language
    description = ""  # OpenAPI and CLI help
    enum: tuple[str, ...] | None = None  # the only values allowed, when fixed
    histogram = False  # shown as a date histogram rather than a checkbox list

    def title(self, ui_lang: str) -> str:
        return self.titles.get(ui_lang) or self.titles.get("en") or self.name

    # -- values a user gives ----------------------------------------------------
    def parse(self, values: Sequence[str]) -> tuple[str, ...]:
        """Values from a query string or the CLI, normalized (the checks follow in ``check``)."""
        return tuple(dict.fromkeys(values))

    def check(self, values: tuple[str, ...]) -> None:
        """Raise ``BadRequest`` naming ``param`` for a value this facet cannot hold."""
        for value in values:
            if self.enum and value not in self.enum:
                raise BadRequest(f"unknown {self.param} {value!r} (use {', '.join(self.enum)})", self.param)

    def label(self, value: str, ui_lang: str) -> str:
        return value

    def toggle(self, selected: tuple[str, ...], value: str) -> list[str]:
        """The selection after clicking ``value`` on the page."""
        return [v for v in selected if v != value] if value in selected else [*selected, value]

    def values(self, counts: Counts, selected: tuple[str, ...], ui_lang: str) -> list[FacetValue]:
        """The values shown: the most frequent first; a selected value always shows, even at 0."""
        ranked = sorted(((v, n) for v, n in counts.items() if n and v), key=lambda vn: (-vn[1], vn[0]))
        out = [FacetValue(v, self.label(v, ui_lang), n, v in selected) for v, n in ranked[:MAX_FACET_VALUES]]
        shown = {v.value for v in out}
        out += [FacetValue(v, self.label(v, ui_lang), counts.get(v, 0), True) for v in selected if v not in shown]
        return out

    # -- the Whoosh backend: numpy columns ------------------------------------------
    def mask(self, cols: Columns, docs: np.ndarray, selected: tuple[str, ...]) -> np.ndarray:
        raise NotImplementedError

    def counts(self, cols: Columns, docs: np.ndarray, selected: tuple[str, ...]) -> Counts:
        raise NotImplementedError

    # -- the cluster backend: query DSL -----------------------------------------------
    field = ""  # the cluster's keyword field

    def cluster_filter(self, selected: tuple[str, ...]) -> dict:
        return {"terms": {self.field: list(selected)}}

    def cluster_aggregation(self, selected: tuple[str, ...]) -> dict:
        return {"terms": {"field": self.field, "size": MAX_FACET_VALUES}}

    def cluster_counts(self, aggregation: dict, selected: tuple[str, ...]) -> Counts:
        return {str(b["key"]): int(b["doc_count"]) for b in aggregation["buckets"]}


class CodedFacet(Facet):
    """A single-valued facet stored as one code per document (``Columns.<column>``)."""

    column = ""

    def _codes(self, cols: Columns) -> tuple[np.ndarray, list[str]]:
        return getattr(cols, self.column), getattr(cols, self.column + "_values")

    def mask(self, cols, docs, selected):
        codes, names = self._codes(cols)
        return np.isin(codes[docs], _positions(names, selected))

    def counts(self, cols, docs, selected):
        codes, names = self._codes(cols)
        return _counted(names, np.bincount(codes[docs], minlength=len(names)))


class LanguageFacet(CodedFacet):
    name, param, column, field = "language", "lang", "lang", "lang"
    titles = {"en": "Language", "pl": "Język"}
    description = "Language filter (OR within, comma lists allowed)"
    enum = ("pl", "en", "other")

    def parse(self, values):
        return super().parse([v.lower() for v in values])

    def label(self, value, ui_lang):
        return LANGUAGE_LABELS[ui_lang].get(value, value)


class SourceFacet(CodedFacet):
    name, param, column, field = "source", "source", "source", "source"
    titles = {"en": "Source", "pl": "Źródło"}
    description = "Sources (agencies and outlets)"


class OrganizationFacet(Facet):
    """Organizations tagged in an item; values are registry ids, given as id, acronym or name.

    Hierarchical: a body with others under it in the registry (the UN and its
    agencies) counts the items of all of them, selecting it selects them too,
    and they are listed under it.
    """

    name, param, field = "organization", "org", "orgs"
    titles = {"en": "Organization", "pl": "Organizacja"}
    description = ("Organizations: registry id, acronym or name in either language (OBWE = osce); "
                   "a parent body includes the bodies under it (un: UNODC, UNGA …)")

    def parse(self, values):
        """``OBWE``, ``osce`` and the full name in either language are one id; unknown is an error."""
        found = []
        for value in values:
            org = _registry().resolve(value)
            if org is None:
                raise BadRequest(f"unknown organization {value!r}: give an id, acronym or name from the registry",
                                 self.param)
            found.append(org)
        return super().parse(found)

    def label(self, value, ui_lang):
        return _registry().label(value, ui_lang)

    def values(self, counts, selected, ui_lang):
        """Top-level bodies by count, each followed by the bodies under it that have items."""
        reg = _registry()
        ranked = sorted(((v, n) for v, n in counts.items() if n and v), key=lambda vn: (-vn[1], vn[0]))
        listed = {v for v, _ in ranked} | set(selected)
        under: dict[str | None, list[str]] = {}
        for value in [v for v, _ in ranked] + [v for v in selected if v not in counts]:
            parent = reg.parent(value)
            under.setdefault(parent if parent in listed else None, []).append(value)

        def make(value: str) -> FacetValue:
            parent = reg.parent(value)
            return FacetValue(value, reg.label(value, ui_lang), counts.get(value, 0), value in selected,
                              reg.short_label(value, ui_lang), parent if parent in listed else None)

        out: list[FacetValue] = []
        for top in under.get(None, []):
            group = [top, *under.get(top, [])]
            if len(out) + 1 > MAX_FACET_VALUES and not any(v in selected for v in group):
                continue
            out += [make(v) for v in group if len(out) < MAX_FACET_VALUES or v in selected]
        return out

    def _with_bodies_under(self, selected: tuple[str, ...]) -> set[str]:
        families = _registry().families()
        return {member for value in selected for member in families.get(value, (value,))}

    def mask(self, cols, docs, selected):
        return _having(cols, docs, self._with_bodies_under(selected))

    def counts(self, cols, docs, selected):
        codes = cols.org_codes(docs)
        counts = _counted(cols.org_values, np.bincount(codes[0], minlength=len(cols.org_values)))
        for parent, family in _registry().families().items():
            if any(member in counts for member in family):
                counts[parent] = int(_having(cols, docs, family, codes).sum())
        return counts

    def cluster_filter(self, selected):
        return {"terms": {self.field: sorted(self._with_bodies_under(selected))}}

    def cluster_aggregation(self, selected):
        families = {f"family:{parent}": {"filter": {"terms": {self.field: sorted(family)}}}
                    for parent, family in _registry().families().items()}
        return {"filter": {"match_all": {}}, "aggs": {
            "orgs": {"terms": {"field": self.field, "size": MAX_FACET_VALUES}}, **families}}

    def cluster_counts(self, aggregation, selected):
        counts = super().cluster_counts(aggregation["orgs"], selected)
        for name, found in aggregation.items():
            if name.startswith("family:") and found.get("doc_count"):
                counts[name.removeprefix("family:")] = int(found["doc_count"])
        return counts


def _registry():
    from indexer import registry

    return registry()


def _having(cols: Columns, docs: np.ndarray, orgs, codes=None) -> np.ndarray:
    """Which of ``docs`` are tagged with any of ``orgs`` (``codes``: their ``org_codes``, if read)."""
    flat, lengths = codes if codes is not None else cols.org_codes(docs)
    hit = np.isin(flat, _positions(cols.org_values, orgs))
    owner = np.repeat(np.arange(len(docs)), lengths)
    out = np.zeros(len(docs), dtype=bool)
    out[owner[hit]] = True
    return out


class DateFacet(Facet):
    """Years; the months of a year once that year (or months of it) is selected."""

    name, param, field = "date", "date", "date"
    titles = {"en": "Date", "pl": "Data"}
    description = "Years (2023) or months (2023-11)"
    histogram = True

    def check(self, values):
        for value in values:
            if not _DATE_VALUE.match(value):
                raise BadRequest(f"date must be YYYY or YYYY-MM, not {value!r}", self.param)

    def label(self, value, ui_lang):
        return value if len(value) == 4 else f"{MONTHS[ui_lang][int(value[5:7]) - 1]} {value[:4]}"

    def toggle(self, selected, value):
        """A year selects that year alone (its months then show); months toggle within it."""
        if len(value) == 4:
            return [] if value in selected or any(v.startswith(value) for v in selected) else [value]
        months = super().toggle(tuple(v for v in selected if len(v) == 7), value)
        return months or [value[:4]]

    def values(self, counts, selected, ui_lang):
        """Years in order; or the selected year's total, then its months that have items."""
        year = _one_year(selected)
        if year is None:
            return [FacetValue(v, v, n, v in selected) for v, n in sorted(counts.items()) if n]
        out = [FacetValue(year, year, counts.get(year, 0), year in selected)]
        for month in range(1, 13):
            value = f"{year}-{month:02d}"
            if counts.get(value) or value in selected:
                out.append(FacetValue(value, self.label(value, ui_lang), counts.get(value, 0), value in selected))
        return out

    def mask(self, cols, docs, selected):
        ym = cols.ym[docs]
        out = np.zeros(len(docs), dtype=bool)
        for value in selected:
            out |= (ym // 100 == int(value)) if len(value) == 4 else (ym == int(value.replace("-", "")))
        return out

    def counts(self, cols, docs, selected):
        ym = cols.ym[docs]
        ym = ym[ym > 0]
        year = _one_year(selected)
        if year is None:
            return {str(y): int(n) for y, n in zip(*np.unique(ym // 100, return_counts=True), strict=True)}
        months = np.bincount(ym[ym // 100 == int(year)] % 100, minlength=13)
        return {year: int(months.sum()), **{f"{year}-{m:02d}": int(months[m]) for m in range(1, 13)}}

    def cluster_filter(self, selected):
        return {"bool": {"should": [_date_selection(v) for v in selected], "minimum_should_match": 1}}

    def cluster_aggregation(self, selected):
        year = _one_year(selected)
        if year is None:
            return {"date_histogram": {"field": "date", "calendar_interval": "year", "format": "yyyy",
                                       "min_doc_count": 1}}
        histogram = {"date_histogram": {"field": "date", "calendar_interval": "month", "format": "yyyy-MM",
                                        "min_doc_count": 1}}
        return {"filter": _date_selection(year), "aggs": {
            "months": {"filter": {"bool": {"must_not": [YEAR_ONLY]}}, "aggs": {"values": histogram}}}}

    def cluster_counts(self, aggregation, selected):
        year = _one_year(selected)
        if year is None:
            return {b["key_as_string"]: int(b["doc_count"]) for b in aggregation["buckets"]}
        months = aggregation["months"]["values"]["buckets"]
        return {year: int(aggregation["doc_count"]), **{b["key_as_string"]: int(b["doc_count"]) for b in months}}


FACETS: list[Facet] = [LanguageFacet(), DateFacet(), OrganizationFacet(), SourceFacet()]  # the sidebar's order


def facet_named(name: str) -> Facet | None:
    return next((f for f in FACETS if f.name == name), None)


def count_facets(cols: Columns, docs: np.ndarray, selections: dict[str, tuple[str, ...]],
                 ui_lang: str) -> tuple[np.ndarray, dict[str, list[FacetValue]]]:
    """The documents passing every selection, and each facet's values (the Whoosh backend).

    Each facet is counted over the documents that pass the *other* facets'
    selections, so choosing a second value of a facet stays possible.
    """
    masks = _selection_masks(cols, docs, selections)
    facets = {}
    for facet in FACETS:
        keep = _all_of((m for name, m in masks.items() if name != facet.name), len(docs))
        selected = selections.get(facet.name, ())
        facets[facet.name] = facet.values(facet.counts(cols, docs[keep], selected), selected, ui_lang)
    return docs[_all_of(masks.values(), len(docs))], facets


def passing(cols: Columns, docs: np.ndarray, selections: dict[str, tuple[str, ...]]) -> np.ndarray:
    """The documents that pass every facet selection (what ``count_facets`` returns, uncounted)."""
    return docs[_all_of(_selection_masks(cols, docs, selections).values(), len(docs))]


def _selection_masks(cols: Columns, docs: np.ndarray, selections) -> dict[str, np.ndarray]:
    return {f.name: f.mask(cols, docs, selections[f.name]) for f in FACETS if selections.get(f.name)}


def _all_of(masks, size: int) -> np.ndarray:
    keep = np.ones(size, dtype=bool)
    for m in masks:
        keep &= m
    return keep


def date_range(start: str | None, end: str | None) -> dict:
    """The cluster's ``range`` on the item date, either end open (ISO days)."""
    bounds = {"gte": start, "lte": end}
    return {"range": {"date": {k: v for k, v in bounds.items() if v}}}


YEAR_ONLY = {"term": {"date_precision": "year"}}  # an item dated by its year alone is in no month


def _date_selection(value: str) -> dict:
    if len(value) == 4:
        return date_range(f"{value}-01-01", f"{value}-12-31")
    year, month = int(value[:4]), int(value[5:7])
    end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return {"bool": {"filter": [date_range(f"{value}-01", end.isoformat())], "must_not": [YEAR_ONLY]}}


def _one_year(selected: tuple[str, ...]) -> str | None:
    years = {v[:4] for v in selected}
    return next(iter(years)) if len(years) == 1 else None


def _positions(names: list[str], wanted) -> np.ndarray:
    index = {v: i for i, v in enumerate(names)}
    return np.array([index[w] for w in wanted if w in index], dtype=np.int32)


def _counted(names: list[str], counts: np.ndarray) -> Counts:
    return {names[i]: int(counts[i]) for i in np.flatnonzero(counts)}
