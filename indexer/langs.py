"""Language of an item: ``pl``, ``en`` or ``other``.

Detected with py3langid (langid.py's model, bundled with the package, no
download), overridable by the item's metadata.
"""

from __future__ import annotations

import py3langid

LANGUAGES = ("pl", "en")
OTHER = "other"

_ALIASES = {
    "pl": "pl", "pol": "pl", "polish": "pl", "polski": "pl",
    "en": "en", "eng": "en", "english": "en", "angielski": "en",
}


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
    lang, _score = py3langid.classify(sample)
    return lang if lang in LANGUAGES else OTHER
