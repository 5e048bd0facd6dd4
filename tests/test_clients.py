"""Handbooks per client: overlays applied within the base's bounds, one site per client, and
nothing of one client in another's site."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_TODAY, REPO, SCHEMAS, TODAY, build, handbook_cli

from generator.clients import client_ids, load_client, load_clients
from generator.pipeline import load_handbook

EXAMPLE_CLIENTS = ["glowberry", "tianmu-foods", "voltline"]


def _client(policies: Path, client: str = "acme", today=TODAY):
    base = load_handbook(policies, SCHEMAS, today=today)
    return base, load_client(base, policies, client)


def test_the_example_has_three_clients_that_load_without_an_error() -> None:
    policies = REPO / "policies"
    assert client_ids(policies) == EXAMPLE_CLIENTS
    base = load_handbook(policies, SCHEMAS, today=EXAMPLE_TODAY)
    for found in load_clients(base, policies):
        assert found.ok, [str(d) for d in found.diagnostics]
        assert [d for d in found.diagnostics if d.code != "to-be-set"] == []
        assert found.handbook.client.changes, found.id  # each contract changes something


def test_a_client_handbook_is_the_base_with_the_overlay_applied(handbook_dir: Path) -> None:
    base, found = _client(handbook_dir)
    assert found.ok and found.diagnostics == []
    hb = found.handbook
    refund = next(k for k in hb.kpis if k.id == "kpi-refund")
    assert (refund.target, refund.warning, refund.alert) == (3, 8, 12.5)
    assert {c.channel: c.alert for c in refund.by_channel} == {"抖店": 18}
    assert refund.policy is hb.policy_map["kpis"]  # items point at the client's copy
    report = hb.policy_map["report"].reports[0]
    assert (report.due, report.recipients) == ("17:00", ("client", "manager", "acme-buyer"))
    assert hb.policy_map["report"].commitments[0].within == "15m"
    items = [i.text for i in hb.policy_map["flow"].checklists[0].items]
    assert items == ["完成巡检。", "核对示例品牌的赠品库存。"]
    assert "ads" not in hb.policy_map and "acme-gifts" in hb.policy_map
    assert hb.parties["acme-buyer"].name == "客户方采购"
    assert hb.settings.editions.client.site_url == "https://acme.example.com/"
    assert hb.settings.site_url is None  # never the base's staff address
    changed = {(c.item, c.field): (c.before, c.after) for c in hb.client.changes}
    assert changed[("kpi-refund", "target")] == (5, 3)
    assert changed[("kpi-refund", "by_channel/抖店/alert")] == (15, 18)
    assert changed[("working-hours", "within")] == ("30m", "15m")
    assert [o.policy for o in hb.client.omitted] == ["ads"]
    assert hb.client.extra == ("acme-gifts",)
    # The base is the base: loading a client changes nothing in it.
    refund = next(k for k in base.handbook.kpis if k.id == "kpi-refund")
    assert (refund.target, len(refund.by_channel)) == (5, 1) and "ads" in base.handbook.policy_map


def test_a_client_policy_gets_the_same_rules_as_a_base_policy(handbook_dir: Path) -> None:
    extra = handbook_dir / "clients/acme/workflow/acme-gifts.yaml"
    text = extra.read_text(encoding="utf-8")
    extra.write_text(
        text.replace("id: acme-gifts", "id: acme-gift").replace("owner: manager", "owner: mngr"),
        encoding="utf-8",
    )
    _, found = _client(handbook_dir)
    codes = sorted(d.code for d in found.diagnostics)
    assert codes == ["dangling-role", "id-filename"], [str(d) for d in found.diagnostics]
    assert all("clients/acme/workflow/acme-gifts.yaml" in str(d.file) for d in found.diagnostics)


def test_a_client_policy_may_not_take_a_base_id(handbook_dir: Path) -> None:
    (handbook_dir / "clients/acme/workflow/flow.yaml").write_text(
        (handbook_dir / "workflow/flow.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    _, found = _client(handbook_dir)
    assert "duplicate-id" in {d.code for d in found.diagnostics}
    assert all("clients/acme/workflow/flow.yaml" in str(d.file) for d in found.diagnostics)


def test_a_broken_base_leaves_a_client_unjudged_but_its_files_checked(handbook_dir: Path) -> None:
    kpis = handbook_dir / "data/kpis.yaml"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace("owner: manager", "owner: x", 1))
    (handbook_dir / "clients/acme/report.yaml").write_text("overlay: report\nreprts: {}\n")
    base, found = _client(handbook_dir)
    assert not base.ok and found.handbook is None
    assert [d.code for d in found.diagnostics] == ["unknown-key"]


def test_building_a_client_needs_a_known_client(tmp_path: Path) -> None:
    for argument in ("nosuch", "../policies", "Glowberry", "glowberry\n"):
        run = handbook_cli("build", "--client", argument, cwd=REPO)
        assert run.code == 2, (argument, run.out, run.err)
        assert "已有的客户:glowberry、tianmu-foods、voltline" in run.err
    run = handbook_cli("build", "--client", "glowberry", "--edition", "public", cwd=REPO)
    assert run.code == 2 and "客户手册没有 public 版" in run.err
    assert not (REPO / "site-nosuch").exists() and not (REPO / "site-glowberry-public").exists()


@pytest.fixture(scope="module")
def client_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example client's handbook, built as `make site CLIENT=<id>` builds it."""
    out = {}
    for client in EXAMPLE_CLIENTS:
        site = tmp_path_factory.mktemp(client) / "site"
        run = build(REPO, site, {"HANDBOOK_CLIENT": client, "HANDBOOK_EDITION": "client"})
        assert run.returncode == 0, run.stderr
        out[client] = site
    return out


def test_a_client_site_shows_the_client_and_its_values(client_sites: dict[str, Path]) -> None:
    site = client_sites["glowberry"]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "花漾美妆 · 代运营服务手册(客户版)" in home
    page = (site / "client/index.html").read_text(encoding="utf-8")
    for text in ("花漾美妆官方旗舰店", "品牌方电商经理", "与通用手册的不同", "30 分钟", "15 分钟"):
        assert text in page, text
    # A change to a policy only staff see (live selling's checklist) is not on the client's page.
    assert "国家药监局" not in page
    assert (site / "compliance/cosmetics-efficacy-claims/index.html").is_file()
    reporting = (site / "communication/client-reporting/index.html").read_text(encoding="utf-8")
    assert "品牌方电商经理" in reporting and "17:30" in reporting
    tianmu = client_sites["tianmu-foods"]
    assert (tianmu / "workflow/food-safety-complaints/index.html").is_file()
    assert "不适用的政策" not in (tianmu / "client/index.html").read_text(encoding="utf-8")
    sitemap = (tianmu / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://tianmu.service.example.com/" in sitemap


def _mark(policies: Path, client: str) -> list[str]:
    """Plant a marker in every text of a client's files, and distinctive numbers; return them."""
    markers = []
    folder = policies / "clients" / client
    for path in sorted(folder.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))

        def walk(value, key=""):
            if isinstance(value, dict):
                return {k: walk(v, k) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v, key) for v in value]
            free = key in {
                "name", "brand", "title", "introduction", "note", "summary", "reason",
                "platform", "text", "evidence", "purpose", "body", "what", "trigger", "output",
            }  # fmt: skip
            if isinstance(value, str) and free:
                mark = f"MARK{len(markers):03d}{client.upper()}"
                markers.append(mark)
                return f"{value} {mark}"
            if isinstance(value, float | int) and not isinstance(value, bool) and key != "weekday":
                # a value no page would show otherwise, still within the base's bounds
                marked = round(value + 0.0037 + len(markers) / 100_000, 5)
                markers.append(f"{marked:g}")
                return marked
            return value

        path.write_text(yaml.safe_dump(walk(data), allow_unicode=True), encoding="utf-8")
    # The contacts' ids too: they are part of the profile.
    for path in sorted(folder.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"{client}-", f"zq{client[:3]}mark-"), encoding="utf-8")
    markers.append(f"zq{client[:3]}mark-")
    return markers


def _all_bytes(site: Path):
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            yield path, gzip.decompress(data) if path.suffix == ".gz" else data


def test_nothing_of_one_client_reaches_another_clients_site(tmp_path: Path) -> None:
    project = tmp_path / "repo"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".git", ".venv", "site*", "build"))
    markers = _mark(project / "policies", "glowberry")
    assert len(markers) >= 30
    base = load_handbook(project / "policies", SCHEMAS, today=EXAMPLE_TODAY)
    marked = load_client(base, project / "policies", "glowberry")
    assert marked.ok, [str(d) for d in marked.diagnostics]
    sites = {}
    for client, edition in (
        ("glowberry", "client"),
        ("voltline", "client"),
        ("tianmu-foods", "staff"),
    ):
        site = tmp_path / f"{client}-{edition}"
        env = {"HANDBOOK_CLIENT": client, "HANDBOOK_EDITION": edition}
        if edition == "staff":
            env["HANDBOOK_SITE_URL"] = "https://tianmu-team.example.com/"
        run = build(project, site, env)
        assert run.returncode == 0, run.stderr
        sites[client] = site
    # The marked client's own site shows its markers: the plant works.
    own = b"".join(data for _, data in _all_bytes(sites["glowberry"]))
    assert b"MARK000GLOWBERRY" in own and b"zqglomark-" in own
    for client in ("voltline", "tianmu-foods"):
        for path, data in _all_bytes(sites[client]):
            for marker in markers:
                assert marker.encode() not in data, (client, path, marker)


def test_codeowners_gives_each_client_folder_its_account_team(handbook_dir: Path) -> None:
    from generator.codeowners import codeowners

    shutil.copytree(SCHEMAS, handbook_dir.parent / "schemas")
    beta = handbook_dir / "clients/beta"
    shutil.copytree(handbook_dir / "clients/acme", beta)
    profile = beta / "client.yaml"
    # A profile the schema refuses names no one: nothing of it reaches the file.
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("@example/acme-team", "@x * @evil"),
        encoding="utf-8",
    )
    (handbook_dir / "clients/Bad Name").mkdir()
    base = load_handbook(handbook_dir, SCHEMAS, today=TODAY)
    text = codeowners(base.handbook, handbook_dir)
    assert "/policies/clients/acme/ @example/acme-team\n" in text
    assert "# /policies/clients/beta/: client.yaml names no maintainers" in text
    assert "@evil" not in text and "Bad Name" not in text
    # Client lines come after the policies' (the last match wins) and before the tool's.
    assert text.index("/policies/clients/acme/") > text.index("/policies/workflow/flow.yaml")
    real = (REPO / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert real.index("/policies/clients/glowberry/") < real.index("/generator/")


def test_a_client_site_is_accessible_and_makes_no_foreign_request(
    browser, client_sites: dict[str, Path]
) -> None:
    from conftest import foreign, serve
    from test_browser import serious_violations

    with serve(client_sites["glowberry"]) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for path in ("/", "/client/", "/communication/client-reporting/"):
            page.goto(url + path)
            assert serious_violations(page) == [], path
        assert "花漾美妆" in page.title()
        page.goto(url + "/client/")
        assert page.locator("article table").count() >= 4
        context.close()
        assert foreign(requests, url) == []


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "repo"
    for name in ("policies", "schemas", "docs"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project)
    return project


def test_make_sites_builds_every_client_in_parallel_processes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    run = handbook_cli("sites", "--jobs", "2", cwd=project, timeout=600)
    assert run.code == 0, run.err
    for client in EXAMPLE_CLIENTS:
        assert (project / f"site-{client}/client/index.html").is_file()
        assert f"site-{client}/:" in run.out
    assert "生成了 3 个客户手册(共 3 个),2 个进程" in run.out
    # Each client's sitemap is dated from its own handbook and lists its own address.
    assert "https://voltline.service.example.com/" in (
        project / "site-voltline/sitemap.xml"
    ).read_text(encoding="utf-8")

    # A client with an error stops every build before it starts: no half of the clients built.
    shutil.rmtree(project / "site-voltline")
    overlay = project / "policies/clients/voltline/social-media-kpis.yaml"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("target: 8", "target: 80"))
    run = handbook_cli("sites", cwd=project, timeout=600)
    assert run.code == 1
    assert "social-media-kpis.yaml:6:5: error:" in run.err and "[out-of-bounds]" in run.err
    assert "没有生成任何客户手册" in run.err and not (project / "site-voltline").exists()
    assert handbook_cli("sites", "--jobs", "0", cwd=project).code == 2


def test_ci_builds_and_deploys_each_client_in_a_job_of_its_own() -> None:
    import json

    run = handbook_cli("clients", "--json", cwd=REPO)
    assert run.code == 0, run.err
    matrix = json.loads(run.out)
    assert [(m["client"], m["host"]) for m in matrix] == [
        ("glowberry", "glowberry.service.example.com"),
        ("tianmu-foods", "tianmu.service.example.com"),
        ("voltline", "voltline.service.example.com"),
    ]
    workflow = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    listed = next(s for s in jobs["clients"]["steps"] if s.get("id") == "list")
    assert "handbook clients --json" in listed["run"]
    site = jobs["client-site"]
    assert site["needs"] == "clients" and site["strategy"]["fail-fast"] is False
    assert site["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.clients.outputs.matrix) }}"
    runs = [s.get("run", "") for s in site["steps"]]
    assert 'make site CLIENT="$CLIENT"' in runs
    assert any('"site-$CLIENT/" "$DEPLOY_TARGET/$HOST/"' in r for r in runs)
    assert any(s.get("run") == "make sites" for s in jobs["check"]["steps"])


HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def test_a_clients_texts_reach_its_pages_as_text_never_as_html(tmp_path: Path, browser) -> None:
    from conftest import serve

    project = _project(tmp_path)
    folder = project / "policies/clients/voltline"
    profile = folder / "client.yaml"
    text = profile.read_text(encoding="utf-8")
    names = (
        "name: 伏特线科技",
        "brand: VOLTLINE 伏特线",
        "    name: 伏特线数码",
        "    name: 品牌方公关经理",
    )
    for old in names:
        text = text.replace(old, f"{old} {HOSTILE} | `x` [a](javascript:alert(3))", 1)
    text = text.replace("    reason: 只托管社交账号", f"    reason: {HOSTILE[:40]}只托管社交账号")
    profile.write_text(text, encoding="utf-8")
    base = load_handbook(project / "policies", SCHEMAS, today=EXAMPLE_TODAY)
    found = load_client(base, project / "policies", "voltline")
    assert found.ok, [str(d) for d in found.diagnostics]
    site = tmp_path / "site"
    run = build(project, site, {"HANDBOOK_CLIENT": "voltline", "HANDBOOK_EDITION": "client"})
    assert run.returncode == 0, run.stderr
    with serve(site) as url:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ("/", "/client/", "/communication/client-reporting/", "/roles/"):
            page.goto(url + path)
            live = page.evaluate(
                """() => [...document.querySelectorAll('article img[src="x"], article script,'
                    + ' article [onerror], article a[href^="javascript:"]')].length"""
            )
            assert live == 0, path
            assert "onerror=alert(1)" in page.inner_text("article") or path == "/roles/", path
        page.close()
    assert dialogs == []


def test_a_client_folder_reads_nothing_outside_the_repository(
    handbook_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "secret.yaml").write_text("id: secret\n", encoding="utf-8")
    acme = handbook_dir / "clients/acme"
    (acme / "workflow").rename(acme / "kept")
    (acme / "workflow").symlink_to(outside, target_is_directory=True)
    (acme / "linked.yaml").symlink_to(outside / "secret.yaml")
    (handbook_dir / "clients/zeta").symlink_to(outside, target_is_directory=True)
    base = load_handbook(handbook_dir, SCHEMAS, today=TODAY)
    acme_result, zeta = load_clients(base, handbook_dir)
    shown = sorted((Path(d.file).name, d.code) for d in acme_result.diagnostics)
    assert shown == [("kept", "client-folder"), ("linked.yaml", "outside-repository"),
                     ("workflow", "outside-repository")]  # fmt: skip
    assert [d.code for d in zeta.diagnostics] == ["outside-repository"]
    # Only the links are reported: nothing behind them was parsed (no schema error of its own).


def _write(policies: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = policies / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _codes(policies: Path, client: str = "acme") -> list[tuple[str, str]]:
    _, found = _client(policies, client)
    return sorted((Path(d.file).name, d.code) for d in found.diagnostics)


def test_an_overlay_file_without_its_policy_is_a_schema_error_not_a_crash(
    handbook_dir: Path,
) -> None:
    _write(handbook_dir, {"clients/acme/kpis.yaml": "kpis: {kpi-refund: {target: 3}}\n"})
    assert _codes(handbook_dir) == [("kpis.yaml", "missing-key")]


def test_what_an_overlay_adds_to_a_client_page_is_something_the_client_may_see(
    handbook_dir: Path,
) -> None:
    # A staff-only outside party as a recipient of a report the client reads.
    _write(handbook_dir, {
        "clients/acme/report.yaml": "overlay: report\nreports:\n  daily-report:\n"
        "    recipients: {add: [platform]}\n",
    })  # fmt: skip
    assert _codes(handbook_dir) == [("report.yaml", "edition-leak")]


def test_client_addresses_and_site_folders_are_each_their_own(handbook_dir: Path) -> None:
    for other in ("beta", "client", "acme-staff"):
        shutil.copytree(handbook_dir / "clients/acme", handbook_dir / f"clients/{other}")
    base = load_handbook(handbook_dir, SCHEMAS, today=TODAY)
    found = {c.id: sorted(d.code for d in c.diagnostics) for c in load_clients(base, handbook_dir)}
    assert found["acme"] == []
    assert found["beta"] == ["site-url-shared"]  # the same site_url as acme's
    assert found["client"] == ["client-folder"] and found["acme-staff"] == ["client-folder"]


def test_a_clients_own_policy_may_not_name_a_policy_it_leaves_out(handbook_dir: Path) -> None:
    own = handbook_dir / "clients/acme/workflow/acme-gifts.yaml"
    own.write_text(
        own.read_text(encoding="utf-8").replace("related: [flow]", "related: [flow, ads]")
        + "  广告素材见 [广告合规](policy:ads)。\n",
        encoding="utf-8",
    )
    assert _codes(handbook_dir) == [("client.yaml", "omit-refused")]


def test_a_clients_policy_may_not_live_at_an_old_address_of_a_base_policy(
    handbook_dir: Path,
) -> None:
    report = handbook_dir / "communication/report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "status: active\n", "status: active\nformer_ids: [workflow/acme-gifts]\n", 1
        ),
        encoding="utf-8",
    )
    assert _codes(handbook_dir) == [("acme-gifts.yaml", "former-id-clash")]


def test_a_working_day_is_never_surely_shorter_than_a_day() -> None:
    from generator.overlay import DURATION, outside
    from generator.records import Bound

    assert outside("1wd", Bound(max="1d"), DURATION)  # over a weekend, three days
    assert outside("1wd", Bound(max="24h"), DURATION)
    assert outside("2d", Bound(min="2wd"), DURATION)
    assert not outside("4h", Bound(max="1wd"), DURATION)  # shortened, surely
    assert not outside("2wd", Bound(min="1d", max="3wd"), DURATION)


def test_a_symlink_inside_the_repository_cannot_lend_one_client_anothers_files(
    handbook_dir: Path,
) -> None:
    shutil.copytree(handbook_dir / "clients/acme", handbook_dir / "clients/beta")
    beta = handbook_dir / "clients/beta"
    (beta / "client.yaml").write_text(
        (beta / "client.yaml").read_text(encoding="utf-8").replace("acme.example", "beta.example"),
        encoding="utf-8",
    )
    shutil.rmtree(beta / "workflow")
    (beta / "workflow").symlink_to(handbook_dir / "clients/acme/workflow", target_is_directory=True)
    (beta / "kpis.yaml").unlink()
    (beta / "kpis.yaml").symlink_to(handbook_dir / "clients/acme/kpis.yaml")
    assert _codes(handbook_dir, "beta") == [
        ("kpis.yaml", "client-folder"),
        ("workflow", "client-folder"),
    ]
