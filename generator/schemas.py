"""schemas/*.schema.json -> one compiled validator per document kind, built once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import SetupError

SECTION_KINDS = ("scope", "workflow", "communication", "data", "crisis", "compliance")
ROOT_FILES = {"handbook.yaml": "handbook", "roles.yaml": "roles", "glossary.yaml": "glossary"}
KINDS = (*ROOT_FILES.values(), *SECTION_KINDS)


@dataclass(frozen=True, eq=False)
class SchemaSet:
    """The handbook's schemas, each compiled into a validator with format checking on."""

    directory: Path
    schemas: dict[str, dict[str, Any]]
    validators: dict[str, Draft202012Validator]
    registry: Registry
    fast: dict[str, Any]  # compiled jsonschema-rs validators: the quick yes/no of the happy path

    def validator(self, kind: str) -> Draft202012Validator:
        """Return the validator for a document kind (a section kind or handbook/roles/glossary)."""
        return self.validators[kind]

    def is_valid(self, kind: str, data: Any) -> bool:
        """Say quickly whether data is valid (jsonschema-rs, about 100 times faster than jsonschema)."""
        return bool(self.fast[kind].is_valid(data))


def load_schemas(directory: Path) -> SchemaSet:
    """Read and compile every schema in `directory`; raise SetupError if one is missing or bad."""
    directory = directory.resolve()
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.schema.json")))
    return _load(directory, stamp)


@lru_cache(maxsize=4)
def _load(directory: Path, stamp: tuple[tuple[str, int], ...]) -> SchemaSet:
    if not directory.is_dir():
        raise SetupError(f"找不到 schema 文件夹 {directory}")
    schemas: dict[str, dict[str, Any]] = {}
    for name in ("common", *KINDS):
        path = directory / f"{name}.schema.json"
        try:
            schemas[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SetupError(f"缺少 schema 文件 {path}") from None
        except (OSError, ValueError) as exc:
            raise SetupError(f"无法读取 schema 文件 {path}:{exc}") from None
    registry = Registry().with_resources(
        (f"{name}.schema.json", Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in schemas.items()
    )
    validators = {}
    for kind in KINDS:
        # jsonschema-rs checks a schema against the meta-schema in a few milliseconds;
        # jsonschema's own check (half a second for all nine) runs only to explain a failure.
        if not jsonschema_rs.meta.is_valid(schemas[kind]):
            try:
                Draft202012Validator.check_schema(schemas[kind])
            except SchemaError as exc:
                raise SetupError(f"schema {kind}.schema.json 本身无效:{exc.message}") from None
        validators[kind] = Draft202012Validator(
            schemas[kind],
            registry=registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
    compiled = jsonschema_rs.Registry(
        [(f"{name}.schema.json", schema) for name, schema in schemas.items()]
    )
    fast = {}
    for kind in KINDS:
        try:
            fast[kind] = jsonschema_rs.Draft202012Validator(
                schemas[kind],
                registry=compiled,
                validate_formats=True,
                base_uri=f"{kind}.schema.json",
            )
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            raise SetupError(f"schema {kind}.schema.json 无法编译:{exc}") from None
    return SchemaSet(directory, schemas, validators, registry, fast)


def follow_refs(
    schema_set: SchemaSet, schema: dict[str, Any], base: str, notes: dict[str, Any]
) -> tuple[dict[str, Any], str, dict[str, Any], list[str]]:
    """Follow a $ref chain to the schema it ends at.

    Returns that schema, the file it is in, the title, description and examples met on the way
    (those next to a $ref win over the target's own; `notes` win over all), and the names of the
    definitions passed through, in order.
    """
    merged = dict(notes)
    names: list[str] = []
    while True:
        for key in ("title", "description", "examples"):
            if key in schema and key not in merged:
                merged[key] = schema[key]
        ref = schema.get("$ref")
        if not ref:
            return schema, base, merged, names
        target, _, pointer = ref.partition("#")
        base = target or base
        names.append(pointer.rsplit("/", 1)[-1])
        node: Any = schema_set.schemas[base.removesuffix(".schema.json")]
        for part in filter(None, pointer.split("/")):
            node = node[part]
        schema = node
