"""The pull-request workflow on a real git repository: --changed, diff, codeowners, review."""

from __future__ import annotations

import os
import re
import shutil
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
    # the pre-commit hook runs when a staged file matches, on the whole handbook: both places
    git(repo, "add", ".")
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    staged = git(repo, "diff", "--cached", "--name-only").split()
    assert [f for f in staged if re.search(hook["files"], f)] == ["policies/workflow/audit.yaml"]
    assert hook["pass_filenames"] is False
    command = hook["entry"].split()
    assert command[:2] == ["handbook", "validate"]
    hooked = run_cli(*command[1:], *ARGS, cwd=repo)
    assert hooked.code == 1 and run.out.splitlines()[0] in hooked.out.splitlines()
    assert "policies/workflow/flow.yaml:31:9: error: 流程 id check 已在" in hooked.out
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
    edit(flow, "        within: 30m\n", "        within: 45m\n")
    edit(
        flow,
        "        serves: kpi-gmv\n",
        "        serves: kpi-gmv\n      - text: 检查客服响应。\n        evidence: 截图\n",
    )
    edit(flow, "  - 每天一次。\n", "  - 每天两次。\n")
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


@pytest.mark.parametrize(
    ("path", "old", "new", "where", "code"),
    [
        # a YAML error in a changed file: never "deleted"
        (
            "workflow/flow.yaml",
            "title: 巡检流程",
            "title: [巡检流程",
            "flow.yaml:2:8",  # the unclosed bracket itself
            "yaml-syntax",
        ),
        # a value the schema refuses
        ("workflow/flow.yaml", "owner: manager", "owner: [manager]", "flow.yaml:5:8", "wrong-type"),
        # the organisation: its roles are unknown, not all removed
        ("roles.yaml", "roles:", "roles: [", "roles.yaml", "yaml-syntax"),
    ],
)
def test_diff_says_a_file_cannot_be_read_and_fails(
    repo: Path, run_cli, path: str, old: str, new: str, where: str, code: str
) -> None:
    edit(repo / "policies" / path, old, new)
    run = summary_of(repo, run_cli, "main")
    assert run.code == 1, run.out
    assert "无法读取 1 个文件" in run.out and "> [!CAUTION]" in run.out
    assert f"`policies/{path}`(工作区)" in run.out and f"(`{code}`)" in run.out
    assert "工作区 中有文件无法读取" in run.err and f"policies/{path.split('/')[0]}" in run.err
    assert where in run.err and f"[{code}]" in run.err
    assert "### 删除" not in run.out and "删除角色" not in run.out
    assert "政策内容没有变化" not in run.out


def test_diff_names_a_new_file_it_cannot_read(repo: Path, run_cli) -> None:
    (repo / "policies" / "workflow" / "refund.yaml").write_text(
        'id: refund\ntitle: "退款\n', encoding="utf-8"
    )
    run = summary_of(repo, run_cli, "main")
    assert run.code == 1 and "政策内容没有变化" not in run.out
    assert "`policies/workflow/refund.yaml`(工作区)" in run.out
    assert "policies/workflow/refund.yaml:2:8: error:" in run.err


def test_diff_reads_the_base_side_too(repo: Path, run_cli) -> None:
    edit(repo / "policies" / "workflow" / "flow.yaml", "title: 巡检流程", "title: [巡检流程")
    git(repo, "commit", "-qam", "broken on main")
    git(repo, "checkout", "-q", "-b", "fix")
    edit(repo / "policies" / "workflow" / "flow.yaml", "title: [巡检流程", "title: 巡检流程")
    run = summary_of(repo, run_cli, "main")
    assert run.code == 1 and "(main)第 2 行第 8 列" in run.out
    assert "### 新增" not in run.out and "main 中有文件无法读取" in run.err


def test_diff_fails_when_an_active_policy_is_retired_without_a_record(repo: Path, run_cli) -> None:
    edit(repo / "policies" / "workflow" / "flow.yaml", "status: active", "status: retired")
    run = summary_of(repo, run_cli, "main")
    assert run.code == 1, run.out
    assert "废止了,但 version 仍是 1.1.0" in run.err
    assert "废止了,但 changelog 没有新增记录" in run.err
    assert "**状态:**生效中 → 已废止" in run.out


def test_diff_says_what_changed_inside_parts(repo: Path, run_cli) -> None:
    flow = repo / "policies" / "workflow" / "flow.yaml"
    # a step inserted in the middle: only it is new, the later step is not "changed"
    edit(
        flow,
        "      - who: manager\n",
        "      - who: operator\n        what: 拍照留档。\n      - who: manager\n",
    )
    edit(flow, "        quota: {count: 30,", "        quota: {count: 40,")
    edit(
        flow,
        "      - text: 完成巡检。\n",
        "      - text: 完成巡检,并把巡检表上传到共享文件夹中对应店铺当天的目录里,再在群里说一声。\n",
    )
    edit(flow, "      - name: 按原价发货\n", "      - name: 按原价发货并致歉\n")
    run = summary_of(repo, run_cli, "main")
    assert "  - 开店巡检(`check`):新增 步骤 2“拍照留档。”\n" in run.out, run.out
    assert (
        "  - 运营专员每日清单(`operator-daily`):清单条目 1 内容 已修改;"
        "清单条目 2 定额 数量 “30” → “40”\n"
    ) in run.out
    # a part of items without ids: matched by position and likeness, named by position
    assert "选项 1 名称 “按原价发货” → “按原价发货并致歉”" in run.out


def test_diff_counts_body_lines_with_a_real_diff(repo: Path, run_cli) -> None:
    flow = repo / "policies" / "workflow" / "flow.yaml"
    # a moved line and a repeated one: sets of lines saw neither
    edit(flow, "  ## 要求\n\n  - 每天一次。\n", "  ## 要求\n\n  - 每天一次。\n  - 每天一次。\n")
    run = summary_of(repo, run_cli, "main")
    assert "**正文:**已修改(+1 行 / −0 行,第 6 行)" in run.out, run.out
    edit(flow, "  - 每天一次。\n  - 每天一次。\n", "  - 每天两次。\n")
    run = summary_of(repo, run_cli, "main")
    assert "**正文:**第 5 行 “- 每天一次。” → “- 每天两次。”" in run.out, run.out


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
    assert stale.code == 1 and "已过时:审核人与 roles.yaml 的 reviewers" in stale.err


def maintained(repo: Path) -> None:
    """Name the handbook's maintainers and the manager's reviewers in the minimal handbook."""
    edit(
        repo / "policies" / "handbook.yaml",
        "organisation: 测试运营中心\n",
        'organisation: 测试运营中心\nmaintainers: ["@acme/handbook"]\n',
    )
    edit(
        repo / "policies" / "roles.yaml",
        "    summary: 管理运营部。\n",
        '    summary: 管理运营部。\n    reviewers: ["@acme/ops"]\n',
    )


def test_codeowners_has_a_fallback_and_guards_the_tool(repo: Path, run_cli) -> None:
    maintained(repo)
    assert run_cli("codeowners", cwd=repo).code == 0
    rules = [
        line
        for line in (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    # GitHub applies the last matching line: fallbacks first, each policy, the tool last
    assert rules[:2] == ["* @acme/handbook", "/policies/ @acme/handbook"]
    assert "/policies/workflow/flow.yaml @acme/ops" in rules
    assert rules[-9:] == [
        f"{path} @acme/handbook"
        for path in (
            "/generator/",
            "/schemas/",
            "/mkdocs.yml",
            "/Makefile",
            "/pyproject.toml",
            "/requirements.lock",
            "/.ci/",
            "/.github/",
            "/.github/CODEOWNERS",
        )
    ]
    # a policy whose roles name no reviewers falls back to the maintainers, and says so
    text = (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert (
        "# /policies/compliance/ads.yaml: no reviewers named for director or director (the " in text
    )
    # written elsewhere, the file names itself
    assert run_cli("codeowners", "--output", "CODEOWNERS", cwd=repo).code == 0
    assert "\n/CODEOWNERS @acme/handbook\n" in (repo / "CODEOWNERS").read_text(encoding="utf-8")


def test_codeowners_without_maintainers_says_so(repo: Path, run_cli) -> None:
    written = run_cli("codeowners", cwd=repo)
    assert written.code == 0 and "没有 maintainers" in written.err
    text = (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "# handbook.yaml names no maintainers" in text
    assert "\n* " not in text and "/generator/" not in text
    check = run_cli("codeowners", "--check", cwd=repo)
    assert check.code == 0 and "警告:handbook.yaml 没有 maintainers" in check.err


def test_new_policy_rewrites_a_generated_codeowners(repo: Path, run_cli) -> None:
    maintained(repo)
    assert run_cli("codeowners", cwd=repo).code == 0
    new = run_cli("new", "workflow", "refund-handling", "--owner", "manager", cwd=repo)
    assert new.code == 0, new.err
    assert "已更新 .github/CODEOWNERS(新政策的审核人:@acme/ops)" in new.out
    text = (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/policies/workflow/refund-handling.yaml @acme/ops\n" in text
    assert run_cli("codeowners", "--check", cwd=repo).code == 0
    assert "codeowners-stale" not in run_cli("validate", *ARGS, cwd=repo).out


def test_new_policy_leaves_a_hand_written_codeowners_alone(repo: Path, run_cli) -> None:
    owners = repo / "CODEOWNERS"
    owners.write_text("* @someone\n", encoding="utf-8")
    new = run_cli("new", "workflow", "refund-handling", cwd=repo)
    assert new.code == 0, new.err
    assert "CODEOWNERS 不是 handbook codeowners 生成的" in new.out
    assert owners.read_text(encoding="utf-8") == "* @someone\n"
    # validate says it differs, as a warning (the draft is dated today, after the tests' day)
    run = run_cli("validate", cwd=repo)
    assert run.code == 0 and "CODEOWNERS:1:1: warning:" in run.out
    assert "[codeowners-stale]" in run.out


def test_validate_warns_when_codeowners_is_stale(repo: Path, run_cli) -> None:
    maintained(repo)
    assert run_cli("codeowners", cwd=repo).code == 0
    assert "codeowners-stale" not in run_cli("validate", *ARGS, cwd=repo).out
    # a policy added by hand (not with `handbook new`): CI's check would fail, validate says so
    flow = repo / "policies" / "workflow" / "flow.yaml"
    text = flow.read_text(encoding="utf-8")
    text = text.replace("id: flow\n", "id: flow-copy\n").replace("id: check\n", "id: check-copy\n")
    text = text.replace("id: operator-daily\n", "id: operator-daily-copy\n")
    text = text.replace("id: price-fix\n", "id: price-fix-copy\n")
    (flow.parent / "flow-copy.yaml").write_text(text, encoding="utf-8")
    run = run_cli("validate", *ARGS, cwd=repo)
    assert run.code == 0, run.out
    assert ".github/CODEOWNERS:" in run.out and ": warning: " in run.out
    assert "/policies/workflow/flow-copy.yaml 没有对应的行" in run.out
    assert "[codeowners-stale]" in run.out
    # one file checked (the pre-commit hook): not the whole handbook, no warning
    one = run_cli("validate", "policies/workflow/flow.yaml", *ARGS, cwd=repo)
    assert "codeowners-stale" not in one.out
    # github annotations name the file
    github = run_cli("validate", "--format", "github", *ARGS, cwd=repo)
    assert "file=.github/CODEOWNERS" in github.out


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
    assert "entry: handbook validate" in hooks and "^(policies|schemas)/" in hooks
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
        assert "${{" not in step["run"], step["name"]  # event values come through env:
        script = step["run"].replace('"origin/$BASE_REF"', "main").replace(".venv/bin/", "")
        script = script.replace('"$GITHUB_OUTPUT"', "/dev/null").replace(
            '"$GITHUB_STEP_SUMMARY"', "/dev/null"
        )
        # what `make sites` and `make site` run after set-up
        script = script.replace("make sites", "handbook sites")
        script = script.replace("make site", "handbook build")
        proc = subprocess.run(
            ["bash", "-ec", script], cwd=repo, env=env, capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0, (step["name"], proc.stdout, proc.stderr)
    summary = (repo / "summary.md").read_text(encoding="utf-8")
    assert "#### 《巡检流程》(`flow`) 1.1.0 → 1.2.0" in summary
    assert "**流程:**修改 开店巡检(`check`)" in summary
    assert (repo / "site" / "workflow" / "flow" / "index.html").is_file()


def test_the_workflow_keeps_event_values_out_of_scripts_and_tokens_off_disk() -> None:
    workflow = yaml.safe_load(
        (REPO / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8")
    )
    for name, job in workflow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 30, name
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), (name, step.get("name"))
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
    # a push to main is never cancelled halfway through its deploy
    assert workflow["concurrency"]["cancel-in-progress"] == (
        "${{ github.event_name == 'pull_request' }}"
    )
    deploy = {s.get("id"): s for s in workflow["jobs"]["deploy"]["steps"]}
    build = next(s for s in workflow["jobs"]["deploy"]["steps"] if s.get("run") == "make site")
    assert build["env"]["HANDBOOK_SITE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert deploy["pages"]["uses"].startswith("actions/configure-pages@")


def test_every_action_is_pinned_to_a_commit_with_its_version_named() -> None:
    text = (REPO / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8")
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", text, re.M)
    assert len(uses) >= 7
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), (action, comment)
    dependabot = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert {"package-ecosystem": "github-actions", "directory": "/"}.items() <= dependabot[
        "updates"
    ][0].items()


def _owners(codeowners_text: str, path: str) -> list[str]:
    """Who GitHub asks for `path`: the last line whose pattern matches (the patterns written
    here: `*`, a folder `/a/b/`, a file `/a/b.yaml`)."""
    found: list[str] = []
    for line in codeowners_text.splitlines():
        if not line or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        if (
            pattern == "*"
            or (pattern.endswith("/") and ("/" + path).startswith(pattern))
            or pattern == "/" + path
        ):
            found = owners
    return found


def test_a_new_policy_file_asks_its_sections_team_before_codeowners_is_regenerated() -> None:
    text = (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    new = _owners(text, "policies/compliance/brand-new-policy.yaml")
    assert new == ["@ops-center/compliance", "@ops-center/directors"]
    # a policy with its own line, the handbook's settings and the tool keep theirs
    assert _owners(text, "policies/workflow/task-assignment.yaml") == [
        "@ops-center/platform",
        "@ops-center/directors",
    ]
    assert _owners(text, "policies/roles.yaml") == ["@ops-center/handbook-maintainers"]
    assert _owners(text, "generator/cli.py") == ["@ops-center/handbook-maintainers"]
    assert _owners(text, ".github/CODEOWNERS") == ["@ops-center/handbook-maintainers"]
    assert _owners(text, "README.md") == ["@ops-center/handbook-maintainers"]  # the fallback


def test_diff_lists_changes_to_outside_parties(repo: Path, run_cli) -> None:
    roles = repo / "policies" / "roles.yaml"
    edit(roles, "    name: 电商平台\n", "    name: 电商平台(天猫、抖店)\n")
    with roles.open("a", encoding="utf-8") as out:
        out.write(
            "  - id: regulator\n    name: 市场监管局\n    kind: authority\n    summary: 监管。\n"
        )
    run = summary_of(repo, run_cli, "main")
    assert run.code == 0, run.err
    assert "- 新增外部相关方:市场监管局(`regulator`)" in run.out
    assert "- 修改外部相关方:电商平台\\(天猫、抖店\\)(`platform`)" in run.out
    assert "角色:" not in run.out  # the roles themselves did not change


def test_diff_names_the_clients_a_change_reaches_with_each_ones_values(repo: Path) -> None:
    from generator.diff import compare_refs

    policies = repo / "policies"
    beta = policies / "clients/beta"
    (beta).mkdir()
    (beta / "client.yaml").write_text(
        "name: 乙客户\ncontract: {start: 2026-01-01}\nservices: [store-ops]\n", encoding="utf-8"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "a second client")
    kpis = policies / "data/kpis.yaml"
    # The base's refund target: acme sets its own (3), beta takes the base's.
    edit(kpis, "    target: 5\n", "    target: 4\n")
    edit(repo / "policies/clients/acme/report.yaml", "within: 15m", "within: 10m")
    summary = compare_refs(repo, "main", None)
    effects = {e.client: e for e in summary.clients}
    assert sorted(effects) == ["acme", "beta"]
    # The channel that keeps the KPI's target (抖店 sets only its alert) moves with it.
    assert effects["beta"].rows == (
        ("《店铺指标》退款率 · 目标值", "5%", "4%"),
        ("《店铺指标》退款率(抖店) · 目标值", "5%", "4%"),
    )
    # The base's target is not acme's; acme's own overlay change is.
    assert effects["acme"].rows == (("《汇报机制》工作时间咨询 · 时限", "15 分钟", "10 分钟"),)
    assert "**2 个客户的手册随之改变**" in summary.markdown
    assert "- **乙客户**(`beta`)\n  - 《店铺指标》退款率 · 目标值:5% → 4%" in summary.markdown
    edit(kpis, "    target: 4\n", "    target: 5\n")
    edit(kpis, "    warning: 8\n", "    warning: 7\n")
    rows = {e.client: e.rows for e in compare_refs(repo, "main", None).clients}
    assert rows["beta"] == (
        ("《店铺指标》退款率 · 预警值", "8%", "7%"),
        ("《店铺指标》退款率(抖店) · 预警值", "8%", "7%"),
    )
    # A client added or removed is named as such.
    shutil.rmtree(beta)
    assert [(e.client, e.status) for e in compare_refs(repo, "main", None).clients][-1] == (
        "beta",
        "removed",
    )


def test_diff_holds_a_clients_own_policy_to_the_version_rule(repo: Path) -> None:
    from generator.diff import compare_refs

    own = repo / "policies/clients/acme/workflow/acme-gifts.yaml"
    edit(
        own,
        "summary: 示例客户的赠品如何入库和核对。",
        "summary: 示例客户的赠品如何入库、核对和补货。",
    )
    summary = compare_refs(repo, "main", None)
    (acme,) = summary.clients
    assert ("本客户专有的政策《赠品管理》", "版本 1.0.0", "版本 1.0.0,内容已修改") in acme.rows
    assert summary.problems == [
        "客户 `acme` 专有的《赠品管理》(`acme-gifts`):内容改了,请升级版本号、新增变更记录。"
    ]
    edit(own, 'version: "1.0.0"', 'version: "1.1.0"')
    edit(
        own,
        "changelog:\n",
        'changelog:\n  - version: "1.1.0"\n    date: 2026-06-10\n    summary: 加上补货。\n',
    )
    assert compare_refs(repo, "main", None).problems == []
