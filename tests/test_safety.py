"""Safe output: what Markdown fields may hold, the sanitiser behind the renderer, hostile input bounds."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import INVALID, REPO, SCHEMAS, TODAY, make_handbook

from generator import load_handbook
from generator.render import Linker, render_pages
from generator.safety import mask_code, sanitize, scan


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("普通文字 **加粗** <br> <sub>2</sub> `<script>` 在代码里", []),
        ("```\n<script>alert(1)</script>\n[x](javascript:alert(1))\n```\n", []),
        ("<script>alert(1)</script>", ["raw-html", "raw-html-closing"]),
        ('<a href="https://x">x</a>', ["raw-html", "raw-html-closing"]),
        ("<b onclick=alert(1)>x</b>", ["raw-html"]),
        ("<!-- 内部 -->", ["raw-html"]),
        ("<!DOCTYPE html>", ["raw-html"]),
        ('段落\n{: onclick="alert(1)" }', ["raw-html"]),
        ("## 标题 {#anchor}", []),
        ("[x](javascript:alert(1))", ["unsafe-link"]),
        ("[x](JavaScript:alert(1))", ["unsafe-link"]),
        ("[x]( data:text/html,hi )", ["unsafe-link"]),
        ("<vbscript:x>", ["unsafe-link"]),
        ("[x][r]\n\n[r]: javascript:alert(1)", ["unsafe-link"]),
        ("![a](https://cdn.example.com/a.png)", ["image"]),
        ("[x](../other.md)", ["relative-link"]),
        ("[x](#section)", []),
        ("[x](https://www.gov.cn/) [y](mailto:a@b.cn) [z](tel:+861234)", []),
        ("[x](policy:a) [y](term:b) [z](role:c)", []),
    ],
)
def test_scan(text: str, codes: list[str]) -> None:
    findings, _ = scan(text)
    assert [f.code for f in findings] == codes


def test_mask_code_keeps_offsets() -> None:
    text = "a `<b>` c\n```\n<x>\n```\nd"
    masked = mask_code(text)
    assert len(masked) == len(text)
    assert "<" not in masked and masked.startswith("a ") and masked.endswith("d")


def test_handbook_links_in_code_are_not_links() -> None:
    _, links = scan("[a](policy:x) `[b](policy:y)`")
    assert [(link.kind, link.target) for link in links] == [("policy", "x")]


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "x\n{: onclick=alert(1) }",
        "![a](https://evil.example/a.png)",
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_sanitize_neutralises_what_validation_refuses(evil: str) -> None:
    out = sanitize(evil)
    assert scan(out)[0] == []
    for danger in ("<script", "<img", "<iframe", "javascript:", "{:"):
        assert danger not in out, (evil, out)
    if evil.startswith("!["):
        assert "evil" not in out  # no image, so no request to another host


def test_renderer_escapes_unvalidated_markdown() -> None:
    # Bypass validation: hand the renderer a model whose body holds script, as a buggy caller might.
    result = load_handbook(
        REPO / "tests" / "fixtures" / "valid" / "minimal" / "policies", SCHEMAS, today=TODAY
    )
    hb = result.handbook
    flow = hb.policy_map["flow"]
    evil = type(flow)(
        **{**flow.__dict__, "body": "<script>alert(1)</script> [x](javascript:alert(1))"}
    )
    hb2 = type(hb)(
        hb.settings,
        hb.organisation,
        hb.glossary,
        tuple(evil if p.id == "flow" else p for p in hb.policies),
    )
    page = next(p for p in render_pages(hb2) if p.path == "workflow/flow.md")
    assert "<script>" not in page.content
    assert "&lt;script>" in page.content
    assert "javascript:" not in page.content
    assert Linker(hb2).markdown("[a](policy:missing)", "index.md") == "[a](#)"


HOSTILE = [
    "alias-bomb",
    "deep-nesting",
    "dash-chain",
    "file-too-large",
    "long-list",
    "long-string",
    "bidi-control",
]
MEMORY_LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space, as stated in the README
TIME_LIMIT = 60  # seconds of wall time, as stated in the README


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_input_is_refused_within_bounds(case: str, tmp_path: Path) -> None:
    make_handbook(tmp_path, case, schemas=True)
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--today", TODAY.isoformat()],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
    assert f"policies/{expected.split(': ')[0]}" in proc.stdout
    assert len(proc.stdout) < 20_000  # a bomb does not become a flood of output
