"""Option lists: ways of acting in a situation, of which one (or some) are chosen, unlike a
checklist, where every item is done."""

from __future__ import annotations

from dataclasses import dataclass

from .. import records
from . import Part

PICK = {"one": "任选一项", "some": "可选多项", "all-that-apply": "符合条件的都用"}


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    when: str | None = None
    approval: records.RoleId | None = None


@dataclass(frozen=True)
class OptionList:
    id: str
    title: str
    situation: str
    pick: str
    options: tuple[Option, ...]
    decided_by: records.RoleId | None = None

    @property
    def pick_name(self) -> str:
        return PICK[self.pick]


def people(options: OptionList) -> tuple[set[str], set[str]]:
    deciders = {options.decided_by} if options.decided_by else set()
    return deciders | {o.approval for o in options.options if o.approval}, set()


PART = Part(
    "options",
    "可选方案",
    OptionList,
    order=25,
    kinds=("workflow", "crisis"),
    namespace="options",
    name="title",
    people=people,
)
