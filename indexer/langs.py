"""Language of an item: ``pl``, ``en`` or ``other``.

Detected with py3langid (langid.py's model, bundled with the package, no
download), overridable by the item's metadata.
"""

from __future__ import annotations

from functools import lru_cache

import py3langid.langid

LANGUAGES = ("pl", "en")
OTHER = "other"
# Languages press archives hold.  Restricting langid to them keeps short,
# number-heavy wire items (earnings tables) from landing in pidgin or "zxx".
CANDIDATES = (
    "pl en cs sk sl hr sr bs bg mk ru uk be lt lv et de fr es it pt nl sv da no fi hu ro el tr"
    " ar he fa zh ja ko vi id".split()
)

_ALIASES = {
    "pl": "pl", "pol": "pl", "polish": "pl", "polski": "pl",
    "en": "en", "eng": "en", "english": "en", "angielski": "en",
}


@lru_cache(maxsize=1)
def _identifier():
    identifier = py3langid.langid.LanguageIdentifier.from_model_file(
        py3langid.langid.MODEL_FILE)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def normalize(code: object) -> str | None:
    """Map metadata values (``pl-PL``, ``English``, ``cs``) to pl/en/other; None if empty."""
    if not isinstance(code, str) or not code.strip():
        return None
    code = code.strip().lower().replace("_", "-")
    return _ALIASES.get(code) or _ALIASES.get(code.split("-")[0]) or OTHER


def detect(text: str) -> str:
    """Detect the language of ``text`` (its first 3,000 characters suffice)."""
    sample = text[:3000]
    if not any(c.isalpha() for c in sample):
        return OTHER
    lang, _score = _identifier().classify(sample.lower())  # all-caps wire headlines confuse langid
    return lang if lang in LANGUAGES else OTHER
