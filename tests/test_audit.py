"""The dependency audit: fails on a known vulnerability, says loudly when it could not run."""

from __future__ import annotations

import importlib.util
import json
import subprocess

import pytest
from conftest import REPO

spec = importlib.util.spec_from_file_location("audit", REPO / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def fake(monkeypatch, report: object, stderr: str = "") -> None:
    out = report if isinstance(report, str) else json.dumps(report)
    monkeypatch.setattr(
        audit.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, out, stderr)
    )


def test_a_known_vulnerability_fails(monkeypatch, capsys) -> None:
    fake(
        monkeypatch,
        {
            "dependencies": [
                {
                    "name": "jinja2",
                    "version": "3.1.0",
                    "vulns": [{"id": "GHSA-x", "fix_versions": ["3.1.4"]}],
                },
                {"name": "pyyaml", "version": "6.0.3", "vulns": []},
            ]
        },
    )
    assert audit.main() == 1
    assert "VULNERABLE jinja2 3.1.0: GHSA-x (fixed in: 3.1.4)" in capsys.readouterr().out


def test_clean_audit_passes(monkeypatch, capsys) -> None:
    fake(monkeypatch, {"dependencies": [{"name": "pyyaml", "version": "6.0.3", "vulns": []}]})
    assert audit.main() == 0
    assert "1 pinned packages checked" in capsys.readouterr().out


@pytest.mark.parametrize(
    "report",
    [
        {
            "dependencies": [
                {
                    "name": "pyyaml",
                    "version": "6.0.3",
                    "skip_reason": "Dependency not found on PyPI",
                }
            ]
        },
        "not json at all",
    ],
)
def test_no_advisory_data_is_a_loud_skip(monkeypatch, capsys, report) -> None:
    fake(monkeypatch, report, stderr="ConnectionError: no route")
    assert audit.main() == 0
    assert "AUDIT SKIPPED" in capsys.readouterr().out
