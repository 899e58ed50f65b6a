"""RSS, Atom and saved HTML pages, in the shapes real publishers use (files in sample/)."""

import json
from pathlib import Path

from indexer import extract
from indexer.sources.readers import read_file
from indexer.sources.records import Problem

from .conftest import SAMPLE


def items(path: Path):
    return [extract(r) for r in read_file(path)]


def test_rss_with_content_encoded():
    nbp, orlen = items(SAMPLE / "feeds" / "pap-gospodarka.rss")
    assert (nbp.id, nbp.title, nbp.language, nbp.date) == (
        "gosp-2024-10-02-nbp", "NBP: stopy procentowe bez zmian", "pl", "2024-10-02")
    assert nbp.source == "Serwis Gospodarczy" and nbp.url.endswith("nbp-stopy-2024-10")
    assert "<p>" not in nbp.body and "Narodowy Bank Polski" in nbp.body  # HTML stripped
    assert nbp.body.count("\n") == 1  # one line per paragraph
    assert set(orlen.organizations) == {"orlen", "european-commission", "gazprom"}


def test_atom_with_xml_lang_per_entry():
    osce, gaza = items(SAMPLE / "feeds" / "world-desk.atom")
    assert (osce.language, gaza.language) == ("en", "pl")
    assert osce.date == "2024-10-27" and "osce" in osce.organizations
    assert "&lt;" not in osce.body and "OSCE's Office" in osce.body


def test_html_page_with_json_ld_and_a_cookie_banner():
    (page,) = items(SAMPLE / "pages" / "szczyt-nato.html")
    assert page.title == "Szczyt NATO w Waszyngtonie"
    assert (page.date, page.language, page.source) == ("2024-07-09", "pl", "Portal Informacyjny")
    assert page.url == "https://example.org/swiat/szczyt-nato-waszyngton"
    assert page.body.startswith("W Waszyngtonie rozpoczął się szczyt")
    for boilerplate in ("cookie", "Akceptuję", "Najczęściej czytane", "Wszelkie prawa", "Strona główna"):
        assert boilerplate not in page.body
    assert {"nato", "mon"} <= set(page.organizations)


def test_broken_feeds_and_pages_are_reported(tmp_path: Path):
    (tmp_path / "bad.rss").write_text("<rss><channel><item><title>x", "utf-8")
    (tmp_path / "empty.atom").write_text('<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "utf-8")
    (tmp_path / "menu.html").write_text("<html><body><nav><a href=/>Start</a></nav></body></html>", "utf-8")
    (tmp_path / "binary.html").write_bytes(bytes(range(256)) * 10)
    for name in ("bad.rss", "empty.atom", "menu.html", "binary.html"):
        out = list(read_file(tmp_path / name))
        assert len(out) == 1 and isinstance(out[0], Problem) and out[0].reason, name


MISDECLARED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Biuro prasowe</title><language>pl</language>
<item><guid>en-1</guid><title>Harbour authority reopens the northern quay</title>
<description>The harbour authority said on Tuesday that the northern quay would reopen to cargo ships next
week, after repairs to the breakwater took longer than planned because of the autumn storms. Shipping
companies had asked for compensation for the delays, and the authority promised to publish a report.
</description></item>
<item><guid>pl-1</guid><title>Zarząd portu otwiera nabrzeże północne</title>
<description>Zarząd portu poinformował we wtorek, że nabrzeże północne zostanie ponownie otwarte dla
statków towarowych w przyszłym tygodniu, po naprawie falochronu, która trwała dłużej niż planowano z powodu
jesiennych sztormów. Armatorzy domagali się odszkodowań za opóźnienia.</description></item>
<item><guid>short-1</guid><title>Port news</title><description>Quay open.</description></item>
</channel></rss>
"""


def test_a_channel_language_is_a_hint_the_text_overrides(tmp_path, runner):
    feed = tmp_path / "misdeclared.rss"
    feed.write_text(MISDECLARED, "utf-8")
    english, polish, short = items(feed)
    assert (english.language, english.declared_language) == ("en", "pl")
    assert (polish.language, polish.declared_language) == ("pl", "pl")
    assert short.language == "pl"  # too little text to overrule the channel
    out = runner.invoke(["extract", str(feed), "--json"])
    assert [(i["language"], i["declared_language"]) for i in json.loads(out.output)] == \
        [("en", "pl"), ("pl", "pl"), ("pl", "pl")]
    summary = json.loads(runner.invoke(["reindex", str(tmp_path), "--index", str(tmp_path / "ix"),
                                        "--json"]).output)
    assert summary["declared_overridden"] == [f"{feed}: en-1 declared 'pl', indexed as 'en' (its text)"]


def test_a_language_given_per_item_in_json_lines_is_kept(tmp_path):
    lines = tmp_path / "items.jsonl"
    lines.write_text(json.dumps({"id": "x", "language": "pl", "title": "Harbour authority reopens the quay",
                                 "body": MISDECLARED[200:700]}) + "\n", "utf-8")
    (item,) = items(lines)
    assert (item.language, item.declared_language) == ("pl", None)


def _rss(channel_lang: str, entries: list[str]) -> str:
    items = "".join(f"<item><guid>e{n}</guid><description>{text}</description></item>"
                    for n, text in enumerate(entries))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk</title>'
            f"<language>{channel_lang}</language>{items}</channel></rss>")


def test_a_short_entry_in_another_language_than_its_channel(tmp_path: Path):
    """A one-sentence entry plainly in English under a Polish channel is English, and the reverse;
    a few words keep what the channel declares (langs.SHORT_CHARS, SHORT_PROBABILITY)."""
    (tmp_path / "pl.rss").write_text(_rss("pl", [
        "The European Commission fined the shipping company for breaking the sanctions on Monday.",
        "Komisja Europejska nałożyła w poniedziałek karę na firmę żeglugową za łamanie sankcji.",
        "Breaking news",
    ]), "utf-8")
    (tmp_path / "en.rss").write_text(_rss("en", [
        "Rząd przyjął w czwartek projekt ustawy o ochronie ludności i obronie cywilnej.",
    ]), "utf-8")
    assert [i.language for i in items(tmp_path / "pl.rss")] == ["en", "pl", "pl"]
    assert [i.language for i in items(tmp_path / "en.rss")] == ["pl"]
