"""``prasa reindex``, ``extract`` and ``stats``: incremental updates, full swaps, bad files."""

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import open_index, reindex
from indexer.whoosh.store import current_generation
from search import SearchRequest, SearchService
from web.cli import main

from .conftest import CORPUS, EN_SEED, PL_SEED, SAMPLE, SEEDS


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_seeds_index_stats_and_rerun(tmp_path: Path):
    index = str(tmp_path / "ix")
    code, out = run("reindex", str(SEEDS), "--index", index, "--json")
    assert code == 0 and json.loads(out)["added"] == 2
    code, out = run("stats", "--index", index, "--json")
    stats = json.loads(out)
    assert stats["documents"] == 2 and stats["languages"] == {"pl": 1, "en": 1}
    assert stats["sources"] == {"BELTA": 1, "Azernews": 1}
    assert stats["organizations"]["osce"] == 2 and stats["years"] == {"2023": 1}
    code, out = run("reindex", str(SEEDS), "--index", index, "--json")
    summary = json.loads(out)
    assert (summary["unchanged"], summary["added"], summary["updated"]) == (2, 0, 0)


def test_extract_prints_the_fields():
    code, out = run("extract", str(PL_SEED), str(EN_SEED), "--json")
    items = json.loads(out)
    assert code == 0 and [i["language"] for i in items] == ["pl", "en"]
    assert set(items[0]) >= {"id", "title", "language", "date", "date_precision", "place",
                             "source", "cited_sources", "organizations"}
    assert items[1]["cited_sources"] == ["BELTA"] and "unga" in items[1]["organizations"]


def test_incremental_update_and_delete(tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    index = tmp_path / "ix"
    reindex([src], index)
    gen = current_generation(index)
    (src / PL_SEED.name).write_text(PL_SEED.read_text("utf-8") + "\nDodatkowe zdanie o NATO.", "utf-8")
    summary = reindex([src], index)
    assert (summary.updated, summary.unchanged, summary.added) == (1, 1, 0)
    (src / EN_SEED.name).unlink()
    summary = reindex([src], index)
    assert (summary.deleted, summary.documents) == (1, 1)
    assert current_generation(index) == gen  # incremental: same generation, new commits


def test_full_reindex_swaps_a_new_generation(tmp_path: Path):
    index = tmp_path / "ix"
    reindex([SEEDS], index)
    old = current_generation(index)
    summary = reindex([SEEDS], index, full=True)
    new = current_generation(index)
    assert new != old and summary.added == 2 and open_index(index).doc_count() == 2


def test_broken_files_are_reported_and_the_rest_indexed(tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    (src / "broken.jsonl").write_text('{"id": "ok", "body": "Dobra depesza o NATO."}\n{oops\n', "utf-8")
    (src / "bad.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (src / "empty.txt").write_bytes(b"")
    code, out = run("reindex", str(src), "--index", str(tmp_path / "ix"), "--json")
    summary = json.loads(out)
    assert code == 0 and summary["documents"] == 3
    reasons = {Path(f["path"].split(":")[0]).name: f["reason"] for f in summary["failed"]}
    assert set(reasons) == {"broken.jsonl", "bad.jsonl.gz", "empty.txt"}
    assert "invalid JSON" in reasons["broken.jsonl"]


def test_missing_source_exits_non_zero(tmp_path: Path):
    code, _ = run("reindex", str(tmp_path / "nowhere"), "--index", str(tmp_path / "ix"))
    assert code == 1


def test_shared_corpus_in_two_processes(tmp_path: Path):
    """All three real corpus files, --jobs 2: every item indexed, colliding ids kept."""
    index = tmp_path / "ix"
    summary = reindex([CORPUS], index, jobs=2, full=True)
    assert not summary.failed
    assert summary.documents == 1103 + 21577 + 400
    assert len(summary.renamed) == 10  # ids the other-language file shares with the Polish one
    stats = json.loads(run("stats", "--index", str(index), "--json")[1])
    assert stats["languages"]["en"] >= 21500 and stats["languages"]["other"] >= 395


def test_two_workers_on_a_source_smaller_than_a_batch(tmp_path: Path):
    """One worker gets every item and the other none: the idle one must not take the shared temporary
    folder with it (it used to cancel its writer, which deleted the folder under the busy one)."""
    for attempt in range(3):
        index = tmp_path / f"index{attempt}"
        summary = reindex([SAMPLE], index, jobs=2, full=True)
        assert summary.documents == summary.added > 0 and not summary.failed
        ix = open_index(index)
        assert ix.doc_count() == summary.documents
        assert sorted(p.name for p in index.rglob("*.tmp")) == []


@pytest.mark.parametrize("full", [True, False])
def test_every_problem_is_reported_through_two_workers(tmp_path: Path, full: bool):
    """Many broken lines among good ones, through --jobs 2: each one reported once, the rest indexed."""
    index, source = tmp_path / "index", tmp_path / "items"
    source.mkdir()
    if not full:  # an existing index: the incremental path (one writer, extraction in the pool)
        reindex([SAMPLE], index, reference=dt.date(2024, 12, 31))
    broken = 0
    for n in range(3):
        lines = []
        for i in range(700):
            if i % 7 == 3:
                lines.append('{"id": "broken", "body": ')  # cut JSON
                broken += 1
            elif i % 11 == 5:
                lines.append(json.dumps({"id": f"e{n}-{i}", "body": ""}))  # no text: an extraction problem
                broken += 1
            else:
                lines.append(json.dumps({"id": f"f{n}-{i}", "title": f"Depesza {i}",
                                         "body": f"Posiedzenie numer {i} zakończyło się w Warszawie."}))
        (source / f"part{n}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    summary = reindex([source] + ([] if full else [SAMPLE]), index, jobs=2, full=full)
    assert len(summary.failed) == broken
    assert len({(p.path, p.reason) for p in summary.failed}) == broken
    assert summary.added == 3 * 700 - broken


def test_many_small_commits_merge_by_tier_and_keep_every_item(tmp_path: Path):
    """A watcher's commits (5 items each): small segments merge a tier at a time, the full build's stay."""
    from indexer.whoosh.build import MERGE_FACTOR

    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src / "sample")
    index = tmp_path / "ix"
    reindex([src], index, jobs=2, full=True)
    with open_index(index).reader() as reader:
        built = sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers())
    for n in range(23):
        path = src / f"wire{n}.jsonl"
        path.write_text("".join(json.dumps({"id": f"w{n}-{i}", "body": f"Depesza {i} z Wilna, numer w{n}x."})
                                + "\n" for i in range(5)), "utf-8")
        assert reindex([src], index, paths=[path]).added == 5
    with open_index(index).reader() as reader:
        sizes = sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers())
        assert reader.doc_count() == sum(built) + 23 * 5
    tiers = Counter(len(str(size)) for size in sizes)
    assert len(sizes) < 23 and max(tiers.values()) < MERGE_FACTOR + len(built)  # merged as they came
    service = SearchService(index)
    assert all(service.search(SearchRequest(q=f"w{n}x", translate=False)).total == 5 for n in range(23))


def test_the_merge_policy_takes_one_small_tier_and_never_a_large_segment():
    from indexer.whoosh.build import MERGE_FACTOR, MERGE_MAX_DOCS, tier_to_merge

    assert tier_to_merge([500_000, 500_000, 5, 5, 5]) == []  # not yet MERGE_FACTOR of a tier
    assert tier_to_merge([500_000, 5, 7, 5, 9, 55]) == [1, 2, 3, 4]  # the lowest full tier only
    assert tier_to_merge([500_000] * 9) == []  # large segments: over MERGE_MAX_DOCS together
    big = MERGE_MAX_DOCS // MERGE_FACTOR + 1  # a full tier whose merge would be too large
    assert tier_to_merge([big] * MERGE_FACTOR) == []
    assert tier_to_merge([big - 2] * MERGE_FACTOR) == list(range(MERGE_FACTOR))
