"""Polish names in every inflection: SGJP lemmas first, Stempel for unknown words, name forms.

The first table is the one issue 12 found broken with Stempel alone; each
pair must share a term at index time (``preanalyze``) and at query time (the
parser's query), and the items must find each other through the service.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from whoosh import query as wq

from indexer import Vocabulary, build_schema, registry, reindex
from indexer.analysis import analyze, dictionary_lemmas, encode_terms, preanalyze
from indexer.whoosh.store import ANALYSIS_FILE, AnalysisMismatch, current_generation
from search import SearchRequest, SearchService
from search.lexicon import Lexicon
from search.opensearch.dsl import query_schema, to_dsl
from search.query import make_parser, parse_query

from .conftest import SAMPLE

# base form, another inflected form, the lemma both must be indexed under
NAMES = [
    ("Białoruś", "Białorusi", "białoruś"),
    ("Hiszpania", "Hiszpanii", "hiszpania"),
    ("Wiedeń", "Wiedniu", "wiedeń"),
    ("Rosja", "Rosji", "rosja"),
    ("Twitter", "Twitterze", "twitter"),
    ("Kijów", "Kijowie", "kijów"),
    ("Trump", "Trumpa", "trump"),
    ("Londyn", "Londynie", "londyn"),
]


def index_terms(text: str) -> set[str]:
    fieldformat = build_schema()["body_pl"].format
    return {p[0].decode() for p in preanalyze(text, "pl", fieldformat)}


def query_terms(text: str) -> set[str]:
    parser = make_parser(build_schema(), None)
    q = parse_query(text, parser, registry()).query
    return {t.decode() if isinstance(t, bytes) else t
            for field, t in q.iter_all_terms() if field == "body_pl"}


@pytest.mark.parametrize(("base", "form", "lemma"), NAMES)
def test_names_share_their_lemma_at_index_and_query_time(base, form, lemma):
    assert lemma in index_terms(base) and lemma in index_terms(form)
    assert lemma in query_terms(base) and lemma in query_terms(form)


@pytest.mark.parametrize(("base", "form", "lemma"), NAMES)
def test_the_cluster_receives_the_same_lemmas_for_documents_and_queries(base, form, lemma):
    """The OpenSearch backend's Polish fields and queries carry prasa's terms (encode_terms)."""
    for word in (base, form):
        slot, = encode_terms(word, "pl").split(" ")
        assert lemma in slot.split("|")[1:]
        tree = to_dsl(parse_query(word, make_parser(query_schema(), None, "all"), registry()).query)
        polish = [m["body_pl"]["query"] for m in _clauses(tree, "match") if "body_pl" in m]
        assert polish and lemma in polish[0].split("|")[1:]


def _clauses(tree, kind: str) -> list[dict]:
    if isinstance(tree, dict):
        return [v for k, v in tree.items() if k == kind] + [c for v in tree.values() for c in _clauses(v, kind)]
    if isinstance(tree, list):
        return [c for v in tree for c in _clauses(v, kind)]
    return []


def test_every_lemma_of_an_ambiguous_form_at_one_position_without_homonym_suffixes():
    tokens = [(t.text, t.pos) for t in build_schema()["body_pl"].analyzer("Stany Zjednoczone", positions=True)]
    first = {text for text, pos in tokens if pos == 0}
    assert {"stan", "stany"} <= first  # SGJP: Stan:Sm1 (a name), stan (a state), Stany
    assert not any(":" in text for text, _ in tokens)
    assert {pos for _, pos in tokens} == {0, 1}


def test_a_word_with_several_lemmas_is_one_slot_scored_by_its_best_lemma():
    parser = make_parser(build_schema(), None)
    q = parse_query("Stany", parser, registry()).query
    slots = [s for s in q.subqueries if isinstance(s, wq.DisjunctionMax)]
    assert slots and all(isinstance(t, wq.Term) for s in slots for t in s.subqueries)


def test_unknown_words_fall_back_to_guarded_stempel():
    assert dictionary_lemmas("Macrona") == () and dictionary_lemmas("Skripala") == ()
    assert analyze("Macrona", "pl") == ["macron"]  # Stempel's stem
    assert analyze("NATO", "pl") == ["nato"]  # acronyms are not lemmatized


def test_name_forms_come_from_the_archive_vocabulary_not_a_list():
    vocab = Vocabulary({"pl": {"macron": 3, "macrona": 5, "macronem": 2, "skripal": 1, "skripala": 4,
                               "skripalowi": 1, "lisa": 2, "lis": 1, "kasy": 1}})
    lexicon = Lexicon(vocab)
    assert lexicon.name_forms("Macron") == ["macrona", "macronem"]
    assert lexicon.name_forms("Macronem") == ["macron", "macrona"]
    assert lexicon.name_forms("Skripala") == ["skripal", "skripalowi"]
    assert lexicon.name_forms("lis") == []  # a dictionary word is never a name's base
    assert "lis" not in lexicon.name_forms("Lisa")  # nor one of its forms
    assert lexicon.name_forms("Johnson") == []  # no other forms written


@pytest.fixture(scope="module")
def names_service(tmp_path_factory):
    """Items written for this test: foreign names the dictionary lacks, in several cases."""
    folder = tmp_path_factory.mktemp("names")
    texts = {
        "m1": "Prezydent Macron odwiedził Warszawę.",
        "m2": "Rozmowa z Macronem trwała dwie godziny.",
        "m3": "Wizyta Macrona w Polsce zakończyła się w piątek.",
        "m4": "Francuski przywódca powiedział Macronowi, że nie przyjedzie.",
        "s1": "Siergiej Skripal przeżył otrucie.",
        "s2": "Lekarze opiekujący się Skripalem zabrali głos.",
        "s3": "Brytyjczycy oskarżyli Rosję o otrucie Skripala.",
        "t1": "Prezydent napisał o tym na Twitterze.",
        "t2": "Akcje Twittera spadły.",
        "t3": "Twitter zablokował konto.",
        "x1": "Tekst o czymś zupełnie innym: pogoda w Gdańsku.",
    }
    rows = [{"id": k, "title": v.split(":")[0], "body": v, "language": "pl"} for k, v in texts.items()]
    (folder / "names.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    reindex([folder / "names.jsonl"], folder / "index")
    return SearchService(folder / "index")


def found(service, q: str) -> set[str]:
    return {h["id"] for h in service.search(SearchRequest(q=q, per_page=100)).hits}


@pytest.mark.parametrize(("forms", "expected"), [
    (["Macron", "Macrona", "Macronem", "Macronowi", "macron"], {"m1", "m2", "m3", "m4"}),
    (["Skripal", "Skripala", "Skripalem"], {"s1", "s2", "s3"}),
    (["Twitter", "Twittera", "Twitterze"], {"t1", "t2", "t3"}),
])
def test_foreign_names_find_every_inflected_form(names_service, forms, expected):
    for form in forms:
        assert found(names_service, form) == expected, form


def test_inflected_name_is_highlighted_for_the_base_form(names_service):
    snippets = " ".join(h["snippet"] for h in names_service.search(SearchRequest(q="Skripal")).hits)
    assert "<mark>Skripalem</mark>" in snippets and "<mark>Skripala</mark>" in snippets
    snippets = " ".join(h["snippet"] for h in names_service.search(SearchRequest(q="Macron")).hits)
    assert "<mark>Macronem</mark>" in snippets and "<mark>Macrona</mark>" in snippets


def test_bialorus_finds_the_sample_item_that_says_bialorusi(sample_service):
    hits = sample_service.search(SearchRequest(q="Białoruś")).hits
    by_id = {h["id"]: h for h in hits}
    assert "belta-2024-12-10-obwe" in by_id
    assert "<mark>Białorusi</mark>" in by_id["belta-2024-12-10-obwe"]["snippet"]
    assert {h["id"] for h in sample_service.search(SearchRequest(q="Bialorus")).hits} == set(by_id)


def all_ids(service, q: str) -> set[str]:
    out, page = set(), 1
    while True:
        result = service.search(SearchRequest(q=q, per_page=100, page=page))
        out |= {h["id"] for h in result.hits}
        if page >= result.pages:
            return out
        page += 1


@pytest.mark.parametrize("forms", [("Trump", "Trumpa", "Trumpem"), ("Hiszpania", "Hiszpanii"),
                                   ("Syria", "Syrii"), ("Twitter", "Twittera", "Twitterze")])
def test_inflected_forms_return_the_same_items_on_real_news(polish_news_service, forms):
    sets = [all_ids(polish_news_service, form) for form in forms]
    assert sets[0] and all(s == sets[0] for s in sets), forms


def test_an_index_built_with_another_chain_is_refused_until_a_full_reindex(tmp_path, sample_index):
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    gen = current_generation(index)
    (gen / ANALYSIS_FILE).write_text(json.dumps({"polish": "stempel"}), "utf-8")
    with pytest.raises(AnalysisMismatch, match="reindex --full"):
        SearchService(index).search(SearchRequest(q="Białoruś"))
    with pytest.raises(AnalysisMismatch):
        reindex([SAMPLE], index, reference=dt.date(2024, 12, 31))  # incremental: refused
    reindex([SAMPLE], index, full=True, reference=dt.date(2024, 12, 31))
    assert SearchService(index).search(SearchRequest(q="Białoruś")).total


def test_a_hyphenated_word_keeps_the_field_boost_once_and_digits_stay_whole():
    parser = make_parser(build_schema(), None, "any")
    q = parse_query("inter-agency 40mg", parser, registry()).query
    boosts = {(t.fieldname, t.text): t.boost for t in q.leaves() if isinstance(t, wq.Term)}
    assert boosts[("title_en", "inter")] == 0.25 and boosts[("body_en", "agenc")] == 1.0
    assert ("body_pl", "40mg") in boosts  # not lemmatized as "40" + "mg"
