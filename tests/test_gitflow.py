"""The pull-request workflow on a real git repository: --changed, diff, codeowners, review."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import INVALID, REPO, TODAY, make_handbook

GOLDEN = Path(__file__).parent / "golden"
ARGS = ("--today", TODAY.isoformat())


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.com",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.com",
        "GIT_AUTHOR_DATE": "2026-06-01T10:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-06-01T10:00:00+08:00",
    }
    proc = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, env=env, check=True
    )
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The minimal handbook committed on main, as a new editor would find it."""
    make_handbook(tmp_path, schemas=True)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "handbook")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_reports_changed_files_and_their_dependents(repo: Path, run_cli) -> None:
    policies = repo / "policies"
    # renaming a KPI breaks report.yaml and flow.yaml, which were not touched (and its own report)
    edit(policies / "data" / "kpis.yaml", "  - id: kpi-gmv\n", "  - id: kpi-gmv-rate\n")
    run = run_cli("validate", "--changed", "main", *ARGS, cwd=repo)
    assert run.code == 1
    files = sorted({line.split(":")[0] for line in run.out.splitlines() if ": error: " in line})
    assert files == [
        "policies/communication/report.yaml",
        "policies/data/kpis.yaml",
        "policies/workflow/flow.yaml",
    ]
    assert "检查了 1 个改动的文件和 2 个引用它们的文件" in run.err


def test_changed_leaves_untouched_files_out(repo: Path, run_cli) -> None:
    policies = repo / "policies"
    edit(
        policies / "compliance" / "ads.yaml", "发布前检查禁用词。", "必要时检查禁用词。"
    )  # a warning
    git(repo, "commit", "-qam", "ads wording")
    edit(
        policies / "scope" / "svc.yaml",
        "summary: 我们提供的服务。",
        "summary: 我们提供的全部服务。",
    )
    changed = run_cli("validate", "--changed", "HEAD", *ARGS, cwd=repo)
    assert changed.code == 0 and "vague-wording" not in changed.out
    # handbook.yaml's introduction links to svc, so it is checked too; ads.yaml is not
    assert "检查了 1 个改动的文件和 1 个引用它们的文件(共 2 个)" in changed.err
    everything = run_cli("validate", *ARGS, cwd=repo)
    assert "vague-wording" in everything.out


def test_changed_checks_everything_when_roles_change(repo: Path, run_cli) -> None:
    edit(repo / "policies" / "roles.yaml", "    name: 运营专员", "    name: 店铺运营专员")
    run = run_cli("validate", "--changed", "main", *ARGS, cwd=repo)
    assert run.code == 0 and "检查了全部文件" in run.err


def test_changed_notices_a_deleted_policy_that_others_cite(repo: Path, run_cli) -> None:
    (repo / "policies" / "workflow" / "flow.yaml").unlink()
    run = run_cli("validate", "--changed", "main", *ARGS, cwd=repo)
    assert run.code == 1
    assert "policies/scope/svc.yaml:14:11: error: 政策 flow 不存在" in run.out


def test_changed_blames_a_repeated_id_on_the_new_file(repo: Path, run_cli) -> None:
    # audit.yaml sorts before flow.yaml, whose procedure id `check` it repeats; flow.yaml cites
    # check (serves: check/1), so it is checked as a dependent, but only the change is blamed.
    new = INVALID / "duplicate-id-new-file-first" / "policies" / "workflow" / "audit.yaml"
    (repo / "policies" / "workflow" / "audit.yaml").write_bytes(new.read_bytes())
    run = run_cli("validate", "--changed", "main", *ARGS, cwd=repo)
    assert run.code == 1
    assert run.out.splitlines()[:-1] == [
        "policies/workflow/audit.yaml:19:9: error: 流程 id check 也在 policies/workflow/flow.yaml:31 "
        "定义过。id 在整本手册内必须唯一:请把其中一处换成别的 id。 [duplicate-id]"
    ]
    assert "检查了 1 个改动的文件和 1 个引用它们的文件" in run.err
    # the pre-commit hook runs its entry on the staged files it matches: the same verdict
    git(repo, "add", ".")
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    staged = git(repo, "diff", "--cached", "--name-only").split()
    files = [f for f in staged if re.search(hook["files"], f)]
    assert files == ["policies/workflow/audit.yaml"]
    command = hook["entry"].split()
    assert command[:2] == ["handbook", "validate"]
    hooked = run_cli(*command[1:], *files, *ARGS, cwd=repo)
    assert hooked.code == 1 and hooked.out.splitlines()[:-1] == run.out.splitlines()[:-1]
    # once the new file's id is changed, the handbook is valid again
    edit(repo / "policies" / "workflow" / "audit.yaml", "  - id: check\n", "  - id: spot-check\n")
    assert run_cli("validate", "--changed", "main", *ARGS, cwd=repo).code == 0


def test_changed_with_a_bad_ref_is_a_usage_error(repo: Path, run_cli) -> None:
    run = run_cli("validate", "--changed", "no-such-branch", *ARGS, cwd=repo)
    assert run.code == 2 and "git" in run.err and "Traceback" not in run.err


def summary_of(repo: Path, run_cli, *refs: str):
    return run_cli("diff", *refs, cwd=repo)


def test_diff_summarises_a_pull_request(repo: Path, run_cli, update_golden: bool) -> None:
    policies = repo / "policies"
    git(repo, "checkout", "-q", "-b", "change")
    flow = policies / "workflow" / "flow.yaml"
    edit(flow, 'version: "1.1.0"', 'version: "1.2.0"')
    edit(
        flow,
        "changelog:\n",
        'changelog:\n  - version: "1.2.0"\n    date: 2026-06-10\n    summary: 巡检改为每天两次。\n',
    )
    edit(flow, "summary: 每天巡检店铺。", "summary: 每天巡检店铺两次。")
    edit(flow, "        what: 处理异常。\n", "        what: 处理异常并记录原因。\n")
    edit(policies / "scope" / "svc.yaml", "status: active", "status: retired")
    edit(policies / "scope" / "svc.yaml", 'version: "1.0"\neffective', 'version: "1.1"\neffective')
    edit(
        policies / "scope" / "svc.yaml",
        "changelog:\n",
        'changelog:\n  - version: "1.1"\n    date: 2026-06-10\n    summary: 服务并入新目录。\n',
    )
    new = run_cli("new", "workflow", "refund-handling", "--title", "退款处理流程", cwd=repo)
    assert new.code == 0, new.err
    edit(policies / "roles.yaml", "    name: 运营专员", "    name: 店铺运营专员")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "change")
    run = summary_of(repo, run_cli, "main", "HEAD")
    assert run.code == 0, run.out + run.err
    golden = GOLDEN / "diff" / "summary.md"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(run.out, encoding="utf-8")
    assert run.out == golden.read_text(encoding="utf-8")


def test_diff_fails_when_a_changed_policy_keeps_its_version(repo: Path, run_cli) -> None:
    edit(
        repo / "policies" / "workflow" / "flow.yaml",
        "summary: 每天巡检店铺。",
        "summary: 每天巡检两次。",
    )
    run = summary_of(repo, run_cli, "main")  # against the working tree
    assert run.code == 1
    assert "version 仍是 1.1.0" in run.out and "changelog 没有新增记录" in run.out
    assert "> [!WARNING]" in run.out
    assert "**摘要:**“每天巡检店铺。” → “每天巡检两次。”" in run.out


def test_diff_text_cannot_become_markdown_in_the_pull_request(repo: Path, run_cli) -> None:
    # The summary is posted as a PR comment: a title is shown as written, never as a link, an
    # image, HTML or a mention.
    edit(
        repo / "policies/workflow/flow.yaml",
        "title: 巡检流程",
        'title: "巡检 [点此](https://attacker.example/) ![x](https://a.example/p.png) <b>粗</b> @everyone"',
    )
    run = summary_of(repo, run_cli, "main")
    assert "\\[点此\\]\\(https\\://attacker.example/\\)" in run.out
    assert "\\!\\[x\\]" in run.out and "\\<b\\>粗\\</b\\>" in run.out
    assert "@everyone" not in run.out and "\\@\u200beveryone" in run.out


def test_diff_accepts_a_review_without_a_version_bump(repo: Path, run_cli) -> None:
    review = run_cli("review", "flow", "--reviewer", "manager", "--date", "2026-06-12", cwd=repo)
    assert review.code == 0, review.err
    assert "review.last 2026-04-01 → 2026-06-12" in review.out
    run = summary_of(repo, run_cli, "main")
    assert run.code == 0, run.out
    assert "**复审:**last 2026-04-01 → 2026-06-12;reviewer (无) → manager" in run.out
    diff = git(repo, "diff", "--unified=0", "--", "policies/workflow/flow.yaml")
    changed = [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["-  last: 2026-04-01", "+  last: 2026-06-12", "+  reviewer: manager"]


def test_review_refuses_an_unknown_role_and_a_date_going_back(repo: Path, run_cli) -> None:
    assert run_cli("review", "flow", "--reviewer", "ghost", cwd=repo).code == 2
    back = run_cli("review", "flow", "--date", "2026-01-01", cwd=repo)
    assert back.code == 2 and "不能倒退" in back.err
    assert run_cli("review", "nope", cwd=repo).code == 2
    assert git(repo, "status", "--porcelain") == ""


def test_review_in_a_flow_mapping(repo: Path, run_cli) -> None:
    flow = repo / "policies" / "workflow" / "flow.yaml"
    edit(
        flow,
        "review:\n  cycle: quarterly\n  last: 2026-04-01\n",
        "review: {cycle: quarterly, last: 2026-04-01}\n",
    )
    run = run_cli("review", "flow", "--reviewer", "manager", "--date", "2026-06-12", cwd=repo)
    assert run.code == 0, run.err
    assert "review: {cycle: quarterly, last: 2026-06-12, reviewer: manager}\n" in flow.read_text(
        encoding="utf-8"
    )
    assert run_cli("validate", *ARGS, cwd=repo).code == 0


def test_codeowners_generate_and_check(repo: Path, run_cli) -> None:
    roles = repo / "policies" / "roles.yaml"
    edit(
        roles,
        "    summary: 总负责人。\n",
        '    summary: 总负责人。\n    reviewers: ["@acme/directors"]\n',
    )
    edit(
        roles,
        "    summary: 管理运营部。\n",
        '    summary: 管理运营部。\n    reviewers: ["@li-ming", "@acme/ops"]\n',
    )
    missing = run_cli("codeowners", "--check", cwd=repo)
    assert missing.code == 1 and "不存在" in missing.err
    written = run_cli("codeowners", cwd=repo)
    assert written.code == 0, written.err
    text = (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/policies/workflow/flow.yaml @li-ming @acme/ops @acme/directors\n" in text
    assert "/policies/compliance/ads.yaml @acme/directors\n" in text
    assert run_cli("codeowners", "--check", cwd=repo).code == 0
    edit(repo / "policies" / "compliance" / "ads.yaml", "owner: director", "owner: manager")
    stale = run_cli("codeowners", "--check", cwd=repo)
    assert stale.code == 1 and "已过时" in stale.err


def test_github_annotations_match_the_golden_file(
    tmp_path: Path, run_cli, update_golden: bool
) -> None:
    make_handbook(tmp_path, "several-mistakes", schemas=True)
    run = run_cli("validate", "--format", "github", *ARGS, cwd=tmp_path)
    assert run.code == 1
    golden = GOLDEN / "annotations" / "several-mistakes.txt"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(run.out, encoding="utf-8")
    assert run.out == golden.read_text(encoding="utf-8")


def test_shipped_automation_runs_the_shipped_commands() -> None:
    from conftest import REPO

    workflow = (REPO / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8")
    for command in (
        "handbook validate --format github --changed",
        "handbook codeowners --check",
        "make site",
        "handbook diff",
        "actions/deploy-pages",
    ):
        assert command in workflow, command
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: handbook validate" in hooks and "^policies/" in hooks
    committed = (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    from generator import load_handbook
    from generator.codeowners import codeowners

    assert committed == codeowners(
        load_handbook(REPO / "policies", today=TODAY).handbook, Path("policies")
    )


@pytest.mark.slow
def test_a_pull_request_runs_the_shipped_workflow_steps(repo: Path, run_cli) -> None:
    """Replay the `check` job of .github/workflows/handbook.yml on an editor's change."""
    import shutil
    import sys

    import yaml
    from conftest import REPO

    shutil.copy(REPO / "mkdocs.yml", repo)
    shutil.copytree(REPO / "docs", repo / "docs")
    assert run_cli("codeowners", cwd=repo).code == 0
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "site and codeowners")
    git(repo, "checkout", "-q", "-b", "editor/patrol-twice")
    flow = repo / "policies" / "workflow" / "flow.yaml"
    edit(flow, 'version: "1.1.0"', 'version: "1.2.0"')
    edit(
        flow,
        "changelog:\n",
        'changelog:\n  - version: "1.2.0"\n    date: 2026-06-10\n    summary: 巡检改为每天两次。\n',
    )
    edit(flow, "    trigger: 每天 9:00。", "    trigger: 每天 9:00 和 15:00。")
    git(repo, "commit", "-qam", "巡检改为每天两次")

    workflow = yaml.safe_load(
        (REPO / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8")
    )
    steps = [
        s
        for s in workflow["jobs"]["check"]["steps"]
        if "run" in s
        and ("handbook" in s["run"] or "make site" in s["run"])
        and "gh pr" not in s["run"]
    ]
    assert len(steps) >= 4
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "NO_MKDOCS_2_WARNING": "1",
        "HANDBOOK_TODAY": TODAY.isoformat(),
    }
    for step in steps:
        script = (
            step["run"].replace('"origin/${{ github.base_ref }}"', "main").replace(".venv/bin/", "")
        )
        script = script.replace('"$GITHUB_OUTPUT"', "/dev/null").replace(
            '"$GITHUB_STEP_SUMMARY"', "/dev/null"
        )
        script = script.replace("make site", "handbook build")  # what `make site` runs after set-up
        proc = subprocess.run(
            ["bash", "-ec", script], cwd=repo, env=env, capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0, (step["name"], proc.stdout, proc.stderr)
    summary = (repo / "summary.md").read_text(encoding="utf-8")
    assert "#### 《巡检流程》(`flow`) 1.1.0 → 1.2.0" in summary
    assert "**流程:**修改 开店巡检(`check`)" in summary
    assert (repo / "site" / "workflow" / "flow" / "index.html").is_file()
