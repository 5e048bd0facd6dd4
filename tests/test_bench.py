"""The benchmark's own health: its synthetic handbooks are valid and deterministic, and a small
run of `make bench` completes and writes its table. No timing is asserted here: speed is the
benchmark's business (`make bench`), not the test suite's."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUILD_ENV, REPO

sys.path.insert(0, str(REPO / "tests" / "bench"))
from synth import KINDS, generate  # noqa: E402

BIN = Path(sys.executable).parent


def digest(root: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted((root / "policies").rglob("*.yaml")):
        sha.update(path.relative_to(root).as_posix().encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()


def test_synthetic_handbooks_are_deterministic_and_cover_every_section(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 30)
    second = generate(tmp_path / "b", 30)
    assert digest(first) == digest(second)
    for kind in KINDS:
        assert len(list((first / "policies" / kind).glob("p*.yaml"))) == 5, kind
    # A different size is a different handbook, not a prefix of the same one.
    assert digest(generate(tmp_path / "c", 31)) != digest(first)


def test_a_synthetic_handbook_validates_clean_with_cross_references(tmp_path: Path) -> None:
    project = generate(tmp_path / "h", 60)
    proc = subprocess.run(
        [str(BIN / "handbook"), "validate"],
        cwd=project,
        env=BUILD_ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ":0 个错误," in proc.stdout, proc.stdout
    text = "".join(p.read_text(encoding="utf-8") for p in (project / "policies").rglob("p*.yaml"))
    assert "related: [p" in text and "checklists:" in text


@pytest.mark.slow
@pytest.mark.browser  # the bench times the first search in chromium
def test_a_small_bench_run_writes_every_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tests" / "bench" / "run.py"),
            "--sizes",
            "12",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
            "--no-serve",
        ],
        cwd=REPO,
        env=BUILD_ENV,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    for heading in ("## Validation", "## Build", "## Search"):
        assert heading in table
    rows = [line for line in table.splitlines() if line.startswith("| 12 |")]
    assert len(rows) == 3, table  # one row per table
    validation, build, search = rows
    # Every figure was measured: no zero byte counts, no unmeasured first search.
    assert re.search(r"\| [1-9][\d.]* MB \| [1-9][\d,]* KB \|$", build), build
    assert "not measured" not in search and " ms " in search, search
    assert re.search(r"\| \d+\.\d\d s \| \d+\.\d\d s \|", validation), validation


def test_synthetic_clients_validate_clean_against_their_base(tmp_path: Path) -> None:
    from synth import generate_clients

    project = generate(tmp_path / "h", 36)
    ids = generate_clients(project, 5, 36)
    assert ids == ["c000", "c001", "c002", "c003", "c004"]
    proc = subprocess.run(
        [str(BIN / "handbook"), "validate"],
        cwd=project,
        env=BUILD_ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and ":0 个错误," in proc.stdout, proc.stdout + proc.stderr
    # Profiles, overlays of five base policies, and a policy of its own for every fourth client.
    files = sorted(
        p.relative_to(project / "policies/clients").as_posix()
        for p in (project / "policies/clients").rglob("*.yaml")
    )
    assert len(files) == 5 * 6 + 2 and "c004/workflow/c004-own.yaml" in files


@pytest.mark.slow
def test_a_small_clients_bench_run_writes_its_tables(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS-clients.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tests" / "bench" / "clients.py"),
            "--clients",
            "3",
            "--policies",
            "24",
            "--sequential",
            "2",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],  # fmt: skip
        cwd=REPO,
        env=BUILD_ENV,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    for heading in ("## Validation", "## Builds", "## Every client's site"):
        assert heading in table
    assert re.search(r"^\| \d+ process(es)? \(`--jobs \d+`\) \| 3 \|", table, re.M), table
    assert "| 1 process (`--jobs 1`) | 2 |" in table
