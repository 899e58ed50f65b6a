"""The facet columns read with numpy from Whoosh's column files equal Whoosh's own readers' values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from indexer import open_index, reindex
from search.whoosh.segcolumns import load_columns

from .conftest import SAMPLE, corpus_rows


def _whoosh_values(reader) -> dict:
    """Every document's values through Whoosh's column readers, one document at a time."""
    size = reader.doc_count_all()
    out = {name: list(reader.column_reader(name)) for name in
           ("c_lang", "c_source", "c_orgs", "c_ym", "c_day", "c_tlen", "c_blen", "c_simhash")}
    out["live"] = [not reader.is_deleted(d) for d in range(size)]
    return out


def _check(reader) -> None:
    cols, want = load_columns(reader), _whoosh_values(reader)
    assert cols.size == reader.doc_count_all() == len(cols.live)
    assert [cols.lang_values[c] for c in cols.lang] == [v.decode() for v in want["c_lang"]]
    assert [cols.source_values[c] for c in cols.source] == [v.decode() for v in want["c_source"]]
    orgs = [[cols.org_values[c] for c in cols.org_idx[cols.org_ptr[d]:cols.org_ptr[d + 1]]]
            for d in range(cols.size)]
    assert orgs == [v.decode().split() for v in want["c_orgs"]]
    for name, column in (("ym", "c_ym"), ("day", "c_day"), ("tlen", "c_tlen"), ("blen", "c_blen"),
                         ("simhash", "c_simhash")):
        assert np.array_equal(getattr(cols, name), np.array(want[column], dtype=getattr(cols, name).dtype)), name
    assert cols.live.tolist() == want["live"]


def test_columns_of_a_multi_segment_index_with_deletions(tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src / "sample")
    rows = [r for r in corpus_rows("en-news-reuters21578.jsonl.gz", 900)] + \
        [r for r in corpus_rows("pl-news-bsnlp.jsonl.gz", 300)]
    (src / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    index = tmp_path / "ix"
    reindex([src], index, jobs=2, full=True)  # two workers: two segments
    with open_index(index).reader() as reader:
        assert len(reader.leaf_readers()) == 2
        _check(reader)
    (src / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[:-50]), "utf-8")
    extra = [{**r, "id": f"{r['id']}-again"} for r in rows[:40]]
    (src / "more.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in extra), "utf-8")
    summary = reindex([src], index)
    assert summary.deleted == 50 and summary.added == 40
    with open_index(index).reader() as reader:
        assert reader.has_deletions() and len(reader.leaf_readers()) >= 2
        _check(reader)
