"""The built example site in a real headless browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import BUILD_ENV, FIXTURES, MKDOCS, REPO, SCHEMAS, build, foreign, search, serve

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_home_page_loads_with_no_request_to_another_host(page, site_url: str) -> None:
    page.goto(site_url + "/")
    assert page.title().startswith("运营管理中心手册")
    assert page.locator("h1").first.inner_text().startswith("运营管理中心手册")
    assert page.locator("text=复审日程").count() >= 1
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


def ticks(page) -> list[bool]:
    return [box.is_checked() for box in page.locator(".hb-tasks input[type=checkbox]").all()]


def at(page, *when: int) -> None:
    page.clock.set_fixed_time(dt.datetime(*when))


def test_ticks_persist_and_clear_when_the_period_ends(page, site_url: str) -> None:
    at(page, 2026, 11, 23, 10, 0)  # a Monday
    page.goto(site_url + "/checklists/store-operator-daily/")
    assert ticks(page) == [False] * 4
    page.locator(".hb-tasks li.task-list-item").nth(1).click()
    assert ticks(page) == [False, True, False, False]
    assert page.locator(".hb-task-count").inner_text() == "已完成 1 / 4"
    page.reload()
    assert ticks(page) == [False, True, False, False]

    # the role page shows the same item ticked: both pages share the tick
    page.goto(site_url + "/roles/store-operator/")
    daily = page.locator(".hb-tasks[data-group=store-operator-daily] input[type=checkbox]")
    assert [b.is_checked() for b in daily.all()] == [False, True, False, False]

    at(page, 2026, 11, 24, 8, 0)  # the next day: a daily item starts afresh
    page.goto(site_url + "/checklists/store-operator-daily/")
    assert ticks(page) == [False] * 4


def test_weekly_ticks_last_until_monday(page, site_url: str) -> None:
    at(page, 2026, 11, 25, 15, 0)  # Wednesday
    page.goto(site_url + "/checklists/store-operator-weekly/")
    page.locator(".hb-tasks li.task-list-item").first.click()
    at(page, 2026, 11, 29, 22, 0)  # Sunday of the same week
    page.reload()
    assert ticks(page)[0] is True
    at(page, 2026, 11, 30, 8, 0)  # Monday
    page.reload()
    assert ticks(page)[0] is False


def test_event_ticks_stay_until_cleared_by_hand(page, site_url: str) -> None:
    at(page, 2026, 11, 23, 10, 0)
    page.goto(site_url + "/checklists/crisis-first-hour/")
    page.locator(".hb-tasks li.task-list-item").first.click()
    at(page, 2027, 2, 1, 10, 0)
    page.reload()
    assert ticks(page)[0] is True
    page.click("button.hb-task-reset")
    assert not any(ticks(page))
    page.reload()
    assert not any(ticks(page))


def test_without_javascript_the_list_reads_and_nothing_is_tickable(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/checklists/store-operator-daily/")
    boxes = page.locator(".hb-tasks input[type=checkbox]")
    assert boxes.count() == 4 and all(b.is_disabled() for b in boxes.all())
    assert "完成开店巡检" in page.locator(".hb-tasks").inner_text()
    assert page.locator(".hb-task-bar").count() == 0
    context.close()


def test_print_hides_navigation_and_controls(page, site_url: str) -> None:
    page.goto(site_url + "/checklists/store-operator-daily/")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".hb-task-bar", ".md-footer"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator(".hb-tasks").is_visible()


def test_csv_download_round_trips_chinese(page, site_url: str) -> None:
    page.goto(site_url + "/checklists/promotion-specialist-monthly/")
    link = page.locator("a[download]")
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.status == 200
    body = response.body()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["频率", "类型", "来源", "事项"]
    assert all(row[0] == "每月" for row in rows[1:]) and len(rows) > 2
    page_text = page.locator(".hb-tasks").inner_text()
    assert rows[1][3] in page_text


def test_org_chart_renders_as_svg(page, site_url: str) -> None:
    with page.expect_response(lambda r: r.url.endswith("/assets/org-chart.svg")) as info:
        page.goto(site_url + "/roles/")
    assert info.value.headers["content-type"].startswith("image/svg+xml")
    image = page.locator("img[src$='assets/org-chart.svg']")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 600", arg=image.element_handle()
    )
    page.goto(site_url + "/roles/matrix/")
    page.goto(site_url + "/duties/daily/")
    assert page.locator(".hb-tasks").count() > 5
    assert foreign(page.requests, site_url) == []


def test_overdue_reviews_are_flagged_by_the_readers_date(page, site_url: str) -> None:
    overdue = page.locator(".hb-overdue")
    at(page, 2026, 11, 23, 9, 0)  # intellectual-property-compliance was due on 2026-09-30
    page.goto(site_url + "/compliance/intellectual-property-compliance/")
    assert overdue.is_visible()
    assert "复审已逾期" in overdue.inner_text()
    page.goto(site_url + "/")
    badges = page.locator(".hb-badge--overdue")
    assert badges.count() >= 2 and "已逾期 54 天" in badges.first.inner_text()
    at(page, 2026, 9, 1, 9, 0)  # before it fell due
    page.goto(site_url + "/compliance/intellectual-property-compliance/")
    assert not overdue.is_visible()


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A handbook whose plain-text fields are full of script: escaped, it must build and run none."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(FIXTURES / "valid" / "hostile" / "policies", root / "policies")
    shutil.copytree(SCHEMAS, root / "schemas")
    shutil.copy(REPO / "mkdocs.yml", root)
    shutil.copytree(REPO / "docs", root / "docs")
    run = build(root, root / "site")
    assert run.returncode == 0, run.stderr
    with serve(root / "site") as url:
        yield url


HOSTILE_PAGES = [
    "/",
    "/workflow/flow/",
    "/scope/svc/",
    "/glossary/",
    "/roles/",
    "/roles/operator/",
    "/roles/matrix/",
    "/checklists/operator-daily/",
    "/duties/daily/",
    "/duties/per-event/",
    "/crisis/incidents/",
]


def test_no_script_from_the_yaml_runs(browser, hostile_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in HOSTILE_PAGES:
        page.goto(hostile_url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        page.locator("body").click(position={"x": 5, "y": 200})  # an onclick would fire now
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert (
            page.locator(
                "article iframe, article script, article [onerror], article [onclick]"
            ).count()
            == 0
        )
    assert dialogs == []
    page.goto(hostile_url + "/workflow/flow/")
    assert page.locator("h1").inner_text().startswith("<script>window.__pwned=1</script>巡检流程")
    assert "<img src=x onerror=" in page.locator("article").inner_text()
    assert page.locator("article mark").inner_text() == "重点"  # allowed inline HTML still works
    page.goto(hostile_url + "/checklists/operator-daily/")
    page.locator(".hb-tasks li.task-list-item").first.click()  # ticking works on hostile text too
    assert page.locator(".hb-tasks input[type=checkbox]").first.is_checked()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    context.close()


def test_search_results_show_hostile_text_as_text(browser, hostile_url: str) -> None:
    """The search worker builds result HTML itself (Material inserts it as HTML): every title and
    sentence from the YAML must arrive escaped, the words of the query marked."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_url + "/")
    for query in ("巡检流程", "onerror", "script", "负面舆情预案"):
        search(page, query)
        results = page.locator(".md-search-result")
        assert results.locator("script, img, iframe, style, [onerror], [onclick]").count() == 0
        marked = results.locator("mark").all_inner_texts()
        assert marked and all(m.lower() in query.lower() for m in marked), marked
    search(page, "巡检流程")
    first = page.locator(".md-search-result__item").first
    assert "<script>window.__pwned=1</script>" in first.inner_text()  # shown, not run
    page.locator(".md-search-result__item a").first.hover()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    context.close()


AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
A11Y_PAGES = [
    "/",
    "/workflow/daily-store-operations/",
    "/crisis/incident-severity-escalation/",
    "/roles/store-operator/",
    "/roles/",
    "/roles/matrix/",
    "/checklists/store-operator-daily/",
    "/duties/daily/",
    "/glossary/",
    "/reviews/",
    "/reference/",
    "/contributing/",
]


@pytest.mark.parametrize("path", A11Y_PAGES)
def test_no_serious_accessibility_violations(page, site_url: str, path: str) -> None:
    if not AXE.is_file():
        pytest.fail(
            "axe-core is missing: run `npm ci --prefix tests/js` (make test and .ci/run do)"
        )
    page.goto(site_url + path)
    assert serious_violations(page) == [], path


def serious_violations(page) -> list:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the open page."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => [v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')])"""
    )


def test_glossary_terms_show_their_definition_on_hover(page, site_url: str) -> None:
    page.goto(site_url + "/workflow/daily-store-operations/")
    term = page.locator("article abbr", has_text="大促").first
    assert term.get_attribute("title").startswith("平台级的大型促销活动")
    page.goto(site_url + "/glossary/")
    assert page.locator("#term-gmv ~ p", has_text="用到本术语的政策").count() >= 1


def test_an_old_policy_url_redirects(page, site_url: str) -> None:
    page.goto(site_url + "/workflow/store-daily-routine/")
    page.wait_for_url("**/workflow/daily-store-operations/")
    assert page.locator("h1").inner_text().startswith("店铺日常运营流程")


def test_instant_navigation_keeps_search_ticks_and_review_marks_working(
    browser, tmp_path: Path
) -> None:
    """The README recommends navigation.instant for big handbooks (the search index is built
    once per visit, not once per page): the site's own scripts must follow its page swaps."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    changed = config.replace(
        "    - navigation.prune", "    - navigation.instant\n    - navigation.prune", 1
    )
    assert "navigation.instant" in changed
    (tmp_path / "mkdocs-instant.yml").write_text(changed, encoding="utf-8")
    for name in ("policies", "schemas", "docs"):
        shutil.copytree(REPO / name, tmp_path / name)
    run = subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", "mkdocs-instant.yml", "--site-dir", "site"],
        cwd=tmp_path,
        # Instant navigation fetches pages from the site's address: here, the local server's.
        env={**BUILD_ENV, "HANDBOOK_SITE_URL": f"http://127.0.0.1:{port}/"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    with serve(tmp_path / "site", port) as url:
        page = browser.new_page()
        # The reader's date, flowing (a frozen clock stalls Material's search rendering).
        page.clock.set_system_time(dt.datetime(2026, 11, 23, 10, 0))
        # Instant navigation takes over links once it has read the sitemap.
        with page.expect_response(lambda r: r.url.endswith("/sitemap.xml")):
            page.goto(url + "/")
        page.wait_for_load_state("networkidle")
        page.evaluate("window.__sameDocument = true")

        def go(path: str, ready: str) -> None:  # follow a link as instant navigation does
            page.evaluate(
                """path => {
                  const link = document.createElement("a");
                  link.href = path;
                  link.textContent = path;
                  document.querySelector("article").append(link);
                  link.click();
                }""",
                path,
            )
            page.wait_for_function("path => location.pathname === path", arg=path)
            page.wait_for_selector(ready)
            assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"

        go("/checklists/store-operator-daily/", ".hb-task-count")
        page.locator(".hb-tasks li.task-list-item").nth(1).click()
        assert page.locator(".hb-task-count").inner_text() == "已完成 1 / 4"
        go("/compliance/intellectual-property-compliance/", ".hb-overdue")
        assert page.locator(".hb-overdue").is_visible()  # reviews.js ran on the swapped page
        go("/roles/store-operator/", ".hb-tasks[data-group=store-operator-daily] .hb-task-count")
        daily = page.locator(".hb-tasks[data-group=store-operator-daily] input[type=checkbox]")
        assert [b.is_checked() for b in daily.all()] == [False, True, False, False]
        assert "/workflow/daily-store-operations/" in [
            urlsplit(u).path for u in search(page, "巡检")
        ]
        assert page.evaluate("window.__sameDocument === true")
        page.close()
