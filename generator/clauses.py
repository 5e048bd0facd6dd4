"""Clause citations: what a `basis` entry names, the anchor a clause has, where citations sit.

A step or checklist item cites clauses in its `basis`: "3.2" is clause 3.2 of its own policy,
"<policy-id>#3.2" a clause of another. Rules, editions, pages and citations all read them here.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, NamedTuple

from .records import Citation


class Cited(NamedTuple):
    """The clause one citation names: the policy that holds it and its number."""

    policy: str
    number: str


def cited(citation: str, policy: str) -> Cited:
    """Read a citation written in `policy`: "3.2" is its own clause, "other#3.2" another's."""
    other, mark, number = citation.rpartition("#")
    return Cited(other if mark else policy, number)


def anchor(policy: str, number: str) -> str:
    """The clause's anchor: clause 3.2 of x -> "x--clause-3-2".

    With the policy's id, unique also on the print page, which holds every policy; the double
    hyphen (never in an id) keeps it apart from any part's anchor.
    """
    return f"{policy}--clause-{number.replace('.', '-')}"


@cache
def _fields(cls: type) -> tuple[tuple[str, bool], ...]:
    """A record's fields read from YAML, each with whether it holds citations (by its type).

    By type, not by name: a tier's `basis` is plain text. Derived fields (a pointer back to the
    policy, what the loader worked out) are left out.
    """
    hints = typing.get_type_hints(cls, include_extras=True)
    return tuple(
        (f.name, hints[f.name] == tuple[Citation, ...])
        for f in dataclasses.fields(cls)
        if not f.metadata.get("derived")
    )


def citations(value: Any) -> Iterator[str]:
    """Every citation in a record and the records it holds (a policy's parts, a procedure...)."""
    if isinstance(value, tuple):
        for item in value:
            yield from citations(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name, cites in _fields(type(value)):
            if cites:
                yield from getattr(value, name)
            else:
                yield from citations(getattr(value, name))


def keep(value: Any, wanted: Callable[[str], bool]) -> Any:
    """Return `value` with only the citations `wanted` keeps; unchanged records stay the same."""
    if isinstance(value, tuple):
        kept = tuple(keep(item, wanted) for item in value)
        return value if all(a is b for a, b in zip(kept, value, strict=True)) else kept
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {}
    for name, cites in _fields(type(value)):
        old = getattr(value, name)
        if cites:
            new = tuple(c for c in old if wanted(c))
            if new != old:
                changes[name] = new
        else:
            new = keep(old, wanted)
            if new is not old:
                changes[name] = new
    return dataclasses.replace(value, **changes) if changes else value
