"""The structured parts a policy may hold, each defined once, in a module of this package.

A part is a list under one key of a policy file (`procedures:`, `kpis:` ...). Its module says
which model class the loader builds, which section kinds usually hold it, the namespace of its
ids, its noun, the tasks it gives roles and who else it names. Its schema is
schemas/part-<key>.schema.json; templates/parts/<key>.md.jinja draws it on a policy page,
<key>-overview.md.jinja (optional) on a section page, <key>-role.md.jinja (optional) on a role's
page. Any policy may hold any part; a section kind only names the parts it usually holds.
Everything that lists parts reads PARTS: adding a part is adding a module here.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ..tasks import Task

if TYPE_CHECKING:  # model.py builds its Policy from this registry, so imports it, not the reverse
    from .. import model

# The section kinds: presets of the parts a section usually holds (each part names its own).
KINDS = ("scope", "workflow", "communication", "data", "crisis", "compliance")

Tasks = Callable[["model.Handbook", "model.PolicyCore", tuple], list[Task]]
People = Callable[[Any], tuple[set[str], set[str]]]


@dataclass(frozen=True)
class Cut:
    """What an edition keeps: its name and the ids of the policies it shows."""

    edition: str
    policies: frozenset[str]


@dataclass(frozen=True)
class Part:
    """One kind of structured part."""

    key: str  # the list's key in a policy file
    noun: str  # what an editor and a reader call one (Chinese)
    model: type  # the model class of one item
    order: int  # where a policy page shows it, among the parts
    kinds: tuple[str, ...] = ()  # the section kinds that usually hold it
    namespace: str | None = None  # items have ids unique across the handbook, in this namespace
    name: str = "name"  # the attribute that names an item on pages and in summaries
    anchored: bool = True  # items are linked to on their policy's page (policy.md#id)
    task_kind: str | None = None  # the kind of the tasks it gives roles
    task_label: str = ""  # how duty pages and CSV files name that kind
    task_rank: int = 0  # where groups of its tasks come on a duty page
    tasks: Tasks | None = None  # (handbook, policy, items) -> the tasks they give roles
    people: People | None = None  # item -> (roles that act, roles kept informed), beyond tasks
    on_role_page: Callable[[Any, str], bool] | None = None  # item, role -> in the role's section
    cut: Callable[[tuple, Cut], tuple] | None = None  # (items, edition) -> what the edition shows
    # items -> (path below the part's key, code, message) for each rule its items break
    check: Callable[[tuple], Iterator[tuple[tuple, str, str]]] | None = None
    codes: tuple[str, ...] = ()  # the diagnostic codes `check` reports (see codes.py)

    @property
    def schema_file(self) -> str:
        return f"part-{self.key}.schema.json"

    @property
    def template(self) -> str:
        return f"parts/{self.key}.md.jinja"

    @property
    def overview(self) -> str | None:
        """The section page's table of this part across the section's policies, if any."""
        return _template(f"parts/{self.key}-overview.md.jinja")

    @property
    def role_template(self) -> str | None:
        """The role page's section listing the items a role has a hand in, if any."""
        return _template(f"parts/{self.key}-role.md.jinja") if self.on_role_page else None

    def items(self, policy: model.Policy) -> tuple[Any, ...]:
        return getattr(policy, self.key)

    def label(self, item: Any) -> str:
        """The name of one item as pages show it."""
        return str(getattr(item, self.name))


def _template(name: str) -> str | None:
    return name if files("generator").joinpath("templates", name).is_file() else None


def _discover() -> tuple[Part, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append(module.PART)
    return tuple(sorted(found, key=lambda part: part.order))


PARTS: tuple[Part, ...] = _discover()  # in the order a policy page shows them


BY_KEY = {part.key: part for part in PARTS}
BY_NAMESPACE = {part.namespace: part for part in PARTS if part.namespace}
KIND_PARTS = {kind: tuple(p.key for p in PARTS if kind in p.kinds) for kind in KINDS}
# Kinds of tasks, in the order duty pages show their groups, with the names pages give them.
TASK_KINDS = {
    part.task_kind: part.task_label
    for part in sorted(PARTS, key=lambda p: p.task_rank)
    if part.task_kind
}


def point_back(policy: model.PolicyCore) -> None:
    """Let items that know their policy (a KPI, a checklist) point at this one."""
    for part in PARTS:
        if "policy" in {f.name for f in dataclasses.fields(part.model)}:
            for item in part.items(policy):
                object.__setattr__(item, "policy", policy)  # a derived field of a frozen record


def held(policy: model.Policy) -> Iterator[Part]:
    """The parts a policy holds, in page order."""
    return (part for part in PARTS if part.items(policy))


def named(policy: model.Policy) -> Iterator[tuple[Part, Any]]:
    """Every item with an id in a policy, with its part."""
    for part in PARTS:
        if part.namespace:
            for item in part.items(policy):
                yield part, item
