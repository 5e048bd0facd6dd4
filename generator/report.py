"""Reporters: diagnostics as text for people, JSON for tools, annotations for GitHub Actions."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .errors import Diagnostic, Severity

FORMATS = ("text", "json", "github")


def summary(diagnostics: Sequence[Diagnostic], files: int) -> dict[str, int]:
    """Count files, errors and warnings."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    return {"files": files, "errors": errors, "warnings": len(diagnostics) - errors}


def render(diagnostics: Sequence[Diagnostic], files: int, fmt: str) -> str:
    """Return the diagnostics in one of FORMATS, ending with a newline."""
    counts = summary(diagnostics, files)
    if fmt == "json":
        data = {"diagnostics": [d.as_dict() for d in diagnostics], "summary": counts}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        lines = [_annotation(d) for d in diagnostics]
        lines.append(_verdict(counts))
        return "\n".join(lines) + "\n"
    lines = [str(d) for d in diagnostics]
    lines.append(_verdict(counts))
    return "\n".join(lines) + "\n"


def _verdict(counts: dict[str, int]) -> str:
    state = "不通过" if counts["errors"] else "通过"
    return f"检查了 {counts['files']} 个文件:{counts['errors']} 个错误,{counts['warnings']} 个警告。{state}。"


def _annotation(d: Diagnostic) -> str:
    """Format one GitHub Actions workflow command (::error file=...,line=...,col=...::message)."""
    level = "error" if d.severity is Severity.ERROR else "warning"
    props = (
        f"file={_escape_property(d.file.as_posix())},line={d.line},col={d.column},"
        f"title={_escape_property(d.code)}"
    )
    return f"::{level} {props}::{_escape_data(d.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
