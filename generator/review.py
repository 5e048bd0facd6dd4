"""`handbook review ID`: record today's review as the one-line change a "reviewed, no change" PR needs."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from .errors import HandbookError
from .names import role_id
from .paths import is_id
from .pipeline import load_handbook


class ReviewError(HandbookError):
    """Raised by record_review when the review cannot be recorded (the reason says why)."""


@dataclass(frozen=True)
class Recorded:
    """What record_review changed."""

    path: Path
    line: int
    title: str
    previous: str
    day: str
    reviewer: str | None


def record_review(
    policies: Path, ident: str, *, day: dt.date, reviewer: str | None = None
) -> Recorded:
    """Set review.last (and review.reviewer when given) in the policy's file, changing nothing else."""
    # The id is looked up among the loaded policies: no path is ever made from the argument.
    if not is_id(ident):
        raise ReviewError(
            f"{ident!r} 不是政策 id:id 只由小写英文字母、数字和连字符组成,例如 refund-handling。"
        )
    policies = Path(policies)
    result = load_handbook(policies, today=day)
    folder = os.path.abspath(policies)
    found = [
        doc
        for doc in result.documents
        if isinstance(doc.data, dict)
        and doc.data.get("id") == ident
        and os.path.dirname(os.path.dirname(os.path.abspath(doc.path))) == folder
    ]
    if not found:
        raise ReviewError(f"手册中没有 id 为 {ident} 的政策(运行 handbook validate 查看全部政策)。")
    if len(found) > 1:
        raise ReviewError(f"id {ident} 出现在多个文件中:请先运行 handbook validate 修好它。")
    doc = found[0]
    path = Path(doc.path)
    if reviewer is not None:
        roles = next(
            (
                d
                for d in result.documents
                if os.path.abspath(d.path) == os.path.join(folder, "roles.yaml")
            ),
            None,
        )
        data = roles.data if roles is not None and isinstance(roles.data, dict) else {}
        entries = data.get("roles") if isinstance(data.get("roles"), list) else []
        ident, note = role_id(entries, reviewer, "--reviewer")
        if ident is None:
            raise ReviewError(note)
        reviewer = ident  # a role's name (合规专员) is written as its id
    text = doc.text
    root = doc.node()
    review = _value(root, "review")
    last = _value(review, "last") if isinstance(review, MappingNode) else None
    if not isinstance(review, MappingNode) or not isinstance(last, ScalarNode):
        raise ReviewError(f"{path} 没有 review.last 字段。")
    previous = last.value
    if previous > day.isoformat():
        raise ReviewError(
            f"{path} 的上次复审日期 {previous} 晚于 {day.isoformat()}:复审日期不能倒退。"
        )
    edits: list[tuple[int, int, str]] = [
        (last.start_mark.index, last.end_mark.index, day.isoformat())
    ]
    if reviewer is not None:
        current = _value(review, "reviewer")
        if isinstance(current, ScalarNode):
            edits.append((current.start_mark.index, current.end_mark.index, reviewer))
        elif review.flow_style:
            end = review.end_mark.index - 1  # just before the closing brace
            edits.append((end, end, f", reviewer: {reviewer}"))
        else:
            key = next(k for k, _ in review.value if k.value == "last")
            line_end = text.find("\n", last.end_mark.index)
            at = len(text) if line_end < 0 else line_end + 1
            newline = "" if line_end >= 0 else "\n"
            edits.append((at, at, f"{newline}{' ' * key.start_mark.column}reviewer: {reviewer}\n"))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    path.write_text(text, encoding="utf-8", newline="")
    return Recorded(
        path,
        last.start_mark.line + 1,
        str(doc.data.get("title", ident)),
        previous,
        day.isoformat(),
        reviewer,
    )


def _value(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None
