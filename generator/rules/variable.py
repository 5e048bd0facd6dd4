"""What clients may vary: each `client_may_set` bound fits its field and holds the base's value."""

from __future__ import annotations

from .. import parts
from ..loader import Document
from ..model import Policy
from ..overlay import COMMITMENT_IDS, bound_problems, field_kind
from .context import Context
from .registry import Phase, rule


@rule(Phase.POLICY, "bad-bound")
def bounds_fit(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """A bound suits its field (min/max for numbers and durations, add/remove for lists) and the
    base's own value lies inside it; an item a client may change has an id to be named by."""
    for part in parts.PARTS:
        for i, item in enumerate(part.items(policy)):
            bounds = getattr(item, "client_may_set", ())
            if not bounds:
                continue
            where = (part.key, i, "client_may_set")
            if getattr(item, "id", None) is None:
                ctx.report(
                    doc,
                    where,
                    "bad-bound",
                    f"这一项{part.noun}没有 id,客户的覆盖文件无法指明它。请给它加上 id"
                    f"(在本政策内唯一,例如 {COMMITMENT_IDS})。",
                    key=True,
                )
                continue
            unit = getattr(item, "unit", "")
            for name, bound in bounds:
                kind = field_kind(ctx.schemas, part.key, name)
                for key, message in bound_problems(bound, kind, getattr(item, name), unit):
                    path = (*where, name, key) if key else (*where, name)
                    ctx.report(
                        doc, path, "bad-bound", f"{name} 的客户可调范围:{message}", key=not key
                    )
