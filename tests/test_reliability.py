"""Hostile input, generated: broken files, odd queries, random HTTP requests.

Nothing may escape as an exception or a 5xx; every bad item is reported with
its path and reason; every good item beside it is indexed.
"""

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from indexer import reindex
from indexer.pipeline import prepare_items
from indexer.sources.records import Problem
from indexer.whoosh.build import prepare
from search import BadRequest, SearchRequest
from web import create_app
from web.openapi import openapi_document

from .conftest import PL_SEED, assert_consistent

GOOD = {"id": "good", "title": "Szczyt NATO", "body": "Przywódcy NATO spotkali się w Wilnie."}
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
records = st.dictionaries(
    st.sampled_from(["id", "title", "body", "date", "language", "source", "url", "place", "dateline", "x"]),
    json_values, max_size=8,
)


def _bad_bytes():
    text = "Białoruś zorganizowała spotkanie ds. handlu ludźmi w Wiedniu. "
    return st.one_of(
        st.binary(max_size=2000),
        st.builds(lambda n: text.encode("utf-8")[:n], st.integers(0, 60)),  # truncated UTF-8
        st.builds(lambda a, b: a.encode("cp1250", "replace") + b.encode("utf-8"), st.text(max_size=40),
                  st.text(max_size=40)),  # mixed encodings
        st.builds(lambda n: b"\x00" * n + text.encode(), st.integers(0, 50)),  # NUL bytes
        st.builds(lambda n: ("x" * n).encode(), st.integers(0, 200_000)),  # very long line
    )


def _prepared(path: Path) -> tuple[list, list]:
    out = list(prepare_items([path], prepare=prepare))
    return [e for e in out if not isinstance(e, Problem)], [e for e in out if isinstance(e, Problem)]


@SETTINGS
@given(data=_bad_bytes(), suffix=st.sampled_from([".txt", ".jsonl", ".jsonl.gz", ""]))
def test_random_bytes_never_raise(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("bytes")
    path = folder / f"item{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    items, problems = _prepared(path)
    assert all(p.path.startswith(str(path)) and p.reason for p in problems)


@SETTINGS
@given(rows=st.lists(records, max_size=6))
def test_json_lines_with_wrong_types_report_and_keep_the_good(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("jsonl") / "items.jsonl"
    lines = [json.dumps(r) for r in rows] + [json.dumps(GOOD)]
    path.write_text("\n".join(lines), "utf-8")
    items, problems = _prepared(path)
    assert "good" in {i.id for i in items}
    assert len(items) + len(problems) == len(rows) + 1
    assert all(p.reason for p in problems)


def test_a_folder_of_bad_files_beside_good_ones(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "seed.txt").write_bytes(PL_SEED.read_bytes())
    (src / "empty.txt").write_bytes(b"")
    (src / "nul.txt").write_bytes(b"\x00\x00\x00")
    (src / "random.jsonl").write_bytes(bytes(range(256)) * 20)
    (src / "truncated.jsonl.gz").write_bytes(gzip.compress(json.dumps(GOOD).encode())[:-8])
    (src / "types.jsonl").write_text('{"id": 1, "body": ["a"]}\n{"title": null, "body": null}\n'
                                     + json.dumps(GOOD) + "\n", "utf-8")
    big = {"id": "big", "title": "Duża depesza", "body": "NATO " + "słowo " * 9_000_000}
    (src / "big.jsonl").write_text(json.dumps(big, ensure_ascii=False) + "\n", "utf-8")
    summary = reindex([src], tmp_path / "ix")
    assert summary.documents == 3  # the seed, the good item, the 50 MB item
    failed = {Path(p.path.split(":")[0]).name for p in summary.failed}
    assert failed >= {"empty.txt", "truncated.jsonl.gz", "types.jsonl"}
    assert all(p.reason for p in summary.failed)


# -- queries -----------------------------------------------------------------------

queries = st.one_of(
    st.text(max_size=300),
    st.text(alphabet='"()[]{}:*?~^+-!\\ ANDORNT', max_size=60),
    st.lists(st.sampled_from(["AND", "OR", "NOT", "org:", "lang:", "xyz:", "date:[", "TO", "]", "*", "~",
                              "handel", "ludźmi", "OBWE", '"', "(", ")", "-", "i", "date:2023"]),
             max_size=12).map(" ".join),
    st.text(st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF), max_size=20),
    st.text(st.characters(max_codepoint=0x1F), max_size=20),
)


@SETTINGS
@given(q=queries)
def test_any_query_gives_a_result(seed_service, q):
    assert_consistent(seed_service, seed_service.search(SearchRequest(q=q)))


def test_long_queries_are_refused_clearly(seed_service):
    with pytest.raises(BadRequest, match="longer than"):
        SearchRequest(q="handel " * 2000)
    result = seed_service.search(SearchRequest(q=" OR ".join(["a*"] * 100)[:1000]))
    assert_consistent(seed_service, result)
    assert result.notice  # the one-letter prefix is refused, and said so


HOSTILE = [
    " OR ".join(a + b + "*" for a in "psktbmdwzc" for b in "raoeiu")[:1000],  # 140 two-letter prefixes
    " ".join(w + "~2" for w in ["prezydent", "bank", "rosja", "europa", "company", "market"] * 20)[:1000],
    "(" * 200 + "bank" + ")" * 200,
    " ".join(['"a b c d e f g h"'] * 50)[:1000],
    " AND ".join(["NOT x"] * 150)[:1000],
]


@pytest.mark.parametrize("q", HOSTILE, ids=["prefixes", "fuzzy", "nesting", "phrases", "negations"])
def test_hostile_queries_on_a_real_archive_stay_bounded(news_service, q):
    """Whatever a 1,000-character query asks, its patterns expand to a bounded number of terms."""
    from whoosh import query as wq

    from search.query import MAX_QUERY_EXPANSIONS, limit_expansions, parse_query

    result = news_service.search(SearchRequest(q=q))
    assert_consistent(news_service, result)
    gen = news_service._current()
    with gen.ix.searcher() as searcher:
        parsed = parse_query(q, gen.parsers["all"], news_service.registry).query
        expanded, notice = limit_expansions(parsed, searcher.reader(), gen.ix.schema, gen.lexicon)
    terms = [t for t in expanded.leaves() if isinstance(t, wq.Term)] if expanded is not wq.NullQuery else []
    assert len(terms) <= MAX_QUERY_EXPANSIONS + len(q.split())
    if q == HOSTILE[0]:
        assert notice and result.notice


# -- HTTP ----------------------------------------------------------------------------

params = st.dictionaries(
    st.sampled_from(["q", "lang", "org", "source", "date", "from", "to", "sort", "match", "page",
                     "per_page", "ui", "zzz"]),
    st.text(max_size=30) | st.integers(-5, 200).map(str),
    max_size=6,
)


@pytest.fixture(scope="module")
def http(seed_index):
    return create_app({"INDEX": str(seed_index), "TESTING": True}).test_client(), \
        OpenAPI.from_dict(openapi_document())


def fuzz(examples: int):
    """Hypothesis settings for tests that reuse one module-scoped app."""
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def answered(client, path: str, query: dict):
    """GET ``path``: a page or a clear 400, never a 5xx."""
    response = client.get(path, query_string=query)
    assert response.status_code in (200, 400)
    return response


@fuzz(300)
@given(query=params)
def test_random_api_requests_never_5xx_and_match_the_document(http, query):
    client, spec = http
    response = answered(client, "/api/search", query)
    spec.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response))


@fuzz(60)
@given(item=st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and s not in (".", "..")))
def test_random_item_ids_are_404_not_500(http, item):
    client, spec = http
    response = client.get(f"/api/items/{item}")
    assert response.status_code in (200, 404)


@fuzz(60)
@given(query=params)
def test_random_page_requests_never_5xx(http, query):
    client, _ = http
    response = answered(client, "/", query)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
