"""Which of a word's dictionary translations a query searches, and how strongly: the archive decides.

A dictionary lists senses, not the one a query means: ``ropy`` is pus, diesel,
oil and matter; ``złota`` gold and zloty.  Two kinds of evidence from the
target language's items pick among them (Ballesteros & Croft 1998; Gao et al.
2001, "translation coherence"):

- **frequency**: a sense the archive hardly uses is rarely the one meant
  (log document frequency, relative to the word's most frequent candidate);
- **coherence**: in a query of several words, the right senses occur together
  more often than chance (``oil`` with ``price``; ``pus`` with nothing the
  other words became).  A candidate's coherence is its best weighted mutual
  information, p(a,b)·log(p(a,b) / p(a)p(b)), with any candidate of any other
  word (Gao et al.'s measure; a plain co-occurrence count or Dice favours
  senses common everywhere, ``matter`` over ``oil``), relative to the word's
  most coherent candidate.

Co-occurrence is counted in the first ``SAMPLE_DOCS`` documents (at 1M items
the whole sets cost a query several milliseconds).  Each candidate's score
mixes the two (``COHERENCE`` of the weight goes to coherence when the query
has other words); a candidate below ``MIN_WEIGHT`` of the word's best is
dropped, at most ``MAX_KEPT`` stay, and they keep their relative score as
weight.  The constants (and ``MEASURE``: weighted MI or normalized PMI) come
from ``bench/crosslang_tuning.py`` on a tuning query set of its own;
``bench/crosslang.py`` reports on another.  Pirkola's structure is kept: a
word's translations stay one group.

The backend supplies ``Evidence``: each candidate's documents in the target
language's items (the Whoosh backend reads its postings).  Without it (the
OpenSearch backend) every candidate keeps weight 1, in the dictionary's order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

COHERENCE = 0.3  # of a candidate's score, when the query has other words
MIN_WEIGHT = 0.0  # of the word's best candidate: below it a sense is dropped
MAX_KEPT = 3  # senses searched per word
MEASURE = "wmi"  # the coherence measure: weighted mutual information, or "npmi" (normalized PMI)
SAMPLE_DOCS = 100_000  # documents in which co-occurrence is counted
MAX_CANDIDATES = 10  # read from the index per word (a dictionary's tail is rarely the meaning)

Weighted = dict[str, list[tuple[str, float]]]  # query word -> (translation, weight), best first


@dataclass
class Evidence:
    """A target language's documents of a translation (sorted, unique)."""

    docs: Callable[[str, str], np.ndarray | None]  # (language, translation) -> documents; None: stopwords
    size: int  # documents in the index (the probabilities' denominator)
    # |a ∩ b| of two sets of documents all under a size (default: np.intersect1d)
    overlap: Callable[[np.ndarray, np.ndarray, int], int] | None = None


def unweighted(found: dict[str, dict[str, list[str]]]) -> dict[str, Weighted]:
    """The dictionary's order, weight 1 each: what a backend without evidence searches."""
    return {lang: {word: [(t, 1.0) for t in texts[:MAX_KEPT * 2]] for word, texts in by_word.items()}
            for lang, by_word in found.items()}


def weigh(found: dict[str, dict[str, list[str]]], evidence: Evidence) -> dict[str, Weighted]:
    """Each target language's words with their chosen translations and weights."""
    return {lang: _weigh_language(lang, by_word, evidence) for lang, by_word in found.items()}


def _weigh_language(lang: str, by_word: dict[str, list[str]], evidence: Evidence) -> Weighted:
    read = {word: {t: evidence.docs(lang, t) for t in texts[:MAX_CANDIDATES]} for word, texts in by_word.items()}
    # a translation made of stopwords ("first" -> pierwszy) asks nothing of the target's items
    stopped = {word: [t for t, d in cands.items() if d is None][:1] for word, cands in read.items()}
    docs = {word: {t: d for t, d in cands.items() if d is not None and len(d)} for word, cands in read.items()}
    overlap = evidence.overlap or _intersection
    window = min(evidence.size, SAMPLE_DOCS)
    sample = {word: {t: d[:np.searchsorted(d, window)] for t, d in cands.items()} for word, cands in docs.items()}
    out: Weighted = {}
    for word, cands in docs.items():
        # the other words' candidates, less what this word shares with them (a multi-word entry's
        # translation is every word's: "human" would cohere with "human trafficking" by itself)
        others = [d for other, oc in sample.items() if other != word for t, d in oc.items() if t not in cands]
        freq = _relative({t: math.log1p(len(d)) for t, d in cands.items()})
        mix = COHERENCE if others else 0.0
        coh = _relative({t: max((_mutual(d, o, overlap, window) for o in others), default=0.0)
                         for t, d in sample[word].items()})
        scores = _relative({t: (1 - mix) * freq[t] + mix * coh[t] for t in cands})
        kept = sorted((t for t in cands if scores[t] >= MIN_WEIGHT), key=lambda t: -scores[t])[:MAX_KEPT]
        chosen = [(t, round(scores[t], 3)) for t in kept] + [(t, 0.0) for t in stopped[word]]
        if chosen:
            out[word] = chosen
    for word in stopped.keys() - out.keys():
        if stopped[word]:
            out[word] = [(stopped[word][0], 0.0)]
    return out


def _relative(values: dict[str, float]) -> dict[str, float]:
    best = max(values.values(), default=0.0)
    return {k: (v / best if best > 0 else 0.0) for k, v in values.items()}


def _mutual(a: np.ndarray, b: np.ndarray, overlap: Callable[[np.ndarray, np.ndarray, int], int],
            size: int) -> float:
    """Weighted mutual information of two documents sets' words, 0 when they meet no more than by chance."""
    if not len(a) or not len(b) or size <= 0:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    both = overlap(small, large, size) / size
    if both <= 0:
        return 0.0
    pmi = math.log(both / ((len(a) / size) * (len(b) / size)))
    if MEASURE == "npmi":
        return max(0.0, pmi / -math.log(both)) if both < 1 else 0.0
    return max(0.0, both * pmi)


def _intersection(a: np.ndarray, b: np.ndarray, _size: int) -> int:
    return len(np.intersect1d(a, b, assume_unique=True))
