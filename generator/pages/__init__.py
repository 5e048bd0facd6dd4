"""Every kind of page a handbook has, in one list: what builds it and which editions get it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import checklists, client, duties, formats, policies, roles, upkeep

if TYPE_CHECKING:
    from ..render import Page, Renderer


@dataclass(frozen=True)
class PageKind:
    """One kind of page: a function giving its pages (none when there is nothing to show)."""

    name: str
    build: Callable[[Renderer], Iterable[Page]]
    staff_only: bool = False  # operations views and editors' pages; the other editions never get it


KINDS: tuple[PageKind, ...] = (
    PageKind("home", policies.home),
    PageKind("client", client.client),  # a client's handbook only
    PageKind("sections", policies.sections),
    PageKind("policies", policies.policies),
    PageKind("flowcharts", policies.flowcharts),
    PageKind("glossary", policies.glossary),
    PageKind("checklists", checklists.checklists),
    PageKind("checklist-csv", checklists.checklist_csv),
    PageKind("checklist-index", checklists.index),
    PageKind("duties", duties.frequency_pages, staff_only=True),
    PageKind("roles", roles.roles),
    PageKind("role-csv", roles.role_csv, staff_only=True),
    PageKind("org-chart", roles.org_chart),
    PageKind("matrix", roles.matrix, staff_only=True),
    PageKind("roles-index", roles.index),
    PageKind("reference", upkeep.reference, staff_only=True),
    PageKind("reviews", upkeep.reviews, staff_only=True),
    PageKind("gaps", upkeep.gaps, staff_only=True),
    PageKind("redirects", formats.redirects),
    PageKind("print", formats.print_pages),
    PageKind("feed", formats.feed),
)
