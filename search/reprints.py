"""Near-duplicate reprints folded under the best-ranked version (``collapse=1``)."""

from __future__ import annotations

import numpy as np

NEAR_DUPLICATE_BITS = 9  # SimHash distance of a reprint: chosen on judged corpus pairs (bench/reprints.py)


def collapse(ordered: np.ndarray, simhash: np.ndarray, groups_wanted: int) -> list[list[int]]:
    """Group ranked documents with near-identical fingerprints; the best-ranked leads.

    Stops once ``groups_wanted`` groups exist (later documents may still join
    them only if they were examined first, so a page never changes afterwards).
    """
    groups: list[list[int]] = []
    heads = np.zeros(0, dtype=np.uint64)
    for doc in ordered.tolist():
        fingerprint = simhash[doc]
        if fingerprint and len(heads):
            distance = np.bitwise_count(heads ^ fingerprint)
            best = int(np.argmin(distance))
            if distance[best] <= NEAR_DUPLICATE_BITS:
                groups[best].append(doc)
                continue
        if len(groups) >= groups_wanted:
            continue
        groups.append([doc])
        heads = np.append(heads, fingerprint if fingerprint else np.uint64(0))
    return groups
