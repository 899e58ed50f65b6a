"""The surface-word vocabulary of an index generation, per language.

The index holds stems; users type words.  Each generation keeps the distinct
lowercase word forms of its Polish and English text with their document
counts (``vocab.json``), which the search side uses for diacritic-free
queries ("ludzmi" -> "ludźmi"), prefix queries ("handl*" -> "handlem"), and
"did you mean" — without extra postings in the index.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

FILENAME = "vocab.json"
LANGS = ("pl", "en")


class Vocabulary:
    """Word -> number of documents, per language."""

    def __init__(self, counts: dict[str, Counter] | None = None):
        self.counts = {lang: Counter((counts or {}).get(lang, {})) for lang in LANGS}

    def add(self, lang: str, words: set[str]) -> None:
        if lang in self.counts:
            self.counts[lang].update(words)

    def save(self, folder: Path) -> None:
        """Write atomically (a crash leaves the previous file)."""
        tmp = Path(folder) / (FILENAME + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({lang: dict(c) for lang, c in self.counts.items()}, f, ensure_ascii=False)
        os.replace(tmp, Path(folder) / FILENAME)

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        try:
            with open(Path(folder) / FILENAME, encoding="utf-8") as f:
                return cls(json.load(f))
        except (FileNotFoundError, json.JSONDecodeError):
            return cls()
