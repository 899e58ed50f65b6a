"""Field extraction on the seeds, on real corpus items and on harder hand-made cases."""

import datetime as dt

import pytest

from indexer import extract
from indexer.extract.datelines import parse_dateline
from indexer.extract.item import ExtractError, first_sentence
from indexer.sources.readers import read_file
from indexer.sources.records import Record

from .conftest import EN_SEED, PL_SEED, corpus_rows


def _one(path, reference=None):
    (record,) = list(read_file(path))
    return extract(record, reference)


def test_polish_seed_fields():
    item = _one(PL_SEED)
    assert item.language == "pl"
    assert (item.date, item.date_precision) == ("--12-06", "no_year")
    assert (item.place, item.source) == ("Mińsk", "BELTA")
    assert item.title.startswith("Białoruś zorganizowała w Wiedniu")
    assert item.title.endswith("z handlem ludźmi.")  # not cut at "ds."
    assert _one(PL_SEED, dt.date(2024, 12, 31)).date == "2024-12-06"


def test_english_seed_fields():
    item = _one(EN_SEED)
    assert item.language == "en"
    assert (item.date, item.date_precision) == ("2023-11-11", "day")
    assert item.source == "Azernews" and item.cited_sources == ["BELTA"]
    assert item.title.startswith("On 10 November, the Third Committee")
    assert not item.body.startswith("date ")


@pytest.mark.parametrize("head,place,source,date", [
    ("WARSZAWA, 12 marca (PAP) - Sejm przyjął ustawę.", "Warszawa", "PAP", "2024-03-12"),
    ("BRUSSELS, March 12 (Reuters) - EU ministers met.", "Brussels", "Reuters", "2024-03-12"),
    ("LONDON, Feb 26 - Prices rose.", "London", None, "2024-02-26"),
    ("6 grudnia, Mińsk /Kor. BELTA/. Spotkanie.", "Mińsk", "BELTA", "2024-12-06"),
    ("NOWY SĄCZ, 3 maja 2019 (PAP) - Uroczystości.", "Nowy Sącz", "PAP", "2019-05-03"),
])
def test_datelines(head, place, source, date):
    item = extract(Record({"body": head}, "x.txt", ""), dt.date(2024, 12, 31))
    assert (item.place, item.source, item.date) == (place, source, date)


def test_title_rule():
    assert first_sentence("Spotkanie odbyło się m.in. w Wiedniu. Drugie zdanie.") == \
        "Spotkanie odbyło się m.in. w Wiedniu."
    long = "słowo " * 100
    assert len(first_sentence(long)) <= 161 and first_sentence(long).endswith("…")


def test_metadata_overrides_detection():
    item = extract(Record({"id": "a", "body": "To jest tekst po polsku o Sejmie.", "language": "en"}, "a.jsonl", "1"))
    assert item.language == "en"
    item = extract(Record({"id": "b", "body": "To jest tekst po polsku o Sejmie i Senacie."}, "a.jsonl", "2"))
    assert item.language == "pl"


def test_language_detection_on_real_corpora():
    rows = [(r, "pl") for r in corpus_rows("pl-news-bsnlp.jsonl.gz", 150)]
    rows += [(r, "en") for r in corpus_rows("en-news-reuters21578.jsonl.gz", 150)]
    rows += [(r, "other") for r in corpus_rows("other-lang-news-bsnlp.jsonl.gz")]
    wrong = []
    for row, expected in rows:
        fields = {k: v for k, v in row.items() if k != "language"}
        item = extract(Record(fields, "corpus", row["id"]))
        if item.language != expected:
            wrong.append(row["id"])
    assert len(wrong) / len(rows) <= 0.01, wrong


def test_reuters_dates_from_datelines():
    """The dateline's local date; the corpus stamps UTC, so Asian datelines run a day ahead."""
    rows = [r for r in corpus_rows("en-news-reuters21578.jsonl.gz", 400) if r["dateline"]]
    hits = 0
    for row in rows:
        body = f"{row['dateline']} {row['body']}"
        item = extract(Record({"id": row["id"], "body": body, "language": "en"}, "r", ""),
                       dt.date(1987, 12, 31))
        expected = dt.date.fromisoformat(row["date"][:10])
        hits += item.date in (expected.isoformat(), (expected + dt.timedelta(days=1)).isoformat())
    assert hits / len(rows) >= 0.98


@pytest.mark.parametrize("fields,message", [
    ({"body": 42.5, "title": ["a"]}, "'title' must be a string"),
    ({"body": "", "title": ""}, "no title and no body"),
    ({"body": {"x": 1}}, "'body' must be a string"),
])
def test_unusable_records_raise_a_clear_error(fields, message):
    with pytest.raises(ExtractError, match=message):
        extract(Record(fields, "x.jsonl", "1"))


def test_dateline_without_one():
    assert parse_dateline("Just a sentence, with a comma.").place is None
