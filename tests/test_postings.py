"""prasa's segment writer files the same postings as Whoosh's own writer, whatever path they take."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from whoosh import index, writing

from indexer.pipeline import prepare_items
from indexer.whoosh import arrays
from indexer.whoosh.build import WRITER_OPTIONS, prepare
from indexer.whoosh.postings import INLINE_BELOW
from indexer.whoosh.schema import build_schema
from indexer.whoosh.segments import SegmentWriter
from search.whoosh.docsets import Matcher, _read_postings
from search.whoosh.segcolumns import load_columns

from .conftest import CORPUS, SAMPLE


def _documents(sources, limit=None) -> list[dict]:
    docs = [p.doc for p in prepare_items(sources, dt.date(2024, 12, 31), prepare=prepare)
            if not hasattr(p, "problem")]
    return docs[:limit] if limit else docs


def _build(folder, docs, writer_class, **options) -> index.Index:
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema())
    writer = writer_class(ix, **{**WRITER_OPTIONS, **options})
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return index.open_dir(str(folder))


def _contents(ix) -> dict:
    """Every term's postings (ids, weights, positions), field lengths and stored fields."""
    with ix.reader() as reader:
        terms = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            rows = []
            while matcher.is_active():
                # fields without values (ids, dates) read back None from a block, '' inlined
                rows.append((matcher.id(), matcher.weight(), matcher.value() or None))
                matcher.next()
            info = reader.term_info(fieldname, text)
            terms[fieldname, text] = (rows, info.doc_frequency(), info.weight(), info.min_length(),
                                      info.max_length(), info.max_weight(), info.min_id(), info.max_id())
        lengths = {(d, f): reader.doc_field_length(d, f) for d in range(reader.doc_count_all())
                   for f in reader.indexed_field_names()}
        return {"terms": terms, "lengths": lengths, "stored": list(reader.all_stored_fields())}


@pytest.fixture(scope="module")
def sample_docs():
    return _documents([SAMPLE])


def test_same_postings_as_whooshs_writer(tmp_path, sample_docs):
    ours = _contents(_build(tmp_path / "ours", sample_docs, SegmentWriter))
    theirs = _contents(_build(tmp_path / "whoosh", sample_docs, writing.SegmentWriter))
    assert ours["terms"].keys() == theirs["terms"].keys()
    assert ours == theirs
    # the sample has terms on both sides of the inline limit, and terms in several blocks
    frequencies = [info[1] for info in ours["terms"].values()]
    assert min(frequencies) < INLINE_BELOW <= max(frequencies)


def test_spilled_runs_give_the_same_postings(tmp_path, sample_docs):
    """A memory limit far below the sample's postings forces sorted runs to disk and a merge."""
    (tmp_path / "probe").mkdir()
    spilled = SegmentWriter(index.create_in(str(tmp_path / "probe"), build_schema()), limitmb=0)
    for doc in sample_docs[:3]:
        spilled.add_document(**doc)
    assert len(spilled.pool.runs) >= 2
    spilled.cancel()
    ours = _contents(_build(tmp_path / "ours", sample_docs, SegmentWriter, limitmb=0))
    assert ours == _contents(_build(tmp_path / "whoosh", sample_docs, writing.SegmentWriter))


def _merged(folder, docs, writer_class) -> index.Index:
    """Three commits, each merging what came before into one segment (docs land out of order)."""
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema())
    for part in (docs[:100], docs[100:200], docs[200:]):
        writer = writer_class(ix, **WRITER_OPTIONS)
        for doc in part:
            writer.add_document(**doc)
        writer.commit(optimize=True)
    return index.open_dir(str(folder))


def test_merged_segments_keep_every_posting(tmp_path):
    """Merging segments (an incremental commit) adds postings out of document order."""
    docs = _documents([CORPUS / "pl-news-bsnlp.jsonl.gz"], limit=300)
    ours = _merged(tmp_path / "ours", docs, SegmentWriter)
    assert len(ours._segments()) == 1
    assert _contents(ours) == _contents(_merged(tmp_path / "whoosh", docs, writing.SegmentWriter))


def test_frequent_terms_arrays_equal_their_blocks(tmp_path, monkeypatch):
    """The ``.dwa`` arrays hold what the blocks hold: every term over the limit, in every segment,
    also after merges; the numpy matcher reads the same documents and weights either way."""
    # a 300-item index has few terms in 512 items; below INLINE_BELOW a term has no blocks (nor arrays)
    minimum = max(20, INLINE_BELOW)
    monkeypatch.setattr(arrays, "ARRAYS_MIN", minimum)
    monkeypatch.setattr(arrays, "COMPLETE_DOCS", 0)  # no segment small enough to keep every term
    docs = _documents([CORPUS / "pl-news-bsnlp.jsonl.gz"], limit=300)
    ix = _merged(tmp_path / "merged", docs, SegmentWriter)
    writer = SegmentWriter(ix, **WRITER_OPTIONS)  # and a second, unmerged segment
    for doc in _documents([SAMPLE]):
        writer.add_document(**doc)
    writer.commit()
    ix = index.open_dir(str(tmp_path / "merged"))
    # one file per live segment: the merged-away segments' files went with them
    assert sorted(p.stem for p in (tmp_path / "merged").glob("*.dwa")) == \
        sorted(s.segment_id() for s in ix._segments())
    checked = 0
    with ix.searcher() as searcher:
        leaves = [leaf.reader() for leaf, _ in searcher.leaf_searchers()]
        assert len(leaves) == 2
        for reader in leaves:
            stored = arrays.segment_arrays(reader)
            for fieldname, btext in reader.all_terms():
                got = stored.get(fieldname, btext)
                if reader.doc_frequency(fieldname, btext) < minimum:
                    assert got is None
                    continue
                ids, weights = _read_postings(reader.postings(fieldname, btext))
                assert np.array_equal(got[0], ids) and np.array_equal(got[1], weights)
                checked += 1
        assert checked > 300
        columns = load_columns(searcher.reader())
        fast, slow = Matcher(searcher, columns), Matcher(searcher, columns)
        slow.arrays = [None] * len(slow.arrays)
        frequent = [(f, text) for f in ("body_pl", "title_pl", "orgs")
                    for _, text in searcher.reader().most_frequent_terms(f, 5)]
        for fieldname, text in frequent:
            a, b = fast.term(fieldname, text), slow.term(fieldname, text)
            assert len(a.docs) >= 20
            assert np.array_equal(a.docs, b.docs) and np.allclose(a.scores, b.scores)


def test_small_segment_keeps_every_term(tmp_path, monkeypatch):
    """A segment of a few hundred items (a watcher's commit) keeps every term's arrays and says so:
    the matcher answers from them alone, a word the segment lacks without a term-table look-up."""
    docs = _documents([CORPUS / "pl-news-bsnlp.jsonl.gz"], limit=300)
    ix = _build(tmp_path / "small", docs, SegmentWriter)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        stored = arrays.segment_arrays(reader)
        assert stored.complete
        terms = list(reader.all_terms())
        for fieldname, btext in terms:  # inlined terms too, which have no blocks
            got = stored.get(fieldname, btext)
            ids, weights = _read_postings(reader.postings(fieldname, btext))
            assert np.array_equal(got[0], ids) and np.array_equal(got[1], weights)
        columns = load_columns(reader)
        fast, slow = Matcher(searcher, columns), Matcher(searcher, columns)
        slow.arrays = [None] * len(slow.arrays)
        words = [text for f, text in terms if f == "body_pl"][::97]
        for word in words:
            a, b = fast.term("body_pl", word), slow.term("body_pl", word)
            assert len(a.docs) and np.array_equal(a.docs, b.docs) and np.allclose(a.scores, b.scores)

        def no_lookup(*args, **kwargs):
            raise AssertionError("looked up in Whoosh's term table")
        monkeypatch.setattr(reader, "postings", no_lookup)
        fast.cache = type(fast.cache)()
        assert len(fast.term("body_pl", "zzzniemaslowa").docs) == 0
        assert np.array_equal(fast.term("body_pl", words[0]).docs, slow.term("body_pl", words[0]).docs)
