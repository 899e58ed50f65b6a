"""Quality on real data: retrieval (English and Polish), organizations, languages, dates.

Everything reads ../shared (override with --shared) and nothing is copied into
the repository.  Tables are printed in Markdown.

    python bench/quality.py [--shared ../shared] [--skip-scifact]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import OrGroup, QueryParser

from indexer import extract, registry, reindex
from indexer.analysis import build_analyzer, polish_analyzer, polish_stopwords, stempel_analyzer
from indexer.sources.records import Record

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from polish_queries import TOPIC_QUERIES  # noqa: E402

# Reuters-21578 organization codes -> registry ids (codes the registry covers)
REUTERS_ORGS = {
    "ec": "eu", "imf": "imf", "opec": "opec", "worldbank": "worldbank", "gatt": "gatt", "oecd": "oecd",
    "un": "un", "fao": "fao", "eib": "eib", "iea": "iea", "bis": "bis", "asean": "asean", "efta": "efta",
    "adb-asia": "adb", "adb-africa": "afdb", "ico-coffee": "ico", "icco": "icco", "unctad": "unctad",
}
# BSNLP entity ids -> registry ids
BSNLP_ORGS = {
    "ORG-European-Union": "eu", "ORG-European-Commission": "european-commission",
    "ORG-European-Parliament": "european-parliament", "ORG-European-Council": "european-council",
    "ORG-Gazprom": "gazprom", "ORG-PAP-Polish-Press-Agency": "pap", "ORG-Ryanair": "ryanair",
    "ORG-House-of-Commons": "house-of-commons", "ORG-House-of-Lords": "house-of-lords",
    "ORG-Reuters": "reuters", "ORG-UK-Independence-Party": "ukip", "ORG-European-Court-of-Justice": "cjeu",
    "ORG-OMV": "omv", "ORG-Uniper": "uniper", "ORG-Engie": "engie", "ORG-WTO-World-Trade-Organization": "wto",
    "ORG-NATO": "nato", "ORG-Bank-of-England": "boe", "ORG-European-Central-Bank": "ecb",
    "ORG-EEA-European-Economic-Area": "eea", "ORG-Scottish-National-Party": "snp",
    "ORG-DUP-Democratic-Unionist-Party": "dup", "ORG-Eurostat": "eurostat", "ORG-PLL-LOT": "lot",
    "ORG-PiS-Law-and-Justice": "pis", "ORG-UOKiK-Office": "uokik", "ORG-Naftogaz": "naftogaz",
    "ORG-United-Nations": "un", "ORG-AFP-Agence-France-Press": "afp", "ORG-AP-The-Associated-Press": "ap",
    "ORG-Visegrád-Group": "visegrad-group", "ORG-EPP-European-Peoples-Party": "epp",
    "ORG-Conservative-and-Unionist-Party-UK": "conservative-party-uk", "ORG-Labour-Party-UK": "labour-party-uk",
    "ORG-Department-of-State-USA": "us-state-department", "ORG-Wintershall": "wintershall",
    "ORG-Airbus-SE": "airbus", "ORG-Cambridge-Analytica": "cambridge-analytica",
    "ORG-Royal-Dutch-Shell-BG-Group": "shell", "ORG-Nord-Stream-2-AG": "nord-stream-2-ag",
    "ORG-PO-Civic-Platform": "po", "ORG-Ministry-of-Foreign-Affairs-Poland": "msz-pl",
}


def rows(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def table(header: list[str], body: list[list]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in body:
        print("| " + " | ".join(f"{c:.3f}" if isinstance(c, float) else str(c) for c in row) + " |")
    print()


def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def mrr(ranked: list[str], relevant: set[str]) -> float:
    return next((1 / (i + 1) for i, d in enumerate(ranked) if d in relevant), 0.0)


# -- English retrieval: BEIR SciFact -------------------------------------------------

def scifact(shared: Path, workdir: Path) -> None:
    base = shared / "eval" / "scifact"
    corpus = workdir / "scifact.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for doc in rows(base / "corpus.jsonl.gz"):
            f.write(json.dumps({"id": doc["_id"], "title": doc["title"], "body": doc["text"],
                                "language": "en"}) + "\n")
    index = workdir / "scifact-index"
    reindex([corpus], index, full=True, jobs=2)
    client = api_client(index)
    qrels: dict[str, set[str]] = defaultdict(set)
    with open(base / "qrels" / "test.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            qid, doc, score = line.split("\t")
            if int(score) > 0:
                qrels[qid].add(doc)
    queries = {q["_id"]: q["text"] for q in rows(base / "queries.jsonl")}
    body = []
    started = time.perf_counter()
    for label, params in (("prasa through /api/search, default parameters (match=most)", {}),
                          ("prasa, match=all", {"match": "all"}), ("prasa, match=any", {"match": "any"})):
        ndcg, recall = [], []
        for qid, relevant in qrels.items():
            ranked = api_ids(client, queries[qid], per_page=100, **params)
            ndcg.append(ndcg_at(ranked, relevant))
            recall.append(len(relevant & set(ranked)) / len(relevant))
        body.append([label, sum(ndcg) / len(ndcg), sum(recall) / len(recall)])
    seconds = time.perf_counter() - started
    print(f"### English retrieval: BEIR SciFact test ({len(qrels)} queries x 3, {seconds:.0f} s)\n")
    table(["system", "nDCG@10", "Recall@100"], body + [
        ["BM25 Elasticsearch multifield, BEIR paper (published)", 0.665, 0.908],
        ["BM25 multifield, Anserini (published)", 0.6647, 0.9076],
        ["BM25 flat, Anserini (published)", 0.6789, 0.9253],
        ["bm25s, MTEB (published)", 0.6874, 0.9127],
        ["plain Whoosh 2.7.4 BM25F StemmingAnalyzer (shared/eval README)", 0.6554, 0.9053],
    ])


def api_client(index: Path):
    """The web app's test client over ``index``: figures come through the served API."""
    from web import create_app

    return create_app({"INDEX": str(index), "TESTING": True}).test_client()


def api_ids(client, q: str, **params) -> list[str]:
    response = client.get("/api/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [hit["id"] for hit in response.get_json()["hits"]]


# -- Polish retrieval: topics and known items -------------------------------------------

def polish_systems(items: list[dict], workdir: Path) -> dict:
    """Three plain Whoosh indexes that differ only in the analyzer, plus prasa itself."""
    analyzers = {
        "SGJP lemmas + Stempel (prasa's Polish analyzer)": polish_analyzer(),
        "Stempel alone (prasa before, Lucene's polish)": stempel_analyzer(),
        "no stemming (same tokens and stopwords)": build_analyzer("pl", stemmed=False),
        "Whoosh English stemmer on Polish": StemmingAnalyzer(),
    }
    systems = {}
    for name, analyzer in analyzers.items():
        folder = workdir / f"pl-{len(systems)}"
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), Schema(id=ID(stored=True), text=TEXT(analyzer=analyzer)))
        with ix.writer(limitmb=256) as writer:
            for item in items:
                writer.add_document(id=item["id"], text=f"{item.get('title') or ''}\n{item['body']}")
        parser = QueryParser("text", ix.schema, group=OrGroup)
        systems[name] = (ix, parser)
    return systems


def run_whoosh(system, text: str, k: int = 10) -> list[str]:
    ix, parser = system
    with ix.searcher() as searcher:
        return [hit["id"] for hit in searcher.search(parser.parse(text), limit=k)]


def known_item_queries(items: list[dict], count: int) -> list[tuple[str, str]]:
    """Queries of 4 words from an item, each moved to another form found in the corpus."""
    vocab = Counter(w for item in items for w in re.findall(r"[^\W\d_]{5,}", item["body"].lower()))
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for word in vocab:
        by_prefix[word[:5]].append(word)
    stop = polish_stopwords()
    rng = random.Random(11)
    out = []
    for item in rng.sample(items, len(items)):
        words = [w for w in dict.fromkeys(re.findall(r"[^\W\d_]{6,}", item["body"].lower())) if w not in stop]
        moved = []
        for word in sorted(words, key=lambda w: vocab[w]):  # rarer words identify the item
            forms = [f for f in by_prefix[word[:5]] if f != word and abs(len(f) - len(word)) <= 3
                     and os.path.commonprefix([f, word]).__len__() >= len(word) - 3]
            if forms:
                moved.append(max(forms, key=lambda f: vocab[f]))
            if len(moved) == 4:
                break
        if len(moved) == 4:
            out.append((" ".join(moved), item["id"]))
        if len(out) == count:
            break
    return out


def content_words(text: str) -> list[str]:
    stop = polish_stopwords()
    return [w for w in re.findall(r"\w+", text.lower()) if w not in stop]


def polish(shared: Path, workdir: Path) -> None:
    items = [r for r in rows(shared / "corpus" / "pl-news-bsnlp.jsonl.gz") if r.get("body")]
    topic_of = {i["id"]: i["topic"] for i in items}
    by_topic = defaultdict(set)
    for i in items:
        by_topic[i["topic"]].add(i["id"])
    systems = polish_systems(items, workdir)
    corpus = workdir / "pl.jsonl"
    corpus.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), "utf-8")
    reindex([corpus], workdir / "pl-prasa", full=True, jobs=2)
    client = api_client(workdir / "pl-prasa")
    runners = {name: (lambda t, s=s: run_whoosh(s, t)) for name, s in systems.items()}
    for label, params in (("prasa through /api/search, default (match=most)", {}),
                          ("prasa, match=all", {"match": "all"}), ("prasa, match=any", {"match": "any"})):
        runners[label] = lambda t, p=params: api_ids(client, t, **p)
    known = known_item_queries(items, 200)
    all_texts = [text for texts in TOPIC_QUERIES.values() for text in texts]
    body = []
    for name, run in runners.items():
        p10, nd, rr = [], [], []
        for topic, texts in TOPIC_QUERIES.items():
            for text in texts:
                ranked = run(text)
                relevant = by_topic[topic]
                p10.append(sum(topic_of.get(d) == topic for d in ranked) / 10)
                nd.append(ndcg_at(ranked, relevant))
                rr.append(mrr(ranked, relevant))
        k_nd, k_rr = [], []
        for text, item_id in known:
            ranked = run(text)
            k_nd.append(ndcg_at(ranked, {item_id}))
            k_rr.append(mrr(ranked, {item_id}))
        n = len(p10)
        short = [p for p, text in zip(p10, all_texts, strict=True) if len(content_words(text)) <= 2]
        long = [p for p, text in zip(p10, all_texts, strict=True) if len(content_words(text)) > 2]
        body.append([name, sum(p10) / n, sum(short) / len(short), sum(long) / len(long), sum(nd) / n,
                     sum(rr) / n, sum(k_nd) / len(k_nd), sum(k_rr) / len(k_rr)])
    queries = sum(len(v) for v in TOPIC_QUERIES.values())
    print(f"### Polish retrieval: {queries} topic queries ({len(TOPIC_QUERIES)} topics), "
          f"{len(known)} known-item queries (4 words each, moved to other forms)\n")
    print(f"({sum(len(content_words(t)) <= 2 for t in all_texts)} topic queries of 1-2 content words, "
          f"{sum(len(content_words(t)) > 2 for t in all_texts)} longer)\n")
    table(["analyzer", "topic P@10", "P@10 1-2 words", "P@10 3+ words", "topic nDCG@10", "topic MRR",
           "known-item nDCG@10", "known-item MRR"], body)


# -- Extraction: organizations, languages, dates ---------------------------------------

def extraction(shared: Path) -> None:
    reg = registry()
    reference = dt.date(1987, 12, 31)
    lang_right = lang_total = 0
    date_exact = date_near = date_total = 0
    reuters_found = reuters_total = 0
    for row in rows(shared / "corpus" / "en-news-reuters21578.jsonl.gz"):
        fields = {"id": row["id"], "title": row.get("title"), "body": row.get("body") or ""}
        if row.get("dateline"):
            fields["body"] = f"{row['dateline']} {fields['body']}"
        item = extract(Record(fields, "reuters", row["id"]), reference)
        lang_total += 1
        lang_right += item.language == "en"
        if row.get("dateline") and row.get("date"):
            date_total += 1
            gold = dt.date.fromisoformat(row["date"][:10])
            date_exact += item.date == gold.isoformat()
            date_near += item.date in (gold.isoformat(), (gold + dt.timedelta(days=1)).isoformat())
        for code in row.get("gold_orgs") or []:
            if code in REUTERS_ORGS:
                reuters_total += 1
                reuters_found += REUTERS_ORGS[code] in item.organizations
    covered = set(BSNLP_ORGS.values())
    tp = fp = fn = 0
    for row in rows(shared / "corpus" / "pl-news-bsnlp.jsonl.gz"):
        item = extract(Record({k: v for k, v in row.items() if k != "language"}, "pl", row["id"]))
        lang_total += 1
        lang_right += item.language == "pl"
        if row.get("gold_entities") is None:
            continue
        gold = {BSNLP_ORGS[e["entity_id"]] for e in row["gold_entities"]
                if e["type"] == "ORG" and e["entity_id"] in BSNLP_ORGS}
        found = {o for o in item.organizations if o in covered}
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
    for row in rows(shared / "corpus" / "other-lang-news-bsnlp.jsonl.gz"):
        item = extract(Record(dict(row), "other", row["id"]))
        lang_total += 1
        lang_right += item.language == "other"
    span_right = span_bloc = span_total = gold_found = gold_total = 0
    for doc in rows(shared / "eval" / "poleval2018-ner" / "poleval2018_ner_gold.jsonl.gz"):
        gold = [tuple(o) for e in doc["entities"] if e["type"] == "orgName" for o in e["offsets"]]
        blocs = [tuple(o) for e in doc["entities"] if e["type"] == "placeName_bloc" for o in e["offsets"]]
        ours = [(m.start, m.end) for m in reg.find(doc["text"])]
        overlaps = lambda a, b: a[0] < b[1] and b[0] < a[1]  # noqa: E731
        span_total += len(ours)
        span_right += sum(any(overlaps(s, g) for g in gold) for s in ours)
        span_bloc += sum(any(overlaps(s, g) for g in blocs) and not any(overlaps(s, g) for g in gold)
                         for s in ours)
        gold_total += len(gold)
        gold_found += sum(any(overlaps(g, s) for s in ours) for g in gold)

    print("### Organizations\n")
    table(["set", "measure", "value", "target"], [
        ["Reuters gold_orgs the registry covers", f"recall ({reuters_total} labels)",
         reuters_found / reuters_total, ">= 0.9"],
        ["pl-news gold ORG entities the registry covers", f"precision ({tp + fp} found)",
         tp / max(1, tp + fp), ">= 0.9"],
        ["", f"recall ({tp + fn} gold)", tp / max(1, tp + fn), ">= 0.9"],
        ["PolEval 2018 orgName spans", f"precision ({span_total} spans marked)",
         span_right / max(1, span_total), ">= 0.9"],
        ["", "… counting EU/NATO, which NKJP tags placeName_bloc, as right",
         (span_right + span_bloc) / max(1, span_total), ""],
        ["", f"share of gold spans found ({gold_total} gold)", gold_found / max(1, gold_total), "report"],
    ])
    print("### Languages and dates\n")
    table(["measure", "value", "target"], [
        [f"language accuracy, all three corpus files ({lang_total} items)", lang_right / lang_total, ">= 0.99"],
        [f"Reuters date from the dateline = corpus day and month ({date_total} items)",
         date_exact / date_total, ">= 0.95"],
        ["  … or the next day (datelines are local time, corpus dates UTC)", date_near / date_total, ""],
    ])


def entity_names(shared: Path) -> None:
    """Entity-name recall through the API, before (Stempel) and after (lemmas), one process each."""
    rows = []
    for chain in ("stempel", "morfeusz"):
        out = subprocess.run([sys.executable, str(ROOT / "bench" / "entities.py"), "--shared", str(shared),
                              "--json"], env={**os.environ, "PRASA_POLISH": chain},
                             check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    types = list(rows[0]["by_type"])
    n = rows[0]["entities"]
    print(f"### Polish names: entity-name recall through /api/search, default parameters "
          f"({n} entities in >= 8 items of pl-news-bsnlp)\n")
    table(["Polish chain", *[f"{t} ({rows[0]['by_type'][t][1]})" for t in types], "macro",
           "conflation recall", "false merges"],
          [[r["polish"], *[r["by_type"][t][0] for t in types], r["macro"], r["conflation"]["recall"],
            f"{r['conflation']['merged']} / {r['conflation']['sampled']}"] for r in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--skip-scifact", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    print(f"machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; command: python bench/quality.py\n")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_scifact:
            scifact(args.shared, Path(tmp))
        polish(args.shared, Path(tmp))
    entity_names(args.shared)
    extraction(args.shared)


if __name__ == "__main__":
    main()
