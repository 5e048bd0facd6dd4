"""The field reference: every field of every kind, read from the schemas so it cannot drift."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .codes import CATALOGUE, STAGES, Code
from .schemas import KINDS, SECTION_KINDS, SchemaSet, follow_refs

KIND_FILES = {
    "handbook": "policies/handbook.yaml",
    "roles": "policies/roles.yaml",
    "glossary": "policies/glossary.yaml",
    "client": "policies/clients/<客户id>/client.yaml",
    "overlay": "policies/clients/<客户id>/<政策id>.yaml",
}
# What a reference to a shared definition means to an editor.
REFERENCES = {
    "roleRef": "角色 id",
    "actorRef": "角色或外部相关方 id",
    "policyRef": "政策 id",
    "termRef": "术语 id",
    "kpiRef": "指标 id",
    "departmentRef": "部门 id",
    "slug": "标识(小写字母、数字、连字符)",
    "date": "日期 YYYY-MM-DD",
    "timeOfDay": "时刻 HH:MM",
    "duration": "时限,如 30m、2h;来源没有给出时写 待定",
    "amount": "数字;来源没有给出时写 待定",
    "version": "版本号,如 1.2.0",
    "url": "网址",
    "markdown": "Markdown 文本",
}
TYPES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "array": "列表",
    "object": "映射",
}


@dataclass(frozen=True)
class Field:
    """One field of one kind of file, as the reference page shows it."""

    path: str
    title: str
    description: str
    type: str
    required: bool
    example: str


def fields(schemas: SchemaSet, kind: str) -> list[Field]:
    """List every field of a kind, depth first, in schema order."""
    out: list[Field] = []
    slug = schemas.schemas["common"]["$defs"]["slug"]["pattern"]

    def walk(schema: dict, base: str, path: str, required: bool, notes: dict) -> None:
        schema, base, merged = _resolve(schemas, schema, base, notes)
        if path:
            out.append(
                Field(
                    path,
                    merged.get("title", ""),
                    merged.get("description", ""),
                    _type(schemas, schema, base, merged),
                    required,
                    _example(merged),
                )
            )
        props = schema.get("properties", {})
        needed = set(schema.get("required", []))
        for name, sub in props.items():
            walk(sub, base, f"{path}.{name}" if path else name, name in needed, {})
        for pattern, keyed in schema.get("patternProperties", {}).items():
            # a mapping by id (an overlay's KPIs) or by name (a KPI's channels)
            key = "<id>" if pattern == slug else "<名称>"
            walk(keyed, base, f"{path}.{key}", False, {})
        items = schema.get("items")
        if isinstance(items, dict) and _is_container(schemas, items, base):
            walk(
                items, base, f"{path}[]", False, {}
            )  # list items that are mappings get their own rows
        for branch in (*schema.get("oneOf", ()), *schema.get("anyOf", ())):
            # A value of several shapes ("18:00" or {weekday, time}): the object's fields too.
            shape, shape_base, _ = _resolve(schemas, branch, base, {})
            needed = set(shape.get("required", []))
            for name, sub in shape.get("properties", {}).items():
                walk(sub, shape_base, f"{path}.{name}", name in needed, {})

    walk(schemas.schemas[kind], f"{kind}.schema.json", "", True, {})
    return out


def _is_container(schemas: SchemaSet, schema: dict, base: str) -> bool:
    resolved, _, _ = _resolve(schemas, schema, base, {})
    return resolved.get("type") == "object"


def _resolve(schemas: SchemaSet, schema: dict, base: str, notes: dict) -> tuple[dict, str, dict]:
    schema, base, merged, names = follow_refs(schemas, schema, base, notes)
    named = next((name for name in names if name in REFERENCES), None)
    if named is not None:
        merged.setdefault("ref", named)
    return schema, base, merged


def _type(schemas: SchemaSet, schema: dict, base: str, merged: dict) -> str:
    if "enum" in schema:
        return "可选值:" + "、".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"固定为 `{schema['const']}`"
    if "anyOf" in schema:
        parts = [_type(schemas, *_resolve(schemas, s, base, {})) for s in schema["anyOf"]]
        return " 或 ".join(parts)
    if merged.get("ref") in REFERENCES:
        return REFERENCES[merged["ref"]]
    kind = schema.get("type", "")
    if kind == "array" and isinstance(schema.get("items"), dict):
        item, item_base, item_notes = _resolve(schemas, schema["items"], base, {})
        return f"列表,每项为{_type(schemas, item, item_base, item_notes)}"
    if isinstance(kind, list):  # a bound's min or max: a number or a duration
        return " 或 ".join(TYPES.get(k, k) for k in kind)
    return TYPES.get(kind, kind or "任意")


def _example(merged: dict) -> str:
    examples = merged.get("examples")
    if not examples:
        return ""
    value = examples[0]
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def all_fields(schemas: SchemaSet) -> list[tuple[str, list[Field]]]:
    """Every kind of file with its fields: the root files, then "policy".

    Every section kind's schema is policy.schema.json, so a policy's fields are listed once,
    not once per kind.
    """
    root = [kind for kind in KINDS if kind not in SECTION_KINDS]
    return [(kind, fields(schemas, kind)) for kind in root] + [
        ("policy", fields(schemas, SECTION_KINDS[0]))
    ]


def diagnostic_codes() -> list[tuple[str, list[Code]]]:
    """Every diagnostic code, grouped under the stage that finds it, in pipeline order."""
    return [(title, [c for c in CATALOGUE if c.stage == stage]) for stage, title in STAGES.items()]
