"""The organisation: a page per role (its duties as CSV too), the org chart, the role matrix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import duties, views
from ..export import tasks_csv
from ..orgchart import org_chart_svg
from ..render import SEARCH_NONE, SEARCH_VIEW, Page

if TYPE_CHECKING:
    from ..render import Renderer

ROLES_FILE = Path("policies/roles.yaml")


def roles(r: Renderer) -> Iterator[Page]:
    """A page per role: what it owns, approves and does, and its schedule."""
    for role in r.handbook.organisation.roles:
        yield r.page(
            "role.md.jinja",
            r.links.role(role.id),
            ROLES_FILE,
            role.name,
            meta=SEARCH_VIEW,
            role=role,
            duties=views.role_duties(r.handbook, role.id),
            schedule=duties.grouped(r.tasks_by_role.get(role.id, [])),
        )


def role_csv(r: Renderer) -> Iterator[Page]:
    """A role's tasks as CSV, for roles that have any."""
    for role in r.handbook.organisation.roles:
        mine = r.tasks_by_role.get(role.id, [])
        if mine:
            yield Page(f"roles/{role.id}.csv", tasks_csv(mine, r.roles), ROLES_FILE)


def org_chart(r: Renderer) -> Iterator[Page]:
    """The organisation chart, as SVG."""
    yield Page("assets/org-chart.svg", org_chart_svg(r.handbook), ROLES_FILE)


def matrix(r: Renderer) -> Iterator[Page]:
    """Which role owns, approves, performs or is told of each policy."""
    table = duties.matrix(r.handbook)
    named = {role for row in table.values() for role in row}
    yield r.page(
        "matrix.md.jinja",
        "roles/matrix.md",
        None,
        "职责矩阵",
        meta=SEARCH_NONE,
        table=table,
        columns=[role for role in r.handbook.organisation.roles if role.id in named],
    )


def index(r: Renderer) -> Iterator[Page]:
    """The organisation: departments and their roles."""
    yield r.page(
        "roles.md.jinja",
        "roles/index.md",
        ROLES_FILE,
        "组织与角色",
        meta=SEARCH_VIEW,
        chart=views.org_tree(r.handbook),
    )
