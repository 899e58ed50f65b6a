"""Tuning: how sure must the language detector be before it overrides a feed's declared language
on a short text (under ``langs.SURE_CHARS`` letters)?

A feed channel declares one language for every entry; a short English entry in
a Polish channel must still be indexed as English.  Below 200 letters the
detector's verdict used to count for nothing.  Here its error is measured on
short texts whose language is known: the titles and first sentences of the
three corpus files (Polish news, Reuters, other-language news), each cut to
under 200 letters.  Items are split by a hash of their id: the tuning half
picks the lowest probability at which the detector's sure verdicts are wrong
at most ``--max-error`` of the time for each true language (Polish, English,
other: Reuters' English would otherwise swamp the rest); the other half, never
looked at while choosing, reports the error and how many short texts it decides
at that threshold.  The chosen value is ``langs.SHORT_PROBABILITY``.

    python bench/tune_langs.py [--shared ../shared] [--max-error 0.001]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.extract import langs  # noqa: E402
from indexer.extract.item import first_sentence  # noqa: E402

FILES = {"pl-news-bsnlp.jsonl.gz": "pl", "en-news-reuters21578.jsonl.gz": "en",
         "other-lang-news-bsnlp.jsonl.gz": langs.OTHER}
GRID = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999, 0.99999, 0.999999]
MIN_LETTERS = langs.SHORT_CHARS  # shorter texts are never decided by detection


def short_texts(shared: Path) -> list[tuple[str, str, str]]:
    """(item id, text, true language) for each item's title and first sentence under 200 letters."""
    out = []
    for name, truth in FILES.items():
        with gzip.open(shared / "corpus" / name, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                for text in {(row.get("title") or "").strip(), first_sentence(row.get("body") or "")}:
                    letters = sum(c.isalpha() for c in text)
                    if MIN_LETTERS <= letters < langs.SURE_CHARS:
                        out.append((str(row["id"]), text, truth))
    return out


def half(item_id: str) -> str:
    return "tune" if hashlib.blake2b(item_id.encode(), digest_size=2).digest()[0] % 2 == 0 else "report"


def verdicts(texts) -> list[tuple[float, bool, str]]:
    identifier = langs._identifier()
    out = []
    for _id, text, truth in texts:
        lang, probability = identifier.classify(text.lower())
        out.append((probability, (lang if lang in langs.LANGUAGES else langs.OTHER) == truth, truth))
    return out


def at(scored, threshold: float, truth: str | None = None) -> tuple[int, float, float]:
    """Texts decided (probability ≥ threshold), their error rate, the share of all texts decided."""
    pool = [s for s in scored if truth is None or s[2] == truth]
    decided = [ok for p, ok, _truth in pool if p >= threshold]
    wrong = decided.count(False)
    return len(decided), (wrong / len(decided) if decided else 0.0), len(decided) / max(1, len(pool))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--max-error", type=float, default=0.001)
    args = parser.parse_args()
    texts = short_texts(args.shared)
    tune = verdicts([t for t in texts if half(t[0]) == "tune"])
    report = verdicts([t for t in texts if half(t[0]) == "report"])
    print(f"short texts ({MIN_LETTERS}-{langs.SURE_CHARS - 1} letters): {len(tune)} tuning, {len(report)} reported\n")
    truths = list(FILES.values())
    print("| probability ≥ | decided | error | " + " | ".join(f"error {t} (decided)" for t in truths) + " |")
    print("|---" * (3 + len(truths)) + "|")
    chosen = None
    for threshold in GRID:
        n, error, _share = at(tune, threshold)
        per = [at(tune, threshold, truth) for truth in truths]
        print(f"| {threshold} | {n} | {error:.4f} | " + " | ".join(f"{e:.4f} ({k})" for k, e, _ in per) + " |")
        if chosen is None and all(k and e <= args.max_error for k, e, _ in per):
            chosen = threshold
    if chosen is None:
        raise SystemExit("no threshold meets the error bound on the tuning half")
    print(f"\nchosen on the tuning half: {chosen} (error ≤ {args.max_error} in each language); "
          f"langs.SHORT_PROBABILITY = {langs.SHORT_PROBABILITY}")
    n, error, share = at(report, chosen)
    print(f"held-out half at {chosen}: {n} of {len(report)} short texts decided ({share:.1%}), error {error:.2%}")
    for truth in truths:
        n, error, share = at(report, chosen, truth)
        print(f"  {truth}: {n} decided ({share:.1%} of its short texts), error {error:.2%}")


if __name__ == "__main__":
    main()
