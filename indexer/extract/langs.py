"""Language of an item: ``pl``, ``en`` or ``other``.

Detected with py3langid (langid.py's model, bundled with the package, no
download).  What the source says counts in two ways (``choose``): a
``language`` given per item by a JSON Lines producer is taken as it is; a
language a feed's channel, an Atom ``xml:lang`` or a page's ``<html lang>``
declares is a hint, often a CMS default (``en-US`` on a Polish site), and
gives way to the detected language when the detector is sure of it: on a
text of ``SURE_CHARS`` letters or more at ``SURE_PROBABILITY``, on a shorter
one (a feed entry's single sentence) only at ``SHORT_PROBABILITY``, set by
``bench/tune_langs.py`` from the detector's measured error on short texts.
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


SURE_CHARS = 200  # letters of text from which the detector's verdict at SURE_PROBABILITY wins
SURE_PROBABILITY = 0.95  # (its probability, normalized over CANDIDATES) over a declared language
SHORT_CHARS = 20  # a shorter text keeps what its source declares, however sure the detector
SHORT_PROBABILITY = 0.8  # below SURE_CHARS letters: bench/tune_langs.py (tuned for <= 0.1 % wrong per language)


@lru_cache(maxsize=1)
def _identifier():
    identifier = py3langid.langid.LanguageIdentifier.from_model_file(
        py3langid.langid.MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def normalize(code: object) -> str | None:
    """Map metadata values (``pl-PL``, ``English``, ``cs``) to pl/en/other; None if empty."""
    if not isinstance(code, str) or not code.strip():
        return None
    code = code.strip().lower().replace("_", "-")
    return _ALIASES.get(code) or _ALIASES.get(code.split("-")[0]) or OTHER


def detect(text: str) -> tuple[str, bool]:
    """The language of ``text`` (its first 3,000 characters suffice) and whether the detection is
    sure (enough text, high probability)."""
    sample = text[:3000]
    letters = sum(c.isalpha() for c in sample)
    if not letters:
        return OTHER, False
    lang, probability = _identifier().classify(sample.lower())  # all-caps wire headlines confuse langid
    sure = probability >= SURE_PROBABILITY if letters >= SURE_CHARS \
        else letters >= SHORT_CHARS and probability >= SHORT_PROBABILITY
    return (lang if lang in LANGUAGES else OTHER), sure


def choose(text: str, given: object = None, declared: object = None) -> str:
    """The item's language: ``given`` per item if any, else the detected one unless unsure and ``declared``."""
    explicit = normalize(given)
    if explicit:
        return explicit
    detected, sure = detect(text)
    hint = normalize(declared)
    return hint if hint and not sure else detected
