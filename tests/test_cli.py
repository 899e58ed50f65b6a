"""The ``prasa`` command, every subcommand: reindex, search, extract, stats, serve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search import translation_status

from .conftest import PL_SEED, SEEDS


def test_version(runner):
    assert runner.invoke(["--version"]).output.startswith("prasa")


def test_reindex_then_stats(runner, tmp_path: Path):
    index = tmp_path / "index"
    out = runner.invoke(["reindex", str(SEEDS), "--index", str(index), "--json"])
    summary = json.loads(out.output)
    assert out.exit_code == 0 and summary["added"] == summary["documents"] >= 2
    stats = json.loads(runner.invoke(["stats", "--index", str(index), "--json"]).output)
    assert stats["documents"] == summary["documents"] and set(stats["languages"]) >= {"pl", "en"}
    assert "osce" in stats["organizations"]


def test_extract_reads_the_year_from_the_reference_date(runner):
    out = runner.invoke(["extract", str(PL_SEED), "--json", "--reference-date", "2024-12-31"])
    item, = json.loads(out.output)
    assert (item["date"], item["place"], item["source"], item["language"]) == ("2024-12-06", "Mińsk", "BELTA", "pl")
    assert {"osce", "unodc", "un"} <= set(item["organizations"])


def test_search_json_is_what_the_api_returns(runner, client, sample_index):
    cli = json.loads(runner.invoke(["search", "handel ludźmi", "--org", "OBWE", "--json",
                                    "--index", str(sample_index)]).output)
    api = client.get("/api/search", query_string={"q": "handel ludźmi", "org": "OBWE"}).get_json()
    for result in (cli, api):
        result.pop("took_ms")
    assert cli == api and cli["total"] > 0


def test_search_text_marks_matches_and_prints_notices(runner, sample_index):
    out = runner.invoke(["search", "handel ludźmi", "--index", str(sample_index), "--per-page", "3"], color=True)
    assert out.exit_code == 0 and "results (page 1 of" in out.output
    assert "\x1b[1m" in out.output  # a matched word in bold
    assert "<mark>" not in out.output


def test_search_bad_values_are_usage_errors(runner, sample_index):
    for args, parameter in ((["--lang", "de"], "lang"), (["--org", "no such body"], "organization"),
                            (["--date", "2024-13"], "date")):
        out = runner.invoke(["search", "x", "--index", str(sample_index), *args])
        assert out.exit_code == 2 and parameter in out.output.lower()


def test_search_without_an_index_says_so(runner, tmp_path: Path):
    out = runner.invoke(["search", "x", "--index", str(tmp_path / "nothing")])
    assert out.exit_code == 1 and "reindex" in out.output


@pytest.mark.skipif(not translation_status().startswith("on"), reason="the FreeDict dictionaries are not installed")
def test_search_crosses_languages_unless_told_not_to(runner, sample_index):
    args = ["search", "handel ludźmi", "--lang", "en", "--json", "--index", str(sample_index)]
    translated = json.loads(runner.invoke(args).output)
    assert translated["total"] > 0 and translated["translations"]["handel"][0]["text"] == "human trafficking"
    assert json.loads(runner.invoke([*args, "--no-translate"]).output)["total"] == 0
    text = runner.invoke(["search", "handel ludźmi", "--index", str(sample_index)]).output
    assert "also searched as: handel → human trafficking" in text
    stats = runner.invoke(["stats", "--index", str(sample_index)]).output
    assert "translation: on" in stats
