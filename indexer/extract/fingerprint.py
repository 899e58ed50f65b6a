"""Near-duplicate fingerprints: a 64-bit SimHash of an item's word 2-shingles.

Reprints of one agency story by several outlets differ in a dateline, an
attribution line or a few edits; their SimHashes then differ in a few bits
(Charikar 2002), so the search side can collapse them into one hit.

The words are the analysis tokens (``analysis.TOKEN_PATTERN``), which the
indexer has already cut out of the body, so the fingerprint costs no second
pass over the text: each distinct word is hashed once per process (words
repeat), and a shingle's hash is the two word hashes mixed (SplitMix64's
finalizer over ``a * golden + b``, order-sensitive), in numpy.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from ..analysis import TOKEN_PATTERN, fold
from ..memo import Memo

_TOKEN = re.compile(TOKEN_PATTERN)
SHINGLE = 2  # on the bundled sample: its reprint pair 8 bits apart, every other pair 14+
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def simhash(text: str) -> int:
    """64-bit SimHash of the text's word shingles (case and diacritics ignored)."""
    return simhash_tokens(_TOKEN.findall(text))


def simhash_tokens(tokens: list[str]) -> int:
    """The SimHash of a text already cut into ``TOKEN_PATTERN`` tokens (as the indexer has them)."""
    if len(tokens) < SHINGLE:
        tokens = [*tokens, *[""] * (SHINGLE - len(tokens))]
    words = np.fromiter(map(_WORD_HASHES.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    shingles = np.sort(_mix(words[:-1] * _GOLDEN + words[1:]))  # SHINGLE == 2; overflow wraps
    shingles = shingles[np.concatenate(([True], shingles[1:] != shingles[:-1]))]  # each distinct once
    bits = np.unpackbits(shingles.view(np.uint8).reshape(-1, 8), axis=1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(shingles)
    return int(np.packbits(votes > 0).view(">u8")[0])


def _word_hash(token: str) -> int:
    """The token's 64-bit hash, case and diacritics ignored."""
    return int.from_bytes(hashlib.blake2b(fold(token.lower()).encode(), digest_size=8).digest(), "little")


_WORD_HASHES = Memo(_word_hash, 1 << 19)


def _mix(x: np.ndarray) -> np.ndarray:
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))
