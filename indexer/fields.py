"""What every backend's index agrees on: the text fields per language, the indexed text's
length, and the BM25 parameters.  The Whoosh schema and the OpenSearch mapping both
follow these, and the search side names fields by them."""

from __future__ import annotations

FIELD_LANGS = ("pl", "en", "xx")  # text field suffixes; "xx" holds every other language
INDEX_BODY_CHARS = 500_000  # text beyond this is stored but not indexed
# BM25 parameters of every backend, tuned on the SciFact training claims
# (bench/tune_scifact.py); Whoosh's and Lucene's defaults are 1.2 and 0.75.
BM25_K1, BM25_B = 0.9, 0.3


def field_lang(language: str) -> str:
    return language if language in ("pl", "en") else "xx"
