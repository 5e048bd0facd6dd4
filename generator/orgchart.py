"""The organisation -> an SVG chart: departments in columns, each with its head, groups and roles."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .flowchart import COLOURS, element, svg_document, svg_string, wrap
from .model import Handbook, Role

COLUMN = 168
GAP = 14
MARGIN = 16
BOX = 30  # height of a one-line box
LINE = 17
TOP = 52


def org_chart_svg(handbook: Handbook) -> str:
    """Draw the organisation top-down: the organisation, its departments, their groups and roles."""
    org = handbook.organisation
    departments = org.departments
    width = MARGIN * 2 + len(departments) * COLUMN + (len(departments) - 1) * GAP
    # The height is known only at the end, so the shapes go into a holder and move under the root.
    parts = ET.Element("parts")
    roles = handbook.roles

    _box(
        parts,
        width / 2 - 110,
        MARGIN,
        220,
        BOX + 4,
        [org.organisation],
        fill=COLOURS["band"],
        ink="#ffffff",
        bold=True,
    )
    bus = MARGIN + BOX + 4 + 14
    _line(parts, width / 2, MARGIN + BOX + 4, width / 2, bus)
    centres = [MARGIN + i * (COLUMN + GAP) + COLUMN / 2 for i in range(len(departments))]
    if len(centres) > 1:
        _line(parts, centres[0], bus, centres[-1], bus)
    bottom = 0.0
    for x_mid, dept in zip(centres, departments, strict=True):
        left = x_mid - COLUMN / 2
        y = bus + 14
        _line(parts, x_mid, bus, x_mid, y)
        name = wrap(dept.name, COLUMN - 16, 14)
        height = len(name) * LINE + 14
        _box(parts, left, y, COLUMN, height, name, fill="#e8eaf6", bold=True)
        y += height
        members = [r for r in org.roles if r.department == dept.id]
        head = roles.get(dept.head) if dept.head else None
        rows: list[tuple[str, Role | str]] = []
        if head:
            rows.append(("head", head))
        for group in dept.groups:
            rows.append(("group", group.name))
            rows += [("role", r) for r in members if r.group == group.id]
        rows += [("role", r) for r in members if not r.group and r is not head]
        spine = left + 10
        for kind, item in rows:
            y += 8
            if kind == "group":
                text = wrap(str(item), COLUMN - 34, 12)
                h = len(text) * (LINE - 2) + 8
                _line(parts, spine, y - 8, spine, y + h / 2)
                _line(parts, spine, y + h / 2, spine + 10, y + h / 2)
                _box(
                    parts,
                    spine + 10,
                    y,
                    COLUMN - 20,
                    h,
                    text,
                    size=12,
                    fill="#ffffff",
                    ink=COLOURS["muted"],
                    dashed=True,
                )
            else:
                role = item if isinstance(item, Role) else None
                assert role is not None
                label = role.name
                indent = 10 if kind == "head" else 22
                text = wrap(label, COLUMN - indent - 16, 13)
                h = len(text) * LINE + 10
                _line(parts, spine, y - 8, spine, y + h / 2)
                _line(parts, spine, y + h / 2, spine + indent, y + h / 2)
                _box(
                    parts,
                    spine + indent,
                    y,
                    COLUMN - indent - 10,
                    h,
                    text,
                    size=13,
                    bold=kind == "head",
                )
            y += h
        bottom = max(bottom, y)
    height = bottom + MARGIN
    root = svg_document(width, height, f"组织架构图:{org.organisation}", 13)
    root.extend(parts)
    return svg_string(root)


def _box(
    parent: ET.Element,
    x: float,
    y: float,
    w: float,
    h: float,
    lines: list[str],
    *,
    size: int = 14,
    fill: str = COLOURS["box"],
    ink: str = COLOURS["text"],
    bold: bool = False,
    dashed: bool = False,
) -> None:
    rect: dict[str, object] = {
        "x": f"{x:.0f}",
        "y": f"{y:.0f}",
        "width": f"{w:.0f}",
        "height": f"{h:.0f}",
        "rx": "6",
        "fill": fill,
        "stroke": COLOURS["edge"],
        "stroke-width": "1.2",
    }
    if dashed:
        rect["stroke-dasharray"] = "4 3"
    element(parent, "rect", rect)
    step = size + 3
    top = y + (h - step * len(lines)) / 2
    for i, line in enumerate(lines):
        attrs: dict[str, object] = {
            "x": f"{x + w / 2:.0f}",
            "y": f"{top + step * i + size:.0f}",
            "text-anchor": "middle",
            "font-size": size,
            "fill": ink,
        }
        if bold:
            attrs["font-weight"] = "bold"
        element(parent, "text", attrs, line)


def _line(parent: ET.Element, x1: float, y1: float, x2: float, y2: float) -> None:
    element(
        parent,
        "line",
        {
            "x1": f"{x1:.0f}",
            "y1": f"{y1:.0f}",
            "x2": f"{x2:.0f}",
            "y2": f"{y2:.0f}",
            "stroke": COLOURS["edge"],
            "stroke-width": "1.2",
        },
    )
