"""A procedure -> a self-contained SVG flowchart (no script, no web font, no third-party host)."""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

from . import labels
from .model import Procedure, Role

WIDTH = 680
MARGIN = 20
FONT = 14
LINE = 20
PAD = 12
GAP = 34
BAND = 44  # the numbered band on the left of each step box
FONT_FAMILY = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif"
COLOURS = {
    "box": "#f5f7fa",
    "edge": "#4051b5",
    "band": "#4051b5",
    "text": "#1f2329",
    "muted": "#5f6672",
}


def text_width(text: str, size: float = FONT) -> float:
    """Estimate the drawn width of text: wide (CJK) characters take a full em, others about half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.56 for ch in text)


def wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """Break text into lines no wider than `width`, preferring breaks after spaces and punctuation."""
    lines: list[str] = []
    current = ""
    drawn = 0.0  # text_width(current), kept as it grows: summing afresh per character is quadratic
    for ch in " ".join(text.split()):
        step = text_width(ch, size)
        if current and drawn + step > width:
            cut = max(
                current.rfind(" "), current.rfind(","), current.rfind("、"), current.rfind(";")
            )
            if cut > len(current) // 2:
                lines.append(current[: cut + 1].rstrip())
                current = current[cut + 1 :].lstrip()
            else:
                lines.append(current)
                current = ""
            drawn = text_width(current, size)
        current += ch
        drawn += step
    if current:
        lines.append(current)
    return lines or [""]


def flowchart_svg(procedure: Procedure, roles: dict[str, Role]) -> str:
    """Draw the procedure as a vertical flow: trigger, numbered steps with role and time, end."""
    parts: list[str] = []
    inner = WIDTH - 2 * MARGIN
    y = MARGIN

    trigger = wrap(f"触发:{procedure.trigger}", inner - 2 * PAD)
    height = len(trigger) * LINE + 2 * PAD
    parts.append(_rect(MARGIN, y, inner, height, radius=height / 2 if len(trigger) == 1 else 16))
    parts += _lines(trigger, WIDTH / 2, y + PAD, anchor="middle")
    y += height

    for number, step in enumerate(procedure.steps, 1):
        parts.append(_arrow(y, y + GAP))
        y += GAP
        role = roles[step.who].name if step.who in roles else step.who
        body = wrap(step.what, inner - BAND - 2 * PAD)
        notes = []
        if step.within:
            notes.append(f"时限 {labels.duration(step.within)}")
        if step.output:
            notes.append(f"产出 {step.output}")
        note_lines = wrap(" · ".join(notes), inner - BAND - 2 * PAD, FONT - 2) if notes else []
        height = (1 + len(body)) * LINE + len(note_lines) * (LINE - 2) + 2 * PAD
        parts.append(_rect(MARGIN, y, inner, height, radius=8))
        parts.append(
            f'<path d="M{MARGIN + 8} {y}h{BAND - 8}v{height}h{-(BAND - 8)}a8 8 0 0 1-8-8v{-(height - 16)}'
            f'a8 8 0 0 1 8-8z" fill="{COLOURS["band"]}"/>'
        )
        parts.append(
            f'<text x="{MARGIN + BAND / 2}" y="{y + height / 2 + 6}" text-anchor="middle" '
            f'font-size="18" font-weight="bold" fill="#ffffff">{number}</text>'
        )
        left = MARGIN + BAND + PAD
        parts += _lines([role], left, y + PAD, weight="bold", colour=COLOURS["edge"])
        parts += _lines(body, left, y + PAD + LINE)
        parts += _lines(
            note_lines,
            left,
            y + PAD + LINE * (1 + len(body)),
            size=FONT - 2,
            colour=COLOURS["muted"],
            step=LINE - 2,
        )
        y += height

    parts.append(_arrow(y, y + GAP))
    y += GAP
    parts.append(_rect(WIDTH / 2 - 60, y, 120, LINE + 2 * PAD, radius=(LINE + 2 * PAD) / 2))
    parts += _lines(["结束"], WIDTH / 2, y + PAD, anchor="middle")
    y += LINE + 2 * PAD + MARGIN

    title = escape(f"流程图:{procedure.title}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y:.0f}" '
        f'viewBox="0 0 {WIDTH} {y:.0f}" role="img" aria-label="{title}" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT}">\n'
        f"<title>{title}</title>\n"
        f'<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        f'markerHeight="8" orient="auto"><path d="M0 0L10 5L0 10z" fill="{COLOURS["edge"]}"/></marker></defs>\n'
        + "\n".join(parts)
        + "\n</svg>\n"
    )


def _rect(x: float, y: float, w: float, h: float, radius: float) -> str:
    return (
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="{radius:.0f}" '
        f'fill="{COLOURS["box"]}" stroke="{COLOURS["edge"]}" stroke-width="1.5"/>'
    )


def _arrow(y1: float, y2: float) -> str:
    x = WIDTH / 2
    return (
        f'<line x1="{x:.0f}" y1="{y1:.0f}" x2="{x:.0f}" y2="{y2 - 2:.0f}" stroke="{COLOURS["edge"]}" '
        f'stroke-width="1.5" marker-end="url(#arrow)"/>'
    )


def _lines(
    lines: list[str],
    x: float,
    top: float,
    *,
    anchor: str = "start",
    weight: str = "normal",
    colour: str = COLOURS["text"],
    size: int = FONT,
    step: int = LINE,
) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        baseline = top + i * step + step * 0.75
        extra = f' font-weight="{weight}"' if weight != "normal" else ""
        extra += f' font-size="{size}"' if size != FONT else ""
        out.append(
            f'<text x="{x:.0f}" y="{baseline:.0f}" text-anchor="{anchor}" fill="{colour}"{extra}>'
            f"{escape(line)}</text>"
        )
    return out
