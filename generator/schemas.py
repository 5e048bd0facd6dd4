"""schemas/*.schema.json -> one compiled validator per document kind, built once."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import SchemaError, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import SetupError
from .parts import KIND_PARTS, PARTS

SECTION_KINDS = tuple(KIND_PARTS)
ROOT_FILES = {"handbook.yaml": "handbook", "roles.yaml": "roles", "glossary.yaml": "glossary"}
# A client's folder (policies/clients/<id>/): its profile, and overlays of base policies.
CLIENT_KINDS = ("client", "overlay")
KINDS = (*ROOT_FILES.values(), *SECTION_KINDS, *CLIENT_KINDS)
# Every file of the set: shared definitions, the policy, one per part, one per document kind.
FILES = (
    "common",
    "policy",
    *(part.schema_file.removesuffix(".schema.json") for part in PARTS),
    *KINDS,
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_date(value: object) -> bool:
    """Tell whether a string is a real day YYYY-MM-DD from 0001-01-01 to 9999-12-31."""
    if not isinstance(value, str):
        return True  # `format` says nothing about other types
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)  # the model reads dates with it: what it refuses is invalid
    except ValueError:
        return False
    return True


# Both validators check `format: date` with is_date: jsonschema-rs alone would accept year 0000.
_FORMATS = FormatChecker(())
_FORMATS.checkers = {**Draft202012Validator.FORMAT_CHECKER.checkers, "date": (is_date, ())}
_DOLLAR = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|\$")  # an escape, a character class, or $


@cache
def _ecma(pattern: str) -> re.Pattern[str]:
    """Compile a schema pattern with `$` as the end of the text, as ECMA-262 and jsonschema-rs read it."""
    # Python's `$` also matches before a final newline: "abc\\n" would pass as an id.
    return re.compile(_DOLLAR.sub(lambda m: r"\Z" if m.group() == "$" else m.group(), pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """The `pattern` keyword of jsonschema, with ECMA-262's `$`."""
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})


@dataclass(frozen=True, eq=False)
class SchemaSet:
    """The handbook's schemas, each compiled into a validator with format checking on."""

    directory: Path
    schemas: dict[str, dict[str, Any]]
    validators: dict[str, Any]  # jsonschema validators: Draft 2020-12 with ECMA-262 patterns
    registry: Registry
    fast: dict[str, Any]  # compiled jsonschema-rs validators: the quick yes/no of the happy path

    def validator(self, kind: str) -> Any:
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
    for name in FILES:
        path = directory / f"{name}.schema.json"
        # A schema is read only if it is a regular file of this folder: a link could read any
        # file, and opening a FIFO would block.
        real = path.resolve()
        if path.exists() and (not real.is_relative_to(directory) or not real.is_file()):
            raise SetupError(
                f"schema 文件 {path} 不是这个文件夹中的普通文件(符号链接或特殊文件),不会被读取。"
            )
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
        validators[kind] = _Validator(schemas[kind], registry=registry, format_checker=_FORMATS)
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
                formats={"date": is_date},
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
