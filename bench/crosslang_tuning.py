"""The tuning set for cross-language search, and the search over ``search/translations.py``'s constants.

These queries exist to tune on; ``bench/crosslang.py`` reports on its own
held-out queries, written separately.  Polish queries here target Reuters
topics the held-out set does not use (grain, corn, soybeans, currencies,
natural gas, vegetable oils, cotton, silver, iron and steel, livestock,
rubber, housing, money supply, the balance of payments, tin, rice, takeovers,
earnings, GNP, reserves, barley, zinc, aluminium, orange juice, retail, the
yen); English
queries target the Polish corpus's topics (it has only those eight) in other
words than the held-out ones.  Written from the topic names alone, as a user
would type them, not from the items they score.

Prints P@10 for each setting of the grids (both directions and their mean)
and the best one: first the translation constants (feedback off), then the
feedback constants on the best of those.  The constants in
``search/translations.py`` and ``search/whoosh/feedback.py`` are set from that
run by hand (the script does not edit code); ties go to the first setting.

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
from search.whoosh import feedback  # noqa: E402

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
    "acq": ["przejęcie spółki", "oferta kupna akcji", "fuzja firm"],
    "earn": ["zysk netto w kwartale", "dywidenda dla akcjonariuszy"],
    "gnp": ["wzrost gospodarczy", "produkt narodowy brutto"],
    "reserves": ["rezerwy walutowe banku centralnego", "rezerwy złota i dewiz"],
    "barley": ["zbiory jęczmienia", "eksport jęczmienia"],
    "zinc": ["cena cynku", "huta cynku"],
    "alum": ["produkcja aluminium", "huta aluminium"],
    "orange": ["sok pomarańczowy", "zbiory pomarańczy"],
    "retail": ["sprzedaż detaliczna", "obroty w handlu detalicznym"],
    "yen": ["kurs jena", "umocnienie jena"],
}
ENGLISH_FOR_POLISH_TUNING = {
    "brexit": ["UK withdrawal agreement", "British prime minister and the EU", "leave the bloc without a deal"],
    "nord_stream": ["Russian gas to Germany", "pipeline sanctions", "Baltic gas link construction"],
    "ryanair": ["low cost carrier", "cabin crew walkout", "Irish airline passengers"],
    "asia_bibi": ["Christian woman freed", "Supreme Court of Pakistan ruling"],
    "covid-19": ["virus infections rise", "hospitals and masks", "new cases of the disease"],
    "us_election_2020": ["Biden wins", "ballots and polling stations", "Democratic candidate and Republican rival"],
    "trump": ["American president tweets", "impeachment of the president"],
    "ec": ["Brussels regulators", "EU commissioner proposal", "competition ruling by the EU executive"],
}

# two stages: the translation constants with feedback off, then the feedback ones on the best of those
STAGES = [
    (translations, {"MEASURE": ["wmi", "npmi"], "COHERENCE": [0.0, 0.3, 0.6, 0.8],
                    "MIN_WEIGHT": [0.0, 0.2, 0.35, 0.5], "MAX_KEPT": [1, 2, 3, 4]}),
    (feedback, {"FEEDBACK_TERMS": [0, 3, 5, 10], "FEEDBACK_WEIGHT": [0.1, 0.2, 0.4, 0.8], "FEEDBACK_CHARS": [300, 600]}),
]


def grid(module, options: dict, index: Path, queries: tuple) -> dict:
    """Every setting of ``options`` on ``module``: P@10 both ways; the best setting is left set."""
    print(f"| {' | '.join(options)} | PL -> EN | EN -> PL | mean |\n|{'---|' * (len(options) + 3)}")
    best = None
    for values in itertools.product(*options.values()):
        for name, value in zip(options, values, strict=True):
            setattr(module, name, value)
        service = SearchService(index)  # a new service: no parsed queries kept from another setting
        pl_en = precision(service, POLISH_FOR_REUTERS_TUNING, queries[0], "en", True)[0]
        en_pl = precision(service, ENGLISH_FOR_POLISH_TUNING, queries[1], "pl", True)[0]
        mean = (pl_en + en_pl) / 2
        print(f"| {' | '.join(str(v) for v in values)} | {pl_en:.3f} | {en_pl:.3f} | {mean:.3f} |", flush=True)
        if best is None or mean > best[0]:
            best = (mean, dict(zip(options, values, strict=True)))
    for name, value in best[1].items():
        setattr(module, name, value)
    print(f"\nbest: {best[1]}, mean P@10 {best[0]:.3f}\n")
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--index", type=Path, help="an index of the two news corpora built before (else built here)")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    by_reuters, by_polish = relevant_sets(args.shared, POLISH_FOR_REUTERS_TUNING, ENGLISH_FOR_POLISH_TUNING)
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or corpus_index(args.shared, Path(tmp) / "index")
        feedback.FEEDBACK_TERMS = 0
        for module, options in STAGES:
            grid(module, options, index, (by_reuters, by_polish))


if __name__ == "__main__":
    main()
