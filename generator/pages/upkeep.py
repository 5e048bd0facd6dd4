"""Pages for those who keep the handbook: the review calendar, open values, the field reference."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import views
from ..model import Policy
from ..parts import KIND_PARTS
from ..reference import KIND_FILES, all_fields, diagnostic_codes
from ..render import SEARCH_NONE, SEARCH_SECONDARY, Md, Page, do_text
from ..validate import field_label

if TYPE_CHECKING:
    from ..render import Renderer


def reviews(r: Renderer) -> Iterator[Page]:
    """Every policy in force by the month its review is due."""
    hb = r.handbook
    months: dict[str, list[Policy]] = {}
    for policy in views.upcoming_reviews(hb, limit=len(hb.policies)):
        months.setdefault(f"{policy.review.next.year} 年 {policy.review.next.month} 月", []).append(
            policy
        )
    yield r.page(
        "reviews.md.jinja",
        "reviews.md",
        None,
        "复审日历",
        meta=SEARCH_NONE,
        months=list(months.items()),
    )


def gaps(r: Renderer) -> Iterator[Page]:
    """What sources left open, for owners: every value still to be set, where it is."""
    path = "gaps.md"
    kinds = {s.id: s.kind for s in r.handbook.sections}
    rows = []
    for gap in views.gaps(r.handbook):
        kind = kinds.get(gap.policy.section, "")
        if r.schemas is not None and kind:
            field = field_label(r.schemas, kind, gap.path)
        else:
            field = ".".join(str(p) for p in gap.path)
        name = do_text(gap.part.label(gap.item))
        if gap.part.namespace and gap.part.anchored:  # a link to the part on its policy's page
            name = Md(f"[{name}]({r.links.relative(r.links.part(gap.item.id), path)})")
        where = Md(f"{do_text(gap.part.noun)}:") + name
        rows.append({"policy": gap.policy, "field": field, "where": where})
    yield r.page("gaps.md.jinja", path, None, "待定事项", meta=SEARCH_NONE, rows=rows)


def reference(r: Renderer) -> Iterator[Page]:
    """Every field of every kind of file, from the schemas (when the renderer has them)."""
    if r.schemas is None:
        return
    titles = {
        "handbook": "手册设置",
        "roles": "组织与角色",
        "glossary": "术语表",
        "client": "客户档案",
        "overlay": "客户覆盖文件",
        "policy": "政策",
    }
    notes = {kind: Md(f"文件 `{md_path}`。") for kind, md_path in KIND_FILES.items()}
    usual = [
        f"{do_text(s.title)}(`{s.id}/`):"
        + "、".join(f"`{key}`" for key in KIND_PARTS.get(s.kind, ()))
        for s in r.handbook.sections
    ]
    notes["policy"] = Md(
        "文件 `policies/<部分id>/<政策id>.yaml`。每个部分的政策都用这一张表,任何政策都可以包含任何"
        "结构化部分;各部分通常包含的是:" + ";".join(usual) + "。"
    )
    yield r.page(
        "reference.md.jinja",
        "reference.md",
        None,
        "字段参考",
        meta=SEARCH_SECONDARY,
        kinds=[(k, rows) for k, rows in all_fields(r.schemas) if k in titles],
        kind_titles=titles,
        kind_notes=notes,
        diagnostic_codes=diagnostic_codes(),
    )
