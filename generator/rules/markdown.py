"""Markdown fields: what the sanitiser would remove, and handbook links that lead nowhere."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from .. import prose
from ..codes import of_stage
from ..loader import Document
from ..model import Ref
from .context import NOUNS, Context
from .names import bearers, name_message
from .refs import DANGLING, WHERE, dangling
from .registry import Phase, rule


@rule(Phase.FIELD, *of_stage("markdown"), *DANGLING, "name-for-id")
def rendered(ctx: Context, doc: Document, path: tuple, text: str) -> Iterator[Ref]:
    """Check a Markdown field by what it renders to; yield its handbook links.

    prose.render is what the renderer publishes: every finding is something the
    sanitiser would remove, so a field that passes is published exactly as written.
    """
    result = prose.render(text)
    for finding in result.findings:
        offset = _source_offset(text, finding.offset)
        ctx.report_in_text(doc, path, offset, finding.code, finding.message)
    for link in result.links:
        ref = Ref(link.kind, link.target, doc, path, _source_offset(text, link.offset))
        table = ctx.index.ids.get(ref.kind)
        named = (
            None if table is None or link.target in table else bearers(ctx, ref.kind, link.target)
        )
        if named and named[0]:
            found, base, suffix = named
            ctx.report_in_text(
                doc,
                path,
                ref.offset,
                "name-for-id",
                f"链接 {link.kind}:{link.target} 写的是名称:"
                + name_message(found, base, suffix, link.kind),
            )
        elif table is not None and link.target not in table:
            # Never the page itself: a policy linking to a near miss of its own id means another.
            own = (
                doc.data.get("id") if ref.kind == "policy" and isinstance(doc.data, dict) else None
            )
            known = [ident for ident in table if ident != own]
            guess = difflib.get_close_matches(link.target, known, n=1, cutoff=0.6)
            maybe = f"是否想写 {link.kind}:{guess[0]}?" if guess else ""
            ctx.report_in_text(
                doc,
                path,
                ref.offset,
                dangling(ref.kind),
                f"链接 {link.kind}:{link.target} 指向的{NOUNS[ref.kind]}不存在。{maybe}{WHERE[ref.kind]}",
            )
        yield ref


def _source_offset(text: str, offset: int) -> int:
    """prose.render reads the field without its leading blanks: count them back in."""
    return offset + len(text) - len(text.lstrip())
