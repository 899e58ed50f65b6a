"""Organization tags people can trust: precision over every tag, judged by reading.

Every item of the Polish news corpus and the Reuters corpus goes through
``indexer.extract`` (what ``prasa reindex`` runs); each distinct (item,
organization) pair is a tag.  The sample is the ``--size`` tags with the smallest
hash of (corpus, item, organization), drawn from all of them (both corpora, every
organization, no subset) — a tag keeps its place whatever else the matcher
finds, so a verdict once made carries over and a changed matcher asks only for
the tags it newly finds.  The sample is scored
against ``bench/orgs_judged.tsv``: one line per tag a person judged by reading
its mentions in the item — 1 when the item does mention that organization,
0 when not — with a short note in the judge's words (no corpus text is kept).

Tags of the sample that nobody has judged yet (the matcher changed) are
counted and listed with ``--show``, which prints their mentions in context
for reading; their judgments go into the TSV before a figure is reported.

    python bench/orgs_precision.py [--shared ../shared] [--size 400] [--show]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.extract.item import extract  # noqa: E402
from indexer.sources.records import Record  # noqa: E402

CORPORA = ("pl-news-bsnlp", "en-news-reuters21578")
JUDGED = ROOT / "bench" / "orgs_judged.tsv"


def tags(shared: Path) -> tuple[dict, dict]:
    """``{(corpus, item id, org): [(part, start, end)]}`` and the extracted items."""
    found: dict = defaultdict(list)
    items = {}
    for name in CORPORA:
        with gzip.open(shared / "corpus" / f"{name}.jsonl.gz", "rt", encoding="utf-8") as lines:
            for n, line in enumerate(lines):
                fields = json.loads(line)
                item = extract(Record(fields, name, str(n)))
                items[(name, fields["id"])] = item
                for part, start, end, org in item.mentions:
                    found[(name, fields["id"], org)].append((part, start, end))
    return found, items


def read_judgments(path: Path = JUDGED) -> tuple[dict, dict]:
    """Verdicts and notes by tag."""
    judged, notes = {}, {}
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            if line and not line.startswith("#"):
                corpus, item, org, verdict, note = (line.split("\t") + [""])[:5]
                judged[(corpus, item, org)] = int(verdict)
                notes[(corpus, item, org)] = note
    return judged, notes


def draw(tag: tuple[str, str, str]) -> str:
    """A tag's place in the draw: the hash of its corpus, item and organization."""
    return hashlib.sha256("\t".join(tag).encode()).hexdigest()


def wilson(correct: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a proportion."""
    if not total:
        return 0.0, 0.0
    p = correct / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return centre - half, centre + half


def show(tag, spans, item) -> None:
    print(f"{tag[0]}\t{tag[1]}\t{tag[2]}\t({len(spans)} mentions) {item.title[:80]!r}")
    for part, start, end in spans[:2]:
        text = item.title if part == "title" else item.body
        context = f"{text[max(0, start - 110):start]}[[{text[start:end]}]]{text[end:end + 60]}"
        print("    " + context.replace("\n", " "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--size", type=int, default=400)
    parser.add_argument("--show", action="store_true", help="print the unjudged tags of the sample in context")
    args = parser.parse_args()

    found, items = tags(args.shared)
    population = sorted(found)
    sample = sorted(population, key=draw)[:args.size]
    judged, notes = read_judgments()
    unjudged = [t for t in sample if t not in judged]
    if args.show:
        for tag in unjudged:
            show(tag, found[tag], items[tag[:2]])
        return
    scored = [t for t in sample if t in judged]
    by_corpus = Counter(t[0] for t in population)
    print(f"organization tags: {len(population)} ({', '.join(f'{c}: {n}' for c, n in by_corpus.items())})")
    print(f"judged sample: {len(scored)} of {len(sample)} drawn (smallest hashes); unjudged: {len(unjudged)}")
    rows = [("all", scored)] + [(c, [t for t in scored if t[0] == c]) for c in CORPORA]
    print("| tags | judged | correct | precision | 95 % interval |")
    print("|---|---|---|---|---|")
    for label, group in rows:
        correct = sum(judged[t] for t in group)
        low, high = wilson(correct, len(group))
        share = correct / len(group) if group else 0.0
        print(f"| {label} | {len(group)} | {correct} | {share:.3f} | {low:.3f}–{high:.3f} |")
    community = [t for t in scored if judged[t] and notes[t] == "European Community"]
    strict = sum(judged[t] for t in scored) - len(community)
    print(f"counting the 1987 European Community (filed under eu) as wrong instead: {len(community)} tags, "
          f"precision {strict / max(1, len(scored)):.3f}")
    wrong = Counter(t[2] for t in scored if not judged[t])
    if wrong:
        print("wrong tags by organization: " + ", ".join(f"{o} {n}" for o, n in wrong.most_common()))


if __name__ == "__main__":
    main()
