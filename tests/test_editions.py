"""Editions: a client or public build holds nothing internal, anywhere in the output."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import FIXTURES, REPO, SCHEMAS, TODAY, build

from generator import load_handbook
from generator.edition import view, visible
from generator.render import render_pages

pytestmark = pytest.mark.slow
EDITIONS = FIXTURES / "valid" / "editions" / "policies"
MARKERS = ("泄露标记", "zzleak", quote("泄露标记"))


def output_texts(site: Path) -> dict[str, str]:
    """Every file of a built site as text: gzip opened, JSON decoded (the search index escapes CJK)."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="ignore")
        if path.suffix == ".json":
            text += json.dumps(json.loads(text), ensure_ascii=False)
        texts[path.relative_to(site).as_posix()] = text
    return texts


@pytest.fixture(scope="module")
def editions_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editions")
    shutil.copytree(EDITIONS, root / "policies")
    shutil.copytree(SCHEMAS, root / "schemas")
    shutil.copy(REPO / "mkdocs.yml", root)
    shutil.copytree(REPO / "docs", root / "docs")
    return root


@pytest.mark.parametrize("edition", ["client", "public"])
def test_no_internal_marker_anywhere_in_the_build(editions_project: Path, edition: str) -> None:
    site = editions_project / f"site-{edition}"
    run = build(editions_project, site, env={"HANDBOOK_EDITION": edition})
    assert run.returncode == 0, run.stderr
    texts = output_texts(site)
    assert "search/search_index.json" in texts and "index.html" in texts
    leaks = [(name, marker) for name, text in texts.items() for marker in MARKERS if marker in text]
    assert leaks == []
    home = texts["index.html"]
    assert "edit/main" not in home and "git.example.com" not in home  # no repository links either


def test_the_staff_build_does_hold_every_marker(editions_project: Path) -> None:
    # The scan above could pass by finding nothing; the staff edition proves the markers are there.
    site = editions_project / "site-staff"
    run = build(editions_project, site, env={"HANDBOOK_EDITION": "staff"})
    assert run.returncode == 0, run.stderr
    everything = "\n".join(output_texts(site).values())
    for marker in (
        "泄露标记-首页介绍",
        "泄露标记-实习生",
        "泄露标记-内部术语",
        "泄露标记-内部清单事项",
        "zzleak-flow",
    ):
        assert marker in everything, marker


def test_client_edition_keeps_what_clients_may_read(editions_project: Path) -> None:
    site = editions_project / "site-client"
    if not site.exists():
        assert build(editions_project, site, env={"HANDBOOK_EDITION": "client"}).returncode == 0
    texts = output_texts(site)
    assert "客户版首页介绍" in texts["index.html"]
    assert "版本测试手册(客户版)" in texts["index.html"]
    assert "scope/catalog/index.html" in texts and "compliance/privacy/index.html" in texts
    assert "checklists/client-visible-check/index.html" in texts
    assert not any(name.startswith(("workflow/", "duties/")) for name in texts)
    assert "roles/matrix/index.html" not in texts


def test_view_drops_navigation_aids_and_keeps_links_consistent() -> None:
    hb = load_handbook(EDITIONS, SCHEMAS, today=TODAY).handbook
    client = view(hb, "client")
    assert [p.id for p in client.policies] == ["catalog", "privacy"]
    catalog = client.policy_map["catalog"]
    assert catalog.related == ()
    assert [c.id for c in catalog.checklists] == ["client-visible-check"]
    assert catalog.checklists[0].policy is catalog
    assert client.policy_map["privacy"].obligations[0].satisfied_by == ("catalog",)
    assert [r.id for r in client.organisation.roles] == ["director", "manager"]
    assert [t.id for t in client.glossary.terms] == ["gmv"]
    assert [s.id for s in client.sections] == ["scope", "compliance"]
    public = view(hb, "public")
    assert [p.id for p in public.policies] == ["privacy"]
    assert public.settings.introduction == ""
    # the staff handbook is untouched by making a view
    assert hb.policy_map["catalog"].checklists[0].policy is hb.policy_map["catalog"]


def test_rendered_client_pages_name_no_internal_role(editions_project: Path) -> None:
    hb = load_handbook(EDITIONS, SCHEMAS, today=TODAY).handbook
    for page in render_pages(hb, "client"):
        content = page.content if isinstance(page.content, str) else page.content.decode("utf-8")
        assert "泄露标记" not in content and "zzleak" not in content, page.path


@pytest.mark.parametrize(
    ("audience", "edition", "shown"),
    [
        (("staff",), "staff", True),
        (("staff",), "client", False),
        (("client",), "client", True),
        (("public",), "client", True),
        (("client",), "public", False),
        (("staff", "client", "public"), "public", True),
    ],
)
def test_visibility(audience: tuple[str, ...], edition: str, shown: bool) -> None:
    assert visible(audience, edition) is shown
