"""The reprint threshold, from judged pairs: which SimHash distance says "the same story".

``bench/reprints_judged.tsv`` holds pairs of corpus items drawn by
``bench/reprint_pairs.py`` (12 at each distance 0-20 bits), each judged by
reading both items: 1 when they are one story reprinted, re-sent, corrected or
rewritten from one dispatch (long runs of the same sentences), 0 when they are
different stories — a market report of another hour, a dividend notice of
another company, a different article under the same page boilerplate.

The pairs are split in two by a hash of their ids.  The threshold is chosen on
the first half (the best F1 of "reprint"); precision and recall are reported
on the second half.  The draw is stratified (12 pairs a distance, while the
corpora hold a few pairs at 0 bits and tens of thousands at 20), so each
judged pair stands for the pairs of its distance in the corpora: estimates
weight it by (pairs at that distance) / (judged pairs at that distance).
Pairs more than 20 bits apart are taken as different stories (none judged).

    python bench/reprints.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reprint_pairs import FILES, MAX_DISTANCE, rows_of  # noqa: E402

from indexer.extract.fingerprint import simhash  # noqa: E402
from search.reprints import NEAR_DUPLICATE_BITS  # noqa: E402

JUDGED = ROOT / "bench" / "reprints_judged.tsv"
GUESSED_BITS = 12  # the threshold before these judgments (a guess from the bundled sample's one pair)


def judged() -> list[tuple[str, str, int, bool]]:
    out = []
    for line in JUDGED.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            a, b, distance, verdict = line.split("\t")
            out.append((a, b, int(distance), verdict == "1"))
    return out


def pairs_per_distance(shared: Path) -> np.ndarray:
    """How many pairs of items of one corpus file lie at each distance 0..MAX_DISTANCE."""
    counts = np.zeros(MAX_DISTANCE + 1, dtype=np.int64)
    for name in FILES:
        fingerprints = np.array([simhash(r["body"]) for r in rows_of(shared, name) if (r.get("body") or "").strip()],
                                dtype=np.uint64)
        fingerprints = fingerprints[fingerprints != 0]
        columns = np.arange(len(fingerprints))
        for start in range(0, len(fingerprints), 2000):
            block = fingerprints[start:start + 2000]
            distance = np.bitwise_count(block[:, None] ^ fingerprints[None, :])
            later = columns[None, :] > np.arange(start, start + len(block))[:, None]  # each pair once
            counts += np.bincount(distance[later & (distance <= MAX_DISTANCE)], minlength=MAX_DISTANCE + 1)
    return counts


def half(a: str, b: str) -> int:
    return hashlib.sha256(f"{a}\t{b}".encode()).digest()[0] % 2


def estimate(pairs, population: np.ndarray, threshold: int) -> tuple[float, float]:
    """Weighted precision and recall of "distance <= threshold means reprint" over ``pairs``."""
    judged_at = Counter(d for _a, _b, d, _v in pairs)
    weight = {d: population[d] / n for d, n in judged_at.items()}
    tp = sum(weight[d] for _a, _b, d, v in pairs if v and d <= threshold)
    fp = sum(weight[d] for _a, _b, d, v in pairs if not v and d <= threshold)
    fn = sum(weight[d] for _a, _b, d, v in pairs if v and d > threshold)
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    pairs = judged()
    population = pairs_per_distance(args.shared)
    tuning = [p for p in pairs if half(p[0], p[1]) == 0]
    test = [p for p in pairs if half(p[0], p[1]) == 1]
    best = max(range(MAX_DISTANCE + 1), key=lambda t: (f1(*estimate(tuning, population, t)), -t))
    print(f"## Reprints: the SimHash threshold from {len(pairs)} judged pairs "
          f"({sum(v for *_, v in pairs)} reprints), chosen on {len(tuning)}, measured on {len(test)}\n")
    print("| distance (bits) | pairs in the corpora | judged | reprints among them |")
    print("|---|---|---|---|")
    for d in range(MAX_DISTANCE + 1):
        at = [v for _a, _b, dist, v in pairs if dist == d]
        print(f"| {d} | {population[d]:,} | {len(at)} | {sum(at)} |")
    print("\n| threshold | chosen on | precision (held-out half) | recall (held-out half) |")
    print("|---|---|---|---|")
    rows = (("chosen: best F1 on the tuning half", best), ("prasa's setting (search/reprints.py)", NEAR_DUPLICATE_BITS),
            ("the earlier guess", GUESSED_BITS))
    for label, t in rows:
        p, r = estimate(test, population, t)
        print(f"| ≤ {t} bits | {label} | {p:.2f} | {r:.2f} |")
    print("\nweighted by the corpora's pairs at each distance; pairs over 20 bits apart count as different stories")


if __name__ == "__main__":
    main()
