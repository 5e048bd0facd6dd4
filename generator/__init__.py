"""Handbook-as-code: YAML policies -> validated model -> Markdown pages."""

from __future__ import annotations

from .errors import Diagnostic, HandbookError, SetupError, Severity, ValidationFailed
from .pipeline import Result, load_handbook

__version__ = "0.1.0"
__all__ = [
    "Diagnostic",
    "HandbookError",
    "Result",
    "SetupError",
    "Severity",
    "ValidationFailed",
    "load_handbook",
]
