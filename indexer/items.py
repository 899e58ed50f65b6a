"""The press item record that crosses from the indexer to the index and to ``prasa extract``."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class Item:
    """A press item with its extracted fields.

    ``date`` is ISO (``2023-11-11``, ``2023-11``, ``2023``) or ``--12-06`` when
    the day and month are known but no year; ``date_precision`` says which:
    ``day``, ``month``, ``year``, ``no_year`` or ``unknown``.
    """

    id: str
    title: str
    body: str
    language: str
    date: str | None
    date_precision: str
    place: str | None
    source: str | None
    cited_sources: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    # [part, start, end, org id] of each organization mention (part: "title" or "body")
    mentions: list[list] = field(default_factory=list)
    url: str | None = None
    path: str = ""
    extra: dict = field(default_factory=dict)
    content_hash: str = ""
    # what a feed, an Atom xml:lang or a page's <html lang> declared (a hint; see langs.choose)
    declared_language: str | None = None

    def rename(self, new_id: str) -> None:
        """A new id for an item whose id another file already used (see ``scan.unique_id``)."""
        self.id = new_id

    def summary(self) -> dict:
        """The fields ``prasa extract --json`` prints (no body)."""
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "declared_language": self.declared_language,
            "date": self.date,
            "date_precision": self.date_precision,
            "place": self.place,
            "source": self.source,
            "cited_sources": list(self.cited_sources),
            "organizations": list(self.organizations),
            "url": self.url,
            "path": self.path,
        }

    def to_dict(self) -> dict:
        """All fields (a shallow copy: cheaper than ``dataclasses.asdict``'s deep one)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
