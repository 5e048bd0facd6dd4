"""Frozen dataclasses: the typed model of a whole handbook, built from schema-valid data."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any

from .cadence import REVIEW_MONTHS
from .loader import Document
from .records import (
    DERIVED,
    ORIGIN,
    DepartmentId,
    GroupId,
    Origin,
    PolicyId,
    Ref,
    RoleId,
    TermId,
    _RefTo,
)


@dataclass(frozen=True)
class Review:
    cycle: str
    last: dt.date
    reviewer: RoleId | None = None

    @property
    def next(self) -> dt.date:
        """Return the date the next review is due (at the latest 9999-12-31, see rules)."""
        try:
            return add_months(self.last, REVIEW_MONTHS[self.cycle])
        except OverflowError:  # validation reports it at review.last; pages never see it
            return dt.date.max


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    date: dt.date
    summary: str
    author: RoleId | None = None


@dataclass(frozen=True)
class Reference:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class AppliesTo:
    """Who and where a policy applies to; open means "including but not limited to"."""

    departments: tuple[DepartmentId, ...] = ()
    roles: tuple[RoleId, ...] = ()
    channels: tuple[str, ...] = ()
    open: bool = False
    note: str = ""


@dataclass(frozen=True)
class Principle:
    title: str
    text: str = ""


@dataclass(frozen=True)
class Clause:
    """A numbered clause ("第 3.2 条") that steps and checklist items cite in their `basis`."""

    number: str
    text: str
    title: str = ""


@dataclass(frozen=True)
class PolicyCore:
    """What every policy says; the parts it may hold are added from the registry (parts/)."""

    id: str
    title: str
    section: str
    summary: str
    owner: RoleId
    approver: RoleId
    audience: tuple[str, ...]
    status: str
    version: str
    effective: dt.date
    review: Review
    changelog: tuple[ChangelogEntry, ...]
    tags: tuple[str, ...] = ()
    related: tuple[PolicyId, ...] = ()
    former_ids: tuple[str, ...] = ()
    terms: tuple[TermId, ...] = ()
    references: tuple[Reference, ...] = ()
    body: str = ""
    purpose: str = ""
    applies_to: AppliesTo | None = None
    principles: tuple[Principle, ...] = ()
    order: int | None = None
    clauses: tuple[Clause, ...] = ()
    client_may_omit: bool = False  # a client's profile may say this policy does not apply
    # Set by the loader, not read from YAML: the file (relative to the repository) and every role named.
    source: Path = field(default=Path(), compare=False, metadata=DERIVED)
    participants: frozenset[str] = field(default=frozenset(), compare=False, metadata=DERIVED)

    @property
    def place(self) -> tuple[bool, int, str]:
        """Where the policy stands in its section: by `order` (unset last), then by id."""
        return (self.order is None, self.order or 0, self.id)

    def prose(self) -> Iterator[str]:
        """Yield the policy's own Markdown (purpose, principles, clauses, body), as its page shows them."""
        if self.purpose:
            yield self.purpose
        yield from (p.text for p in self.principles if p.text)
        yield from (c.text for c in self.clauses)
        if self.body:
            yield self.body


@dataclass(frozen=True)
class Section:
    id: str
    kind: str
    title: str
    summary: str
    audience: tuple[str, ...] = ("staff", "client", "public")
    # Set by build, not read from YAML: where the section is written, for rules to point at.
    origin: Origin | None = field(default=None, compare=False, repr=False, metadata=ORIGIN)


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    summary: str | None = None


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    summary: str
    head: RoleId | None = None
    groups: tuple[Group, ...] = ()
    audience: tuple[str, ...] = ("staff",)


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    department: DepartmentId
    summary: str
    group: GroupId | None = None
    reports_to: RoleId | None = None
    responsibilities: tuple[str, ...] = ()
    audience: tuple[str, ...] = ("staff",)
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Party:
    """Someone outside the organisation who acts in its procedures: a platform, a partner..."""

    id: str
    name: str
    kind: str
    summary: str
    audience: tuple[str, ...] = ("staff",)


@dataclass(frozen=True)
class Organisation:
    organisation: str
    departments: tuple[Department, ...]
    roles: tuple[Role, ...]
    parties: tuple[Party, ...] = ()


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    full: str | None = None
    aliases: tuple[str, ...] = ()
    see_also: tuple[TermId, ...] = ()
    audience: tuple[str, ...] = ("staff",)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class EditionText:
    title: str | None = None
    introduction: str = ""
    site_url: str | None = None


@dataclass(frozen=True)
class Editions:
    client: EditionText = EditionText()
    public: EditionText = EditionText()


@dataclass(frozen=True)
class VagueTerm:
    term: str
    suggest: str


@dataclass(frozen=True)
class Settings:
    title: str
    organisation: str
    sections: tuple[Section, ...]
    introduction: str = ""
    editions: Editions = Editions()
    maintainers: tuple[str, ...] = ()
    vague_terms: tuple[VagueTerm, ...] | None = None
    site_url: str | None = None  # the staff edition's; the others' are in `editions`


@dataclass(frozen=True)
class Handbook:
    """The whole handbook: settings, organisation, glossary and every policy, in a stable order."""

    settings: Settings
    organisation: Organisation
    glossary: Glossary
    policies: tuple[Policy, ...]
    # The client whose handbook this is (clients.Client: profile, overlay changes), or None
    client: Any = field(default=None, compare=False)

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.settings.sections

    @cached_property  # looked up in loops: built once per model, never changed
    def roles(self) -> dict[str, Role]:
        return {r.id: r for r in self.organisation.roles}

    @cached_property  # looked up in loops: built once per model, never changed
    def parties(self) -> dict[str, Party]:
        """Outside parties by id; one that repeats a role's id (an error) is the role."""
        return {p.id: p for p in self.organisation.parties if p.id not in self.roles}

    @cached_property  # looked up in loops: built once per model, never changed
    def terms(self) -> dict[str, Term]:
        return {t.id: t for t in self.glossary.terms}

    @cached_property  # looked up in loops: built once per model, never changed
    def policy_map(self) -> dict[str, Policy]:
        return {p.id: p for p in self.policies}

    def redirects(self) -> dict[str, str]:
        """Map each former page path ("section/old-id") to the policy id now living there."""
        return {
            (former if "/" in former else f"{p.section}/{former}"): p.id
            for p in self.policies
            for former in p.former_ids
        }

    def in_section(self, section: str) -> list[Policy]:
        """Return the section's policies: active first, then drafts, then retired; each in order."""
        rank = {"active": 0, "draft": 1, "retired": 2}
        chosen = [p for p in self.policies if p.section == section]
        return sorted(chosen, key=lambda p: (rank[p.status], *p.place))

    @property
    def checklists(self) -> list[Any]:
        return [c for p in self.policies for c in p.checklists]

    @property
    def kpis(self) -> list[Any]:
        return [k for p in self.policies for k in p.kpis]


# --- building -----------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Return `day` moved on by whole months, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{day} 之后 {months} 个月超出了日历范围(0001-01-01 到 9999-12-31)")
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@cache
def _fields(cls: type) -> tuple[tuple[str, str, Any, bool], ...]:
    hints = typing.get_type_hints(cls, include_extras=True)
    out = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("derived"):
            continue
        key = f.name.rstrip("_")  # `from_` is the YAML key `from`
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append((f.name, key, hints[f.name], required))
    return tuple(out)


def build(cls: type, data: dict[str, Any], doc: Document, refs: list[Ref], path=()) -> Any:
    """Build dataclass `cls` from schema-valid `data`, recording every reference with its path."""
    return _converter(cls)(data, doc, refs, path)


Convert = typing.Callable[[Any, Document, list, tuple], Any]


@cache
def ref_fields(cls: type) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Every field of `cls` that names an id (list items as "[]"), with its kinds of reference.

    The schema stage sees only that such a value is not shaped like an id; the rules use this to
    tell, once every id and name is known, that 合规专员 in an `owner` is a role's name.
    """
    found: dict[tuple[str, ...], tuple[str, ...]] = {}

    def walk(hint: Any, path: tuple[str, ...], seen: frozenset[type]) -> None:
        origin = typing.get_origin(hint)
        if origin is Annotated:
            base, *meta = typing.get_args(hint)
            kinds = tuple(m.kind for m in meta if isinstance(m, _RefTo))
            if kinds:
                found[path] = kinds
            walk(base, path, seen)
        elif origin in (typing.Union, types.UnionType):
            for option in typing.get_args(hint):
                walk(option, path, seen)
        elif origin is tuple:
            walk(typing.get_args(hint)[0], (*path, "[]"), seen)
        elif dataclasses.is_dataclass(hint) and hint not in seen:
            for _, key, field_hint, _ in _fields(hint):
                walk(field_hint, (*path, key), seen | {hint})

    walk(cls, (), frozenset())
    return found


@cache
def _converter(hint: Any) -> Convert:
    """Compile, once per type, a function turning schema-valid data into that type."""
    origin = typing.get_origin(hint)
    if origin is Annotated:
        base, *meta = typing.get_args(hint)
        kinds = [m.kind for m in meta if isinstance(m, _RefTo)]
        inner = _converter(base)

        def annotated(value: Any, doc: Document, refs: list, path: tuple) -> Any:
            for kind in kinds:
                refs.append(Ref(kind, value, doc, path))
            return inner(value, doc, refs, path)

        return annotated
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if set(options) == {float, str}:  # a number, or TO_BE_SET where a source gives none
            return lambda value, doc, refs, path: value if isinstance(value, str) else float(value)
        if len(options) == 2 and str in options:  # text, or a record written as a mapping
            record = _converter(next(o for o in options if o is not str))
            return lambda value, doc, refs, path: (
                value if value is None or isinstance(value, str) else record(value, doc, refs, path)
            )
        option = _converter(options[0])
        return lambda value, doc, refs, path: (
            None if value is None else option(value, doc, refs, path)
        )
    if origin is tuple and typing.get_origin(typing.get_args(hint)[0]) is tuple:
        # A mapping of the YAML (`client_may_set`), kept as (key, value) pairs in its order.
        value_of = _converter(typing.get_args(typing.get_args(hint)[0])[1])
        return lambda value, doc, refs, path: tuple(
            (k, value_of(v, doc, refs, (*path, k))) for k, v in value.items()
        )
    if origin is tuple:
        item = _converter(typing.get_args(hint)[0])
        return lambda value, doc, refs, path: tuple(
            item(v, doc, refs, (*path, i)) for i, v in enumerate(value)
        )
    if hint is dt.date:
        return lambda value, doc, refs, path: dt.date.fromisoformat(value)
    if dataclasses.is_dataclass(hint):
        fields = [(name, key, _converter(field_hint)) for name, key, field_hint, _ in _fields(hint)]
        origin = [f.name for f in dataclasses.fields(hint) if f.metadata.get("origin")]

        def record(data: Any, doc: Document, refs: list, path: tuple) -> Any:
            values = {
                name: make(data[key], doc, refs, (*path, key))
                for name, key, make in fields
                if key in data
            }
            for name in origin:
                values[name] = (doc, path)
            return hint(**values)

        return record
    if hint is float:
        return lambda value, doc, refs, path: float(value)
    return lambda value, doc, refs, path: value


# The policy holds a list field for every part of the registry (generator/parts/, whose modules
# build on records.py), after what every policy says.
from . import parts  # noqa: E402

Policy = dataclasses.make_dataclass(
    "Policy",
    [(part.key, tuple[part.model, ...], dataclasses.field(default=())) for part in parts.PARTS],
    bases=(PolicyCore,),
    frozen=True,
    namespace={"__module__": __name__, "__doc__": "One policy file, with every part it holds."},
)
