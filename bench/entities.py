"""Polish names in every inflection: entity-name recall through the served API, and conflation.

On ../shared/corpus/pl-news-bsnlp.jsonl.gz (its ``gold_entities``): every
person, place, event or product entity mentioned in at least ``--min-items``
items (organizations are left to the registry) is searched by its base form
(its most common gold ``lemma``) through ``GET /api/search`` of the web app
with default parameters (extra ones with ``--param``), all pages; recall is
the share of the entity's items returned.  The table gives macro recall by
entity type.

Conflation: each gold mention is paired word by word with its lemma
("Unii Europejskiej" / "Unia Europejska"); a pair conflates when the analyzer
gives the two words a common term.  False merges: random pairs of different
lemma words that share a term.

The Polish chain is the one ``PRASA_POLISH`` selects, so ``bench/quality.py``
runs this script once per chain (before/after) in separate processes.

    python bench/entities.py [--shared ../shared] [--param match=any] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("PER", "LOC", "EVT", "PRO")
TYPE_NAMES = {"PER": "people", "LOC": "places", "EVT": "events", "PRO": "products"}


def corpus(shared: Path) -> list[dict]:
    with gzip.open(shared / "corpus" / "pl-news-bsnlp.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def entities(rows: list[dict], min_items: int) -> list[tuple[str, str, str, set[str]]]:
    """(entity id, type, base form, ids of the items that mention it), most mentioned first."""
    items: dict[str, set[str]] = defaultdict(set)
    lemmas: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    for row in rows:
        for e in row.get("gold_entities") or []:
            if e["type"] in TYPES:
                items[e["entity_id"]].add(row["id"])
                lemmas[e["entity_id"]][e["lemma"]] += 1
                kinds[e["entity_id"]] = e["type"]
    out = [(eid, kinds[eid], lemmas[eid].most_common(1)[0][0], ids)
           for eid, ids in items.items() if len(ids) >= min_items]
    return sorted(out, key=lambda e: (-len(e[3]), e[0]))


def returned_ids(client, query: str, params: dict) -> set[str]:
    """Every item id the API returns for ``query``, all pages."""
    found: set[str] = set()
    page = 1
    while True:
        response = client.get("/api/search", query_string={"q": query, "per_page": 100, "page": page,
                                                            **params})
        assert response.status_code == 200, response.get_data(as_text=True)
        data = response.get_json()
        found.update(hit["id"] for hit in data["hits"])
        if page >= data["pages"]:
            return found
        page += 1


def entity_recall(rows: list[dict], workdir: Path, min_items: int, params: dict) -> dict:
    from indexer import reindex
    from web import create_app

    path = workdir / "pl.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    reindex([path], workdir / "index", full=True, jobs=2)
    client = create_app({"INDEX": str(workdir / "index"), "TESTING": True}).test_client()
    by_type: dict[str, list[float]] = defaultdict(list)
    worst = []
    started = time.perf_counter()
    for _eid, kind, base, ids in entities(rows, min_items):
        recall = len(returned_ids(client, base, params) & ids) / len(ids)
        by_type[kind].append(recall)
        worst.append((recall, base, len(ids)))
    every = [r for values in by_type.values() for r in values]
    return {
        "entities": len(every),
        "macro": sum(every) / len(every),
        "by_type": {TYPE_NAMES[k]: (sum(v) / len(v), len(v)) for k, v in sorted(by_type.items())},
        "worst": sorted(worst)[:8],
        "seconds": time.perf_counter() - started,
    }


def conflation(rows: list[dict]) -> dict:
    """Mention/lemma word pairs that share a term, and random lemma pairs that do."""
    from indexer.analysis import analyzer_for

    analyzer = analyzer_for("pl")
    pairs, lemmas = set(), set()
    for row in rows:
        for e in row.get("gold_entities") or []:
            mention, lemma = e["mention"].split(), e["lemma"].split()
            if len(mention) == len(lemma):
                for m, lem in zip(mention, lemma, strict=True):
                    if m.isalpha() and lem.isalpha() and len(m) > 3 and m.lower() != lem.lower():
                        pairs.add((m, lem))
                        lemmas.add(lem)

    def terms(word: str) -> set[str]:
        return {t.text for t in analyzer(word) if not t.stopped}

    same = sum(bool(terms(m) & terms(lem)) for m, lem in pairs)
    rng = random.Random(7)
    ordered = sorted(lemmas)
    sample = [(rng.choice(ordered), rng.choice(ordered)) for _ in range(20000)]
    sample = [(a, b) for a, b in sample if a.lower() != b.lower()]
    merges = sum(bool(terms(a) & terms(b)) for a, b in sample)
    return {"pairs": len(pairs), "recall": same / len(pairs), "merged": merges, "sampled": len(sample)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--min-items", type=int, default=8)
    parser.add_argument("--param", action="append", default=[], help="extra API parameter, key=value")
    parser.add_argument("--json", action="store_true", help="print one JSON object (for quality.py)")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    sys.path.insert(0, str(ROOT))
    from indexer.analysis import polish_chain

    params = dict(p.split("=", 1) for p in args.param)
    rows = corpus(args.shared)
    with tempfile.TemporaryDirectory() as tmp:
        result = {"polish": polish_chain(), "params": params, **entity_recall(rows, Path(tmp),
                                                                              args.min_items, params)}
    result["conflation"] = conflation(rows)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"Polish chain: {result['polish']}; API parameters: {params or 'defaults'}; "
          f"{result['entities']} entities in >= {args.min_items} items ({result['seconds']:.0f} s)\n")
    print("| entity type | entities | macro recall |\n|---|---|---|")
    for name, (recall, n) in result["by_type"].items():
        print(f"| {name} | {n} | {recall:.3f} |")
    print(f"| all | {result['entities']} | {result['macro']:.3f} |\n")
    print("lowest:", ", ".join(f"{b} {r:.2f} ({n})" for r, b, n in result["worst"]))
    c = result["conflation"]
    print(f"conflation recall {c['recall']:.3f} over {c['pairs']} mention/lemma word pairs; "
          f"false merges {c['merged']} of {c['sampled']} random lemma pairs")


if __name__ == "__main__":
    main()
