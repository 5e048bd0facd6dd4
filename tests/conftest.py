"""Shared fixtures: the repository, small handbooks built from fixtures, a CLI runner, golden files."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

MKDOCS = [sys.executable, "-m", "mkdocs"]

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "valid" / "minimal" / "policies"
INVALID = FIXTURES / "invalid"
SCHEMAS = REPO / "schemas"
# The fixtures' dates are written against this day; reviews are neither overdue nor in the future.
TODAY = dt.date(2026, 6, 15)
# The example handbook's dates are written against this day.
EXAMPLE_TODAY = dt.date(2026, 11, 23)
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_TODAY": EXAMPLE_TODAY.isoformat()}


MISSING_BROWSER = (
    "{chromium} is missing, and this test drives it. On Debian as root, `make test` installs it "
    "(.ci/system-packages); elsewhere run: sudo apt-get install -y chromium fonts-noto-cjk"
)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A browser test without the browser fails at once, saying what to install (no traceback)."""
    if item.get_closest_marker("browser") is not None and not CHROMIUM.exists():
        pytest.fail(MISSING_BROWSER.format(chromium=CHROMIUM), pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for the browser or a page is a browser test, marked or not."""
    for item in items:
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from output"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def make_handbook(root: Path, case: str | None = None, *, schemas: bool = False) -> Path:
    """Copy the minimal handbook under `root` (schemas too if asked), overlay a case; return policies/."""
    shutil.copytree(MINIMAL, root / "policies")
    if schemas:
        shutil.copytree(SCHEMAS, root / "schemas")
    if case:
        source = INVALID / case
        overlay = source / "policies"
        if overlay.is_dir():
            shutil.copytree(overlay, root / "policies", dirs_exist_ok=True)
        removals = source / "delete.txt"
        if removals.is_file():
            for name in removals.read_text().split():
                (root / "policies" / name).unlink()
        generated = source / "generate.txt"  # files too big to keep in the repository
        if generated.is_file():
            for line in generated.read_text().splitlines():
                name, size = line.split()
                padding = b"# padding\n" * (int(size) // 10 + 1)
                (root / "policies" / name).write_bytes(b"id: huge\n" + padding)
    return root / "policies"


@pytest.fixture
def handbook_dir(tmp_path: Path) -> Path:
    """A fresh copy of the minimal valid handbook; returns its policies/ folder."""
    return make_handbook(tmp_path)


@dataclass
class Run:
    code: int
    out: str
    err: str


def handbook_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 120
) -> Run:
    """Run `python -m generator ARGS...` in a folder, as a user would; return code and output."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def run_cli():
    """handbook_cli as a fixture."""
    return handbook_cli


MEMORY_LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space, as stated in the README
TIME_LIMIT = 60  # seconds of wall time, as stated in the README


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def validate_hostile(project: Path) -> subprocess.CompletedProcess[str]:
    """Run `handbook validate` in `project` as a user would, under the README's limits."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--today", TODAY.isoformat()],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=limit_memory,
    )


def build(
    project: Path, site: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` in a project folder, as `make site` does."""
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env={**BUILD_ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example handbook built once with `mkdocs build --strict`, as `make site` does."""
    site = tmp_path_factory.mktemp("example") / "site"
    run = build(REPO, site)
    assert run.returncode == 0, run.stderr
    return site


# --- the browser: Debian's chromium driven by Playwright, and a local server for built sites ---

CHROMIUM = Path(os.environ.get("HANDBOOK_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags chromium phones home at start (refused here, and noise).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def serve(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve a built site on a local port (a free one by default) from a separate process, as a
    static host would."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(directory),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        banner = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 43123 (...)"
        port = re.search(r"port (\d+)", banner)
        assert port, banner
        yield f"http://127.0.0.1:{port.group(1)}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


@pytest.fixture(scope="session")
def site_url(example_site: Path) -> Iterator[str]:
    with serve(example_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site_url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def foreign(requests: list[str], site_url: str) -> list[str]:
    local = urlsplit(site_url).netloc
    return [
        u
        for u in requests
        if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != local
    ]


def search(page, query: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press("End")
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__item')", timeout=10_000
    )
    box.fill(query)
    box.press("End")  # Material reacts to key events; fill() alone shows nothing
    # Attached, not visible: on a loaded machine the overlay's transition can lag the results.
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=10_000)
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
