"""What a change touches: the files changed since a git ref, and every file that depends on them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import gitrepo
from .clauses import cited
from .errors import Diagnostic
from .loader import Document, parse_document
from .model import Ref
from .pipeline import Result
from .rules import POLICY_PARTS

# A reference of this kind points at ids of these namespaces.
TARGETS = {
    "policy": ("policy",),
    "kpi": ("kpi",),
    "severity": ("severity",),
    "serves": ("procedure", "playbook", "kpi"),
    "clause": ("policy",),
}
ROOT_NAMES = ("handbook.yaml", "roles.yaml", "glossary.yaml")


@dataclass(frozen=True)
class Scope:
    """The files a change asks to check: the changed ones and those that depend on them."""

    changed: frozenset[Path]
    dependents: frozenset[Path]
    everything: bool  # a root file or a schema changed: every file depends on it

    def covers(self, path: Path) -> bool:
        return self.everything or Path(path).resolve() in self.changed | self.dependents

    def reports(self, diagnostic: Diagnostic) -> bool:
        """Whether --changed shows a diagnostic: one in a file it covers, a repeated id only in
        a changed file (the rule reports each definition, naming the other; the change is to
        blame, not a file that merely cites the id)."""
        if diagnostic.code == "duplicate-id" and not self.everything:
            return Path(diagnostic.file).resolve() in self.changed
        return self.covers(diagnostic.file)


def ids_defined(data: Any) -> set[tuple[str, str]]:
    """The (namespace, id) pairs a policy file defines: its own id and its parts' ids."""
    found: set[tuple[str, str]] = set()
    if not isinstance(data, dict):
        return found
    if isinstance(data.get("id"), str):
        found.add(("policy", data["id"]))
    for namespace, key in POLICY_PARTS.items():
        for part in data.get(key) or []:
            if isinstance(part, dict) and isinstance(part.get("id"), str):
                found.add((namespace, part["id"]))
    return found


def scope_of_change(result: Result, policies: Path, base: str) -> Scope:
    """Find what changed under `policies` (and schemas/) since `base`, and what depends on it."""
    policies = policies.resolve()
    root = gitrepo.toplevel(policies)
    base = gitrepo.commit(root, base)  # a hash from here on: never read as an option
    folder = policies.relative_to(root).as_posix()
    present, deleted = gitrepo.changed_since(root, base, folder)
    schemas_changed, schemas_deleted = gitrepo.changed_since(
        root, base, (policies.parent / "schemas").relative_to(root).as_posix()
    )
    changed = {(root / p).resolve() for p in present}
    everything = bool(schemas_changed or schemas_deleted) or any(
        Path(p).name in ROOT_NAMES and Path(p).parent.as_posix() == folder
        for p in present | deleted
    )
    touched: set[tuple[str, str]] = set()
    for doc in result.documents:
        if Path(doc.path).resolve() in changed:
            touched |= ids_defined(doc.data)
    for path in present | deleted:  # ids the file defined before: removing one breaks its users
        before = gitrepo.show(root, base, path)
        if before is not None:  # parsed with the same limits as any file: history is input too
            old, _ = parse_document(Document(Path(path), before))
            touched |= ids_defined(old.data)
    dependents = {
        Path(ref.doc.path).resolve()
        for ref in result.refs
        if any((ns, _target_id(ref)) in touched for ns in TARGETS.get(ref.kind, ()))
    }
    return Scope(frozenset(changed), frozenset(dependents - changed), everything)


def _target_id(ref: Ref) -> str:
    """The id a reference points at: "check/2" at check, "flow#3.2" at flow ("3.2": its own)."""
    if ref.kind == "clause":
        return cited(ref.target, "").policy
    return ref.target.partition("/")[0]


def describe(scope: Scope, files: Iterable[Path]) -> str:
    """One line saying what --changed checked."""
    if scope.everything:
        return "手册设置、角色、术语或 schema 有改动:检查了全部文件。"
    count = sum(1 for f in files if scope.covers(f))
    return f"检查了 {len(scope.changed)} 个改动的文件和 {len(scope.dependents)} 个引用它们的文件(共 {count} 个)。"
