"""Shared fixtures: real seeds and corpora from ../shared, the bundled sample corpus."""

from __future__ import annotations

import datetime as dt
import gzip
import inspect
import json
import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRASA_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
SAMPLE = ROOT / "sample"
PL_SEED = SEEDS / "000_613f5bc85193b596.txt"
EN_SEED = SEEDS / "002_ceb986d18146e281.txt"


SHARED_NAMES = ("SHARED", "SEEDS", "CORPUS", "PL_SEED", "EN_SEED", "corpus_rows", "seed_index")


def _reads_shared(function) -> bool:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return any(re.search(rf"\b{name}\b", source) for name in SHARED_NAMES)


def pytest_collection_modifyitems(config, items):
    """Without ../shared, the tests that read it are skipped with the reason; the unit tests still run.

    A test reads the shared data when its own code or any fixture it uses
    (directly or through other fixtures) names the seeds or the corpus.
    CI always has the data, so nothing is skipped there.
    """
    if SEEDS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"the shared data is missing: expected {SHARED} beside the repo")
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        defs = [d for ds in (fixtures.name2fixturedefs.values() if fixtures else ()) for d in ds]
        if _reads_shared(getattr(item, "function", None)) or any(_reads_shared(d.func) for d in defs):
            item.add_marker(skip)


def corpus_rows(name: str, limit: int | None = None) -> list[dict]:
    """Rows of a real corpus file (read at test time, never copied into the repo)."""
    rows = []
    with gzip.open(CORPUS / name, "rt", encoding="utf-8") as f:
        for line in f:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def assert_consistent(service, result) -> None:
    """A result that adds up: total within the index, the page holding what total promises."""
    assert 0 <= result.total <= service.stats()["documents"]
    assert len(result.hits) == min(result.per_page, max(0, result.total - (result.page - 1) * result.per_page))
    assert len({h["id"] for h in result.hits}) == len(result.hits)
    assert sum(v["count"] for v in result.facets["language"]) == result.total


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    from indexer import reindex

    index = tmp_path_factory.mktemp("seed-index")
    reindex([SEEDS], index)
    return index


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    from indexer import reindex

    index = tmp_path_factory.mktemp("sample-index")
    summary = reindex([SAMPLE], index, reference=dt.date(2024, 12, 31))
    assert not summary.failed, summary.failed
    return index


@pytest.fixture(scope="session")
def seed_service(seed_index):
    from search import SearchService

    return SearchService(seed_index)


@pytest.fixture(scope="session")
def sample_service(sample_index):
    from search import SearchService

    return SearchService(sample_index)


@pytest.fixture(scope="session")
def polish_news_service(tmp_path_factory):
    """The real Polish news corpus (1,103 items), indexed with two workers."""
    from indexer import reindex
    from search import SearchService

    folder = tmp_path_factory.mktemp("pl-news")
    rows = corpus_rows("pl-news-bsnlp.jsonl.gz")
    (folder / "pl.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    reindex([folder / "pl.jsonl"], folder / "index", jobs=2)
    return SearchService(folder / "index")


@pytest.fixture(scope="session")
def news_service(tmp_path_factory):
    """A real two-language archive: the Polish news corpus and the first 1,500 Reuters items."""
    from indexer import reindex
    from search import SearchService

    folder = tmp_path_factory.mktemp("news")
    rows = corpus_rows("pl-news-bsnlp.jsonl.gz") + corpus_rows("en-news-reuters21578.jsonl.gz", 1500)
    (folder / "news.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    reindex([folder / "news.jsonl"], folder / "index", jobs=2)
    return SearchService(folder / "index")


@pytest.fixture(scope="session")
def crosslang_service(tmp_path_factory):
    """The Polish news and the whole Reuters corpus in one index (bench/crosslang.py's archive)."""
    from indexer import reindex
    from search import SearchService

    index = tmp_path_factory.mktemp("crosslang") / "index"
    reindex([CORPUS / "pl-news-bsnlp.jsonl.gz", CORPUS / "en-news-reuters21578.jsonl.gz"], index, jobs=2)
    return SearchService(index)


# -- the app, its test client and the command runner (as Flask's tutorial app has them) ----------

@pytest.fixture
def app(sample_index):
    """The web app over the bundled sample index."""
    from web import create_app

    return create_app({"INDEX": str(sample_index), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    """Runs ``prasa`` commands in-process: ``runner.invoke(["search", "OBWE", "--json"])``."""
    from click.testing import CliRunner

    from web.cli import main

    class Runner(CliRunner):
        def invoke(self, args, **kwargs):
            kwargs.setdefault("catch_exceptions", False)
            return super().invoke(main, args, **kwargs)

    return Runner()
