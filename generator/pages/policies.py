"""The reading pages: home, a page per section and per policy, flowcharts, the glossary."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import parts, terms, views
from ..flowchart import flowchart_svg
from ..model import Policy
from ..render import GLOSSARY, SEARCH_SECONDARY, Page

if TYPE_CHECKING:
    from ..render import Renderer

SETTINGS_FILE = Path("policies/handbook.yaml")  # what home and section pages are edited in
UPCOMING_REVIEWS = 15  # the home page lists this many of the soonest reviews


def home(r: Renderer) -> Iterator[Page]:
    """The front page: recent changes and the soonest reviews."""
    hb = r.handbook
    yield r.page(
        "home.md.jinja",
        "index.md",
        SETTINGS_FILE,
        hb.settings.title,
        meta=SEARCH_SECONDARY,
        recent=views.recent_changes(hb, limit=10),
        upcoming=views.upcoming_reviews(hb, limit=UPCOMING_REVIEWS),
    )


def sections(r: Renderer) -> Iterator[Page]:
    """A page per section: its policies and the quick-reference tables of their parts."""
    for section in r.handbook.sections:
        members = r.handbook.in_section(section.id)
        yield r.page(
            "section.md.jinja",
            f"{section.id}/index.md",
            SETTINGS_FILE,
            section.title,
            meta=SEARCH_SECONDARY,  # the quick-reference tables are searchable too
            section=section,
            members=members,
            overview_parts=overview_parts(section.kind, members),
        )


def overview_parts(kind: str, members: list[Policy]) -> list[parts.Part]:
    """The parts a section page sums up: those its policies in force hold, the kind's first."""
    live = [p for p in members if p.status != "retired"]
    usual = parts.KIND_PARTS.get(kind, ())
    found = [part for part in parts.PARTS if part.overview and any(part.items(p) for p in live)]
    return sorted(found, key=lambda part: part.key not in usual)


def policies(r: Renderer) -> Iterator[Page]:
    """A page per policy, dated by its newest change-log entry."""
    for policy in r.handbook.policies:
        yield policy_page(r, policy)


def policy_page(r: Renderer, policy: Policy, path: str | None = None, shift: int = 0) -> Page:
    """One policy's page, at its own address or (printed) inside the page at `path`."""
    path = path or r.links.policy(policy.id)
    page = r.page(
        "policy.md.jinja",
        path,
        policy.source,
        policy.title,
        shift=shift,
        policy=policy,
        held_parts=list(parts.held(policy)),
        section=next(s for s in r.handbook.sections if s.id == policy.section),
        cited_by=r.citations.get(policy.id, []),
        flow_path=lambda proc_id: r.links.relative(f"assets/flow/{proc_id}.svg", path),
    )
    return dataclasses.replace(page, updated=policy.changelog[0].date)


def flowcharts(r: Renderer) -> Iterator[Page]:
    """An SVG flowchart per procedure, shown on its policy's page."""
    for policy in r.handbook.policies:
        for proc in policy.procedures:
            yield Page(f"assets/flow/{proc.id}.svg", flowchart_svg(proc, r.actors), policy.source)


def glossary(r: Renderer) -> Iterator[Page]:
    """The glossary, each term with the policies that use it."""
    hb = r.handbook
    yield r.page(
        "glossary.md.jinja",
        GLOSSARY,
        Path("policies/glossary.yaml"),
        "术语表",
        usage=terms.usage(hb.policies, hb.glossary),
    )
