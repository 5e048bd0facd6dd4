"""Editions: the handbook as staff, clients or the public may see it, with nothing else left in."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from . import clauses, parts
from .audience import EDITIONS, NAMES, visible
from .model import AppliesTo, Department, Editions, Glossary, Handbook, Organisation, Policy, Role

__all__ = ["EDITIONS", "NAMES", "view", "visible"]


def view(handbook: Handbook, edition: str) -> Handbook:
    """Return the handbook one edition may see; every listing and link is cut down to match.

    Validation has already refused content in which a visible element names an invisible one
    (a role, a term, a KPI...); what is left to drop here are navigation aids: `related` and
    `satisfied_by` links, a boss or department head outside the edition, internal departments
    and roles of a policy's scope (`applies_to`), and checklists.
    Pages, the org chart, counts and search are rendered from this model alone, so it holds
    nothing the edition may not show: a section, department or group is kept only when
    something in it is (a policy; a role), and settings only for editors (the other editions'
    texts, maintainers, reviewers, vague terms) are emptied.
    """
    if edition == "staff":
        return handbook
    org = handbook.organisation
    roles = {r.id for r in org.roles if visible(r.audience, edition)}
    terms = {t.id for t in handbook.glossary.terms if visible(t.audience, edition)}
    shown = [p for p in handbook.policies if visible(p.audience, edition)]
    ids = {p.id for p in shown}
    people = tuple(
        dataclasses.replace(
            r, reports_to=r.reports_to if r.reports_to in roles else None, reviewers=()
        )
        for r in org.roles
        if r.id in roles
    )
    departments = _departments(org.departments, people, edition)
    seen = Seen(ids, roles, terms, frozenset(d.id for d in departments))
    policies = tuple(_policy(p, edition, seen) for p in shown)
    settings = handbook.settings
    text = getattr(settings.editions, edition)
    sections = tuple(
        s
        for s in settings.sections
        if visible(s.audience, edition) and any(p.section == s.id for p in policies)
    )
    settings = dataclasses.replace(
        settings,
        title=text.title or settings.title,
        introduction=text.introduction,
        sections=sections,
        editions=Editions(),
        maintainers=(),
        vague_terms=(),  # for validation only, and a view is never validated
    )
    glossary = Glossary(
        tuple(
            dataclasses.replace(t, see_also=tuple(x for x in t.see_also if x in terms))
            for t in handbook.glossary.terms
            if t.id in terms
        )
    )
    parties = tuple(p for p in org.parties if visible(p.audience, edition))
    return Handbook(
        settings,
        Organisation(org.organisation, departments, people, parties),
        glossary,
        policies,
        client=handbook.client,
    )


def _departments(
    departments: Iterable[Department], people: tuple[Role, ...], edition: str
) -> tuple[Department, ...]:
    """Keep a department marked for the edition only if one of its roles is, and only such groups.

    A group has no audience of its own: its name and summary are as internal as its members.
    """
    groups_in: dict[str, set[str | None]] = {}
    for r in people:
        groups_in.setdefault(r.department, set()).add(r.group)
    ids = {r.id for r in people}
    return tuple(
        dataclasses.replace(
            d,
            head=d.head if d.head in ids else None,
            groups=tuple(g for g in d.groups if g.id in groups_in[d.id]),
        )
        for d in departments
        if d.id in groups_in and visible(d.audience, edition)
    )


@dataclass(frozen=True)
class Seen:
    """The ids of what an edition shows: policies, roles, terms, departments."""

    policies: set[str]
    roles: set[str]
    terms: set[str]
    departments: frozenset[str]


def _policy(policy: Policy, edition: str, seen: Seen) -> Policy:
    cut = parts.Cut(edition, frozenset(seen.policies))

    def shown(citation: str) -> bool:
        return clauses.cited(citation, policy.id).policy in seen.policies

    kept = {}
    for part in parts.PARTS:
        items = part.items(policy)
        if items:
            items = part.cut(items, cut) if part.cut else items
            items = clauses.keep(items, shown)
            # Copies, also where nothing is cut: an item that knows its policy must know the copy.
            kept[part.key] = tuple(dataclasses.replace(item) for item in items)
    copy = dataclasses.replace(
        policy,
        related=tuple(r for r in policy.related if r in seen.policies),
        terms=tuple(t for t in policy.terms if t in seen.terms),
        participants=frozenset(r for r in policy.participants if r in seen.roles),
        applies_to=_scope(policy.applies_to, seen),
        **kept,
    )
    parts.point_back(copy)
    return copy


def _scope(scope: AppliesTo | None, seen: Seen) -> AppliesTo | None:
    """Keep the departments and roles of a scope the edition shows; the rest is internal.

    What is dropped makes the scope "not limited to" what is left, so the page never reads as
    complete when it is not.
    """
    if scope is None:
        return None
    departments = tuple(d for d in scope.departments if d in seen.departments)
    roles = tuple(r for r in scope.roles if r in seen.roles)
    cut = (departments, roles) != (scope.departments, scope.roles)
    if not (departments or roles or scope.channels or scope.note):
        return None
    return dataclasses.replace(scope, departments=departments, roles=roles, open=scope.open or cut)
