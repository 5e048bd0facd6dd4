"""A client's handbook: the project's page (profile, and what differs from the base handbook)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import labels, parts
from ..audience import visible
from ..overlay import LIST, Change
from ..render import SEARCH_SECONDARY, Md, Page, do_text
from ..validate import field_title

if TYPE_CHECKING:
    from ..render import Renderer

PATH = "client.md"
TITLE = "项目概况"


def client(r: Renderer) -> Iterator[Page]:
    """The client's name, contract, services, channels, contacts and team, and each value its
    contract changes, with the base's value beside it; only what this edition may see."""
    found = r.handbook.client
    if found is None:
        return
    services = {
        item.id: (policy, item)
        for policy in r.handbook.policies
        for part, item in parts.named(policy)
        if part.key == "services"
    }
    yield r.page(
        "client.md.jinja",
        PATH,
        None,
        TITLE,
        meta=SEARCH_SECONDARY,
        client=found,
        profile=found.profile,
        services=[(ident, services.get(ident)) for ident in found.profile.services],
        team=[t for t in found.profile.team if t.role in r.roles],
        changes=[row for change in found.changes if (row := _row(r, change)) is not None],
        omitted=[o for o in found.omitted if visible(o.audience, r.edition)],
        extra=[r.policy_map[p] for p in found.extra if p in r.policy_map],
    )


def _row(r: Renderer, change: Change) -> dict[str, Any] | None:
    """One change as the page's table shows it; None when this edition does not show its item."""
    policy = r.policy_map.get(change.policy)
    if policy is None:
        return None
    part = parts.BY_KEY[change.part]
    item = next((i for i in part.items(policy) if getattr(i, "id", None) == change.item), None)
    if item is None:
        return None
    kind = {s.id: s.kind for s in r.handbook.sections}[policy.section]
    *channel, field = change.field.split("/")
    label = field_title(r.schemas, kind, (change.part, 0, field)) if r.schemas else field
    if channel:
        label = f"{channel[-1]}:{label}"
    unit = getattr(item, "unit", "")
    if change.kind == LIST:
        added = [x for x in change.after if x not in change.before]
        removed = [x for x in change.before if x not in change.after]
        before = _listed(r, removed, "删去")
        after = _listed(r, added, "增加")
    elif field == "due":  # a deadline, said in its report's cycle
        cycle = getattr(item, "cadence", None)
        before = do_text(labels.due(change.before, cycle)) if change.before else Md("—")
        after = do_text(labels.due(change.after, cycle))
    else:
        before = do_text(change.shown(change.before, unit))
        after = do_text(change.shown(change.after, unit))
    name = do_text(part.label(item))
    if part.namespace and part.anchored:
        name = Md(f"[{name}]({r.links.relative(r.links.part(item.id), PATH)})")
    return {
        "policy": policy,
        "item": Md(f"{do_text(part.noun)}:") + name,
        "field": label,
        "before": before,
        "after": after,
    }


def _listed(r: Renderer, values: list, verb: str) -> Md:
    """Added or removed list entries: recipients by name, checklist items by their text."""
    if not values:
        return Md("—")
    names = []
    for value in values:
        text = getattr(value, "text", value)
        if text == "client":
            text = "客户"
        elif text in r.roles:
            text = r.roles[text].name
        elif text in r.handbook.parties:
            text = r.handbook.parties[text].name
        names.append(do_text(text))
    return Md(f"{verb}:" + ";".join(names))
