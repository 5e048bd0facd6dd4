"""The built example site in a real headless browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = Path(os.environ.get("HANDBOOK_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags chromium phones home at start (refused here, and noise).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site_url(example_site: Path) -> Iterator[str]:
    """Serve the built site on a free local port from a separate process (as a static host would)."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-m",
            "http.server",
            "0",
            "--bind",
            "127.0.0.1",
            "--directory",
            str(example_site),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        banner = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 43123 (...)"
        port = re.search(r"port (\d+)", banner)
        assert port, banner
        yield f"http://127.0.0.1:{port.group(1)}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site_url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def foreign(requests: list[str], site_url: str) -> list[str]:
    local = urlsplit(site_url).netloc
    return [
        u
        for u in requests
        if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != local
    ]


def search(page, query: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material reacts to key events; fill() alone shows nothing
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")


def test_home_page_loads_with_no_request_to_another_host(page, site_url: str) -> None:
    page.goto(site_url + "/")
    assert page.title().startswith("运营管理中心手册")
    assert page.locator("h1").first.inner_text().startswith("运营管理中心手册")
    assert page.locator("text=待复审").count() >= 1
    page.goto(site_url + "/workflow/daily-store-operations/")
    page.goto(site_url + "/roles/store-operator/")
    page.goto(site_url + "/crisis/incident-severity-escalation/#sev1")
    page.wait_for_load_state("networkidle")
    assert foreign(page.requests, site_url) == []


def test_flowchart_renders(page, site_url: str) -> None:
    page.goto(site_url + "/workflow/daily-store-operations/")
    image = page.locator("img[src*='assets/flow/morning-store-check.svg']")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10_000
    )
    assert image.get_attribute("alt") == "流程图:开店巡检"


def test_edit_button_opens_the_yaml_file(page, site_url: str) -> None:
    page.goto(site_url + "/data/store-kpis/")
    edit = page.locator("a.md-content__button[href*='/edit/']")
    assert edit.get_attribute("href").endswith("/edit/main/policies/data/store-kpis.yaml")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("巡检", "/workflow/daily-store-operations/"),  # a word inside sentences
        ("断货", "/workflow/daily-store-operations/"),
        ("询单转化率", "/data/customer-service-kpis/"),  # a KPI name
        ("绝对化用语", "/compliance/advertising-law-compliance/"),  # a legal term
    ],
)
def test_chinese_search_finds_words_inside_sentences(
    page, site_url: str, query: str, expected: str
) -> None:
    page.goto(site_url + "/")
    results = search(page, query)
    paths = [urlsplit(u).path for u in results[:10]]
    assert expected in paths, (query, paths)
    assert foreign(page.requests, site_url) == []


def test_internal_links_resolve(page, site_url: str) -> None:
    page.goto(site_url + "/roles/cs-specialist/")
    hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)")
    local = [h for h in hrefs if h.startswith(site_url)]
    assert len(local) > 10
    for href in sorted(set(h.split("#")[0] for h in local))[:40]:
        response = page.request.get(href)
        assert response.status == 200, href
