"""The schemas themselves: valid draft 2020-12, documented for editors, closed to unknown keys."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, SCHEMAS
from jsonschema import Draft202012Validator

from generator.loader import read_document
from generator.parts import PARTS
from generator.schemas import KINDS, ROOT_FILES, SECTION_KINDS, load_schemas
from generator.validate import field_index

FILES = sorted(SCHEMAS.glob("*.schema.json"))
COMMON_POLICY_FIELDS = {
    "id",
    "title",
    "summary",
    "owner",
    "approver",
    "audience",
    "status",
    "version",
    "effective",
    "review",
    "tags",
    "related",
    "references",
    "changelog",
    "body",
    "checklists",
}


def objects(node: Any, path: str = "#") -> list[tuple[str, dict]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append((path, node))
        for key, value in node.items():
            found += objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += objects(value, f"{path}/{i}")
    return found


# Files only ever reached through a $ref from a document's schema.
REFERENCED = {"common.schema.json", "policy.schema.json", *(part.schema_file for part in PARTS)}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    if path.name in REFERENCED - {"common.schema.json"}:
        # A resource that names its own $schema is validated by jsonschema with that dialect's
        # stock class, not ours (whose `pattern` reads `$` as ECMA-262 does): "a\n" would pass.
        assert "$schema" not in schema, path.name
    else:
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_object_is_closed(path: Path) -> None:
    for where, obj in objects(json.loads(path.read_text(encoding="utf-8"))):
        assert obj.get("additionalProperties") is False, f"{path.name} {where}"


def walk(node: Any) -> list[dict]:
    found = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += walk(value)
    elif isinstance(node, list):
        for value in node:
            found += walk(value)
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_list_and_text_is_bounded(path: Path) -> None:
    for node in walk(json.loads(path.read_text(encoding="utf-8"))):
        if node.get("type") == "array":
            assert isinstance(node.get("maxItems"), int), node.get("title")
        if node.get("type") == "string" and not {"enum", "const"} & set(node):
            assert isinstance(node.get("maxLength"), int), node.get("title")


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_title_and_a_description(kind: str) -> None:
    index = field_index(load_schemas(SCHEMAS), kind)
    assert len(index) > 5
    for path, notes in index.items():
        if not path:
            continue
        assert notes.get("title"), f"{kind}: {'.'.join(path)} has no title"
        assert notes.get("description"), f"{kind}: {'.'.join(path)} has no description"


@pytest.mark.parametrize("kind", SECTION_KINDS)
def test_every_section_schema_is_the_policy_schema(kind: str) -> None:
    # Kinds are presets, not walls: a policy of any section may hold any part.
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert schema["$ref"] == "policy.schema.json" and "properties" not in schema
    policy = json.loads((SCHEMAS / "policy.schema.json").read_text(encoding="utf-8"))
    assert set(policy["properties"]) >= COMMON_POLICY_FIELDS | {part.key for part in PARTS}
    assert {"id", "title", "owner", "approver", "status", "version", "effective"} <= set(
        policy["required"]
    )


def test_schema_examples_are_valid_values() -> None:
    schemas = load_schemas(SCHEMAS)
    common = schemas.schemas["common"]["$defs"]
    for name, definition in common.items():
        for example in definition.get("examples", []):
            validator = Draft202012Validator(
                {"$ref": f"common.schema.json#/$defs/{name}"},
                registry=schemas.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
            assert list(validator.iter_errors(example)) == [], (name, example)


@pytest.mark.parametrize("kind", KINDS)
def test_the_field_reference_lists_every_property(kind: str) -> None:
    from generator.reference import fields

    schemas = load_schemas(SCHEMAS)
    listed = {f.path for f in fields(schemas, kind)}
    for path in field_index(schemas, kind):
        if path and path[-1] != "[]":
            dotted = ".".join(path).replace(".[]", "[]")
            assert dotted in listed, f"{kind}: {dotted} missing from the field reference"
    for f in fields(schemas, kind):
        assert f.title and f.description and f.type, f.path


def test_the_reference_page_is_in_the_staff_site() -> None:
    from conftest import MINIMAL, TODAY

    from generator import load_handbook
    from generator.render import render_pages

    result = load_handbook(MINIMAL, SCHEMAS, today=TODAY)
    pages = {p.path: p for p in render_pages(result.handbook, "staff", result.schemas)}
    page = pages["reference.md"].content
    assert "| `procedures[].steps[].who` | 角色或外部相关方 id | 是 |" in page
    assert "reference.md" not in {
        p.path for p in render_pages(result.handbook, "client", result.schemas)
    }


def _documents() -> list[tuple[str, Path, Any]]:
    """Every YAML document of the example handbook, the fixtures and the bad-input corpus, with its kind."""
    found = []
    for path in sorted([*(REPO / "policies").rglob("*.yaml"), *FIXTURES.rglob("*.yaml")]):
        kind = ROOT_FILES.get(path.name) or (
            path.parent.name if path.parent.name in SECTION_KINDS else None
        )
        if kind is None:
            continue
        doc, _ = read_document(path)
        if doc.data is not None:
            found.append((kind, path, doc.data))
    return found


def _mutations(data: Any) -> list[Any]:
    """Small defects of a valid document: each key dropped, each value given a wrong type or shape."""
    if not isinstance(data, dict):
        return []
    out = []
    for key, value in data.items():
        out.append({k: v for k, v in data.items() if k != key})
        for wrong in (None, 7, 1.5, True, "", "x" * 5000, [], {}, ["x"], {"x": 1}):
            if wrong != value:
                out.append({**data, key: wrong})
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in _mutations(value[0]):
                out.append({**data, key: [inner, *value[1:]]})
    out.append({**data, "unknown_key": 1})
    return out


def test_the_fast_validator_agrees_with_jsonschema_everywhere() -> None:
    """jsonschema-rs says yes/no on the happy path; jsonschema explains failures. They must agree:
    on every document of the corpus and on thousands of mutated copies (a seeded sample)."""
    schemas = load_schemas(SCHEMAS)
    documents = _documents()
    assert len(documents) >= 120
    checked = 0
    failing = []
    for kind, path, data in documents:
        mutations = _mutations(data)
        sample = random.Random(str(path)).sample(mutations, min(40, len(mutations)))
        for candidate in [data, *sample]:
            fast = schemas.is_valid(kind, candidate)
            slow = not any(True for _ in schemas.validator(kind).iter_errors(candidate))
            checked += 1
            if fast != slow:
                failing.append(f"{path.relative_to(REPO)} ({kind}): fast={fast} jsonschema={slow}")
    assert checked >= 5000
    assert not failing, "\n".join(failing[:20])


@pytest.mark.parametrize("broken", [{"type": 5}, {"type": "object", "minProperties": -1}])
def test_a_schema_that_breaks_the_meta_schema_is_refused_by_name(
    tmp_path: Path, broken: dict
) -> None:
    import shutil

    from generator.errors import SetupError

    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, folder)
    (folder / "crisis.schema.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(SetupError, match="crisis.schema.json 本身无效"):
        load_schemas(folder)
