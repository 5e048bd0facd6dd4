"""Safe output: the renderer behind validation, hostile input bounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import INVALID, REPO, SCHEMAS, TODAY, make_handbook, validate_hostile

from generator import load_handbook, prose
from generator.render import Linker, render_pages


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
    assert "<script" not in page.content and "alert" not in page.content
    assert "javascript" not in page.content
    missing = Linker(hb2).markdown("[a](policy:missing)", "index.md")
    assert prose.from_token(str(missing)) == '<p><a href="#">a</a></p>'
    exported = Linker(hb2).markdown("[a](policy:flow)", "index.md", fields="html")
    assert '<a href="workflow/flow.md">a</a>' in exported
    # The plain Markdown tree gets no plugin: its titles are escaped for the theme's tooltips.
    titled = Linker(hb2).markdown(
        '[a](https://a.cn "<img src=x onerror=alert(1)>")', "index.md", fields="html"
    )
    assert 'title="&amp;lt;img src=x onerror=alert(1)&amp;gt;"' in titled


HOSTILE = [
    "alias-bomb",
    "deep-nesting",
    "dash-chain",
    "file-too-large",
    "long-list",
    "long-string",
    "bidi-control",
]


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_input_is_refused_within_bounds(case: str, tmp_path: Path) -> None:
    make_handbook(tmp_path, case, schemas=True)
    proc = validate_hostile(tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
    assert f"policies/{expected.split(': ')[0]}" in proc.stdout
    assert len(proc.stdout) < 20_000  # a bomb does not become a flood of output
