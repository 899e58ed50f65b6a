"""The organization registry and matcher, on the seeds and on harder cases."""

from pathlib import Path

from indexer.extract.orgs import load_registry, registry

from .conftest import EN_SEED, PL_SEED


def test_polish_seed_organizations():
    found = set(registry().ids(PL_SEED.read_text("utf-8")))
    assert {"un", "unodc", "osce", "iom", "unhcr", "interpol", "ccpcj", "icat"} <= found


def test_english_seed_organizations():
    found = set(registry().ids(EN_SEED.read_text("utf-8")))
    assert {"un", "unga", "unodc", "osce", "ccpcj", "icat"} <= found


def test_inflected_polish_names():
    reg = registry()
    assert reg.ids("Rzecznik Unii Europejskiej mówił o Radzie Europy") == ["eu", "coe"]
    assert reg.ids("przedstawiciele Organizacji Narodów Zjednoczonych") == ["un"]
    assert reg.ids("posłowie Prawa i Sprawiedliwości") == ["pis"]
    assert reg.ids("śledztwo Interpolu i Europolu") == ["interpol", "europol"]


def test_acronyms_case_and_polish_endings():
    reg = registry()
    assert reg.ids("rezolucja ONZ-u oraz stanowisko PiS-u") == ["un", "pis"]
    assert reg.ids("who said that") == []  # only WHO in capitals is the organization
    assert reg.ids("WHO said that") == ["who"]
    assert reg.ids("the OSCE's office and the United Nations' agencies") == ["osce", "un"]


def test_no_partial_word_matches():
    reg = registry()
    assert reg.ids("spotkanie między Grupą Przyjaciół") == []  # not "Międzyagencyjna Grupa"
    assert reg.ids("Belarus said") == []  # not BelTA
    assert reg.ids("obrady sejmiku województwa") == []  # not the Sejm


def test_resolve_user_input_to_ids():
    reg = registry()
    for text in ("OBWE", "obwe", "OSCE", "osce", "Organizacja Bezpieczeństwa i Współpracy w Europie"):
        assert reg.resolve(text) == "osce"
    assert reg.resolve("nothing of the kind") is None


def test_registry_size_and_labels():
    reg = registry()
    assert len(reg.orgs) >= 60
    assert reg.label("osce", "pl") == "Organizacja Bezpieczeństwa i Współpracy w Europie"
    assert reg.label("osce", "en").startswith("Organization for Security")


def test_users_extend_the_registry(tmp_path: Path):
    extra = tmp_path / "orgs.toml"
    extra.write_text('[[org]]\nid = "pzpn"\nen = ["Polish Football Association"]\n'
                     'pl = ["Polski Związek Piłki Nożnej"]\nacronyms = ["PZPN"]\n', "utf-8")
    reg = load_registry((str(extra),))
    assert reg.ids("prezes Polskiego Związku Piłki Nożnej i PZPN") == ["pzpn"]
    assert "osce" in reg


# -- organizations in queries: one parser node per mention ---------------------------------------

def _parsed(text: str, reg=None):
    from search.opensearch.dsl import query_schema
    from search.query import OrgMention, make_parser, parse_query

    parser = make_parser(query_schema(), None, "all", reg)
    parsed = parse_query(text, parser, reg or registry())
    return parsed, [leaf.text for leaf in parsed.query.leaves() if isinstance(leaf, OrgMention)]


def test_a_mention_in_free_text_is_one_node_searching_the_id_or_the_words():
    parsed, mentions = _parsed("handel ludźmi Biura Narodów Zjednoczonych ds. narkotyków i przestępczości")
    assert mentions == ["unodc"] and parsed.organizations == ["unodc"]
    assert parsed.words == ["handel", "ludźmi"]  # the name is no word to correct
    _, mentions = _parsed("OBWE OR ONZ")
    assert mentions == ["osce", "un"]


def test_field_values_phrases_and_stopwords_are_no_mentions():
    parsed, mentions = _parsed('org:OBWE "ONZ i OBWE" who')
    assert mentions == [] and parsed.organizations == []
    assert ("orgs", "osce") in parsed.query.all_terms()  # org: resolves its own value


def test_the_matcher_runs_once_per_query_text():
    calls = []
    reg = load_registry(())
    find = reg.find
    reg.find = lambda text, *a, **k: calls.append(text) or find(text, *a, **k)
    from search.opensearch.dsl import query_schema
    from search.query import make_parser, parse_query

    parser = make_parser(query_schema(), None, "all", reg)  # a generation's parser serves every request
    for _ in range(3):
        assert parse_query("OBWE handel", parser, reg).organizations == ["osce"]
    assert calls == ["OBWE handel"]  # to tag the mention and to leave it out of the words: one run


def test_stored_mentions_are_what_the_matcher_finds_in_the_item():
    """Index-time mentions (which mark hits) point at the right text, dateline excluded, on real items."""
    from indexer.extract.item import extract
    from indexer.sources.records import Record

    from .conftest import corpus_rows

    reg, checked = registry(), 0
    rows = corpus_rows("pl-news-bsnlp.jsonl.gz", 150) + corpus_rows("en-news-reuters21578.jsonl.gz", 150)
    for n, row in enumerate(rows):
        item = extract(Record(row, "corpus.jsonl", str(n)))
        texts = {"title": item.title, "body": item.body}
        for part, start, end, _org in item.mentions:
            # each span re-read alone is one whole mention (the context rules may re-map an acronym)
            alone = reg.find(texts[part][start:end], acronyms=True)
            assert [(m.start, m.end) for m in alone] == [(0, end - start)], (part, start, end)
        body = {(m[1], m[2]) for m in item.mentions if m[0] == "body"}
        # the matcher's own mentions, less the dateline's and those the context rules drop
        assert body <= {(m.start, m.end) for m in reg.find(item.body)}
        assert item.organizations == list(dict.fromkeys(m[3] for m in item.mentions))
        checked += len(item.mentions)
    assert checked > 300
