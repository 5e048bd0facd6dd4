"""Checklist pages, each with its tasks as CSV, and the index of checklists by frequency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import duties, views
from ..export import tasks_csv
from ..render import SEARCH_NONE, SEARCH_VIEW, Page

if TYPE_CHECKING:
    from ..render import Renderer


def checklists(r: Renderer) -> Iterator[Page]:
    """A page per checklist: its items grouped as the duty pages group them."""
    for checklist in r.handbook.checklists:
        mine = r.tasks_by_checklist.get(checklist.id, [])
        yield r.page(
            "checklist.md.jinja",
            r.links.checklist(checklist.id),
            checklist.policy.source if checklist.policy else None,
            checklist.title,
            meta=SEARCH_VIEW,
            checklist=checklist,
            groups=[g for _, gs in duties.grouped(mine) for g in gs],
        )


def checklist_csv(r: Renderer) -> Iterator[Page]:
    """A checklist's tasks as CSV, for a spreadsheet or a task tool."""
    for checklist in r.handbook.checklists:
        mine = r.tasks_by_checklist.get(checklist.id, [])
        source = checklist.policy.source if checklist.policy else None
        yield Page(f"checklists/{checklist.id}.csv", tasks_csv(mine, r.roles), source)


def index(r: Renderer) -> Iterator[Page]:
    """Every checklist, by how often it is done."""
    yield r.page(
        "checklists.md.jinja",
        "checklists/index.md",
        None,
        "检查清单",
        meta=SEARCH_NONE,
        groups=views.checklists_by_frequency(r.handbook),
    )
