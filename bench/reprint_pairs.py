"""Draw the pairs of corpus items to judge for the reprint threshold (``bench/reprints.py``).

Every pair of items of one corpus file whose SimHashes (the indexer's
fingerprint of the body) are 0 to 20 bits apart is a candidate; at each
distance the ``PER_DISTANCE`` pairs with the smallest hash of their two ids are
drawn, so the draw is fixed and a judgment, once made, keeps its pair.  Prints
the pairs to judge (ids, distance, titles and leads) and, with ``--tsv``, the
rows of ``bench/reprints_judged.tsv`` still to fill in (the verdict column
empty).  The judgment — the same story reprinted or rewritten from one source,
or not — is made by reading both items.

    python bench/reprint_pairs.py [--shared ../shared] [--tsv]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.extract.fingerprint import simhash  # noqa: E402

FILES = ("pl-news-bsnlp.jsonl.gz", "en-news-reuters21578.jsonl.gz", "other-lang-news-bsnlp.jsonl.gz")
MAX_DISTANCE = 20
PER_DISTANCE = 12
CHUNK = 2000


def rows_of(shared: Path, name: str) -> list[dict]:
    with gzip.open(shared / "corpus" / name, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def pair_key(a: str, b: str) -> str:
    return hashlib.sha256(f"{a}\t{b}".encode()).hexdigest()


def close_pairs(fingerprints: np.ndarray) -> list[tuple[int, int, int]]:
    """(i, j, distance) of every pair i < j at most MAX_DISTANCE bits apart (empty bodies left out)."""
    out = []
    for start in range(0, len(fingerprints), CHUNK):
        block = fingerprints[start:start + CHUNK]
        distance = np.bitwise_count(block[:, None] ^ fingerprints[None, :])
        for i, j in zip(*np.nonzero(distance <= MAX_DISTANCE), strict=True):
            a = start + int(i)
            if a < j and fingerprints[a] and fingerprints[j]:
                out.append((a, int(j), int(distance[i, j])))
    return out


def drawn(shared: Path) -> list[tuple[str, str, int, dict, dict]]:
    """(id, id, distance, row, row) of the pairs to judge, by distance then hash."""
    by_distance: dict[int, list] = {d: [] for d in range(MAX_DISTANCE + 1)}
    for name in FILES:
        rows = [r for r in rows_of(shared, name) if (r.get("body") or "").strip()]
        fingerprints = np.array([simhash(r["body"]) for r in rows], dtype=np.uint64)
        for i, j, d in close_pairs(fingerprints):
            a, b = sorted((rows[i]["id"], rows[j]["id"]))
            by_distance[d].append((pair_key(a, b), a, b, rows[i], rows[j]))
    out = []
    for d, pairs in by_distance.items():
        for _key, a, b, ra, rb in sorted(pairs, key=lambda p: p[0])[:PER_DISTANCE]:
            out.append((a, b, d, ra, rb))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--tsv", action="store_true", help="print the judged file's rows (verdicts empty)")
    parser.add_argument("--lead", type=int, default=400, help="characters of each body to show")
    args = parser.parse_args()
    for a, b, d, ra, rb in drawn(args.shared):
        if args.tsv:
            print(f"{a}\t{b}\t{d}\t")
            continue
        print(f"=== {d} bits: {a} | {b}")
        for row in (ra, rb):
            print(f"  [{row['id']}] {row.get('source')} {row.get('date')}: {row.get('title')}")
            print("    " + " ".join((row.get("body") or "")[:args.lead].split()))


if __name__ == "__main__":
    main()
