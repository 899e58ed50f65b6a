"""Snippets with the matched words marked, everything else HTML-escaped.

The text is re-analyzed with the same analyzers that indexed it (exact and
folded), so "handlem" is marked for a query "handel" and "Łódź" for "Lodz".
Only the first ``SCAN_CHARS`` characters are analyzed, so a huge item stays fast.
"""

from __future__ import annotations

import html

SNIPPET_CHARS = 240
SCAN_CHARS = 20_000
CONTEXT_BEFORE = 60


def match_spans(text: str, analyzers, extra=None) -> list[tuple[int, int]]:
    """Character spans of tokens whose analyzed form is among the query's terms.

    ``analyzers`` is a list of (analyzer, set of terms) pairs; ``extra`` a
    function giving more spans (organization mentions) for the text.
    """
    spans = set(extra(text)) if extra else set()
    for analyzer, terms in analyzers:
        if not terms:
            continue
        for token in analyzer(text, chars=True, removestops=True):
            if not token.stopped and token.text in terms:
                spans.add((token.startchar, token.endchar))
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


def snippet(text: str, analyzers, size: int = SNIPPET_CHARS, extra=None) -> str:
    """An HTML snippet of about ``size`` characters around the best cluster of matches."""
    head = text[:SCAN_CHARS]
    spans = match_spans(head, analyzers, extra)
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


def title_html(title: str, analyzers, extra=None) -> str:
    return mark(title, match_spans(title, analyzers, extra))
