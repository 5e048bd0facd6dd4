"""The pre-commit hook, run by pre-commit itself (issue 17, item 1).

A handbook repository's .pre-commit-config.yaml names this repository (a copy, committed) at a
revision; `pre-commit run` installs the hook the way a user's pre-commit does (a virtualenv,
`pip install .` and the hook's pinned additional_dependencies, from PyPI) and runs it. A commit that renames a role in roles.yaml touches one file and
breaks many: the hook must judge the whole handbook, and fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_TODAY, REPO

pytestmark = pytest.mark.slow


def test_the_hook_pins_are_the_lock_files_versions() -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / ".ci" / "hook_pins.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    pins = dict(pin.split("==") for pin in hook["additional_dependencies"])
    assert {"jsonschema-rs", "pyyaml", "markdown", "nh3"} <= set(pins)
    assert not {"mkdocs", "mkdocs-material", "jinja2", "jieba"} & set(pins)  # not the site stack


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def test_pre_commit_runs_the_hook_on_the_whole_handbook(tmp_path: Path) -> None:
    tool = tmp_path / "tool"  # the hook's repository: this one, as committed or as edited now
    shutil.copytree(
        REPO,
        tool,
        ignore=shutil.ignore_patterns(
            ".venv", "site", "site-*", "build", "node_modules", "*.egg-info", "__pycache__", ".git"
        ),
    )
    _git(tool, "init", "-q")
    _git(tool, "add", "-A")
    _git(tool, "commit", "-qm", "tool")
    handbook = tmp_path / "handbook"
    handbook.mkdir()
    shutil.copytree(REPO / "policies", handbook / "policies")
    shutil.copytree(REPO / "schemas", handbook / "schemas")
    rev = _git(tool, "rev-parse", "HEAD").strip()
    config = {"repos": [{"repo": str(tool), "rev": rev, "hooks": [{"id": "handbook-validate"}]}]}
    (handbook / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(handbook, "init", "-q")
    _git(handbook, "add", "-A")
    _git(handbook, "commit", "-qm", "handbook")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "HANDBOOK_TODAY": EXAMPLE_TODAY.isoformat(),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    pre_commit = [str(Path(sys.executable).parent / "pre-commit"), "run"]

    def hook(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*pre_commit, *args],
            cwd=handbook,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    clean = hook("--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "handbook validate" in clean.stdout and "Passed" in clean.stdout

    # Rename a role in roles.yaml only: every policy naming it is now wrong.
    roles = handbook / "policies" / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    assert "  - id: platform-manager\n" in text
    roles.write_text(text.replace("  - id: platform-manager\n", "  - id: platform-lead\n"), "utf-8")
    _git(handbook, "add", "policies/roles.yaml")
    broken = hook()  # the staged files, as on `git commit`
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    elsewhere = set(re.findall(r"^(policies/[\w/-]+\.yaml):\d+:\d+: error:", broken.stdout, re.M))
    assert len(elsewhere - {"policies/roles.yaml"}) >= 10, broken.stdout

    # The hook's environment holds what validation needs, at the lock's versions, and no site.
    [env_dir] = [p for p in (tmp_path / "cache").glob("repo*/py_env-*")]
    installed = {
        re.sub(r"[-_.]+", "-", m[1]).lower(): m[2]
        for p in env_dir.glob("lib/python*/site-packages/*.dist-info")
        if (m := re.match(r"(.+)-([^-]+)\.dist-info$", p.name))
    }
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    assert f"jsonschema-rs=={installed['jsonschema-rs']} " in lock
    assert "mkdocs" not in installed and "mkdocs-material" not in installed
