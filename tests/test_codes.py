"""The catalogue of diagnostic codes is complete: every code reported is in it, every code in it
is reported, each rule reports only the codes it registered, and examples or fixtures prove them."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
import yaml
from conftest import INVALID, REPO, SCHEMAS, TODAY

from generator import load_handbook, prose, rules
from generator.codes import CATALOGUE, CODES, STAGES
from generator.errors import Severity
from generator.loader import document_from_bytes
from generator.render import render_pages
from generator.rules.refs import DANGLING
from generator.rules.values import PART_CODES

GENERATOR = REPO / "generator"
CODE = re.compile(r"[a-z]+(-[a-z0-9]+)*")
# Every way a module makes a diagnostic: the callee's name -> the position of its code argument.
REPORTERS = {
    "Diagnostic": 4,  # errors.Diagnostic(file, line, column, severity, code, message)
    "_diag": 3,  # loader: (path, line, column, code, message)
    "Finding": 1,  # prose: (offset, code, message)
    "report": 2,  # rules.Context.report(doc, path, code, message)
    "report_in_text": 3,  # rules.Context.report_in_text(doc, path, offset, code, message)
    "error": 1,  # loader._Builder.error(node, code, message), pipeline.Pipeline.error(path, ...)
    "at": 1,  # validate: at(path, code, message)
    "flag": 1,  # overlay.Applier.flag(path, code, message): at a path of the overlay file
}


def _tuple_codes(tree: ast.AST, size: int, position: int) -> set[str]:
    """Codes written as an element of a tuple: `(code, message)`, `(path, code, message)`."""
    return {
        node.elts[position].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Tuple)
        and len(node.elts) == size
        and isinstance(node.elts[position], ast.Constant)
        and isinstance(node.elts[position].value, str)
        and CODE.fullmatch(node.elts[position].value)
    }


def _returned_codes(tree: ast.AST, function: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function:
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    found |= {
                        c.value
                        for c in ast.walk(ret.value)
                        if isinstance(c, ast.Constant) and isinstance(c.value, str)
                    }
    return found


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _parts_codes() -> set[str]:
    """Codes a part's own check yields as (path, code, message)."""
    found: set[str] = set()
    for path in (GENERATOR / "parts").glob("*.py"):
        tree = _parse(path)
        for node in ast.walk(tree):
            value = node.value if isinstance(node, ast.Yield) else None
            if isinstance(value, ast.Tuple) and len(value.elts) == 3:
                code = value.elts[1]
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    found.add(code.value)
    return found


# The code arguments that are not a literal, and where the codes they carry come from.
INDIRECT = {
    "problem[0]": lambda: _tuple_codes(_parse(GENERATOR / "paths.py"), 2, 0),  # paths' problems
    "finding.code": lambda: set(),  # prose's Finding(...) calls, scanned as reporters
    "code": lambda: _parts_codes(),  # rules.values.part_checks: what Part.check yields
    "dangling(ref.kind)": lambda: set(DANGLING),
    "_type_code(value)": lambda: _returned_codes(_parse(GENERATOR / "validate.py"), "_type_code"),
}


class _Calls(ast.NodeVisitor):
    """Each reporter call's code argument, with the function it is written in."""

    def __init__(self) -> None:
        self.stack: list[ast.FunctionDef] = []
        self.found: list[tuple[ast.expr, ast.FunctionDef | None]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") not in ("self", "ctx"):
            callee = ""  # log.error(...), parser.error(...): not one of ours
        position = REPORTERS.get(callee)
        # self.error(shown, *problem) passes a (code, message) pair from paths.py (INDIRECT);
        # log.error(text) or parser.error(text) make no diagnostic.
        starred = any(isinstance(a, ast.Starred) for a in node.args)
        if position is not None and not starred and len(node.args) > position:
            self.found.append((node.args[position], self.stack[-1] if self.stack else None))
        self.generic_visit(node)


def _code_arguments(tree: ast.AST) -> list[tuple[ast.expr, ast.FunctionDef | None]]:
    calls = _Calls()
    calls.visit(tree)
    return calls.found


def reported_codes() -> dict[str, set[str]]:
    """Every code the generator can report, per module (path relative to generator/)."""
    found: dict[str, set[str]] = {}
    unknown = []
    for path in sorted(GENERATOR.rglob("*.py")):
        if path.name == "codes.py":
            continue
        codes: set[str] = set()
        for argument, function in _code_arguments(_parse(path)):
            text = ast.unparse(argument)
            forwarding = (
                function is not None
                and function.name in REPORTERS
                and text in {a.arg for a in function.args.args}
            )
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                codes.add(argument.value)
            elif forwarding:
                pass  # a reporter handing its own code argument on (_diag, Context.report)
            elif text in INDIRECT:
                codes |= INDIRECT[text]()
            else:
                unknown.append(f"{path.relative_to(REPO)}:{argument.lineno}: {text}")
        found[path.relative_to(GENERATOR).as_posix()] = codes
    assert not unknown, (
        "a code passed in a way this test cannot follow; pass a literal, or teach INDIRECT:\n"
        + "\n".join(unknown)
    )
    return found


def test_every_reported_code_is_catalogued_and_every_catalogued_code_is_reported() -> None:
    found = set().union(*reported_codes().values())
    assert not found - set(CODES), f"reported but not in generator/codes.py: {found - set(CODES)}"
    assert not set(CODES) - found, f"catalogued but reported nowhere: {set(CODES) - found}"


def test_the_catalogue_is_well_formed() -> None:
    assert len(CODES) == len(CATALOGUE), "a code is catalogued twice"
    for code in CATALOGUE:
        assert CODE.fullmatch(code.code), code.code
        assert code.stage in STAGES, code
        assert code.meaning and code.example and code.fix, code.code
        assert "\n" not in code.meaning, code.code
        assert re.search(r"[\u4e00-\u9fff]", code.meaning + code.fix), code.code


def test_each_rule_reports_only_the_codes_it_registered() -> None:
    for registered in rules.RULES:
        assert registered.codes, registered.name
        assert set(registered.codes) <= set(CODES), registered
        tree = ast.parse(inspect.getsource(registered.check).lstrip())
        literal = {
            ast.unparse(arg).strip("'\"")
            for arg, _ in _code_arguments(tree)
            if isinstance(arg, ast.Constant)
        }
        assert literal <= set(registered.codes), (registered.name, literal - set(registered.codes))
    per_module = reported_codes()
    for family in rules.FAMILIES:
        name = family.__name__.removeprefix("generator.").replace(".", "/") + ".py"
        registered = {
            c for r in rules.RULES if r.check.__module__ == family.__name__ for c in r.codes
        }
        assert per_module[name] <= registered, (name, per_module[name] - registered)
    assert set(PART_CODES) == _parts_codes()


def test_only_rules_report_warnings() -> None:
    # Files, YAML, schema and Markdown problems always fail; only a rule (or a look at the
    # repository's other files, such as CODEOWNERS) may merely warn.
    assert all(
        c.severity is Severity.ERROR for c in CATALOGUE if c.stage not in ("rule", "repository")
    )


EXPECTED = {
    case.name: (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    for case in INVALID.iterdir()
    if case.is_dir()
}


def test_fixtures_report_each_code_with_its_catalogued_severity() -> None:
    for case, lines in EXPECTED.items():
        for line in lines:
            severity, code = line.rsplit(": ", 2)[-2:]
            assert code in CODES, f"{case}: {code}"
            assert severity == CODES[code].severity, f"{case}: {line}"


# Examples that describe their input rather than spell it (too big or too rare to write).
ILLUSTRATIVE = {
    "too-deep",
    "too-many-values",
    "markdown-too-complex",
    "markdown-too-deep",
    "markdown-error",
    "html-rewritten",
}
# Codes no invalid fixture can hold (the fixtures are copied files), proven elsewhere.
ELSEWHERE = {
    "outside-repository": "a symbolic link: tests/test_paths.py",
    "not-a-file": "a FIFO or a symlink loop: tests/test_paths.py runs the CLI on FIFOs",
    "symlink-in-docs": "docs/, not policies/: tests/test_paths.py",
    "unreadable-file": "file permissions: tests/test_loader.py",
    "schema": "only when the two validators disagree: tests/test_crash.py",
    "html-rewritten": "only when the sanitiser and the explanation disagree: tests/test_prose.py",
    "markdown-error": "only when Python-Markdown itself fails (no known input)",
    "markdown-too-complex": "a field of tens of thousands of brackets: tests/test_prose.py",
    "markdown-too-deep": "a field nested past 40 levels: tests/test_prose.py",
    "codeowners-stale": ".github/CODEOWNERS, outside policies/: tests/test_gitflow.py",
}


def _spelled(example: str) -> str:
    return re.sub(r"<U\+([0-9A-F]{4})>", lambda m: chr(int(m.group(1), 16)), example)


@pytest.mark.parametrize(
    "code",
    [c for c in CATALOGUE if c.stage == "yaml" and c.code not in ILLUSTRATIVE],
    ids=lambda c: c.code,
)
def test_a_yaml_example_reports_its_code(code) -> None:
    _, found = document_from_bytes(_spelled(code.example).encode(), Path("example.yaml"))
    assert code.code in {d.code for d in found}, found


@pytest.mark.parametrize(
    "code",
    [c for c in CATALOGUE if c.stage == "markdown" and c.code not in ILLUSTRATIVE],
    ids=lambda c: c.code,
)
def test_a_markdown_example_reports_its_code(code) -> None:
    fields = yaml.safe_load(code.example)
    found = {f.code for text in fields.values() for f in prose.render(text).findings}
    assert code.code in found, found


def test_every_code_is_proven_by_a_fixture_an_example_or_another_test() -> None:
    in_fixtures = {line.rsplit(": ", 1)[-1] for lines in EXPECTED.values() for line in lines}
    examples = {c.code for c in CATALOGUE if c.stage in ("yaml", "markdown")} - ILLUSTRATIVE
    unproven = set(CODES) - in_fixtures - examples - set(ELSEWHERE)
    assert not unproven, f"add a case under tests/fixtures/invalid/ for: {sorted(unproven)}"
    # A rule's codes are proven by the invalid corpus, each one.
    rule_codes = {c.code for c in CATALOGUE if c.stage == "rule"}
    assert rule_codes <= in_fixtures, sorted(rule_codes - in_fixtures)


def test_the_field_reference_lists_every_code(handbook_dir: Path) -> None:
    result = load_handbook(handbook_dir, SCHEMAS, today=TODAY)
    page = next(
        p for p in render_pages(result.handbook, schemas=result.schemas) if p.path == "reference.md"
    )
    section = str(page.content)[str(page.content).index("## 诊断代码") :]
    for code in CATALOGUE:
        assert f"| `{code.code}` |" in section, code.code
