"""RSS 2.0 / Atom feed files and saved HTML article pages, as records.

Feeds are parsed with feedparser (content:encoded, Atom content with
xml:lang, summaries); HTML is turned into text and metadata with trafilatura,
which drops menus, footers and cookie banners and reads the publication date
from ``article:published_time``, JSON-LD ``datePublished`` or ``<time>``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from .records import Problem, Record, decode, read_bytes

MIN_ARTICLE_CHARS = 40  # less than this is a menu or an error page, not an article


def _iso(struct: time.struct_time | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%S", struct) if struct else None


_BLOCKS = ("p", "br", "li", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote")


def _html_text(fragment: str) -> str:
    """Clean text of an HTML fragment (feed content), one line per block element."""
    import lxml.html

    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter("script", "style"):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def read_feed_file(path: Path) -> Iterator[Record | Problem]:
    """One record per feed entry."""
    import feedparser

    parsed = feedparser.parse(read_bytes(path))
    if not parsed.entries:
        reason = f"not a feed: {parsed.bozo_exception}" if parsed.get("bozo") else "a feed with no entries"
        yield Problem(str(path), reason)
        return
    feed = parsed.feed
    for n, entry in enumerate(parsed.entries, start=1):
        content = entry.get("content") or []
        html = content[0].get("value") if content else entry.get("summary", "")
        language = (content[0].get("language") if content else None) or feed.get("language")
        fields = {
            "id": entry.get("id") or entry.get("link") or None,
            "title": _html_text(entry.get("title", "")),
            "body": _html_text(html or ""),
            "date": _iso(entry.get("published_parsed") or entry.get("updated_parsed")),
            "declared_language": language,
            "source": feed.get("title"),
            "url": entry.get("link"),
        }
        if not fields["title"] and not fields["body"]:
            yield Problem(f"{path}:{n}", "feed entry without a title or text")
            continue
        yield Record({k: v for k, v in fields.items() if v}, str(path), str(n))


def read_html_file(path: Path) -> Iterator[Record | Problem]:
    """The main article of a saved page, its title, date, language and source."""
    import lxml.html
    import trafilatura

    text, _encoding = decode(read_bytes(path))
    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    if doc is None or len((doc.text or "").strip()) < MIN_ARTICLE_CHARS:
        yield Problem(str(path), "no article text found in the page")
        return
    try:
        language = lxml.html.fromstring(text.encode("utf-8")).get("lang")
    except (ValueError, lxml.etree.ParserError):
        language = None
    body = doc.text.strip()
    if doc.title and body.startswith(doc.title):
        body = body[len(doc.title):].lstrip()
    fields = {"title": doc.title, "body": body, "date": doc.date, "declared_language": language,
              "source": doc.sitename, "url": doc.url}
    yield Record({k: v for k, v in fields.items() if v}, str(path), "")
