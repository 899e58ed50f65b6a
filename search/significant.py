"""What a result set is about: values unusually frequent in the matches against the whole archive.

Elasticsearch's ``significant_terms`` with its default statistic, JLH: for a
value found in ``count`` of ``size`` matches and in ``archive_count`` of the
archive's ``archive_size`` items,

    fg = count / size,  bg = archive_count / archive_size,
    score = (fg - bg) * (fg / bg)   when fg > bg, else 0

— the absolute change in popularity times the relative one, so a value common
everywhere ("said", Reuters) scores low and one concentrated in the matches
(``crude`` under ``org:opec``) high.  As in Elasticsearch, a value needs
``MIN_COUNT`` matches to be listed.

Organizations and sources are counted over every match.  Words are counted as
``significant_text`` counts them, over a sample: the ``WORD_SAMPLE`` best
matches, their titles and leads re-analyzed into the index's own terms (lemmas,
stems), each term measured against its own language's items.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from indexer.analysis import token_plan, tokens_of

from .errors import BadRequest

FIELDS = ("organization", "source", "word")
STATISTIC = "jlh"
MIN_COUNT = 3  # Elasticsearch's min_doc_count default
DEFAULT_SIZE, MAX_SIZE = 20, 50
WORD_SAMPLE = 100  # best matches a word sample reads (Elasticsearch's sampler, shard_size)
LEAD_CHARS = 1000  # of each sampled item's body: the lead says what an item is about
WORD_LANGS = ("pl", "en")


@dataclass(frozen=True)
class Significant:
    """One value: its counts in the matches (or sample) and in the archive, and its score."""

    value: str
    label: str
    count: int
    size: int
    archive_count: int
    archive_size: int
    score: float
    language: str | None = None  # words: whose items the value was measured in
    short_label: str | None = None  # organizations: the acronym in the interface language (ONZ / UN)

    def to_dict(self) -> dict:
        out = {"value": self.value, "label": self.label, "count": self.count, "archive_count": self.archive_count,
               "score": round(self.score, 6)}
        if self.language:
            out["language"] = self.language
        if self.short_label:
            out["short_label"] = self.short_label
        return out


@dataclass
class SignificantTerms:
    """The ``/api/significant`` answer."""

    field: str
    matches: int  # the request's total
    counted: int  # the items the values were counted in (words: the sample)
    values: list[Significant]
    took_ms: float = 0.0

    def to_dict(self) -> dict:
        return {"field": self.field, "statistic": STATISTIC, "matches": self.matches, "counted": self.counted,
                "min_count": MIN_COUNT, "values": [v.to_dict() for v in self.values], "took_ms": self.took_ms}


def labelled(values: list[Significant], field: str, registry, ui_lang: str) -> list[Significant]:
    """Organizations named in the interface language (the backends count ids)."""
    if field != "organization":
        return values
    return [replace(v, label=registry.label(v.value, ui_lang), short_label=registry.short_label(v.value, ui_lang))
            for v in values]


def sample_text(item) -> str:
    """What a word sample reads of an item: its title and the start of its body."""
    return f"{item.title}\n{item.body[:LEAD_CHARS]}"


def check_field(field: str, size: int) -> None:
    if field not in FIELDS:
        raise BadRequest(f"field must be one of {', '.join(FIELDS)}, not {field!r}", "field")
    if not 1 <= size <= MAX_SIZE:
        raise BadRequest(f"size must be between 1 and {MAX_SIZE}", "size")


def jlh(count: int, size: int, archive_count: int, archive_size: int) -> float:
    """Elasticsearch's JLH score (0 when the value is no more frequent in the matches)."""
    if not size or not archive_size or not archive_count:
        return 0.0
    fg, bg = count / size, archive_count / archive_size
    return (fg - bg) * (fg / bg) if fg > bg else 0.0


def ranked(values: list[Significant], size: int) -> list[Significant]:
    """The ``size`` best-scoring values with at least MIN_COUNT matches (ties: more matches, then value)."""
    kept = [v for v in values if v.count >= MIN_COUNT and v.score > 0]
    kept.sort(key=lambda v: (-v.score, -v.count, v.value))
    return kept[:size]


@dataclass
class WordSample:
    """Terms of the sampled items, per language: in how many items each, and its commonest spelling."""

    items: Counter  # language -> sampled items
    docs: dict[str, Counter]  # language -> term -> sampled items holding it
    spellings: dict[tuple[str, str], str]  # (language, term) -> the word most items wrote it as

    @classmethod
    def of(cls, texts: list[tuple[str, str]]) -> WordSample:
        """``texts``: (language, title + lead) of each sampled item."""
        items: Counter = Counter()
        docs: dict[str, Counter] = defaultdict(Counter)
        pairs: Counter = Counter()  # (language, word, term) -> sampled items
        for lang, text in texts:
            if lang not in WORD_LANGS:
                continue
            items[lang] += 1
            seen: set[tuple[str, str]] = set()
            for token in set(tokens_of(text)):
                seen.update(_pairs(lang, token))
            docs[lang].update({term for _word, term in seen})
            pairs.update((lang, word, term) for word, term in seen)
        spellings: dict[tuple[str, str], str] = {}
        for (lang, word, term), _n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
            spellings.setdefault((lang, term), word)
        return cls(items, docs, spellings)

    def candidates(self) -> list[tuple[str, str, int]]:
        """(language, term, sampled items) for every term in at least MIN_COUNT sampled items."""
        return [(lang, term, n) for lang, counts in self.docs.items() for term, n in counts.items()
                if n >= MIN_COUNT]

    def spelled(self, lang: str, term: str) -> str:
        return self.spellings[(lang, term)]


@lru_cache(maxsize=200_000)
def _pairs(lang: str, token: str) -> tuple[tuple[str, str], ...]:
    """(word, index term) of each part of ``token`` that is a word of two letters or more."""
    return tuple((word, term) for word, terms in token_plan(lang, token)
                 if word is not None and len(word) > 1 and word.isalpha() for term in terms)
