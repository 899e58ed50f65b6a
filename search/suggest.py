"""“Did you mean”: words from the index vocabulary, in the query's language.

The spelling fields hold the unstemmed word forms of Polish and English bodies
(Whoosh indexes them beside the stemmed field when ``spelling=True``).
"""

from __future__ import annotations

SPELL_FIELDS = {"pl": "body_pl", "en": "body_en"}
POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def _languages(words: list[str]) -> list[str]:
    """Polish letters in the query say Polish first; otherwise try both."""
    if any(POLISH_LETTERS & set(w) for w in words):
        return ["pl", "en"]
    return ["en", "pl"]


def _known(reader, word: str) -> bool:
    for field in SPELL_FIELDS.values():
        name = f"spell_{field}"
        if (name, word) in reader or (field, word) in reader:
            return True
    return False


def suggest(searcher, words: list[str]) -> str | None:
    """The query with unknown words replaced by close, frequent ones; None if no change."""
    reader = searcher.reader()
    changed = False
    out = []
    langs = _languages(words)
    correctors = {lang: searcher.corrector(SPELL_FIELDS[lang]) for lang in langs}
    for word in words:
        lower = word.lower()
        if len(lower) < 3 or lower.isdigit() or _known(reader, lower):
            out.append(word)
            continue
        for lang in langs:
            found = correctors[lang].suggest(lower, limit=1, maxdist=2, prefix=1)
            if found:
                out.append(found[0])
                changed = True
                break
        else:
            out.append(word)
    return " ".join(out) if changed else None
