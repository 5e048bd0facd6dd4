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
# Planted in every internal-only value of the fixture: roles.yaml, glossary.yaml, handbook.yaml, policies.
MARKERS = ("泄露标记", "zzleak", quote("泄露标记"))
# Planted in what clients may read and the public may not (a client-only department, group, term...).
CLIENT_ONLY = ("客户专用标记", quote("客户专用标记"))
FORBIDDEN = {"client": MARKERS, "public": MARKERS + CLIENT_ONLY}


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


def edition_site(project: Path, edition: str) -> Path:
    """The edition built once per module (the client build serves several tests)."""
    site = project / f"site-{edition}"
    if not site.exists():
        run = build(project, site, env={"HANDBOOK_EDITION": edition})
        assert run.returncode == 0, run.stderr
    return site


@pytest.mark.parametrize("edition", ["client", "public"])
def test_no_internal_marker_anywhere_in_the_build(editions_project: Path, edition: str) -> None:
    site = edition_site(editions_project, edition)
    texts = output_texts(site)
    assert "search/search_index.json" in texts and "index.html" in texts
    markers = FORBIDDEN[edition]
    leaks = [(name, m) for name, text in texts.items() for m in markers if m in text]
    leaks += [(name, m) for name in texts for m in markers if m in name]  # file names too
    assert leaks == []
    home = texts["index.html"]
    assert "edit/main" not in home and "git.example.com" not in home  # no repository links either


def test_the_staff_build_does_hold_every_marker(editions_project: Path) -> None:
    # The scan above could pass by finding nothing; the staff edition proves the markers are there.
    site = editions_project / "site-staff"
    run = build(editions_project, site, env={"HANDBOOK_EDITION": "staff"})
    assert run.returncode == 0, run.stderr
    texts = output_texts(site)
    everything = "\n".join([*texts, *texts.values()])
    # maintainers, vague_terms, reviewers and group summaries carry markers too, but no edition
    # prints them.
    for marker in (
        "泄露标记-首页介绍",
        "泄露标记-部分标题",
        "泄露标记-无公开政策的部分",
        "泄露标记-实习生",
        "泄露标记-销售总监",
        "泄露标记-内部部门",
        "泄露标记-内部小组",
        "泄露标记-空小组",
        "泄露标记-无人部门",
        "泄露标记-无人部门小组",
        "泄露标记-内部术语",
        "泄露标记-术语全称",
        "泄露标记-内部清单事项",
        "泄露标记-内部清单说明",
        "泄露标记-指标名称",
        "泄露标记-报表说明",
        "zzleak-flow",
        "zzleak-old-flow",
        "客户专用标记-客户组",
    ):
        assert marker in everything, marker


def test_client_edition_keeps_what_clients_may_read(editions_project: Path) -> None:
    texts = output_texts(edition_site(editions_project, "client"))
    assert "客户版首页介绍" in texts["index.html"]
    for page in ("roles/index.html", "assets/org-chart.svg"):
        for shown in (
            "办公室",
            "运营总监",
            "客户专用标记-销售部",
            "客户专用标记-客户组",
            "运营经理",
        ):
            assert shown in texts[page], (page, shown)
    assert "客户专用标记-术语" in texts["glossary/index.html"]
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
    # Internal departments and roles leave the scope, which then reads "not limited to".
    scope = catalog.applies_to
    assert (scope.departments, scope.roles, scope.open) == (("sales",), ("manager",), True)
    assert hb.policy_map["catalog"].applies_to.open is False
    assert [c.id for c in catalog.checklists] == ["client-visible-check"]
    assert catalog.checklists[0].policy is catalog
    assert client.policy_map["privacy"].obligations[0].satisfied_by == ("catalog",)
    assert [r.id for r in client.organisation.roles] == ["director", "manager"]
    assert [(t.id, t.see_also) for t in client.glossary.terms] == [("gmv", ()), ("client-term", ())]
    assert [s.id for s in client.sections] == ["scope", "compliance"]  # data: nothing visible
    public = view(hb, "public")
    assert [p.id for p in public.policies] == ["privacy"]
    assert public.settings.introduction == ""
    assert public.settings.editions.client.introduction == ""  # not the client edition's text
    assert client.settings.maintainers == () and client.settings.vague_terms == ()
    assert all(r.reviewers == () for r in client.organisation.roles)
    # the staff handbook is untouched by making a view
    assert hb.policy_map["catalog"].checklists[0].policy is hb.policy_map["catalog"]


def test_view_keeps_departments_and_groups_only_where_a_role_is_visible() -> None:
    hb = load_handbook(EDITIONS, SCHEMAS, today=TODAY).handbook
    client = view(hb, "client").organisation
    assert [(d.id, [g.id for g in d.groups]) for d in client.departments] == [
        ("office", []),  # its groups hold only internal roles, or none
        ("sales", ["account-group"]),
    ]
    sales = client.departments[1]
    assert sales.head is None  # the head is internal
    assert client.roles[1].reports_to is None  # so is the manager's boss
    public = view(hb, "public").organisation
    assert [(d.id, d.groups) for d in public.departments] == [("office", ())]
    assert [r.id for r in public.roles] == ["director"]
    # staff keep every department and group, empty ones too
    staff = view(hb, "staff").organisation
    assert len(staff.departments) == 4 and sum(len(d.groups) for d in staff.departments) == 5


@pytest.mark.parametrize("edition", ["client", "public"])
def test_rendered_pages_name_nothing_internal(edition: str) -> None:
    hb = load_handbook(EDITIONS, SCHEMAS, today=TODAY).handbook
    for page in render_pages(hb, edition, print_page=True):
        content = page.content if isinstance(page.content, str) else page.content.decode("utf-8")
        found = [m for m in FORBIDDEN[edition] if m in content or m in page.path]
        assert found == [], page.path


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
