"""Near-duplicate fingerprints: a 64-bit SimHash of an item's word 2-shingles.

Reprints of one agency story by several outlets differ in a dateline, an
attribution line or a few edits; their SimHashes then differ in a few bits
(Charikar 2002), so the search side can collapse them into one hit.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from .analysis import fold

_WORD = re.compile(r"[^\W_]+")
SHINGLE = 2  # measured on sample reprints: a reprint 9 bits away, same-topic stories 23+


def simhash(text: str) -> int:
    """64-bit SimHash of the text's word shingles (case and diacritics ignored)."""
    words = _WORD.findall(fold(text.lower()))
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words))
    shingles = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}  # SHINGLE == 2
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(s.encode(), digest_size=8).digest() for s in shingles])
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(shingles)
    return int(np.packbits(votes > 0).view(">u8")[0])
