"""What every rule is given: the reporting helper, the id index, today, and the built handbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import parts
from ..codes import severity
from ..errors import Diagnostic
from ..loader import Document
from ..model import Handbook, Policy, Ref
from ..names import fold
from ..schemas import SchemaSet

# Namespaces of ids that must be unique across the handbook, and the list keys that hold them.
POLICY_PARTS = {namespace: part.key for namespace, part in parts.BY_NAMESPACE.items()}
NOUNS = {
    "policy": "政策",
    "role": "角色",
    "party": "外部相关方",
    "actor": "角色或外部相关方",
    "term": "术语",
    "department": "部门",
    "group": "小组",
    **{namespace: part.noun for namespace, part in parts.BY_NAMESPACE.items()},
}


@dataclass
class Place:
    """Where an id was defined: which document and which path inside it."""

    doc: Document
    path: tuple[str | int, ...]


@dataclass(frozen=True)
class Named:
    """An id's name as written: 合规专员 is the name (名称) of role compliance-officer."""

    ident: str
    name: str
    what: str  # 名称, 标题, 别名 or 全称


@dataclass
class Index:
    """Every id defined in the handbook, per namespace; a namespace is None when unknowable."""

    ids: dict[str, dict[str, Place] | None] = field(default_factory=dict)
    groups_of: dict[str, set[str]] = field(default_factory=dict)  # department -> group ids
    folded: dict[str, dict[str, str]] = field(default_factory=dict)  # casefolded id -> id
    # namespace -> folded name (title, term, alias) -> what bears it: for a name written as an id
    names: dict[str, dict[str, list[Named]]] = field(default_factory=dict)

    def clash(self, namespace: str, ident: str) -> str | None:
        """The id already defined that `ident` repeats (also ignoring case), if any."""
        table = self.ids.get(namespace) or {}
        if ident in table:
            return ident
        return self.folded.get(namespace, {}).get(ident.casefold())

    def add(self, namespace: str, ident: str, place: Place) -> None:
        table = self.ids.setdefault(namespace, {})
        if table is not None:
            table[ident] = place
            self.folded.setdefault(namespace, {})[ident.casefold()] = ident

    def name(self, namespace: str, ident: str, name: object, what: str) -> None:
        """Record that `name` names `ident` (its title, term or alias), to recognise it later."""
        if isinstance(name, str) and fold(name):
            table = self.names.setdefault(namespace, {})
            named = table.get(fold(name), ())
            if all(n.ident != ident for n in named):
                # a new list, never an append: a client's index layers over the base's lists
                table[fold(name)] = [*named, Named(ident, name, what)]

    def named(self, namespace: str, text: str) -> list[Named]:
        """What in `namespace` is called `text` (ignoring case, width and spaces)."""
        return list(self.names.get(namespace, {}).get(fold(text), ()))


@dataclass(frozen=True)
class Built:
    """The whole handbook with the documents it was built from, for the whole-handbook rules."""

    handbook: Handbook
    docs: dict[str, Document]  # policy id -> its document
    roots: dict[str, Document]  # handbook, roles, glossary -> its document
    refs: list[Ref]  # every reference, Markdown links included
    # The policies whose content is checked: None, all of them; a client's own policies when a
    # client is checked against the base (clients.py), whose settings, organisation and
    # policies were checked with the base, once. `refs` are then the client's only.
    only: frozenset[str] | None = None

    def checked(self) -> Iterator[Policy]:
        """The policies whose content this run checks."""
        if self.only is None:
            return iter(self.handbook.policies)
        policies = self.handbook.policy_map
        return (policies[i] for i in sorted(self.only) if i in policies)


@dataclass
class Context:
    """State the rules share: today, the schemas, the id index, and what they report."""

    today: dt.date
    schemas: SchemaSet
    kinds: dict[str, str]  # section folder -> its kind
    index: Index = field(default_factory=Index)
    out: list[Diagnostic] = field(default_factory=list)

    def report(
        self, doc: Document, path: tuple, code: str, message: str, *, key: bool = False
    ) -> None:
        """Report `code` at the value (or key) at `path`, with the code's catalogued severity."""
        line, column = doc.locate(path, key=key)
        self.out.append(Diagnostic(doc.path, line, column, severity(code), code, message))

    def report_in_text(
        self, doc: Document, path: tuple, offset: int, code: str, message: str
    ) -> None:
        """Report `code` at character `offset` of the string at `path`."""
        line, column = doc.locate_in_text(path, offset)
        self.out.append(Diagnostic(doc.path, line, column, severity(code), code, message))
