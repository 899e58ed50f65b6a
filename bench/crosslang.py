"""Cross-language search: Polish queries for English items, English queries for Polish ones.

One index of the Polish news and the Reuters corpora (22,680 items).  The
queries below were written for this benchmark from the topic names alone,
as a user would type them (not drawn from the items they score).  Each is
searched through ``SearchService`` with the result restricted to the *other*
language (``lang=``), with translation on (the default) and off
(``translate=0``), in the same run; an item is relevant when it carries the
query's topic (Reuters ``topics``, the Polish corpus's ``topic``).  The
same queries as a translator would write them in the items' language
(``HUMAN_ENGLISH``, ``HUMAN_POLISH``, written from the queries alone, before any
result was seen) searched monolingually are the ceiling: what a perfect
translation of each query finds with the same ranking.  The last row checks
that translation does not hurt monolingual search: the Polish topic queries
of ``bench/polish_queries.py`` within Polish items.

    python bench/crosslang.py [--shared ../shared]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from polish_queries import TOPIC_QUERIES  # noqa: E402

from indexer import reindex  # noqa: E402
from search import SearchRequest, SearchService, translation_status  # noqa: E402

POLISH_FOR_REUTERS = {  # Reuters topic -> Polish queries
    "crude": ["ceny ropy naftowej", "wydobycie ropy", "kartel naftowy obniża produkcję"],
    "coffee": ["eksport kawy", "ceny kawy na giełdzie", "producenci kawy"],
    "interest": ["stopy procentowe", "bank centralny podnosi stopy", "oprocentowanie kredytów"],
    "wheat": ["zbiory pszenicy", "eksport pszenicy", "ceny pszenicy"],
    "gold": ["cena złota", "wydobycie złota", "kopalnia złota"],
    "sugar": ["ceny cukru", "produkcja cukru", "import cukru"],
    "cocoa": ["ceny kakao", "zbiory kakao"],
    "jobs": ["bezrobocie rośnie", "stopa bezrobocia"],
    "cpi": ["inflacja cen konsumpcyjnych", "wzrost inflacji"],
    "ship": ["strajk w porcie", "żegluga i statki"],
    "copper": ["ceny miedzi", "kopalnia miedzi"],
    "trade": ["deficyt handlowy", "bilans handlu zagranicznego", "cła importowe"],
}
ENGLISH_FOR_POLISH = {  # Polish corpus topic -> English queries, names spelled alike and not
    "brexit": ["Brexit deal vote in parliament", "Britain leaving the European Union"],
    "nord_stream": ["Nord Stream gas pipeline", "gas pipeline under the Baltic Sea"],
    "ryanair": ["Ryanair pilots strike", "airline cancelled flights compensation"],
    "asia_bibi": ["Asia Bibi acquitted", "blasphemy death sentence Pakistan"],
    "covid-19": ["coronavirus pandemic", "vaccine lockdown quarantine"],
    "us_election_2020": ["US presidential election", "counting votes in the election"],
    "trump": ["Donald Trump president", "White House administration"],
    "ec": ["European Commission decision", "commission fines company"],
}

HUMAN_ENGLISH = {  # POLISH_FOR_REUTERS as a translator would write them, query for query
    "crude": ["crude oil prices", "oil extraction", "oil cartel cuts production"],
    "coffee": ["coffee exports", "coffee prices on the exchange", "coffee producers"],
    "interest": ["interest rates", "central bank raises rates", "interest on loans"],
    "wheat": ["wheat harvest", "wheat exports", "wheat prices"],
    "gold": ["gold price", "gold mining", "gold mine"],
    "sugar": ["sugar prices", "sugar production", "sugar imports"],
    "cocoa": ["cocoa prices", "cocoa harvest"],
    "jobs": ["unemployment rises", "unemployment rate"],
    "cpi": ["consumer price inflation", "inflation rises"],
    "ship": ["port strike", "shipping and ships"],
    "copper": ["copper prices", "copper mine"],
    "trade": ["trade deficit", "foreign trade balance", "import duties"],
}
HUMAN_POLISH = {  # ENGLISH_FOR_POLISH as a translator would write them
    "brexit": ["głosowanie nad umową w sprawie brexitu w parlamencie", "Wielka Brytania opuszcza Unię Europejską"],
    "nord_stream": ["gazociąg Nord Stream", "gazociąg pod Morzem Bałtyckim"],
    "ryanair": ["strajk pilotów Ryanaira", "odwołane loty odszkodowanie linii lotniczej"],
    "asia_bibi": ["Asia Bibi uniewinniona", "wyrok śmierci za bluźnierstwo Pakistan"],
    "covid-19": ["pandemia koronawirusa", "szczepionka lockdown kwarantanna"],
    "us_election_2020": ["wybory prezydenckie w USA", "liczenie głosów w wyborach"],
    "trump": ["prezydent Donald Trump", "administracja Białego Domu"],
    "ec": ["decyzja Komisji Europejskiej", "komisja nakłada karę na firmę"],
}


def rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def precision(service: SearchService, queries: dict, relevant: dict[str, set[str]], lang: str,
              translate: bool) -> tuple[float, int, list[float]]:
    """Mean P@10, the queries with hits, and each query's P@10 (in the order of ``queries``)."""
    scores, with_hits = [], 0
    for topic, texts in queries.items():
        for text in texts:
            request = SearchRequest(q=text, selections={"language": (lang,)}, translate=translate)
            hits = [h["id"] for h in service.search(request).hits]
            with_hits += bool(hits)
            scores.append(sum(h in relevant[topic] for h in hits) / 10)
    return sum(scores) / len(scores), with_hits, scores


def interval(scores: list[float], rounds: int = 10_000) -> tuple[float, float]:
    """A 95 % bootstrap interval of the mean P@10, the queries resampled (seeded): how far another
    set of queries like these could land, with 16 or 31 queries a wide range."""
    rng = random.Random(2026)
    means = sorted(sum(rng.choices(scores, k=len(scores))) / len(scores) for _ in range(rounds))
    return means[int(rounds * 0.025)], means[int(rounds * 0.975) - 1]


def relevant_sets(shared: Path, pl_queries: dict, en_queries: dict) -> tuple[dict, dict]:
    """The relevant items per topic: Reuters items by ``topics``, Polish news items by ``topic``."""
    corpus = shared / "corpus"
    polish, reuters = rows(corpus / "pl-news-bsnlp.jsonl.gz"), rows(corpus / "en-news-reuters21578.jsonl.gz")
    by_reuters = {t: {r["id"] for r in reuters if t in (r.get("topics") or [])} for t in pl_queries}
    by_polish = {t: {r["id"] for r in polish if r.get("topic") == t} for t in en_queries}
    return by_reuters, by_polish


def corpus_index(shared: Path, index: Path) -> Path:
    """One index of the Polish news and Reuters corpora (22,680 items)."""
    corpus = shared / "corpus"
    reindex([corpus / "pl-news-bsnlp.jsonl.gz", corpus / "en-news-reuters21578.jsonl.gz"], index, full=True, jobs=2)
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--index", type=Path, help="an index of the two news corpora built before (else built here)")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    print(f"translation: {translation_status()}; {time.strftime('%Y-%m-%d')}\n")
    by_reuters, by_polish = relevant_sets(args.shared, POLISH_FOR_REUTERS, ENGLISH_FOR_POLISH)
    by_polish_topic = relevant_sets(args.shared, {}, TOPIC_QUERIES)[1]
    with tempfile.TemporaryDirectory() as tmp:
        service = SearchService(args.index or corpus_index(args.shared, Path(tmp) / "index"))
        runs = [("Polish queries -> English items (Reuters topics)", POLISH_FOR_REUTERS, by_reuters, "en"),
                ("English queries -> Polish items (Polish news topics)", ENGLISH_FOR_POLISH, by_polish, "pl"),
                ("the Polish queries translated by hand -> English items (ceiling)", HUMAN_ENGLISH, by_reuters, "en"),
                ("the English queries translated by hand -> Polish items (ceiling)", HUMAN_POLISH, by_polish, "pl"),
                ("Polish queries -> Polish items (monolingual, bench/polish_queries.py)", TOPIC_QUERIES,
                 by_polish_topic, "pl")]
        print("| queries | count | P@10, translate=0 | P@10, translated (default) | 95 % interval (queries resampled) "
              "| queries with hits (off / on) |")
        print("|---|---|---|---|---|---|")
        per_query = {}
        for name, queries, relevant, lang in runs:
            off, off_hits, per_query[name, False] = precision(service, queries, relevant, lang, False)
            on, on_hits, per_query[name, True] = precision(service, queries, relevant, lang, True)
            low, high = interval(per_query[name, True])
            count = sum(len(v) for v in queries.values())
            print(f"| {name} | {count} | {off:.3f} | {on:.3f} | {low:.3f}–{high:.3f} | {off_hits} / {on_hits} |")
        print()
        for (name, *_), (ceiling, *_) in zip(runs[:2], runs[2:4], strict=True):
            # the same query written by hand in the items' language, searched there: query by query
            gaps = [a - b for a, b in zip(per_query[name, True], per_query[ceiling, False], strict=True)]
            low, high = interval(gaps)
            print(f"{name}, translated, minus its ceiling (translate=0), query by query: "
                  f"{sum(gaps) / len(gaps):+.3f} (95 % interval {low:+.3f} to {high:+.3f})")


if __name__ == "__main__":
    main()
