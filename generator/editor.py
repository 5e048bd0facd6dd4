"""Editor schemas that know the handbook's ids, so the editor completes and checks references.

The shipped schemas say only that `owner` is an id; which ids exist is in the handbook. For each
document kind this module writes `build/editor-schemas/<kind>.ids.schema.json`: the same shape
as the kind's schema, reduced to the places that reference a role, outside party, policy, term,
KPI or department, each an `enum` of the ids in the handbook with their names as descriptions.
The committed `schemas/editor/<kind>.schema.json` joins it to the kind's own schema (`allOf`),
and every policy's first line and `.vscode/settings.json` point the editor there. The validator
never reads these files: it checks references itself, with better messages.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .model import Handbook
from .paths import UnsafePath, inside
from .schemas import KINDS, SchemaSet, follow_refs

FOLDER = Path("build") / "editor-schemas"  # under the repository, beside the policies folder
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The reference definitions of common.schema.json, and the id namespace each names.
NAMESPACES = {
    "roleRef": "role",
    "actorRef": "actor",
    "policyRef": "policy",
    "termRef": "term",
    "kpiRef": "kpi",
    "departmentRef": "department",
}


def id_lists(handbook: Handbook) -> dict[str, list[tuple[str, str]]]:
    """Each referenceable kind of id ($defs name in common.schema.json): (id, name) pairs."""
    roles = [(r.id, r.name) for r in handbook.organisation.roles]
    parties = [(p.id, f"{p.name}(外部)") for p in handbook.parties.values()]
    return {
        "roleRef": roles,
        "actorRef": roles + parties,
        "policyRef": [(p.id, p.title) for p in handbook.policies],
        "termRef": [(t.id, t.term) for t in handbook.glossary.terms],
        "kpiRef": [(k.id, k.name) for k in handbook.kpis],
        "departmentRef": [(d.id, d.name) for d in handbook.organisation.departments],
    }


def id_schema(schemas: SchemaSet, kind: str, ids: dict[str, list[tuple[str, str]]]) -> dict:
    """The kind's schema reduced to its id references, each an enum of the handbook's ids."""
    lists = {name: _enum(pairs) for name, pairs in ids.items() if pairs}
    found = _reduce(schemas, schemas.schemas[kind], f"{kind}.schema.json", lists, ())
    used = sorted(set(_refs(found)))
    return {
        "$schema": DRAFT,
        "title": f"{kind} 的 id 清单(由 handbook 生成,勿手改)",
        **(found or {}),
        **({"$defs": {name: lists[name] for name in used}} if used else {}),
    }


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        return [ref.rsplit("/", 1)[-1]] if ref else [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _reduce(
    schemas: SchemaSet, schema: Any, base: str, ids: dict, seen: tuple
) -> dict[str, Any] | None:
    """The parts of `schema` that lead to a reference of a kind in `ids` (None: no such part).

    Kinds with no ids defined yet are absent from `ids`: their fields keep the shipped rules only.
    """
    if not isinstance(schema, dict):
        return None
    schema, base, _, names = follow_refs(schemas, schema, base, {})
    named = next((name for name in reversed(names) if name in ids), None)
    if named is not None:  # a reference: the handbook's ids of that kind
        return {"$ref": f"#/$defs/{named}"}
    key = (base, id(schema))
    if key in seen:  # a schema that contains itself: once is enough
        return None
    seen = (*seen, key)
    out: dict[str, Any] = {}
    properties = {
        name: reduced
        for name, sub in schema.get("properties", {}).items()
        if (reduced := _reduce(schemas, sub, base, ids, seen)) is not None
    }
    if properties:
        out["properties"] = properties
    items = _reduce(schemas, schema.get("items"), base, ids, seen)
    if items is not None:
        out["items"] = items
    for combinator in ("anyOf", "oneOf"):
        branches = schema.get(combinator, ())
        reduced = [_reduce(schemas, b, base, ids, seen) for b in branches]
        if any(r is not None for r in reduced):
            # A branch without references keeps only what tells it apart (client, a const).
            out["anyOf"] = [
                r if r is not None else _leaf(schemas, b, base)
                for b, r in zip(branches, reduced, strict=True)
            ]
    return out or None


def _leaf(schemas: SchemaSet, branch: Any, base: str) -> dict[str, Any]:
    resolved = follow_refs(schemas, branch, base, {})[0] if isinstance(branch, dict) else {}
    return {k: resolved[k] for k in ("const", "enum") if k in resolved}


def _enum(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "enum": [ident for ident, _ in pairs],
        # Plain text: a name is shown as written, never rendered as Markdown (a link, an image).
        "enumDescriptions": [name for _, name in pairs],
    }


def write(handbook: Handbook, schemas: SchemaSet, repo: Path) -> list[Path]:
    """Write one id schema per document kind under `repo`/build/editor-schemas; return them.

    `repo` is the folder that holds policies/, as named (never where a link lands).
    Only files this module names are written, each whole (a temporary file renamed over the old
    one), and only inside the repository: a `build` that is a symlink leaving it is refused.
    """
    repo = Path(repo).resolve()
    folder = repo / FOLDER
    for check in ("before", "after"):  # links followed: before creating it, and once it exists
        if not inside(folder, repo):
            raise UnsafePath(f"{FOLDER} 指向仓库之外,不会写入:请删除这个链接。")
        if check == "before":
            folder.mkdir(parents=True, exist_ok=True)
    ids = id_lists(handbook)
    written = []
    for kind in KINDS:
        text = json.dumps(id_schema(schemas, kind, ids), ensure_ascii=False, indent=2) + "\n"
        written.append(_replace(folder / f"{kind}.ids.schema.json", text))
    return written


def _replace(path: Path, text: str) -> Path:
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UnsafePath(f"{path} 不是普通文件,不会覆盖它。")
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return path  # unchanged: an editor watching it need not reload
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)
    return path


def wrapper(kind: str) -> dict[str, Any]:
    """What schemas/editor/<kind>.schema.json holds: the kind's schema and its id schema."""
    return {
        "$schema": DRAFT,
        "title": f"{kind}:编辑器用的 schema(字段规则 + 手册中实际存在的 id)",
        "description": "由 schemas/editor 指向;id 清单由 make validate 或 handbook validate "
        "--write-editor-schemas 生成到 build/editor-schemas/。",
        "allOf": [
            {"$ref": f"../{kind}.schema.json"},
            {"$ref": f"../../{FOLDER.as_posix()}/{kind}.ids.schema.json"},
        ],
    }


def modeline(kind: str, depth: int) -> str:
    """The first line of a document of `kind`, `depth` folders below the repository."""
    return f"# yaml-language-server: $schema={'../' * depth}schemas/editor/{kind}.schema.json"
