"""Whole builds with MkDocs: the example handbook strictly, and a broken handbook failing cleanly."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_TODAY, MINIMAL, REPO, SCHEMAS, build, make_handbook

pytestmark = pytest.mark.slow
# Elements that make the browser fetch something: none may point at another host.
# What a browser fetches: sources, and links other than a page's own address (canonical) and
# its feed (alternate), which name the published site and are never loaded by the page.
_FETCHING = re.compile(
    r"<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=\"([^\"]+)\""
    r"|<link\b(?![^>]*\brel=\"(?:canonical|alternate)\")[^>]*\bhref=\"([^\"]+)\""
)


def test_example_builds_every_page(example_site: Path) -> None:
    from generator import load_handbook

    handbook = load_handbook(REPO / "policies", today=EXAMPLE_TODAY).handbook
    assert (example_site / "index.html").is_file()
    for policy in handbook.policies:
        assert (example_site / policy.section / policy.id / "index.html").is_file(), policy.id
    for checklist in handbook.checklists:
        assert (example_site / "checklists" / checklist.id / "index.html").is_file()
    for role in handbook.organisation.roles:
        assert (example_site / "roles" / role.id / "index.html").is_file()
    for section in handbook.sections:
        assert (example_site / section.id / "index.html").is_file()
    assert (example_site / "glossary" / "index.html").is_file()
    assert len(list((example_site / "assets" / "flow").glob("*.svg"))) >= 10


def test_edit_links_open_the_yaml_source(example_site: Path) -> None:
    page = (example_site / "workflow" / "daily-store-operations" / "index.html").read_text(
        encoding="utf-8"
    )
    assert (
        'href="https://git.example.com/ops/handbook/edit/main/policies/workflow/daily-store-operations.yaml"'
        in page
    )
    role = (example_site / "roles" / "store-operator" / "index.html").read_text(encoding="utf-8")
    assert "edit/main/policies/roles.yaml" in role


def test_no_page_loads_anything_from_another_host(example_site: Path) -> None:
    offenders = []
    for path in example_site.rglob("*.html"):
        for match in _FETCHING.finditer(path.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            if re.match(r"^(https?:)?//", url):
                offenders.append(f"{path.relative_to(example_site)}: {url}")
    for path in example_site.rglob("*.css"):
        for url in re.findall(
            r"url\(\s*['\"]?(https?://[^'\")]+)", path.read_text(encoding="utf-8")
        ):
            offenders.append(f"{path.relative_to(example_site)}: {url}")
    assert not offenders, offenders[:10]
    assert "fonts.googleapis.com" not in (example_site / "index.html").read_text(encoding="utf-8")


def test_search_index_segments_chinese(example_site: Path) -> None:
    from generator.search_index import read

    docs, entries = read(example_site / "search")
    assert docs and entries
    han = [t for t in entries if re.fullmatch(r"[\u4e00-\u9fff]+", t)]
    assert len(han) > 1000
    assert max(map(len, han)) <= 12, max(han, key=len)  # words, not sentences
    assert {"断货", "巡检", "数据分析师", "月报"} <= set(entries)  # a role name and a taught word


def test_search_index_holds_each_text_once(example_site: Path) -> None:
    """Pages that gather what policies say are searched by their opening only, or not at all."""
    from generator.search_index import read

    stub = json.loads((example_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == []  # Material's page script downloads this file whole: no text in it
    docs, _ = read(example_site / "search")
    where = [d["u"] for d in docs]
    assert len(where) == len(set(where)) == stub["config"]["handbook"]["pages"]
    assert not [w for w in where if w.startswith(("duties/", "reviews/", "roles/matrix/"))]
    assert "checklists/" not in where  # the list of checklists
    roles = [d for d in docs if d["u"].startswith("roles/") and d["u"] != "roles/"]
    assert roles and all(len(d["s"]) == 1 for d in roles)  # a role page's opening only
    titles = {title for d in docs for _, title, _ in d["s"]}
    assert {"相关政策", "引用本政策的政策", "术语"}.isdisjoint(titles)
    texts = "".join(text for d in docs for _, _, text in d["s"])
    assert "源文件" not in texts and "复审已逾期" not in texts and "用到本术语的政策" not in texts
    assert "勾选只保存在这台设备" not in texts
    assert "¶" not in texts and "\u200b" not in texts  # no permalink marks, no segmentation


def test_builds_are_byte_identical_whatever_the_day(example_site: Path, tmp_path: Path) -> None:
    # Review status is computed in the browser and dates come from the content, so a build on
    # another day (HANDBOOK_TODAY) of the same commit gives the same bytes, sitemap included.
    again = tmp_path / "again"
    run = build(REPO, again, env={"HANDBOOK_TODAY": "2027-06-30"})
    assert run.returncode == 0, run.stderr
    files = sorted(p.relative_to(example_site) for p in example_site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for path in files:
        assert (example_site / path).read_bytes() == (again / path).read_bytes(), path


def test_sitemap_dates_each_page_by_its_last_change(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("site_name:", "site_url: https://handbook.example.org/\nsite_name:", 1),
        encoding="utf-8",
    )
    run = build(root, root / "site")
    assert run.returncode == 0, run.stderr
    sitemap = (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r"workflow/flow/</loc>\s*<lastmod>2026-02-01</lastmod>", sitemap)
    assert re.search(r"scope/svc/</loc>\s*<lastmod>2026-01-05</lastmod>", sitemap)
    assert re.search(r"handbook.example.org/</loc>\s*<lastmod>2026-02-01</lastmod>", sitemap)


def project(tmp_path: Path, case: str | None = None) -> Path:
    """A small project folder: the repository's mkdocs.yml and docs/, a fixture handbook."""
    make_handbook(tmp_path, case, schemas=True)
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    return tmp_path


def test_a_broken_handbook_fails_the_build_with_positions(tmp_path: Path) -> None:
    root = project(tmp_path, "several-mistakes")
    run = build(root, root / "site")
    assert run.returncode == 1
    assert "policies/workflow/flow.yaml:5:1: error: 未知字段 ownr" in run.stderr
    assert "policies/scope/svc.yaml:10:12: error:" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (root / "site").exists()


def test_a_hand_written_page_may_not_shadow_a_generated_one(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "docs" / "glossary.md").write_text("# 手写\n", encoding="utf-8")
    run = build(root, root / "site")
    assert run.returncode == 1 and "docs/glossary.md" in run.stderr


def test_hand_written_pages_join_the_navigation(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "docs" / "about.md").write_text("# 关于本手册\n\n说明。\n", encoding="utf-8")
    run = build(root, root / "site")
    assert run.returncode == 0, run.stderr
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "关于本手册" in home


def test_minimal_fixture_is_what_project_copies() -> None:
    assert (MINIMAL / "handbook.yaml").is_file() and (SCHEMAS / "common.schema.json").is_file()


def test_build_command_replaces_the_site_only_on_success(tmp_path: Path, run_cli) -> None:
    root = project(tmp_path)
    first = run_cli("build", cwd=root, env={"NO_MKDOCS_2_WARNING": "1"})
    assert first.code == 0, first.err
    assert "生成了 staff 版站点" in first.out
    before = {
        p.relative_to(root / "site"): p.read_bytes()
        for p in (root / "site").rglob("*")
        if p.is_file()
    }
    flow = root / "policies" / "workflow" / "flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("owner: manager\n", "ownr: manager\n"),
        encoding="utf-8",
    )
    broken = run_cli("build", cwd=root, env={"NO_MKDOCS_2_WARNING": "1"})
    assert broken.code == 1
    assert "policies/workflow/flow.yaml:5:1: error:" in broken.err
    assert "site/ 保持原样" in broken.err and "Traceback" not in broken.err
    after = {
        p.relative_to(root / "site"): p.read_bytes()
        for p in (root / "site").rglob("*")
        if p.is_file()
    }
    assert after == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == []  # no staging left


def test_the_search_worker_takes_the_place_of_materials(example_site: Path) -> None:
    from generator.search_site import MATERIAL_WORKERS, WORKER

    [worker] = example_site.glob(MATERIAL_WORKERS)  # the address Material's pages load
    assert worker.read_text(encoding="utf-8") == WORKER.read_text(encoding="utf-8")
    settings = json.loads((example_site / "search" / "search_index.json").read_text("utf-8"))
    handbook = settings["config"]["handbook"]
    assert "怎么" in handbook["words"] and ["ctr", ["点击率"]] in handbook["synonyms"]
    assert handbook["shards"] == len(list((example_site / "search" / "t").iterdir()))
