"""Change detection against the file table, on both backends' shared loop (``indexer/scan.py``).

Each test runs on the Whoosh folder and on the cluster backend (a fake
cluster, a local table cache): what a reindex reads, writes and deletes must
be the same on both, and must be what changed, not the archive.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from indexer import open_index, reindex, scan
from indexer.opensearch.cluster import ClusterBackend, ClusterConfig, reindex_cluster
from indexer.whoosh.build import WhooshBackend

from .fake_cluster import FakeCluster


def _rows(prefix: str, n: int, edit: int | None = None) -> str:
    return "".join(json.dumps({"id": f"{prefix}{i}", "title": f"Depesza {prefix}{i}",
                               "body": f"Posiedzenie {i} {'zmienione ' if i == edit else ''}odbyło się w Wilnie.",
                               "language": "pl"}) + "\n" for i in range(n))


class Index:
    """One backend's index of ``src``, with the ids it holds and what each reindex read."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind, self.tmp = kind, tmp_path
        self.src = tmp_path / "src"
        self.src.mkdir()
        self.cluster = FakeCluster()
        self.opened: list[str] = []  # files read by the scan
        self.works = 0  # records sent to extraction

    def reindex(self, **options):
        if self.kind == "whoosh":
            return reindex([self.src], self.tmp / "ix", **options)
        return reindex_cluster([self.src], ClusterConfig(url="http://fake:9200"), client=self.cluster,
                               table_dir=self.tmp / "tables", **options)

    def version(self):
        """What a searcher would see change: the Whoosh commit, or the cluster's write count."""
        if self.kind == "whoosh":
            return open_index(self.tmp / "ix").latest_generation()
        return self.cluster.bulk_calls

    def ids(self) -> list[str]:
        if self.kind == "whoosh":
            with open_index(self.tmp / "ix").reader() as reader:
                return sorted(f["id"] for f in reader.all_stored_fields())
        return sorted(self.cluster.docs[self.cluster.aliases["prasa"]])


@pytest.fixture(params=["whoosh", "opensearch"])
def index(request, tmp_path, monkeypatch) -> Index:
    ix = Index(request.param, tmp_path)
    read_file, works = scan.read_file, scan.Scan.works

    def spy_read(path):
        ix.opened.append(Path(path).name)
        return read_file(path)

    def spy_works(self):
        for work in works(self):
            ix.works += isinstance(work, scan.Work)
            yield work

    monkeypatch.setattr(scan, "read_file", spy_read)
    monkeypatch.setattr(scan.Scan, "works", spy_works)
    return ix


def _fresh_counts(ix: Index) -> None:
    ix.opened.clear()
    ix.works = 0


def test_unchanged_files_are_never_opened_and_a_touched_one_is_not_read(index):
    (index.src / "a.jsonl").write_text(_rows("a", 30), "utf-8")
    (index.src / "b.jsonl").write_text(_rows("b", 20), "utf-8")
    assert index.reindex().added == 50
    _fresh_counts(index)
    version = index.version()
    again = index.reindex()
    assert (again.unchanged, again.added, again.updated, again.deleted) == (50, 0, 0, 0)
    assert index.opened == [] and index.works == 0
    assert index.version() == version  # nothing committed: searchers have nothing new to open
    os.utime(index.src / "a.jsonl", ns=(1, 1))  # touched: new mtime, same bytes
    touched = index.reindex()
    assert touched.unchanged == 50 and index.opened == [] and index.works == 0
    assert len(index.ids()) == 50


def test_one_edited_item_in_a_big_file_is_the_only_one_extracted(index):
    (index.src / "big.jsonl").write_text(_rows("x", 300), "utf-8")
    index.reindex()
    _fresh_counts(index)
    (index.src / "big.jsonl").write_text(_rows("x", 300, edit=123), "utf-8")
    summary = index.reindex()
    assert (summary.updated, summary.unchanged, summary.added) == (1, 299, 0)
    assert index.opened == ["big.jsonl"] and index.works == 1
    assert len(index.ids()) == 300


def test_a_removed_file_takes_its_items_and_only_them(index):
    (index.src / "a.jsonl").write_text(_rows("a", 5), "utf-8")
    (index.src / "b.jsonl").write_text(_rows("b", 7), "utf-8")
    index.reindex()
    (index.src / "a.jsonl").unlink()
    summary = index.reindex()
    assert (summary.deleted, summary.unchanged, summary.documents) == (5, 7, 7)
    assert index.ids() == sorted(f"b{i}" for i in range(7))


def test_a_renamed_file_keeps_its_ids_once(index):
    (index.src / "a.jsonl").write_text(_rows("a", 6), "utf-8")
    index.reindex()
    (index.src / "a.jsonl").rename(index.src / "renamed.jsonl")
    summary = index.reindex()
    assert summary.documents == 6 and summary.updated == 6 and summary.deleted == 0
    assert index.ids() == sorted(f"a{i}" for i in range(6))


def test_a_duplicate_id_across_files_keeps_its_owner_and_its_rename(index):
    (index.src / "a.jsonl").write_text(_rows("d", 2), "utf-8")
    (index.src / "b.jsonl").write_text(_rows("d", 3), "utf-8")  # d0, d1 taken by a.jsonl
    first = index.reindex()
    assert index.ids() == ["d0", "d0@b", "d1", "d1@b", "d2"] and len(first.renamed) == 2
    (index.src / "b.jsonl").write_text(_rows("d", 3, edit=0), "utf-8")  # b's d0 edited
    edited = index.reindex()
    assert (edited.updated, edited.added, edited.unchanged) == (1, 0, 4)
    assert index.ids() == ["d0", "d0@b", "d1", "d1@b", "d2"]
    (index.src / "a.jsonl").unlink()
    gone = index.reindex()
    assert gone.deleted == 2 and index.ids() == ["d0@b", "d1@b", "d2"]


def test_only_the_paths_a_watcher_names_are_looked_at(index):
    (index.src / "a.jsonl").write_text(_rows("a", 4), "utf-8")
    (index.src / "b.jsonl").write_text(_rows("b", 4), "utf-8")
    index.reindex()
    _fresh_counts(index)
    (index.src / "b.jsonl").write_text(_rows("b", 4, edit=1), "utf-8")  # changed, but not named
    (index.src / "new.jsonl").write_text(_rows("n", 3), "utf-8")
    summary = index.reindex(paths=[index.src / "new.jsonl"])
    assert index.opened == ["new.jsonl"] and (summary.added, summary.updated) == (3, 0)
    (index.src / "a.jsonl").unlink()
    summary = index.reindex(paths=[index.src / "a.jsonl"])
    assert summary.deleted == 4 and index.ids() == sorted([f"b{i}" for i in range(4)] + [f"n{i}" for i in range(3)])
    summary = index.reindex()  # a full pass still finds what no event named
    assert summary.updated == 1


def _seal_fails(monkeypatch, kind: str) -> None:
    backend = WhooshBackend if kind == "whoosh" else ClusterBackend

    def crash(self, table):
        raise KeyboardInterrupt("killed after the index was committed, before its file table was")

    monkeypatch.setattr(backend, "seal_table", crash)


def test_a_reindex_killed_between_the_index_and_its_table_loses_and_doubles_nothing(index, monkeypatch):
    (index.src / "a.jsonl").write_text(_rows("a", 10), "utf-8")
    index.reindex()
    (index.src / "a.jsonl").write_text(_rows("a", 12, edit=3), "utf-8")  # one edited, two added
    (index.src / "b.jsonl").write_text(_rows("b", 5), "utf-8")
    with monkeypatch.context() as m:
        _seal_fails(m, index.kind)
        with pytest.raises(KeyboardInterrupt):
            index.reindex()
    summary = index.reindex()  # the table never heard of that pass: it is diffed again
    assert summary.documents == 17 and not summary.failed
    assert index.ids() == sorted([f"a{i}" for i in range(12)] + [f"b{i}" for i in range(5)])
    again = index.reindex()
    assert again.unchanged == 17 and again.added == again.updated == 0


def test_a_reindex_killed_while_writing_leaves_index_and_table_as_they_were(index):
    (index.src / "a.jsonl").write_text(_rows("a", 10), "utf-8")
    index.reindex()
    (index.src / "b.jsonl").write_text(_rows("b", 600), "utf-8")
    if index.kind == "opensearch":
        index.cluster.fail_on_bulk = index.cluster.bulk_calls + 2  # the second bulk request dies
        with pytest.raises(ConnectionError):
            index.reindex()
    else:
        def die(n):
            if n == 300:
                raise KeyboardInterrupt("killed halfway through the file")
        with pytest.raises(KeyboardInterrupt):
            index.reindex(progress=die)
        assert index.ids() == sorted(f"a{i}" for i in range(10))
    summary = index.reindex()
    assert summary.documents == 610 and index.ids() == sorted([f"a{i}" for i in range(10)] +
                                                             [f"b{i}" for i in range(600)])


def test_a_new_reference_date_rereads_every_file(index):
    (index.src / "a.jsonl").write_text(_rows("a", 3), "utf-8")
    index.reindex()
    _fresh_counts(index)
    import datetime as dt

    summary = index.reindex(reference=dt.date(2020, 1, 1))
    assert index.opened == ["a.jsonl"] and summary.updated == 3


def test_an_item_moved_from_one_changed_file_to_another_stays(index):
    (index.src / "a.jsonl").write_text(_rows("m", 3), "utf-8")
    (index.src / "b.jsonl").write_text(_rows("n", 2), "utf-8")
    index.reindex()
    moved = _rows("m", 3).splitlines(keepends=True)
    (index.src / "a.jsonl").write_text("".join(moved[:2]), "utf-8")  # m2 leaves a.jsonl (read first) ...
    (index.src / "b.jsonl").write_text(_rows("n", 2) + moved[2], "utf-8")  # ... for b.jsonl
    summary = index.reindex()
    assert summary.deleted == 0 and summary.updated == 1 and summary.documents == 5
    assert index.ids() == ["m0", "m1", "m2", "n0", "n1"]
