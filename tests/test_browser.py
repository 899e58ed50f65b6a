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


EVIL_TITLE = "<img src=x onerror=window.pwned=1> NATO"
EVIL_BODY = "NATO <script>window.pwned=1</script> depesza"
EVIL_SOURCE = "<b>src</b>"


@pytest.fixture(scope="module")
def evil_url(tmp_path_factory):
    """An index of one item whose title, body and source are markup, served on its own."""
    import json

    from indexer import reindex

    src = tmp_path_factory.mktemp("evil") / "evil.jsonl"
    src.write_text(json.dumps({"id": "x", "title": EVIL_TITLE, "body": EVIL_BODY, "language": "pl",
                               "source": EVIL_SOURCE}) + "\n", "utf-8")
    reindex([src], src.parent / "ix")
    server = make_server("127.0.0.1", 0, create_app({"INDEX": str(src.parent / "ix")}), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("csp", ["kept", "bypassed"])
def test_markup_in_an_item_is_shown_as_text(page, evil_url, csp):
    """Escaping alone keeps the item's markup inert: with the page's CSP switched off
    (Chromium's bypass) nothing runs either, and the DOM holds the markup as text."""
    context = page.context.browser.new_context(bypass_csp=csp == "bypassed", locale="pl-PL")
    tab = context.new_page()
    try:
        for path in ("/?q=NATO", "/?q=depesza", "/items/x"):
            tab.goto(evil_url + path)
            assert tab.evaluate("window.pwned") is None
            assert tab.locator("main img, main script, .badge.source *").count() == 0  # nothing injected
            shown = tab.inner_text("main")
            assert "<script>window.pwned=1</script>" in shown
            assert EVIL_SOURCE in tab.inner_text(".badge.source")
            title = tab.inner_text(".hit h2" if path.startswith("/?") else "article.item h1")
            assert title.strip() == EVIL_TITLE
    finally:
        context.close()


def test_coverage_chart_filters_by_a_bar_and_compares(page, base_url, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(base_url + "/?q=OBWE&interval=month&ui=en")
    chart = page.locator("svg.chart")
    assert chart.is_visible()
    bars = page.locator("svg.chart rect.bar")
    heights = [float(h) for h in bars.evaluate_all("rs => rs.map(r => r.getAttribute('height'))")]
    tallest = max(range(len(heights)), key=heights.__getitem__)
    label = bars.nth(tallest).locator("title").text_content()  # "March 2024, OBWE: 2 items, ..."
    count = int(label.split(": ")[1].split(" ")[0])
    page.screenshot(path=str(tmp_path / "chart-1366.png"), full_page=True)

    bars.nth(tallest).click()
    page.wait_for_url("**from=**")
    assert "to=" in page.url and int(page.inner_text("#total")) == count

    page.goto(base_url + "/?q=OBWE&interval=month&ui=en")
    page.fill("form.compare input[name=compare]", "NATO")
    page.press("form.compare input[name=compare]", "Enter")
    page.wait_for_selector("svg.chart rect.bar.s1")
    assert page.locator(".legend li").count() == 2 and "NATO" in page.inner_text(".legend")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.reload()
    box = page.locator("svg.chart").bounding_box()
    assert box and box["width"] <= 390 and box["height"] > 50
    page.screenshot(path=str(tmp_path / "chart-phone.png"), full_page=True)
    for name in ("chart-1366.png", "chart-phone.png"):
        assert (tmp_path / name).stat().st_size > 10_000
    assert page.errors == []
