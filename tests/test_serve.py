"""`make serve`: the live preview picks up YAML edits and shows mistakes on the page."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import BUILD_ENV, MKDOCS, REPO, make_handbook

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, predicate, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = fetch(url)
        if predicate(page):
            return page
        time.sleep(0.2)
    raise AssertionError(f"{url} never satisfied the condition; last page:\n{page[:500]}")


@pytest.fixture
def served(tmp_path: Path):
    make_handbook(tmp_path, schemas=True)
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    # the same flags as `make serve`
    proc = subprocess.Popen(
        [*MKDOCS, "serve", "--no-strict", "--livereload", "--dirty", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=BUILD_ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield tmp_path, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_preview_follows_edits_and_shows_errors(served) -> None:
    root, url = served
    page_url = url + "/workflow/flow/"
    wait_for(page_url, lambda p: "每天巡检店铺。" in p)
    flow = root / "policies" / "workflow" / "flow.yaml"
    original = flow.read_text(encoding="utf-8")

    flow.write_text(original.replace("每天巡检店铺。", "每天两次巡检店铺。"), encoding="utf-8")
    wait_for(page_url, lambda p: "每天两次巡检店铺。" in p)

    flow.write_text(original.replace("owner: manager\n", "ownr: manager\n"), encoding="utf-8")
    broken = wait_for(page_url, lambda p: "手册有 1 个错误" in p)
    assert "policies/workflow/flow.yaml:5:1" in broken  # the banner names file:line:column
    home = fetch(url + "/")
    assert "手册有 1 个错误" in home  # every page carries the banner, not only the edited one

    flow.write_text(original, encoding="utf-8")
    wait_for(page_url, lambda p: "每天巡检店铺。" in p and "个错误" not in p)
    log = (root / "serve.log").read_text(encoding="utf-8")
    assert "policies/workflow/flow.yaml:5:1: error:" in log
    assert "Traceback" not in log
