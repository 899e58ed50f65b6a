"""The tuning set for cross-language search, and the search over ``search/translations.py``'s constants.

These queries exist to tune on; ``bench/crosslang.py`` reports on its own
held-out queries, written separately.  Polish queries here target Reuters
topics the held-out set does not use (grain, corn, soybeans, currencies,
natural gas, vegetable oils, cotton, silver, iron and steel, livestock,
rubber, housing, money supply, the balance of payments, tin, rice); English
queries target the Polish corpus's topics (it has only those eight) in other
words than the held-out ones.  Written from the topic names alone, as a user
would type them, not from the items they score.

Prints P@10 for each setting of the grid (both directions and their mean)
and the best one; the constants in ``search/translations.py`` are set from
that run by hand (the script does not edit code).

    python bench/crosslang_tuning.py [--shared ../shared] [--index DIR]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crosslang import corpus_index, precision, relevant_sets  # noqa: E402

from search import SearchService, translations  # noqa: E402

POLISH_FOR_REUTERS_TUNING = {
    "grain": ["eksport zboża", "zapasy zboża w magazynach", "skup zbóż"],
    "corn": ["zbiory kukurydzy", "ceny kukurydzy paszowej"],
    "soybean": ["uprawa soi", "eksport soi"],
    "money-fx": ["kurs dolara wobec jena", "interwencja na rynku walutowym", "osłabienie waluty"],
    "nat-gas": ["złoża gazu ziemnego", "ceny gazu ziemnego"],
    "veg-oil": ["olej roślinny", "olej palmowy"],
    "cotton": ["produkcja bawełny", "eksport bawełny"],
    "silver": ["cena srebra", "kopalnia srebra"],
    "iron-steel": ["huty stali", "produkcja stali"],
    "livestock": ["hodowla bydła", "pogłowie świń"],
    "rubber": ["kauczuk naturalny", "ceny kauczuku"],
    "housing": ["budowa domów", "rynek mieszkaniowy"],
    "money-supply": ["podaż pieniądza", "masa pieniądza rośnie"],
    "bop": ["bilans płatniczy", "nadwyżka na rachunku bieżącym"],
    "tin": ["cena cyny", "rynek cyny"],
    "rice": ["eksport ryżu", "zbiory ryżu"],
}
ENGLISH_FOR_POLISH_TUNING = {
    "brexit": ["UK withdrawal agreement", "British prime minister and the EU"],
    "nord_stream": ["Russian gas to Germany", "pipeline sanctions"],
    "ryanair": ["low cost carrier", "cabin crew walkout"],
    "asia_bibi": ["Christian woman freed", "Supreme Court of Pakistan ruling"],
    "covid-19": ["virus infections rise", "hospitals and masks"],
    "us_election_2020": ["Biden wins", "ballots and polling stations"],
    "trump": ["American president tweets", "impeachment of the president"],
    "ec": ["Brussels regulators", "EU commissioner proposal"],
}

GRID = {
    "MEASURE": ["wmi", "npmi"],
    "COHERENCE": [0.0, 0.3, 0.6, 0.8],
    "MIN_WEIGHT": [0.0, 0.2, 0.35, 0.5],
    "MAX_KEPT": [1, 2, 3, 4],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--index", type=Path, help="an index of the two news corpora built before (else built here)")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    by_reuters, by_polish = relevant_sets(args.shared, POLISH_FOR_REUTERS_TUNING, ENGLISH_FOR_POLISH_TUNING)
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or corpus_index(args.shared, Path(tmp) / "index")
        print(f"| {' | '.join(GRID)} | PL -> EN | EN -> PL | mean |\n|{'---|' * (len(GRID) + 3)}")
        best = None
        for values in itertools.product(*GRID.values()):
            for name, value in zip(GRID, values, strict=True):
                setattr(translations, name, value)
            service = SearchService(index)  # a new service: no parsed queries kept from another setting
            pl_en = precision(service, POLISH_FOR_REUTERS_TUNING, by_reuters, "en", True)[0]
            en_pl = precision(service, ENGLISH_FOR_POLISH_TUNING, by_polish, "pl", True)[0]
            mean = (pl_en + en_pl) / 2
            print(f"| {' | '.join(str(v) for v in values)} | {pl_en:.3f} | {en_pl:.3f} | {mean:.3f} |", flush=True)
            if best is None or mean > best[0]:
                best = (mean, values)
        print(f"\nbest: {dict(zip(GRID, best[1], strict=True))}, mean P@10 {best[0]:.3f}")


if __name__ == "__main__":
    main()
