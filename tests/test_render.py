"""Rendering: golden Markdown for the minimal handbook, escaping, links, flowcharts, determinism."""

from __future__ import annotations

import posixpath
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import MINIMAL, SCHEMAS, TODAY

from generator import load_handbook
from generator.flowchart import flowchart_svg, text_width, wrap
from generator.render import (
    Linker,
    Md,
    _escape_all,
    _relpath,
    do_cell,
    do_text,
    nav,
    render_pages,
    tidy,
    write_tree,
)

GOLDEN = Path(__file__).parent / "golden" / "minimal"


@pytest.fixture(scope="module")
def handbook():
    result = load_handbook(MINIMAL, SCHEMAS, today=TODAY)
    assert result.ok, result.diagnostics
    return result.handbook


@pytest.fixture(scope="module")
def pages(handbook):
    return {p.path: p for p in render_pages(handbook)}


def test_every_page_is_rendered(pages) -> None:
    expected = {
        "index.md",
        "glossary.md",
        "checklists/index.md",
        "checklists/operator-daily.md",
        "roles/index.md",
        "roles/director.md",
        "roles/manager.md",
        "roles/operator.md",
        "assets/flow/check.svg",
        "assets/flow/appeal.svg",
        "assets/org-chart.svg",
        "roles/matrix.md",
        "checklists/operator-daily.csv",
        "roles/operator.csv",
        "roles/manager.csv",
        "roles/director.csv",
    }
    expected |= {f"duties/{f}.md" for f in ("daily", "weekly", "monthly", "quarterly", "per-event")}
    expected |= {"feed.xml", "reviews.md", "print.md", "gaps.md"}
    for section in ("scope", "workflow", "communication", "data", "crisis", "compliance"):
        expected.add(f"{section}/index.md")
    expected |= {
        "scope/svc.md",
        "workflow/flow.md",
        "communication/report.md",
        "data/kpis.md",
        "crisis/incidents.md",
        "compliance/ads.md",
    }
    assert set(pages) == expected


def test_pages_match_golden_files(pages, update_golden: bool) -> None:
    mismatched = []
    for path, page in sorted(pages.items()):
        if not path.endswith(".md"):
            continue
        golden = GOLDEN / path
        if update_golden:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(page.content, encoding="utf-8")
        elif not golden.is_file() or golden.read_text(encoding="utf-8") != page.content:
            mismatched.append(path)
    assert not mismatched, (
        f"differs from tests/golden/minimal (run pytest --update-golden): {mismatched}"
    )


def test_golden_folder_has_no_stale_files(pages) -> None:
    stale = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")} - set(pages)
    assert not stale


def test_sources_point_at_the_yaml_files(pages) -> None:
    assert pages["workflow/flow.md"].source == Path("policies/workflow/flow.yaml")
    assert pages["roles/operator.md"].source == Path("policies/roles.yaml")
    assert pages["checklists/operator-daily.md"].source == Path("policies/workflow/flow.yaml")
    assert pages["glossary.md"].source == Path("policies/glossary.yaml")


def test_rendering_is_deterministic(handbook) -> None:
    assert render_pages(handbook) == render_pages(handbook)


def test_handbook_links_are_rewritten_relative_to_the_page(pages) -> None:
    home = pages["index.md"].content
    assert "[服务目录](scope/svc.md)" in home
    flow = pages["workflow/flow.md"].content
    assert "[GMV](../glossary.md#term-gmv)" in flow
    assert "[运营经理](../roles/manager.md)" in flow
    assert "policy:" not in flow and "term:" not in flow and "role:" not in flow


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("[点我](javascript:alert(1))", "\\[点我\\](javascript:alert(1))"),
        ("标题 {: onclick=alert(1) }", "标题 \\{: onclick=alert(1) \\}"),
        ("*强调* _下划线_ `代码`", "\\*强调\\* \\_下划线\\_ \\`代码\\`"),
        ("1. 不是列表", "1\\. 不是列表"),
        ("1.2.0", "1.2.0"),
        ("---", "&#45;--"),
        ("- 不是列表", "\\- 不是列表"),
        ("# 不是标题", "\\# 不是标题"),
        ("版本 1.2.0", "版本 1.2.0"),
        ("A & B", "A &amp; B"),
    ],
)
def test_plain_text_is_escaped(raw: str, escaped: str) -> None:
    assert str(do_text(raw)) == escaped


def test_the_fast_path_of_escaping_changes_nothing() -> None:
    """do_text skips the escapes for text with nothing to escape; a random search for a string
    where that shortcut gives a different answer than escaping in full finds none."""
    rng = random.Random(7)
    alphabet = "ab 中文1234567890.)-+=#>&<*_`[]{}|~\\\n\t "
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert do_text(text) == _escape_all(text), repr(text)


def test_relative_paths_agree_with_posixpath() -> None:
    paths = ["index.md", "a/b.md", "a/c/d.md", "b/b.md", "a", "a/b", "x/y/z/w.md"]
    for path in paths:
        for page in paths:
            start = posixpath.dirname(page) or "."
            assert _relpath(path, start) == posixpath.relpath(path, start), (path, start)


def test_table_cells_escape_pipes_and_newlines() -> None:
    assert str(do_cell("a | b\nc")) == "a \\| b<br>c"


def test_markdown_is_not_escaped_twice() -> None:
    assert do_text(Md("**已转义**")) == "**已转义**"


def test_tidy_puts_blank_lines_around_headings_outside_code() -> None:
    text = "a\n## H\nb\n\n\n\nc\n```\n## not a heading\n\n\n```\n"
    assert tidy(text) == "a\n\n## H\n\nb\n\nc\n```\n## not a heading\n\n\n```\n"


def test_linker_relative_paths(handbook) -> None:
    links = Linker(handbook)
    assert links.relative("roles/operator.md", "workflow/flow.md") == "../roles/operator.md"
    assert links.relative("glossary.md#term-gmv", "index.md") == "glossary.md#term-gmv"
    assert links.part("kpi-gmv") == "data/kpis.md#kpi-gmv"


def test_nav_lists_sections_and_policies(handbook) -> None:
    menu = nav(handbook)
    assert menu[0] == {"首页": "index.md"}
    assert {"工作流程": ["workflow/index.md", {"巡检流程": "workflow/flow.md"}]} in menu


def test_flowchart_is_wellformed_svg_with_every_step(handbook) -> None:
    proc = handbook.policy_map["flow"].procedures[0]
    svg = flowchart_svg(proc, {i: r.name for i, r in handbook.roles.items()})
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = "".join(root.itertext())
    for step in proc.steps:
        assert step.what in text
    assert "运营专员" in text and "30 分钟" in text
    assert "<script" not in svg and "href" not in svg.replace("url(#arrow)", "")


def test_flowchart_escapes_text(handbook) -> None:
    proc = handbook.policy_map["flow"].procedures[0]
    evil = type(proc)(**{**proc.__dict__, "trigger": "<script>alert(1)</script> & more"})
    svg = flowchart_svg(evil, {i: r.name for i, r in handbook.roles.items()})
    ET.fromstring(svg)
    assert "<script>" not in svg


def test_wrap_respects_width() -> None:
    lines = wrap("对照商品与价格清单检查上下架状态、售价、优惠券和活动价。" * 3, 200)
    assert len(lines) > 3
    assert all(text_width(line) <= 200 for line in lines)


def test_write_tree_replaces_the_folder_whole(tmp_path: Path, pages) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.md").write_text("old", encoding="utf-8")
    write_tree(list(pages.values()), out)
    assert not (out / "stale.md").exists()
    assert (out / "workflow" / "flow.md").read_text(encoding="utf-8") == pages[
        "workflow/flow.md"
    ].content
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_titles_printed_raw_by_themes_hold_no_html_characters(handbook) -> None:
    from generator.render import plain_title

    assert (
        plain_title("</title><script>x('&')</script>") == "＜/title＞＜script＞x(＇＆＇)＜/script＞"
    )
    evil = type(handbook.sections[0])(**{**handbook.sections[1].__dict__, "title": "流程<script>"})
    settings = type(handbook.settings)(
        **{
            **handbook.settings.__dict__,
            "sections": (handbook.sections[0], evil, *handbook.sections[2:]),
        }
    )
    menu = nav(
        type(handbook)(settings, handbook.organisation, handbook.glossary, handbook.policies)
    )
    assert any("流程＜script＞" in item for item in menu if isinstance(item, dict))
    page = next(p for p in render_pages(handbook) if p.path == "workflow/flow.md")
    assert page.content.startswith('---\ntitle: "巡检流程"\n---\n\n# 巡检流程\n')


def test_atom_feed_lists_changes_newest_first(pages) -> None:
    root = ET.fromstring(pages["feed.xml"].content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries][:2] == [
        "《巡检流程》1.1.0",
        "《广告合规》1.0.0",
    ]
    assert root.find("a:updated", ns).text == "2026-02-01T00:00:00Z"
    assert entries[0].find("a:link", ns).get("href") == "workflow/flow/"


def test_feed_links_are_absolute_with_a_site_url(handbook) -> None:
    feed = next(
        p
        for p in render_pages(handbook, site_url="https://hb.example.org/")
        if p.path == "feed.xml"
    )
    assert b'href="https://hb.example.org/workflow/flow/"' in feed.content


def test_review_calendar_lists_every_policy_in_force(pages) -> None:
    calendar = pages["reviews.md"].content
    assert (
        calendar.index("2026 年 7 月")
        < calendar.index("2026 年 8 月")
        < calendar.index("2027 年 1 月")
    )
    for ident in ("svc", "flow", "report", "kpis", "incidents", "ads"):
        assert f"{ident}.md)" in calendar


def test_old_urls_redirect(handbook) -> None:
    flow = handbook.policy_map["flow"]
    moved = type(flow)(**{**flow.__dict__, "former_ids": ("patrol", "scope/old-patrol")})
    hb = type(handbook)(
        handbook.settings,
        handbook.organisation,
        handbook.glossary,
        tuple(moved if p.id == "flow" else p for p in handbook.policies),
    )
    out = {p.path: p.content for p in render_pages(hb)}
    assert 'url=../flow/"' in out["workflow/patrol/index.html"]
    assert 'href="../../workflow/flow/"' in out["scope/old-patrol/index.html"]


def _front(page) -> str:
    return page.content.split("---\n", 2)[1]


def test_pages_say_what_search_takes_of_them(handbook) -> None:
    pages = {p.path: p for p in render_pages(handbook)}
    assert "search:" not in _front(pages["workflow/flow.md"])  # a policy: in full, as it is
    assert "boost: 0.5" in _front(pages["workflow/index.md"])  # a list of policies: below them
    assert "sections: false" not in _front(pages["workflow/index.md"])
    # Pages gathering what policies say: their opening (or nothing), below the policies.
    assert "sections: false" in _front(pages["roles/operator.md"])
    assert "exclude: true" in _front(pages["duties/daily.md"])


def test_page_kinds_are_listed_once_and_never_write_the_same_path(handbook) -> None:
    from generator.pages import KINDS
    from generator.render import Renderer

    assert len({kind.name for kind in KINDS}) == len(KINDS)
    renderer = Renderer(handbook)
    paths = [page.path for kind in KINDS for page in kind.build(renderer)]
    assert len(paths) == len(set(paths))
    assert sorted(paths) == [p.path for p in render_pages(handbook)]
