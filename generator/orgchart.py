"""The organisation -> an SVG chart: departments in columns, each with its head, groups and roles."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .flowchart import COLOURS, FONT_FAMILY, wrap
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
    parts: list[str] = []
    roles = handbook.roles

    parts.append(
        _box(
            width / 2 - 110,
            MARGIN,
            220,
            BOX + 4,
            [org.organisation],
            fill=COLOURS["band"],
            ink="#ffffff",
            bold=True,
        )
    )
    bus = MARGIN + BOX + 4 + 14
    parts.append(_line(width / 2, MARGIN + BOX + 4, width / 2, bus))
    centres = [MARGIN + i * (COLUMN + GAP) + COLUMN / 2 for i in range(len(departments))]
    if len(centres) > 1:
        parts.append(_line(centres[0], bus, centres[-1], bus))
    bottom = 0.0
    for x_mid, dept in zip(centres, departments, strict=True):
        left = x_mid - COLUMN / 2
        y = bus + 14
        parts.append(_line(x_mid, bus, x_mid, y))
        name = wrap(dept.name, COLUMN - 16, 14)
        height = len(name) * LINE + 14
        parts.append(_box(left, y, COLUMN, height, name, fill="#e8eaf6", bold=True))
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
                parts.append(_line(spine, y - 8, spine, y + h / 2))
                parts.append(_line(spine, y + h / 2, spine + 10, y + h / 2))
                parts.append(
                    _box(
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
                )
            else:
                role = item if isinstance(item, Role) else None
                assert role is not None
                label = role.name
                indent = 10 if kind == "head" else 22
                text = wrap(label, COLUMN - indent - 16, 13)
                h = len(text) * LINE + 10
                parts.append(_line(spine, y - 8, spine, y + h / 2))
                parts.append(_line(spine, y + h / 2, spine + indent, y + h / 2))
                parts.append(
                    _box(
                        spine + indent,
                        y,
                        COLUMN - indent - 10,
                        h,
                        text,
                        size=13,
                        bold=kind == "head",
                    )
                )
            y += h
        bottom = max(bottom, y)
    height = bottom + MARGIN
    title = escape(f"组织架构图:{org.organisation}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{title}" '
        f'font-family="{FONT_FAMILY}" font-size="13">\n<title>{title}</title>\n'
        + "\n".join(parts)
        + "\n</svg>\n"
    )


def _box(
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
) -> str:
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    out = [
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="6" fill="{fill}" '
        f'stroke="{COLOURS["edge"]}" stroke-width="1.2"{dash}/>'
    ]
    step = size + 3
    top = y + (h - step * len(lines)) / 2
    weight = ' font-weight="bold"' if bold else ""
    for i, line in enumerate(lines):
        out.append(
            f'<text x="{x + w / 2:.0f}" y="{top + step * i + size:.0f}" text-anchor="middle" '
            f'font-size="{size}" fill="{ink}"{weight}>{escape(line)}</text>'
        )
    return "\n".join(out)


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
        f'stroke="{COLOURS["edge"]}" stroke-width="1.2"/>'
    )
