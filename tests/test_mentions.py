"""Organization tags read in context: each error class found by reading real tags, on sentences written here."""

import pytest

from indexer.extract.countries import _adjective_country, country_beside
from indexer.extract.mentions import org_mentions
from indexer.extract.orgs import registry


def tags(body: str, title: str = "", language: str = "en") -> list[str]:
    return list(dict.fromkeys(m[3] for m in org_mentions(registry(), title, body, 0, language)))


def test_acronyms_in_tables_and_tickers_are_no_tags():
    assert tags("NWA INC 64 3/4 PAN AM CP 4 1/2 PEOPLS EGY 22") == []
    assert tags("1 HRW WHEAT 12 pct D-M 288\nCHGO IOM LUMBER VOL/OPEN INTEREST") == []
    assert tags("Unilever NV <UN> said on Tuesday its profit rose.") == []
    assert tags("The UN said on Tuesday its food aid rose.") == ["un"]  # the same acronym in prose


def test_the_items_own_expansion_decides_what_an_acronym_means():
    text = "The Interstate Commerce Commission rejected the merger. The ICC said on Monday it would not reconsider."
    assert tags(text) == []
    text = "The African Development Bank (ADB) raised lending. ADB loans rose 42 pct."
    assert tags(text) == ["afdb"]
    # an expansion spelled differently from the registry's name is still the same body
    text = "Ecuador, a member of the Organisation of Petroleum Exporting Countries (OPEC), pumps less."
    assert tags(text) == ["opec"]
    assert tags("The Asian Development Bank (ADB) met in Osaka.") == ["adb"]


def test_a_polish_acronym_of_an_international_body_is_no_tag_in_english():
    assert tags("Caesars rejected the offer from MTS Acquisition Corp, formed by Sosnoff.") == []
    assert tags("Wyrok MTS w Hadze zapadł w poniedziałek.", language="pl") == ["icj"]
    # a Polish body's Polish acronym is what the English press writes too
    assert tags("the head of the central bank told the official news agency PAP on Monday.") == ["pap"]


@pytest.mark.parametrize("text, language", [
    ("Pakistański Sąd Najwyższy uniewinnił chrześcijankę.", "pl"),
    ("Sąd Najwyższy Pakistanu rozpatruje apelację.", "pl"),
    ("Wyrok wydał Sąd Najwyższy w Islamabadzie. Pakistan wrze, w Pakistanie trwają protesty,"
     " a rząd Pakistanu milczy.", "pl"),
    ("Po ogłoszeniu decyzji przez sąd najwyższej instancji zapadła cisza.", "pl"),
    ("New Zealand's ruling Labour Party has completed its economic reforms.", "en"),
    ("Wilson told the House of Commons that Canada's tax system needs changes.", "en"),
    ("Zmarło 116 osób - poinformowało w niedzielę ministerstwo zdrowia w Paryżu.", "pl"),
    ("Unemployment was 6.7 pct, Finland's Central Statistical Office said.", "en"),
])
def test_a_generic_national_name_of_another_country_is_no_tag(text, language):
    assert tags(text, language=language) == []


@pytest.mark.parametrize("text, language, org", [
    ("Sąd Najwyższy orzekł w środę, że ustawa jest zgodna z prawem.", "pl", "sn"),
    ("Britain's opposition Labour Party called for a new vote.", "en", "labour-party-uk"),
    ("W Izbie Gmin brytyjscy posłowie głosowali nad umową z Unią.", "pl", "house-of-commons"),
    ("Polish Supreme Court judges met in Warsaw.", "en", "sn"),
    ("Ministerstwo Zdrowia podało w niedzielę nowe dane o zakażeniach w Polsce.", "pl", "mz-pl"),
])
def test_a_generic_national_name_of_its_own_country_stays(text, language, org):
    assert org in tags(text, language=language)


def test_countries_are_read_in_both_languages_and_their_adjectives():
    assert [_adjective_country(w) for w in ("pakistański", "polskiego", "fińskie", "tureckiej")] == [
        "pk", "pl", "fi", "tr"]
    assert _adjective_country("europejski") is None
    text = "the ruling Labour Party of Australia"
    assert country_beside(text, 11, 23) == "au"


def test_a_possessive_inside_a_name_ends_it():
    """"the state's Department of Insurance" is a state's own department, not the State Department."""
    assert "us-state-department" not in tags("The state's Department of Insurance fined the insurer.")
    assert tags("The State Department's spokesman said talks would go on.") == ["us-state-department"]


def test_places_and_people_named_like_countries_are_no_countries():
    from indexer.extract.countries import countries_in

    assert countries_in("Tony Blair urged a second vote.") == {}  # not Tonga (Ton-ga)
    assert countries_in("Rozmawiał z Tonym Blairem.", polish=True) == {}
    assert countries_in("The New Jersey company and its New Mexico unit") == {}
    assert dict(countries_in("Papua New Guinea and New Zealand")) == {"pg": 1, "nz": 1}
    assert dict(countries_in("Na Kubie i z Kuby", polish=True)) == {"cu": 2}  # a three-letter stem stays


@pytest.mark.parametrize("name,country,ids", [
    ("Tony", "to", ["bsnlp-brexit-pl-10", "bsnlp-brexit-pl-1185", "bsnlp-brexit-pl-126"]),
    ("New Jersey", "je", ["bsnlp-trump-58", "bsnlp-trump-70", "bsnlp-us_election_2020-202"]),
])
def test_corpus_items_naming_tony_or_new_jersey_name_no_such_country(name, country, ids):
    from indexer.extract.countries import countries_in

    from .conftest import corpus_rows

    rows = {r["id"]: r for f in ("pl-news-bsnlp.jsonl.gz", "other-lang-news-bsnlp.jsonl.gz")
            for r in corpus_rows(f) if r["id"] in ids}
    assert set(rows) == set(ids)
    for row in rows.values():
        assert name in row["body"]
        assert country not in countries_in(row["body"], polish=row["language"] == "pl")


def test_an_acronym_naming_a_company_is_no_tag():
    assert tags("AAR said the interest was sold to CIS Corp of San Francisco.") == []
    assert "cis" in tags("Leaders of the CIS met in Minsk on Friday.")


def test_a_foreign_ministry_named_with_its_country_is_not_polands():
    assert "msz-pl" not in tags("Szef MSZ W. Brytanii Boris Johnson powiedział, że rozmowy trwają.", language="pl")
    assert "msz-pl" not in tags("W Danii duński MSZ może zablokować budowę gazociągu.", language="pl")
    assert "msz-pl" in tags("MSZ poinformowało w piątek o wezwaniu ambasadora.", language="pl")
