"""Snippets with the matched words marked, everything else HTML-escaped.

The text is re-analyzed with the analyzer that indexed it, so "handlem" is
marked for a query "handel"; each distinct word is analyzed once per process
(cached), and only the first ``SCAN_CHARS`` characters are read, so a huge
item stays fast.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from indexer.analysis import TOKEN_PATTERN, token_plan
from indexer.fields import field_lang

SNIPPET_CHARS = 240
SCAN_CHARS = 8_000
CONTEXT_BEFORE = 60


_WORD = re.compile(TOKEN_PATTERN)


@lru_cache(maxsize=20_000)  # a server runs for weeks: bounded, and token_plan caches beneath
def _word_terms(lang: str, word: str) -> tuple[tuple[str, int, int], ...]:
    """The index terms of one word (several for hyphenated words) with their spans in it.

    From the indexer's own per-token plan (``token_plan``: the chain's terms,
    cached per token), not a run of the analyzer chain per word.
    """
    lang = field_lang(lang)  # the index's field languages
    found, start = [], 0
    for part, (word_form, terms) in zip(word.split("-"), token_plan(lang, word), strict=True):
        if word_form is not None:
            found += [(term, start, start + len(part)) for term in terms]
        start += len(part) + 1
    return tuple(found)


def match_spans(text: str, lang: str, terms: set[str], extra=()) -> list[tuple[int, int]]:
    """Character spans of words whose index terms are among the query's ``terms``, merged.

    ``extra`` are more spans to mark (the organization mentions found at index time).
    """
    spans = {(s, e) for s, e in extra if e <= len(text)}
    if terms:
        for m in _WORD.finditer(text):
            for term, start, end in _word_terms(lang, m.group()):
                if term in terms:
                    spans.add((m.start() + start, m.start() + end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def _best_window(spans: list[tuple[int, int]], size: int) -> int:
    """Start of the window of ``size`` characters that holds the most spans."""
    best, best_count = 0, -1
    for i, (s, _e) in enumerate(spans[:200]):
        start = max(0, s - CONTEXT_BEFORE)
        count = sum(1 for s2, e2 in spans[i : i + 50] if e2 <= start + size)
        if count > best_count:
            best, best_count = start, count
    return best


def snippet(text: str, lang: str, terms: set[str], size: int = SNIPPET_CHARS, extra=()) -> str:
    """An HTML snippet of about ``size`` characters around the best cluster of matches."""
    head = text[:SCAN_CHARS]
    spans = match_spans(head, lang, terms, extra)
    start = _best_window(spans, size) if spans else 0
    if start:  # begin at a word boundary
        space = head.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(head), start + size)
    if end < len(head):
        space = head.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    body = mark(head, spans, start, end)
    return ("…" if start else "") + body.strip() + ("…" if end < len(text) else "")


def title_html(title: str, lang: str, terms: set[str], extra=()) -> str:
    return mark(title, match_spans(title, lang, terms, extra))
