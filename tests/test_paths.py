"""Paths: sources are regular files inside the repository, outputs never replace sources, and no
argument becomes a path or a git option. Each refusal leaves the repository byte-identical."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import BUILD_ENV, MKDOCS, REPO, TODAY, Run, handbook_cli, make_handbook

from generator.paths import (
    MARKER,
    UnsafePath,
    check_replaceable,
    is_id,
    staff_only,
)

ENV = {"HANDBOOK_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
VICTIM = "policies/workflow/flow.yaml"  # what a stray --output= would empty


def cli(*args: str, cwd: Path) -> Run:
    """Run the CLI with a short timeout: a FIFO opened for reading would hang it."""
    return handbook_cli(*args, cwd=cwd, env=ENV, timeout=60)


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The minimal handbook with mkdocs.yml and docs/, committed on main."""
    root = tmp_path / "repo"
    make_handbook(root, schemas=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "handbook")
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under `root`, .git included: file hashes, link targets, special files' kind.

    Nothing is opened but regular files (opening a FIFO would block).
    """
    seen = {}
    for top, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(top) / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                seen[str(path)] = f"link {os.readlink(path)}"
            elif stat.S_ISREG(mode):
                seen[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                seen[str(path)] = f"mode {stat.S_IFMT(mode)}"
    return seen


def refused(run: Run, code: int, *words: str) -> None:
    """The run ended with `code`, a plain message holding `words` and no traceback."""
    assert run.code == code, (run.out, run.err)
    text = run.out + run.err
    assert "Traceback" not in text and "内部错误" not in text, text
    for word in words:
        assert word in text, text


# --- outputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (("build", "--site-dir", "."), "是仓库根目录"),
        (("build", "--site-dir", "policies"), "就是 policies/"),
        (("build", "--edition", "client", "--site-dir", ".git"), "就是 .git/"),
        (("render", "--out", "policies"), "就是 policies/"),
        (("render", "--out", "."), "是仓库根目录"),
        (("render", "--out", "docs/x"), "在 docs/(手写页面)之中"),
        (("render", "--out", ".."), "包含整个仓库"),
        (("render", "--out", "into-policies/x"), "在 policies/(政策源文件)之中"),
        (("pdf", "--site", "site", "--out", "schemas/x.pdf"), "不能把 schemas/x.pdf 写进 schemas/"),
        (("diff", "main", "--output", "policies/x.md"), "不能把 policies/x.md 写进 policies/"),
        (("build", "--config", "missing.yml"), "找不到 MkDocs 配置文件 missing.yml"),
    ],
)
def test_an_output_never_replaces_the_sources(repo: Path, args: tuple[str, ...], why: str) -> None:
    (repo / "into-policies").symlink_to("policies")  # a link in the chain counts where it lands
    before = snapshot(repo)
    run = cli(*args, cwd=repo)
    refused(run, 2, why)
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert snapshot(repo) == before


@pytest.mark.parametrize("command", [("build", "--site-dir"), ("render", "--out")])
def test_a_folder_the_tool_did_not_make_is_not_replaced(
    repo: Path, command: tuple[str, ...]
) -> None:
    (repo / "mine").mkdir()
    (repo / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(repo)
    refused(cli(*command, "mine", cwd=repo), 2, "mine", f"没有 {MARKER} 标记")
    assert snapshot(repo) == before


def test_render_marks_its_folder_and_replaces_only_a_marked_one(repo: Path) -> None:
    out = repo.parent / "pages"
    assert cli("render", "--out", str(out), cwd=repo).code == 0
    assert (out / MARKER).is_file() and (out / "index.md").is_file()
    (out / "stale.md").write_text("old", encoding="utf-8")
    assert cli("render", "--out", str(out), cwd=repo).code == 0
    assert not (out / "stale.md").exists()
    (out / MARKER).unlink()
    refused(cli("render", "--out", str(out), cwd=repo), 2, "没有 .handbook-output 标记")


def test_a_site_built_before_markers_may_be_replaced(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    (site / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    check_replaceable(site, site, site=True)  # looks like a MkDocs site: accepted
    with pytest.raises(UnsafePath):
        check_replaceable(site, site, site=False)  # a Markdown tree needs the marker
    (site / "sitemap.xml").unlink()
    with pytest.raises(UnsafePath):
        check_replaceable(site, site, site=True)


# --- sources ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "target"),
    [("policies/workflow/passwd.yaml", "/etc/passwd"), ("policies/etc", "/etc")],
)
def test_a_policy_link_out_of_the_repository_is_never_read(
    repo: Path, link: str, target: str
) -> None:
    (repo / link).symlink_to(target)
    before = snapshot(repo)
    run = cli("validate", cwd=repo)
    refused(run, 1, f"{link}:1:1: error: {link} 是指向仓库以外", "[outside-repository]")
    assert "root:" not in run.out + run.err  # nothing of the file itself
    assert snapshot(repo) == before


@pytest.mark.parametrize("make", ["link", "fifo"])
def test_a_schema_file_that_is_no_regular_file_is_never_read(repo: Path, make: str) -> None:
    schema = repo / "schemas" / "common.schema.json"
    schema.unlink()
    if make == "link":
        schema.symlink_to("/etc/passwd")
    else:
        os.mkfifo(schema)
    before = snapshot(repo)
    run = cli("validate", cwd=repo)  # a FIFO opened for reading would hang until the timeout
    refused(run, 2, "common.schema.json 不是这个文件夹中的普通文件")
    assert "root:" not in run.out + run.err
    assert snapshot(repo) == before


def test_a_link_that_stays_inside_the_repository_is_read(repo: Path) -> None:
    (repo / "shared").mkdir()
    (repo / VICTIM).rename(repo / "shared" / "flow.yaml")
    (repo / VICTIM).symlink_to("../../shared/flow.yaml")
    before = snapshot(repo)
    run = cli("validate", cwd=repo)
    assert run.code == 0, run.out
    assert snapshot(repo) == before


def test_a_policies_folder_linked_out_of_the_repository_is_never_read(repo: Path) -> None:
    elsewhere = repo.parent / "elsewhere"
    (repo / "policies").rename(elsewhere)
    (repo / "policies").symlink_to(elsewhere)
    before = snapshot(repo)
    run = cli("validate", cwd=repo)
    refused(run, 2, "政策文件夹 policies 在仓库", "以外")
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("fifo", "command"),
    [
        ("policies/workflow/pipe.yaml", ("validate",)),
        ("policies/roles.yaml", ("validate",)),
        ("docs/pipe.md", ("build", "--site-dir", "../site")),
        ("docs/assets/pipe.css", ("build", "--site-dir", "../site")),
    ],
)
def test_a_fifo_is_reported_and_never_opened(
    repo: Path, fifo: str, command: tuple[str, ...]
) -> None:
    (repo / fifo).unlink(missing_ok=True)
    os.mkfifo(repo / fifo)
    before = snapshot(repo)
    run = cli(*command, cwd=repo)  # would hang (until the timeout) if anything opened it
    refused(run, 1, f"{fifo}:1:1: error: {fifo} 不是普通文件(是命名管道(FIFO))")
    assert snapshot(repo) == before
    assert not (repo.parent / "site").exists()


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("docs/passwd.txt", "/etc/passwd"),
        ("docs/assets/system", "/"),  # MkDocs would walk the whole disk
        ("docs/config", "../.git/config"),
        ("docs/all", ".."),  # MkDocs would loop
        ("docs/assets/p", "../../policies"),  # inside the repository, but to every edition
        ("docs/assets/flow.yaml", "../../policies/workflow/flow.yaml"),
    ],
)
def test_no_link_in_docs_is_followed(repo: Path, link: str, target: str) -> None:
    (repo / link).symlink_to(target)
    before = snapshot(repo)
    run = cli("build", "--site-dir", "../site", "--edition", "public", cwd=repo)
    refused(run, 1, f"{link}:1:1: error: {link} 是符号链接", "[symlink-in-docs]")
    assert snapshot(repo) == before
    assert not (repo.parent / "site").exists()


def test_links_in_docs_that_point_at_each_other_end_at_once(repo: Path) -> None:
    for name in ("a", "b"):
        (repo / "docs" / name).mkdir()
    for name, other in (("a", "b"), ("b", "a")):
        for n in (1, 2):  # two links per folder: a walk would grow exponentially
            (repo / "docs" / name / f"l{n}").symlink_to(f"../{other}")
    run = cli("build", "--site-dir", "../site", cwd=repo)  # cli() has a timeout
    refused(run, 1, "docs/a/l1:1:1: error:", "[symlink-in-docs]")


def test_a_docs_folder_that_is_a_link_is_refused(repo: Path) -> None:
    (repo / "docs").rename(repo / "real-docs")
    (repo / "docs").symlink_to("real-docs")
    run = cli("build", "--site-dir", "../site", cwd=repo)
    refused(run, 2, "docs/ 文件夹", "是符号链接")


@pytest.mark.parametrize(
    ("name", "why"),
    [("passwd.txt", "是符号链接"), ("pipe.md", "不是普通文件(是命名管道(FIFO))")],
)
def test_mkdocs_build_itself_refuses_them(repo: Path, name: str, why: str) -> None:
    """`mkdocs build` (make serve's engine) goes through the plugin, not `handbook build`."""
    if name.endswith(".md"):
        os.mkfifo(repo / "docs" / name)
    else:
        (repo / "docs" / name).symlink_to("/etc/passwd")
    before = snapshot(repo)
    site = repo.parent / "site"
    proc = subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=repo,
        env={**BUILD_ENV, **ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert f"docs/{name}:1:1: error: docs/{name} {why}" in proc.stderr
    assert not (site / name).exists()
    assert snapshot(repo) == before


# --- arguments ----------------------------------------------------------------------------------


def test_review_never_makes_a_path_from_its_argument(repo: Path) -> None:
    outside = repo.parent / "x.yaml"  # where policies/*/../../../x.yaml lands
    outside.write_text("id: x\nreview:\n  cycle: yearly\n  last: 2026-01-01\n", encoding="utf-8")
    before = snapshot(repo.parent)
    refused(cli("review", "../../../x", cwd=repo), 2, "'../../../x' 不是政策 id")
    refused(cli("review", "flow\n", cwd=repo), 2, "'flow\\n' 不是政策 id")
    refused(cli("review", "nope", cwd=repo), 2, "手册中没有 id 为 nope 的政策")
    assert snapshot(repo.parent) == before


def test_new_checks_section_and_id_before_making_a_path(repo: Path) -> None:
    before = snapshot(repo.parent)
    refused(cli("new", "../../x", "draft", cwd=repo), 2, "部分 '../../x' 不合规")
    refused(cli("new", "workflow", "draft\n", cwd=repo), 2, "id 'draft\\n' 不合规")
    assert snapshot(repo.parent) == before


@pytest.mark.parametrize(
    "args",
    [
        ("diff", "--", f"--output={VICTIM}"),
        ("diff", "main", "--", f"--output={VICTIM}"),
        ("validate", f"--changed=--output={VICTIM}"),
        ("validate", "--changed", f"--output={VICTIM}"),
        ("diff", "no-such-branch"),
    ],
)
def test_no_argument_reaches_git_as_an_option(repo: Path, args: tuple[str, ...]) -> None:
    before = snapshot(repo)
    run = cli(*args, cwd=repo)
    refused(run, 2)
    assert "不是这个 git 仓库中的提交、分支或标签" in run.err or "expected one argument" in run.err
    assert snapshot(repo) == before


def test_ids_match_whole() -> None:
    assert is_id("flow") and is_id("kpi-gmv-2")
    assert not any(map(is_id, ["flow\n", "../x", "Flow", "-x", "x-", "", "a" * 65]))


# --- editions -----------------------------------------------------------------------------------


def test_docs_files_outside_assets_are_staff_only() -> None:
    assert not staff_only("assets/handbook.css") and not staff_only("assets/img/logo.png")
    assert staff_only("notes.txt") and staff_only("forms/contract.pdf")
    assert staff_only("assetsx/a.css")


@pytest.mark.slow
def test_client_edition_publishes_docs_assets_only(repo: Path) -> None:
    docs = repo / "docs"
    (docs / "notes.txt").write_text("内部备忘", encoding="utf-8")
    (docs / "forms").mkdir()
    (docs / "forms" / "contract.pdf").write_bytes(b"%PDF internal")
    (docs / "assets" / "logo.txt").write_text("logo", encoding="utf-8")
    site = repo.parent / "site-client"
    run = cli("build", "--edition", "client", "--site-dir", str(site), cwd=repo)
    assert run.code == 0, run.err
    assert (site / MARKER).is_file()
    for kept in ("assets/handbook.css", "assets/logo.txt", "index.html"):
        assert (site / kept).is_file(), kept
    assert not (site / "notes.txt").exists()
    assert not (site / "forms").exists()
    again = cli("build", "--edition", "client", "--site-dir", str(site), cwd=repo)
    assert again.code == 0, again.err  # the marker lets the tool replace its own site
