"""No crash on any input: every case ends in exit 1 with file:line:column and a code, no traceback.

The one-defect handbooks of tests/fixtures/invalid/ run in-process in test_validate.py (their exact
diagnostics and exit codes). Here the CLI runs as a user runs it, in a subprocess under the README's
limits, on what used to crash it: dates at the calendar's edge, ids ending in a newline, ids that
are the site's own addresses, and ~100 KB nesting chains generated at test time (they used to
overflow the C stack of PyYAML's composer: a segfault, exit -11).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL, REPO, SCHEMAS, TIME_LIMIT, TODAY, limit_memory, make_handbook
from conftest import validate_hostile as validate

from generator.loader import SAFE_DEPTH, read_document
from generator.model import Review, add_months
from generator.schemas import load_schemas
from generator.validate import schema_diagnostics

SIZE = 100_000  # bytes of each generated hostile file


def assert_refused(run: subprocess.CompletedProcess[str], *expected: str) -> None:
    """Exit 1, no traceback, and each expected "file:line:column: code" among the errors."""
    output = run.stdout + run.stderr
    assert run.returncode == 1, f"exit {run.returncode}:\n{output[-2000:]}"
    assert "Traceback" not in output and "内部错误" not in output
    errors = [line for line in run.stdout.splitlines() if ": error: " in line]
    shown = {f"{e.split(': error: ')[0]}: {e.rsplit('[', 1)[-1].rstrip(']')}" for e in errors}
    for want in expected:
        assert want in shown, f"{want} not in:\n" + "\n".join(sorted(shown))


# --- committed one-defect cases, run as a user runs them ----------------------------------------

FIXTURES = {
    "review-last-max": ["scope/svc.yaml:13:9: date-out-of-range"],
    "review-overflow": ["scope/svc.yaml:13:9: date-out-of-range"],
    "effective-year-zero": ["scope/svc.yaml:10:12: bad-date"],
    "id-trailing-newline": ["scope/svc.yaml:1:5: bad-format"],
    "former-id-trailing-newline": ["scope/svc.yaml:15:14: bad-format"],
    "reserved-section-id": ["handbook.yaml:26:9: reserved-id"],
    "reserved-policy-id": ["compliance/roles.yaml:1:5: reserved-id"],
    "reserved-role-id": ["roles.yaml:37:9: reserved-id"],
    "reserved-former-id": ["scope/svc.yaml:15:14: former-id-clash"],
    "control-character": ["workflow/flow.yaml:2:12: invisible-character"],
    "bad-number": ["data/kpis.yaml:25:13: bad-number"],
}


@pytest.mark.parametrize("case", sorted(FIXTURES))
def test_fixture_is_refused_with_a_position(case: str, tmp_path: Path) -> None:
    make_handbook(tmp_path, case, schemas=True)
    assert_refused(validate(tmp_path), *(f"policies/{e}" for e in FIXTURES[case]))


# --- generated cases: too big to commit, or variants of a committed one -------------------------


def _repeat(unit: str, head: str = "") -> str:
    return head + unit * ((SIZE - len(head)) // len(unit))


# (the file written over policies/workflow/flow.yaml, the error expected in it)
DEEP: dict[str, tuple[str, str]] = {
    # The 42nd "? " opens the 41st level below the top-level mapping: column 83.
    "question-chain": (_repeat("? "), "1:83"),
    "dash-question-chain": (_repeat("- ? "), "1:83"),
    "dash-chain": (_repeat("- ", "id: flow\nx:\n"), "3:81"),
    # A quote inside a plain scalar is text: the old pre-scan took it for the start of a quoted
    # string and skipped the brackets on the following lines.
    "double-quote-then-brackets": (_repeat("[", 'id: flow\nx: a "b\ny: '), "3:44"),
    "single-quote-then-brackets": (_repeat("[", "id: flow\nx: it 's\ny: "), "3:44"),
    "quote-in-flow-then-brackets": (_repeat("[", 'id: flow\nx: [a "b, '), "2:50"),
    # Each "[? " opens a sequence and a one-pair mapping.
    "question-in-flow": (_repeat("[? ", "id: flow\nx: "), "2:64"),
    # Ten "- ? " open 20 block levels, then brackets and braces the rest.
    "mixed": (_repeat("[{", "id: flow\nx:\n" + "  - ? " * 10), "3:81"),
    # A lone CR ends a line for YAML but not for Python's `^`.
    "brackets-after-lone-cr": (_repeat("[", "id: flow\rx: "), "2:44"),
}


@pytest.mark.parametrize("case", sorted(DEEP))
def test_deep_nesting_is_refused_without_crashing(case: str, tmp_path: Path) -> None:
    policies = make_handbook(tmp_path, schemas=True)
    text, where = DEEP[case]
    assert SIZE - 100 < len(text.encode()) <= SIZE
    (policies / "workflow" / "flow.yaml").write_text(text, encoding="utf-8", newline="")
    assert_refused(validate(tmp_path), f"policies/workflow/flow.yaml:{where}: too-deep")


def _policy_named(name: str) -> Callable[[Path], None]:
    def write(policies: Path) -> None:
        ads = policies / "compliance" / "ads.yaml"
        text = ads.read_text(encoding="utf-8").replace("id: ads\n", f"id: {name}\n", 1)
        ads.unlink()
        (policies / "compliance" / f"{name}.yaml").write_text(text, encoding="utf-8")

    return write


def _role_id(value: str) -> Callable[[Path], None]:
    def write(policies: Path) -> None:
        roles = policies / "roles.yaml"
        text = roles.read_text(encoding="utf-8").replace("  - id: operator\n", f"  - id: {value}\n")
        roles.write_text(text, encoding="utf-8")

    return write


def _huge_number(policies: Path) -> None:
    kpis = policies / "data" / "kpis.yaml"
    text = kpis.read_text(encoding="utf-8").replace("target: 100\n", f"target: 1{'0' * 5000}\n", 1)
    kpis.write_text(text, encoding="utf-8")


def _body(markdown_text: str) -> Callable[[Path], None]:
    def write(policies: Path) -> None:
        flow = policies / "workflow" / "flow.yaml"
        text = flow.read_text(encoding="utf-8")
        start = text.index("body: |\n")
        end = text.index("\n", text.index("- 每天一次。", start))
        lines = "".join(f"  {line}\n" for line in markdown_text.splitlines())
        flow.write_text(text[:start] + "body: |\n" + lines + text[end + 1 :], encoding="utf-8")

    return write


# (what to change in the minimal handbook, the error expected)
VARIANTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "policy-id-search": (_policy_named("search"), "compliance/search.yaml:1:5: reserved-id"),
    "policy-id-index": (_policy_named("index"), "compliance/index.yaml:1:5: reserved-id"),
    "role-id-trailing-newline": (_role_id('"operator\\n"'), "roles.yaml:30:9: bad-format"),
    "number-of-5000-digits": (_huge_number, "data/kpis.yaml:25:13: bad-number"),
    # Python-Markdown rescans a block once per bracket: this body took 100 s and the build hung.
    "body-of-25000-open-links": (
        _body("[a](" * 24_999),
        "workflow/flow.yaml:25:3: markdown-too-complex",
    ),
    "body-of-deep-lists": (
        _body("".join("    " * i + "- a\n" for i in range(120))),
        "workflow/flow.yaml:25:3: markdown-too-deep",
    ),
}


@pytest.mark.parametrize("case", sorted(VARIANTS))
def test_variant_is_refused_with_a_position(case: str, tmp_path: Path) -> None:
    change, expected = VARIANTS[case]
    change(make_handbook(tmp_path, schemas=True))
    assert_refused(validate(tmp_path), f"policies/{expected}")


# --- the pieces behind them ---------------------------------------------------------------------


def test_the_composer_survives_the_depth_the_pre_scan_lets_through() -> None:
    """SAFE_DEPTH, the most a file passing the quick bound can nest, composes in a subprocess with
    room to spare (the C stack overflows at some 20,000 levels)."""
    assert hasattr(yaml, "CSafeLoader")  # the bound is about libyaml's composer
    depth = 4 * SAFE_DEPTH
    code = f"import yaml; yaml.compose('[' * {depth} + ']' * {depth}, Loader=yaml.CSafeLoader)"
    run = subprocess.run(
        [sys.executable, "-c", code], timeout=TIME_LIMIT, preexec_fn=limit_memory, check=False
    )
    assert run.returncode == 0


def test_dates_at_the_calendar_edge_do_not_raise_in_the_model() -> None:
    assert add_months(dt.date(9999, 11, 30), 1) == dt.date(9999, 12, 30)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    with pytest.raises(OverflowError):
        add_months(dt.date(9999, 12, 31), 1)
    assert Review("annual", dt.date(9999, 12, 31)).next == dt.date.max


TERM = {"id": "gmv", "term": "GMV", "definition": "成交额。"}


@pytest.mark.parametrize("key", ["id", "term"])
def test_both_validators_refuse_a_trailing_newline(key: str) -> None:
    """Python's `$` matches before a final newline; ECMA-262's, and jsonschema-rs's, does not."""
    schemas = load_schemas(SCHEMAS)
    clean, dirty = {"terms": [TERM]}, {"terms": [{**TERM, key: TERM[key] + "\n"}]}
    assert schemas.is_valid("glossary", clean)
    assert not schemas.is_valid("glossary", dirty)
    [error] = schemas.validator("glossary").iter_errors(dirty)
    assert error.validator == "pattern" and list(error.absolute_path) == ["terms", 0, key]


@pytest.mark.parametrize(
    "day,ok", [("0001-01-01", True), ("9999-12-31", True), ("0000-03-01", False)]
)
def test_both_validators_agree_on_the_calendar_range(day: str, ok: bool) -> None:
    schemas = load_schemas(SCHEMAS)
    doc, _ = read_document(MINIMAL / "scope" / "svc.yaml")
    data = {**doc.data, "effective": day}
    assert schemas.is_valid("scope", data) is ok
    assert (not list(schemas.validator("scope").iter_errors(data))) is ok


def test_a_disagreement_between_the_validators_fails_closed() -> None:
    """Should jsonschema ever find nothing where jsonschema-rs says no, the document still fails."""

    class Silent:
        def iter_errors(self, data: object) -> list:
            return []

    schemas = load_schemas(SCHEMAS)
    silent = dataclasses.replace(schemas, validators={**schemas.validators, "scope": Silent()})
    doc, _ = read_document(MINIMAL / "scope" / "svc.yaml")
    doc.data = {**doc.data, "id": "svc\n"}
    [found] = schema_diagnostics(doc, "scope", silent)
    assert (found.line, found.column, found.code) == (1, 5, "schema")
    assert found.message.startswith("id:")


def test_the_quick_bound_lets_every_example_file_through(monkeypatch) -> None:
    """The happy path stays one parse: no file of the example needs the event walk."""
    from generator import loader

    def walked(*args: object, **kwargs: object) -> None:
        raise AssertionError("the event walk ran")

    monkeypatch.setattr(loader.yaml, "parse", walked)
    for path in sorted((REPO / "policies").rglob("*.yaml")):
        doc, problems = read_document(path)
        assert doc.data is not None and problems == [], path


def test_every_name_the_site_gives_its_own_pages_is_reserved() -> None:
    """reserved.py stays the complete list: what render makes, outside the per-id pages, is in it."""
    from generator import load_handbook
    from generator.render import render_pages
    from generator.reserved import IN_FOLDER, SITE

    result = load_handbook(MINIMAL, SCHEMAS, today=TODAY)
    hb = result.handbook
    own = {
        "role": {r.id for r in hb.organisation.roles},
        "checklist": {c.id for c in hb.checklists},
        "policy": {p.id for p in hb.policies},
    }
    folders = {"roles": "role", "checklists": "checklist", **{s.id: "policy" for s in hb.sections}}
    for page in render_pages(hb, "staff", result.schemas, print_page=True):
        top, _, rest = page.path.partition("/")
        name = top.split(".")[0]  # glossary.md, feed.xml
        if top in folders and rest and "/" not in rest:  # a page inside a per-id folder
            namespace = folders[top]
            stem = rest.split(".")[0]
            assert stem in own[namespace] or stem in IN_FOLDER[namespace], page.path
        elif top not in folders:
            assert name in SITE, page.path
