"""Dates with a precision: headers, Polish and English datelines, years from a reference."""

import datetime as dt

import pytest

from indexer.extract.dates import ItemDate, find_date, header_date, month_number, parse_iso


@pytest.mark.parametrize("word,month", [
    ("grudnia", 12), ("grudniu", 12), ("grudzień", 12), ("stycznia", 1), ("lutego", 2),
    ("października", 10), ("maja", 5), ("Feb", 2), ("February", 2), ("Sept", 9), ("osób", None),
    ("lat", None), ("sobota", None),
])
def test_month_names(word, month):
    assert month_number(word) == month


def test_header_date():
    d = header_date("date 2023-11-11 11 November 2023 20:45 (UTC+04:00)")
    assert (d.value, d.precision) == ("2023-11-11", "day")
    assert header_date("On 10 November, the Third Committee") is None


def test_no_year_without_reference_keeps_day_and_month():
    d = find_date("6 grudnia, Mińsk /Kor. BELTA/.")
    assert (d.value, d.precision) == ("--12-06", "no_year")


def test_no_year_takes_the_reference_year_and_never_lands_after_it():
    assert find_date("6 grudnia, Mińsk", dt.date(2024, 12, 31)).value == "2024-12-06"
    assert find_date("6 grudnia, Mińsk", dt.date(2024, 12, 1)).value == "2023-12-06"
    assert find_date("LONDON, Feb 26 -", dt.date(1987, 12, 31)).value == "1987-02-26"
    assert find_date("29 lutego", dt.date(2023, 6, 1)).value == "2020-02-29"


def test_written_years_and_month_precision():
    assert find_date("WARSZAWA, 23 listopada 2023 (PAP)").value == "2023-11-23"
    assert find_date("BRUSSELS, March 12, 2024 (Reuters)").value == "2024-03-12"
    d = find_date("Decyzja zapadła w grudniu 2024 r.")
    assert (d.value, d.precision) == ("2024-12", "month")
    d = find_date("published in November 2023")
    assert (d.value, d.precision) == ("2023-11", "month")


@pytest.mark.parametrize("text", ["99 grudnia", "0 maja", "Feb 45", "", "2023-13-45"])
def test_impossible_dates_are_no_dates(text):
    assert find_date(text, dt.date(2024, 1, 1)) is None


def test_an_impossible_day_keeps_its_month_and_year():
    assert find_date("31 lutego 2023", dt.date(2024, 1, 1)) == ItemDate("2023-02", "month")


def test_metadata_dates():
    assert parse_iso("1987-02-26T15:02:20").value == "1987-02-26"
    assert (parse_iso("2024-05").value, parse_iso("2024-05").precision) == ("2024-05", "month")
    assert parse_iso("2024").precision == "year"
    assert parse_iso("not a date").precision == "unknown"
    assert parse_iso(None).precision == "unknown"
