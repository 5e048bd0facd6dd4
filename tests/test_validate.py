"""The bad-input corpus: each case is the minimal handbook with one defect and its exact diagnostics."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_TODAY, INVALID, REPO, SCHEMAS, TODAY, make_handbook

from generator import Severity, load_handbook
from generator.cli import main
from generator.clients import load_clients

CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def diagnostics_of(policies: Path) -> list:
    """What `handbook validate` reports: the base handbook's diagnostics, then each client's."""
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    clients = load_clients(result, policies)
    return [*result.diagnostics, *(d for client in clients for d in client.diagnostics)]


def shown(d, policies: Path) -> str:
    return f"{Path(d.file).relative_to(policies).as_posix()}:{d.line}:{d.column}: {d.severity}: {d.code}"


def test_the_corpus_is_large_and_documented() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert (INVALID / case / "README").read_text(encoding="utf-8").strip(), case
        assert (INVALID / case / "expected.txt").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_case_reports_exactly_the_expected_diagnostics(
    case: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    policies = make_handbook(tmp_path, case)
    found = diagnostics_of(Path("policies"))
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [shown(d, Path("policies")) for d in found] == expected
    messages = INVALID / case / "messages.txt"
    if messages.is_file():
        text = "\n".join(d.message for d in found)
        for needle in messages.read_text(encoding="utf-8").splitlines():
            assert needle in text, f"{case}: message should mention {needle!r}:\n{text}"
    for d in found:
        assert d.line >= 1 and d.column >= 1
        assert "Traceback" not in d.message
    assert policies.is_dir()


@pytest.mark.parametrize("case", CASES)
def test_cli_exit_code_follows_severity(case: str, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    make_handbook(tmp_path, case)
    code = main(["validate", "--schemas", str(SCHEMAS), "--today", TODAY.isoformat()])
    out = capsys.readouterr()
    errors = [
        line
        for line in (INVALID / case / "expected.txt").read_text().splitlines()
        if ": error: " in line
    ]
    assert code == (1 if errors else 0), out.out
    assert "Traceback" not in out.out + out.err


def test_the_minimal_handbook_is_valid(handbook_dir: Path) -> None:
    assert diagnostics_of(handbook_dir) == []


def test_the_example_handbook_has_no_errors() -> None:
    result = load_handbook(REPO / "policies", today=EXAMPLE_TODAY)
    errors = [str(d) for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    assert result.handbook is not None
    assert len(result.handbook.policies) >= 30
    assert {p.section for p in result.handbook.policies} == {
        "scope",
        "workflow",
        "communication",
        "data",
        "crisis",
        "compliance",
    }
    assert len(result.handbook.checklists) >= 8
    assert len(result.handbook.glossary.terms) >= 20
    assert any(i.quota for c in result.handbook.checklists for i in c.items)


def test_a_broken_file_does_not_stop_the_others_being_checked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_handbook(tmp_path, "not-utf8")  # workflow/flow.yaml is GBK
    svc = tmp_path / "policies" / "scope" / "svc.yaml"
    svc.write_text(
        svc.read_text(encoding="utf-8").replace("owner: manager", "owner: nobody"), encoding="utf-8"
    )
    codes = {(Path(d.file).name, d.code) for d in diagnostics_of(Path("policies"))}
    assert codes == {("flow.yaml", "not-utf8"), ("svc.yaml", "dangling-role")}


def test_utf8_with_bom_is_accepted(handbook_dir: Path) -> None:
    flow = handbook_dir / "workflow" / "flow.yaml"
    flow.write_bytes(b"\xef\xbb\xbf" + flow.read_bytes())
    assert diagnostics_of(handbook_dir) == []


def test_unquoted_dates_stay_strings_and_validate(handbook_dir: Path) -> None:
    result = load_handbook(handbook_dir, SCHEMAS, today=TODAY)
    doc = next(d for d in result.documents if d.path.name == "svc.yaml")
    assert doc.data["effective"] == "2026-01-05"
    assert isinstance(doc.data["changelog"][0]["date"], str)


def test_a_dangling_reference_in_a_broken_section_does_not_cascade(
    tmp_path: Path, monkeypatch
) -> None:
    # kpis.yaml cannot be read, so report.yaml's kpi reference cannot be judged: no extra error.
    monkeypatch.chdir(tmp_path)
    make_handbook(tmp_path, "top-level-list")
    assert [d.code for d in diagnostics_of(Path("policies"))] == ["not-a-mapping"]


def test_missing_policies_folder_is_a_setup_error(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2
    assert "找不到政策文件夹" in capsys.readouterr().err


def test_missing_schema_is_a_setup_error(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    make_handbook(tmp_path, schemas=True)
    (tmp_path / "schemas" / "crisis.schema.json").unlink()
    assert main(["validate"]) == 2
    assert "crisis.schema.json" in capsys.readouterr().err


def test_corpus_fixtures_are_not_stale() -> None:
    # Every overlay file must differ from the minimal handbook's file it replaces.
    minimal = REPO / "tests" / "fixtures" / "valid" / "minimal" / "policies"
    for case in CASES:
        overlay = INVALID / case / "policies"
        for path in overlay.rglob("*") if overlay.is_dir() else []:
            if path.is_file() and (minimal / path.relative_to(overlay)).is_file():
                assert path.read_bytes() != (minimal / path.relative_to(overlay)).read_bytes(), path


def test_copy_helper_leaves_fixtures_untouched(tmp_path: Path) -> None:
    before = sorted(p.name for p in (INVALID / "empty-file" / "policies" / "workflow").iterdir())
    make_handbook(tmp_path, "empty-file")
    shutil.rmtree(tmp_path / "policies")
    assert (
        sorted(p.name for p in (INVALID / "empty-file" / "policies" / "workflow").iterdir())
        == before
    )


def test_unchanged_files_are_not_parsed_again_and_any_edit_is_seen(handbook_dir: Path) -> None:
    """The cache behind `make serve` is keyed by content: an edit is seen even when the file keeps
    its size and modification time; untouched files come back without being parsed again."""
    first = load_handbook(handbook_dir, SCHEMAS, today=TODAY, cache=True)
    second = load_handbook(handbook_dir, SCHEMAS, today=TODAY, cache=True)
    assert first.ok and second.ok
    assert all(a is b for a, b in zip(first.documents, second.documents, strict=True))
    flow = handbook_dir / "workflow" / "flow.yaml"
    before = flow.stat()
    text = flow.read_text(encoding="utf-8")
    assert "巡检流程" in text
    flow.write_text(text.replace("巡检流程", "巡查流程", 1), encoding="utf-8")  # same byte count
    os.utime(flow, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert flow.stat().st_size == before.st_size
    third = load_handbook(handbook_dir, SCHEMAS, today=TODAY, cache=True)
    titles = {p.id: p.title for p in third.handbook.policies}
    assert titles["flow"] == "巡查流程"
    changed = [d for d in third.documents if d.path.name == "flow.yaml"]
    assert changed and all(d is not b for d in changed for b in second.documents)
    # One-off runs (validate, build) keep nothing: every call parses afresh.
    fresh = load_handbook(handbook_dir, SCHEMAS, today=TODAY)
    assert not any(a is b for a, b in zip(fresh.documents, third.documents, strict=True))
