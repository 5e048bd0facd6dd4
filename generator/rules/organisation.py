"""The organisation: groups belong to their department, reporting lines end somewhere."""

from __future__ import annotations

from .context import Built, Context
from .registry import Phase, rule


@rule(Phase.HANDBOOK, "group-department")
def groups_in_department(ctx: Context, built: Built) -> None:
    """A role's group is one of its department's groups."""
    if built.only is not None:
        return  # the organisation is the base's, checked with it
    doc = built.roots["roles"]
    for i, role in enumerate(built.handbook.organisation.roles):
        groups = ctx.index.groups_of.get(role.department)
        if role.group and groups is not None and role.group not in groups:
            ctx.report(
                doc,
                ("roles", i, "group"),
                "group-department",
                f"小组 {role.group} 不属于部门 {role.department}。"
                "请改正 group,或把小组加到该部门的 groups 中。",
            )


@rule(Phase.HANDBOOK, "reporting-cycle")
def no_reporting_cycle(ctx: Context, built: Built) -> None:
    """Following reports_to never comes back to where it started."""
    if built.only is not None:
        return  # the organisation is the base's, checked with it
    doc = built.roots["roles"]
    roles = built.handbook.roles
    cycles_seen: set[frozenset[str]] = set()
    for i, role in enumerate(built.handbook.organisation.roles):
        chain = [role.id]
        boss = role.reports_to
        while boss in roles and boss not in chain:
            chain.append(boss)
            boss = roles[boss].reports_to
        if boss == role.id and frozenset(chain) not in cycles_seen:
            cycles_seen.add(frozenset(chain))
            ctx.report(
                doc,
                ("roles", i, "reports_to"),
                "reporting-cycle",
                f"汇报关系形成了循环:{' → '.join([*chain, role.id])}。请改正其中一个 reports_to。",
            )
