"""Tune prasa's ranking parameters on SciFact *training* claims only, and print what it chose.

Training judgments come from ``queries.jsonl``: a claim's ``metadata`` names
the abstracts that support or contradict it.  Every claim listed in
``qrels/test.tsv`` is left out, so the test set that ``bench/quality.py``
reports is never seen here.  The grid covers BM25's k1 and b, the title
field's weight, and the "most" strategy's long-query length and share; each
setting is scored by nDCG@10 through ``SearchService.search`` with default
parameters (what ``/api/search`` serves).

    python bench/tune_scifact.py [--shared ../shared]

The chosen values live in ``indexer/fields.py`` (BM25_K1, BM25_B),
``search/query.py`` (FIELD_BOOSTS) and ``search/matching.py`` (LONG_QUERY,
SHARE); this script does not edit them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quality import ndcg_at, rows  # noqa: E402

from indexer import reindex  # noqa: E402
from search import SearchRequest, SearchService, matching, query  # noqa: E402
from search.whoosh import docsets  # noqa: E402


def training_claims(base: Path) -> dict[str, tuple[str, set[str]]]:
    """Claim id -> (text, judged abstracts), for claims with evidence and not in the test qrels."""
    with open(base / "qrels" / "test.tsv", encoding="utf-8") as f:
        test = {line.split("\t")[0] for line in list(f)[1:]}
    out = {}
    for claim in rows(base / "queries.jsonl"):
        if claim["_id"] not in test and claim.get("metadata"):
            out[claim["_id"]] = (claim["text"], set(claim["metadata"]))
    return out


def score(service: SearchService, claims: dict) -> float:
    values = [ndcg_at([h["id"] for h in service.search(SearchRequest(q=text)).hits], relevant)
              for text, relevant in claims.values()]
    return sum(values) / len(values)


def set_title_weight(weight: float) -> None:
    for name in query.FIELD_BOOSTS:
        if name.startswith("title_"):
            query.FIELD_BOOSTS[name] = weight


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    base = args.shared / "eval" / "scifact"
    claims = training_claims(base)
    print(f"{len(claims)} training claims with {sum(len(r) for _, r in claims.values())} judgments "
          f"(test claims excluded); {time.strftime('%Y-%m-%d')}\n")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "scifact.jsonl"
        with open(corpus, "w", encoding="utf-8") as f:
            for doc in rows(base / "corpus.jsonl.gz"):
                f.write(json.dumps({"id": doc["_id"], "title": doc["title"], "body": doc["text"],
                                    "language": "en"}) + "\n")
        reindex([corpus], Path(tmp) / "index", full=True, jobs=2)
        results = []
        # the title weight is read when a parser is built: one service per weight
        for title in (0.25, 0.5):
            set_title_weight(title)
            service = SearchService(Path(tmp) / "index")
            for k1, b in itertools.product((0.9, 1.2, 1.5), (0.3, 0.5, 0.75)):
                docsets.K1, docsets.B = k1, b
                results.append((score(service, claims), k1, b, title))
        best, k1, b, title = max(results)
        print("| k1 | b | title weight | nDCG@10 (train) |\n|---|---|---|---|")
        for value, *params in sorted(results, reverse=True)[:6]:
            print(f"| {params[0]} | {params[1]} | {params[2]} | {value:.4f} |")
        docsets.K1, docsets.B = k1, b
        set_title_weight(title)
        service = SearchService(Path(tmp) / "index")
        strategy = []
        for long_query, share in itertools.product((3, 4, 5, 6, 99), (0.0, 0.2, 0.25, 0.34, 0.5)):
            matching.LONG_QUERY, matching.SHARE = long_query, share
            strategy.append((score(service, claims), long_query, share))
        value, long_query, share = max(strategy)
        print("\n| LONG_QUERY | SHARE | nDCG@10 (train) |\n|---|---|---|")
        for row in sorted(strategy, reverse=True)[:8]:
            print(f"| {row[1]} | {row[2]} | {row[0]:.4f} |")
        print(f"\nchosen: k1={k1} b={b} title weight={title} LONG_QUERY={long_query} SHARE={share} "
              f"(train nDCG@10 {value:.4f})")


if __name__ == "__main__":
    main()
