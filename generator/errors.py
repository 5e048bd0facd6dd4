"""Diagnostics (errors are data with a location) and the HandbookError family."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How bad a diagnostic is: an error fails validation, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in one file, at a 1-based line and column."""

    file: Path
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"
        )

    def as_dict(self) -> dict[str, object]:
        """Return the diagnostic as plain JSON-ready data."""
        return {
            "file": self.file.as_posix(),
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order diagnostics by file, position and code, dropping exact duplicates."""
    return sorted(set(diagnostics))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """Tell whether any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


class HandbookError(Exception):
    """Base of every error the library raises on purpose."""


class ValidationFailed(HandbookError):
    """Raised by the pipeline when the handbook content has errors; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        super().__init__(f"手册内容有 {errors} 个错误")


class SetupError(HandbookError):
    """Raised when the handbook cannot be read at all (missing folder, unreadable schema)."""
