"""prasa's analyzers beside Lucene's on the whole wpolish word list and the real corpora.

``tests/test_lucene_parity.py`` checks every 40th word on each ``make test``;
this prints the figures for all 4.3 million word forms (a few minutes).

    python bench/lucene_parity.py [--shared ../shared] [--every 1]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.analysis import analyzer_for  # noqa: E402
from indexer.mapping import ANALYSIS  # noqa: E402
from tests.lucene import LuceneChain, compare  # noqa: E402
from tests.test_lucene_parity import WORDLIST, invented_stem_guard  # noqa: E402

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
    polish, english = LuceneChain("prasa_polish", ANALYSIS), LuceneChain("prasa_english", ANALYSIS)
    print("| input | tokens | identical | prasa's invented-stem guard | unexplained | tokenizer | s |")
    print("|---|---|---|---|---|---|---|")

    started, totals = time.perf_counter(), {}
    words = WORDLIST.read_text("utf-8").split("\n")[:: args.every]
    for start in range(0, len(words), CHUNK):
        text = "\n".join(words[start : start + CHUNK])
        _add(totals, compare(polish, analyzer_for("pl"), text, invented_stem_guard))
    print(_row(f"wpolish, {len(words):,} word forms", totals, time.perf_counter() - started))

    for name, chain, lang, explain in (
            ("pl-news-bsnlp.jsonl.gz", polish, "pl", invented_stem_guard),
            ("en-news-reuters21578.jsonl.gz", english, "en", lambda *row: False)):
        started, totals = time.perf_counter(), {}
        with gzip.open(args.shared / "corpus" / name, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                _add(totals, compare(chain, analyzer_for(lang), f"{row['title']}\n{row['body']}", explain))
        print(_row(name, totals, time.perf_counter() - started))


if __name__ == "__main__":
    main()
