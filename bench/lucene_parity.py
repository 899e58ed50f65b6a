"""prasa's analyzers beside Lucene's on the whole wpolish word list and the real corpora.

``tests/test_lucene_parity.py`` checks every 40th word on each ``make test``;
this prints the figures for all 4.3 million word forms (a few minutes): the
Stempel chain (prasa's fallback for words the dictionary lacks, and
``PRASA_POLISH=stempel``) beside Lucene's Polish analyzer, the English chain
beside the cluster's, and the share of Polish tokens whose terms the
cluster's ``prasa_terms`` field reproduces exactly from ``encode_terms``.

    python bench/lucene_parity.py [--shared ../shared] [--every 1]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.analysis import analyzer_for, encode_terms, stempel_analyzer  # noqa: E402
from indexer.opensearch.mapping import ANALYSIS  # noqa: E402
from tests.lucene import LuceneChain, compare  # noqa: E402
from tests.test_lucene_parity import (  # noqa: E402
    STEMPEL_ANALYSIS,
    WORDLIST,
    invented_stem_guard,
    prasa_positions,
)

CHUNK = 100_000  # words per Lucene call


def _add(totals: dict[str, int], result: dict[str, list]) -> None:
    for kind, rows in result.items():
        totals[kind] = totals.get(kind, 0) + len(rows)


def _row(name: str, totals: dict[str, int], seconds: float) -> str:
    total = sum(totals.values())
    share = {k: totals.get(k, 0) / total for k in ("same", "explained", "stem", "tokenizer")}
    return (f"| {name} | {total:,} | {share['same']:.2%} | {share['explained']:.2%} | "
            f"{totals.get('stem', 0):,} | {share['tokenizer']:.2%} | {seconds:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--every", type=int, default=1, help="take every N-th word of the list")
    args = parser.parse_args()
    polish, english = LuceneChain("stempel", STEMPEL_ANALYSIS), LuceneChain("prasa_english", ANALYSIS)
    terms_field = LuceneChain("prasa_terms", ANALYSIS)
    print("Stempel chain (Lucene's Polish analyzer) and English chain, token by token:\n")
    print("| input | tokens | identical | prasa's invented-stem guard | unexplained | tokenizer | s |")
    print("|---|---|---|---|---|---|---|")

    started, totals = time.perf_counter(), {}
    words = WORDLIST.read_text("utf-8").split("\n")[:: args.every]
    texts = ["\n".join(words[start : start + CHUNK]) for start in range(0, len(words), CHUNK)]
    for text in texts:
        _add(totals, compare(polish, stempel_analyzer(), text, invented_stem_guard))
    print(_row(f"wpolish, {len(words):,} word forms", totals, time.perf_counter() - started))

    polish_news = []
    for name, chain, analyzer, explain in (
            ("pl-news-bsnlp.jsonl.gz", polish, stempel_analyzer(), invented_stem_guard),
            ("en-news-reuters21578.jsonl.gz", english, analyzer_for("en"), lambda *row: False)):
        started, totals = time.perf_counter(), {}
        with gzip.open(args.shared / "corpus" / name, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                text = f"{row['title']}\n{row['body']}"
                if name.startswith("pl-"):
                    polish_news.append(text)
                _add(totals, compare(chain, analyzer, text, explain))
        print(_row(name, totals, time.perf_counter() - started))

    print("\nPolish fields in a cluster: prasa's terms (Morfeusz lemmas, else Stempel) sent encoded,")
    print("split by the cluster's prasa_terms analyzer (Lucene), against prasa's own (position, term):\n")
    print("| input | terms | identical (position and term) | s |\n|---|---|---|---|")
    for name, inputs in ((f"wpolish, {len(words):,} word forms", texts), ("pl-news-bsnlp.jsonl.gz", polish_news)):
        started, same, total = time.perf_counter(), 0, 0
        for text in inputs:
            ours = Counter(prasa_positions(text))
            theirs = Counter(terms_field.positions(encode_terms(text, "pl")))
            same += sum((ours & theirs).values())
            total += max(sum(ours.values()), sum(theirs.values()))
        print(f"| {name} | {total:,} | {same / total:.4%} | {time.perf_counter() - started:.0f} |")


if __name__ == "__main__":
    main()
