"""The rule registry: each rule a function, registered with its phase and the codes it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from .context import Context


class Phase(StrEnum):
    """When the pipeline runs a rule, and what the rule is given besides the context."""

    ID = "id"  # each id as it is defined, before it is recorded: (namespace, ident, doc, path)
    # every text the schema refused for its shape, once all ids and names are known: (misfits,);
    # yields each misfit it explained anew, whose schema diagnostic then goes
    MISFIT = "misfit"
    POLICY = "policy"  # each policy as it is built: (policy, doc, folder)
    REFS = "refs"  # every reference of the model, once all ids are known: (refs,)
    FIELD = "field"  # each Markdown field of a sound file: (doc, path, text); yields its links
    HANDBOOK = "handbook"  # the whole handbook, once built: (built,)
    SOUND = "sound"  # the whole handbook, only when no file or schema has an error: (built,)


@dataclass(frozen=True)
class Rule:
    """One cross-file rule: what it checks (its name), when it runs, which codes it reports."""

    name: str
    phase: Phase
    codes: tuple[str, ...]
    check: Callable[..., Iterable[Any] | None]


RULES: list[Rule] = []
_BY_PHASE: dict[Phase, list[Rule]] = {phase: [] for phase in Phase}

F = TypeVar("F", bound=Callable[..., Any])


def rule(phase: Phase, *codes: str) -> Callable[[F], F]:
    """Register a function as a rule of `phase` that reports `codes`."""

    def register(check: F) -> F:
        found = Rule(check.__name__, phase, codes, check)
        RULES.append(found)
        _BY_PHASE[phase].append(found)
        return check

    return register


def run(ctx: Context, phase: Phase, *args: Any) -> list[Any]:
    """Run every rule of `phase` on `args`; return what they yield (the FIELD phase's links)."""
    out: list[Any] = []
    for registered in _BY_PHASE[phase]:
        found = registered.check(ctx, *args)
        if found is not None:
            out.extend(found)
    return out
