"""The surface words of an index generation, for the query side.

Built once per generation from the indexer's ``vocab.json`` (see
``indexer/whoosh/vocab.py``).  It answers three questions the stemmed index cannot:

- which written forms a diacritic-free word stands for ("ludzmi" -> "ludźmi",
  "lodz" -> "łódź"), so queries work with or without Polish letters;
- which words start with a prefix ("handl*" -> "handlem", "handlu"), so
  prefix queries work on words rather than on stems;
- which known word is closest to an unknown one ("did you mean");
- which other inflected forms a name the dictionary does not know has in
  this archive (``Macron`` -> ``Macrona``, ``Macronem``; ``Skripala`` ->
  ``Skripal``), so foreign names conflate although Stempel stems them
  inconsistently (see ``name_forms``).
"""

from __future__ import annotations

import bisect
import fnmatch

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer import Vocabulary
from indexer.analysis import dictionary_lemmas, fold, polish_chain

# Polish case endings of nouns and names, with the stem-final alternation a
# locative may carry (Twitter -> Twitterze, Brexit -> Brexicie, Bagdad -> Bagdadzie):
# (ending, what the base form has in its place).
NAME_ENDINGS = (
    ("owie", ""), ("owi", ""), ("ami", ""), ("ach", ""), ("em", ""), ("om", ""), ("ów", ""),
    ("ie", ""), ("cie", "t"), ("dzie", "d"), ("rze", "r"), ("ze", ""), ("a", ""), ("u", ""),
    ("y", ""), ("i", ""), ("ę", ""), ("ą", ""), ("o", ""), ("e", ""),
)
MIN_NAME_BASE = 3
# how much more often, per word the language's items write, English items must write a word that
# Morfeusz also reads as Polish for a query to take it as English ("Germany", "gas")
ENGLISH_OVER_POLISH = 10
MIN_ENGLISH_ITEMS = 5


class Lexicon:
    """Surface words by language, with document counts."""

    def __init__(self, vocab: Vocabulary):
        self.counts = {lang: dict(c) for lang, c in vocab.counts.items()}
        self._by_fold: dict[str, dict[str, list[str]]] = {}
        self._folded: dict[str, list[tuple[str, str]]] = {}
        self._accented: dict[str, dict[str, list[str]]] = {}
        self._written = {lang: sum(counts.values()) or 1 for lang, counts in self.counts.items()}
        for lang, counts in self.counts.items():
            groups: dict[str, list[str]] = {}
            for word in counts:
                groups.setdefault(fold(word), []).append(word)
            self._by_fold[lang] = {f: sorted(ws, key=lambda w: -counts[w]) for f, ws in groups.items()}
            self._folded[lang] = sorted((fold(w), w) for w in counts)

    def add_terms(self, lang: str, terms) -> None:
        """Index terms (lemmas, stems) written with diacritics, by their folded form.

        A diacritic-free query word whose written form the archive lacks
        (``Bialorus`` where only ``Białorusi`` is written) still reaches the
        lemma ``białoruś`` through its folded form.
        """
        accented = self._accented.setdefault(lang, {})
        for term in terms:
            term = term.decode("utf-8") if isinstance(term, bytes) else term
            if not term.isascii():
                accented.setdefault(fold(term), []).append(term)

    def accented_terms(self, lang: str, term: str) -> list[str]:
        """Index terms that differ from ``term`` (typed without diacritics) only in diacritics."""
        return self._accented.get(lang, {}).get(term, []) if term.isascii() else []

    def english_rather(self, word: str) -> bool:
        """Does the archive write ``word`` far more in English items than in Polish ones?

        Morfeusz reads "Germany" as germanium's plural and "gas" as a form of
        gasić; the archive's own items say which language writes them.
        """
        lower = word.lower()
        en, pl = (self.counts.get(lang, {}).get(lower, 0) for lang in ("en", "pl"))
        return en >= MIN_ENGLISH_ITEMS and en / self._written["en"] > ENGLISH_OVER_POLISH * pl / self._written["pl"]

    def known(self, word: str) -> bool:
        """Is ``word`` written in the index, with or without its diacritics?"""
        folded = fold(word)
        return any(folded in groups for groups in self._by_fold.values())

    def variants(self, lang: str, word: str) -> list[str]:
        """Other written forms of ``word`` that differ only in diacritics."""
        forms = self._by_fold.get(lang, {}).get(fold(word), [])
        return [w for w in forms if w != word]

    def name_forms(self, word: str) -> list[str]:
        """Other inflected forms of a Polish word the dictionary does not know, found in the archive.

        A general rule, not a list of names: the word's base is the word itself,
        or the word without a Polish case ending when that shorter form is
        written somewhere in the archive (``skripala`` -> ``skripal``); its forms
        are the base plus any case ending, again only those written in the
        archive and also unknown to the dictionary, so a dictionary word never
        joins a name's forms.  ``Macron``, ``Macrona``, ``Macronem`` then search
        the same items, whatever Stempel makes of each.
        """
        counts = self.counts.get("pl", {})
        word = word.lower()
        if polish_chain() != "morfeusz" or len(word) < MIN_NAME_BASE + 1 or not word.isalpha() \
                or dictionary_lemmas(word):
            return []  # without the dictionary there is no telling names from words
        bases = {word}
        for ending, base_end in NAME_ENDINGS:
            base = word[: -len(ending)] + base_end
            if word.endswith(ending) and len(base) >= MIN_NAME_BASE and base in counts:
                bases.add(base)
        forms = set(bases)
        for base in bases:
            for ending, base_end in NAME_ENDINGS:
                if base_end and not base.endswith(base_end):
                    continue
                form = base[: len(base) - len(base_end)] + ending
                if form in counts:
                    forms.add(form)
        forms.discard(word)
        return sorted(f for f in forms if not dictionary_lemmas(f))

    def expand(self, lang: str, pattern: str, limit: int) -> list[str]:
        """Words matching a prefix (``handl``) or wildcard (``han?l*``), most frequent first.

        Matching ignores diacritics; the result holds at most ``limit + 1``
        words so the caller can tell that the limit was reached.
        """
        pattern = fold(pattern.lower())
        head = pattern.split("*")[0].split("?")[0]
        entries = self._folded.get(lang, [])
        start = bisect.bisect_left(entries, (head, ""))
        found = []
        exact_prefix = pattern == head + "*" or pattern == head
        for folded, word in entries[start:]:
            if not folded.startswith(head):
                break
            if exact_prefix or fnmatch.fnmatchcase(folded, pattern):
                found.append(word)
                if len(found) > limit * 20:
                    break
        counts = self.counts[lang]
        found.sort(key=lambda w: -counts[w])
        return found[: limit + 1]

    def similar(self, lang: str, word: str, maxdist: int, limit: int) -> list[str]:
        """Known words within ``maxdist`` edits of ``word`` (fuzzy ``term~``)."""
        counts = self.counts.get(lang, {})
        matches = process.extract(word, counts.keys(), scorer=Levenshtein.distance,
                                  score_cutoff=maxdist, limit=limit + 1)
        return [m[0] for m in matches]

    def suggest(self, word: str, langs: list[str]) -> str | None:
        """The most frequent known word one or two edits away, same first letter."""
        best: tuple[int, int, str] | None = None
        for rank, lang in enumerate(langs):
            counts = self.counts.get(lang, {})
            for candidate, dist, _ in process.extract(
                word, counts.keys(), scorer=Levenshtein.distance, score_cutoff=2, limit=20
            ):
                if candidate[:1] != word[:1] or candidate == word:
                    continue
                key = (dist, rank, -counts[candidate])
                if best is None or key < best[:3]:
                    best = (*key, candidate)
        return best[3] if best else None
