"""Tasks -> CSV that Excel opens correctly with Chinese text (UTF-8 with a byte-order mark)."""

from __future__ import annotations

import csv
import io

from .duties import HEADINGS
from .model import Role
from .parts import TASK_KINDS
from .tasks import Task

COLUMNS = ("频率", "类型", "来源", "事项", "要求", "凭证", "触发事件", "执行角色", "出自政策")


def tasks_csv(tasks: list[Task], roles: dict[str, Role]) -> bytes:
    """Return the tasks as CSV bytes; Excel needs the BOM to read UTF-8 and CRLF line ends."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for t in tasks:
        writer.writerow(
            _cell(value)
            for value in (
                HEADINGS[t.frequency],
                TASK_KINDS[t.kind],
                t.group_title,
                t.text,
                t.detail,
                t.evidence,
                t.event,
                roles[t.role].name,
                t.policy.title,
            )
        )
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel: show it as text instead.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
