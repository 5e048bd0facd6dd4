"""Wording: rule text says how much, by when and who, not "in time" or "as needed"."""

from __future__ import annotations

from .. import lint
from .context import Built, Context
from .registry import Phase, rule


@rule(Phase.HANDBOOK, "vague-wording")
def enforceable_wording(ctx: Context, built: Built) -> None:
    """Warn about vague terms in rule text that no number, deadline or role pins down."""
    handbook = built.handbook
    chosen = handbook.settings.vague_terms
    terms = lint.DEFAULT_TERMS if chosen is None else tuple((v.term, v.suggest) for v in chosen)
    names = tuple(r.name for r in handbook.organisation.roles if r.name)
    for policy in built.checked():
        doc = built.docs[policy.id]
        for found in lint.find(doc.data, terms, names):
            ctx.report_in_text(
                doc,
                found.path,
                found.offset,
                "vague-wording",
                f"“{found.term}”附近没有数字、时限或角色,执行时无法核对。{found.suggest}",
            )
