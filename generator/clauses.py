"""Clause citations: what a `basis` entry names, the anchor a clause has, where citations sit.

A step or checklist item cites clauses in its `basis`: "3.2" is clause 3.2 of its own policy,
"<policy-id>#3.2" a clause of another. Rules, editions, pages and citations all read them here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

FIELD = "basis"  # the field of a step or checklist item that holds its citations


class Cited(NamedTuple):
    """The clause one citation names: the policy that holds it and its number."""

    policy: str
    number: str


def cited(citation: str, policy: str) -> Cited:
    """Read a citation written in `policy`: "3.2" is its own clause, "other#3.2" another's."""
    other, mark, number = citation.rpartition("#")
    return Cited(other if mark else policy, number)


def anchor(number: str) -> str:
    """The clause's anchor on its policy's page: "3.2" -> "clause-3-2"."""
    return "clause-" + number.replace(".", "-")


def citations(value: Any) -> Iterator[str]:
    """Every citation in a record and the records it holds (a policy's parts, a procedure...)."""
    if isinstance(value, tuple):
        for item in value:
            yield from citations(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.metadata.get("derived"):
                continue  # a pointer back to the policy, or what the loader worked out
            if f.name == FIELD:
                yield from getattr(value, f.name)
            else:
                yield from citations(getattr(value, f.name))


def keep(value: Any, wanted: Callable[[str], bool]) -> Any:
    """Return `value` with only the citations `wanted` keeps; unchanged records stay the same."""
    if isinstance(value, tuple):
        kept = tuple(keep(item, wanted) for item in value)
        return value if all(a is b for a, b in zip(kept, value, strict=True)) else kept
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {}
    for f in dataclasses.fields(value):
        if f.metadata.get("derived"):
            continue
        old = getattr(value, f.name)
        if f.name == FIELD:
            new = tuple(c for c in old if wanted(c))
            if new != old:
                changes[f.name] = new
        else:
            new = keep(old, wanted)
            if new is not old:
                changes[f.name] = new
    return dataclasses.replace(value, **changes) if changes else value
