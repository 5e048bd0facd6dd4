"""Editions: the handbook as staff, clients or the public may see it, with nothing else left in."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .model import Department, Editions, Glossary, Handbook, Organisation, Policy, Role

EDITIONS = ("staff", "client", "public")
NAMES = {"staff": "员工版", "client": "客户版", "public": "公众版"}


def visible(audience: Iterable[str], edition: str) -> bool:
    """Staff see everything; clients see what is for clients or the public; the public, its own."""
    audience = set(audience)
    if edition == "staff":
        return True
    if edition == "client":
        return bool(audience & {"client", "public"})
    return "public" in audience


def view(handbook: Handbook, edition: str) -> Handbook:
    """Return the handbook one edition may see; every listing and link is cut down to match.

    Validation has already refused content in which a visible element names an invisible one
    (a role, a term, a KPI...); what is left to drop here are navigation aids: `related` and
    `satisfied_by` links, a boss or department head outside the edition, and checklists.
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
    policies = tuple(_policy(p, edition, ids, roles, terms) for p in shown)
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
    people = tuple(
        dataclasses.replace(
            r, reports_to=r.reports_to if r.reports_to in roles else None, reviewers=()
        )
        for r in org.roles
        if r.id in roles
    )
    departments = _departments(org.departments, people, edition)
    glossary = Glossary(
        tuple(
            dataclasses.replace(t, see_also=tuple(x for x in t.see_also if x in terms))
            for t in handbook.glossary.terms
            if t.id in terms
        )
    )
    return Handbook(
        settings, Organisation(org.organisation, departments, people), glossary, policies
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


def _policy(
    policy: Policy, edition: str, ids: set[str], roles: set[str], terms: set[str]
) -> Policy:
    obligations = tuple(
        dataclasses.replace(o, satisfied_by=tuple(x for x in o.satisfied_by if x in ids))
        for o in policy.obligations
    )
    copy = dataclasses.replace(
        policy,
        related=tuple(r for r in policy.related if r in ids),
        terms=tuple(t for t in policy.terms if t in terms),
        checklists=tuple(
            dataclasses.replace(c) for c in policy.checklists if visible(c.audience, edition)
        ),
        kpis=tuple(dataclasses.replace(k) for k in policy.kpis),
        obligations=obligations,
        participants=frozenset(r for r in policy.participants if r in roles),
    )
    for part in (*copy.checklists, *copy.kpis):
        object.__setattr__(part, "policy", copy)  # the copies point at their own policy
    return copy
