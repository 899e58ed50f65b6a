"""Which Stempel table: load time, memory, speed and conflation quality, measured side by side.

Conflation is measured on real Polish news (../shared/corpus/pl-news-bsnlp.jsonl.gz):
each gold entity's inflected mention is paired word by word with its lemma
("Unii Europejskiej" / "Unia Europejska"); recall is the share of pairs whose
stems agree, false merges the share of pairs of *different* lemma words that
get one stem.

    python bench/stempel_tables.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import time
from pathlib import Path

from pystempel import Stemmer, streams

streams.DISABLE_TQDM = True


def pairs_from_corpus(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    pairs, lemmas = set(), set()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            for e in json.loads(line).get("gold_entities") or []:
                mention, lemma = e["mention"].lower().split(), e["lemma"].lower().split()
                if len(mention) == len(lemma):
                    for m, lem in zip(mention, lemma, strict=True):
                        if m.isalpha() and lem.isalpha() and len(m) > 3:
                            pairs.add((m, lem))
                            lemmas.add(lem)
    return sorted(pairs), sorted(lemmas)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, pairs, lemmas) -> dict:
    before = rss_mb()
    t = time.perf_counter()
    stemmer = Stemmer.polimorf() if name == "polimorf" else Stemmer.default()
    load = time.perf_counter() - t
    words = [m for m, _ in pairs] * 3
    t = time.perf_counter()
    for w in words:
        stemmer(w)
    per_word = (time.perf_counter() - t) / len(words) * 1e6

    def stem(w):
        s = stemmer(w)
        return s if s and len(s) >= 3 else w

    recall = sum(stem(m) == stem(lem) for m, lem in pairs) / len(pairs)
    rng = random.Random(7)
    sample = [(rng.choice(lemmas), rng.choice(lemmas)) for _ in range(20000)]
    sample = [(a, b) for a, b in sample if a != b]
    merges = sum(stem(a) == stem(b) for a, b in sample) / len(sample)
    return {"table": name, "load_s": load, "rss_mb": rss_mb() - before, "us_per_word": per_word,
            "recall": recall, "false_merges": merges}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args()
    pairs, lemmas = pairs_from_corpus(args.shared / "corpus" / "pl-news-bsnlp.jsonl.gz")
    rows = [measure(name, pairs, lemmas) for name in ("default", "polimorf")]
    rows.append({"table": "none", "load_s": 0.0, "rss_mb": 0.0, "us_per_word": 0.0,
                 "recall": sum(m == lem for m, lem in pairs) / len(pairs), "false_merges": 0.0})
    print(f"{len(pairs)} mention/lemma word pairs from pl-news-bsnlp gold entities\n")
    print("| table | load (s) | +RSS (MB) | µs/word uncached | conflation recall | false merges |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['table']} | {r['load_s']:.2f} | {r['rss_mb']:.0f} | {r['us_per_word']:.1f} | "
              f"{r['recall']:.3f} | {r['false_merges']:.4f} |")


if __name__ == "__main__":
    main()
