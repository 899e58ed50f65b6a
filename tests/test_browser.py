"""A real browser (Debian's Chromium driven by Playwright) searches, filters and reads."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def base_url(sample_index):
    server = make_server("127.0.0.1", 0, create_app({"INDEX": str(sample_index)}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(locale="pl-PL")
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors
        yield page
        browser.close()


def test_search_click_facet_and_read(page, base_url, tmp_path):
    page.goto(base_url + "/")
    assert "Przeszukaj" in page.inner_text("main")  # Accept-Language: Polish interface
    page.fill("input[name=q]", "NATO")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".hit")
    before = int(page.inner_text("#total"))
    assert before >= 4 and "NATO" in page.inner_text("#hits")

    page.click(".facet-language a[data-value=en]")
    page.wait_for_selector(".facet-language li.selected")
    after = int(page.inner_text("#total"))
    assert 0 < after < before
    assert "lang=en" in page.url
    badges = page.locator(".hit .badge.lang").all_inner_texts()
    assert badges and set(badges) == {"EN"}

    page.select_option("form.sort select", "newest")  # JavaScript submits the form
    page.wait_for_url("**sort=newest**")
    assert int(page.inner_text("#total")) == after

    page.click(".hit h2 a >> nth=0")
    page.wait_for_selector("article.item")
    page.screenshot(path=str(tmp_path / "item.png"), full_page=True)
    assert (tmp_path / "item.png").stat().st_size > 10_000
    assert page.errors == []


def test_no_script_from_an_item_runs(page, tmp_path_factory):
    import json

    from indexer import reindex

    src = tmp_path_factory.mktemp("evil") / "evil.jsonl"
    src.write_text(json.dumps({"id": "x", "title": "<img src=x onerror=window.pwned=1> NATO",
                               "body": "NATO <script>window.pwned=1</script> depesza", "language": "pl",
                               "source": "<b>src</b>"}) + "\n", "utf-8")
    index = src.parent / "ix"
    reindex([src], index)
    server = make_server("127.0.0.1", 0, create_app({"INDEX": str(index)}), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for path in ("/?q=NATO", "/items/x", "/?q=depesza"):
            page.goto(f"http://127.0.0.1:{server.server_port}{path}")
            assert page.evaluate("window.pwned") is None
            assert "<script>" in page.inner_text("main")  # shown as text, not run
    finally:
        server.shutdown()
