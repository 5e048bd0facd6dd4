"""A procedure -> a self-contained SVG flowchart (no script, no web font, no third-party host)."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

from . import labels
from .parts.procedures import Procedure

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
SVG_NS = "http://www.w3.org/2000/svg"
# Global to ElementTree, but only this URI is mapped: SVG elements come out unprefixed, no "ns0:".
ET.register_namespace("", SVG_NS)
# What XML 1.0 cannot hold (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF):
# ElementTree would write them verbatim and the file would no longer parse (or encode).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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


def xml_safe(text: object) -> str:
    """Return text with every character XML 1.0 forbids removed (markup is escaped on writing)."""
    text = str(text)
    # Fast path: all the forbidden characters are control, surrogate or unassigned, so unprintable.
    return text if text.isprintable() else _NOT_XML.sub("", text)


def element(
    parent: ET.Element | None, tag: str, attrs: dict[str, object], text: object = None
) -> ET.Element:
    """Add an SVG element; every attribute value and the text go through xml_safe, in given order."""
    attrib = {name: xml_safe(value) for name, value in attrs.items()}
    node = (
        ET.Element(f"{{{SVG_NS}}}{tag}", attrib)
        if parent is None
        else ET.SubElement(parent, f"{{{SVG_NS}}}{tag}", attrib)
    )
    if text is not None:
        node.text = xml_safe(text)
    return node


def svg_document(width: float, height: float, label: str, font_size: int) -> ET.Element:
    """Return the root <svg> with its size, accessible name and font, holding a <title>."""
    root = element(
        None,
        "svg",
        {
            "width": f"{width:.0f}",
            "height": f"{height:.0f}",
            "viewBox": f"0 0 {width:.0f} {height:.0f}",
            "role": "img",
            "aria-label": label,
            "font-family": FONT_FAMILY,
            "font-size": font_size,
        },
    )
    element(root, "title", {}, label)
    return root


def svg_string(root: ET.Element) -> str:
    """Serialise the tree with one top-level element per line; the same tree gives the same bytes."""
    root.text = "\n"
    for child in root:
        child.tail = "\n"
    return ET.tostring(root, encoding="unicode") + "\n"


def flowchart_svg(procedure: Procedure, actors: dict[str, str]) -> str:
    """Draw the procedure as a vertical flow: trigger, numbered steps with who and time, end.

    `actors` names each role and outside party a step may name.
    """
    # The height is known only at the end, so the shapes go into a holder and move under the root.
    parts = ET.Element("parts")
    inner = WIDTH - 2 * MARGIN
    y = MARGIN

    trigger = wrap(f"触发:{procedure.trigger}", inner - 2 * PAD)
    height = len(trigger) * LINE + 2 * PAD
    _rect(parts, MARGIN, y, inner, height, radius=height / 2 if len(trigger) == 1 else 16)
    _lines(parts, trigger, WIDTH / 2, y + PAD, anchor="middle")
    y += height

    for number, step in enumerate(procedure.steps, 1):
        _arrow(parts, y, y + GAP)
        y += GAP
        role = actors.get(step.who, step.who)
        body = wrap(step.what, inner - BAND - 2 * PAD)
        notes = []
        if step.within:
            notes.append(f"时限 {labels.duration(step.within)}")
        if step.output:
            notes.append(f"产出 {step.output}")
        note_lines = wrap(" · ".join(notes), inner - BAND - 2 * PAD, FONT - 2) if notes else []
        height = (1 + len(body)) * LINE + len(note_lines) * (LINE - 2) + 2 * PAD
        _rect(parts, MARGIN, y, inner, height, radius=8)
        band = (
            f"M{MARGIN + 8} {y}h{BAND - 8}v{height}h{-(BAND - 8)}a8 8 0 0 1-8-8v{-(height - 16)}"
            "a8 8 0 0 1 8-8z"
        )
        element(parts, "path", {"d": band, "fill": COLOURS["band"]})
        element(
            parts,
            "text",
            {
                "x": MARGIN + BAND / 2,
                "y": y + height / 2 + 6,
                "text-anchor": "middle",
                "font-size": 18,
                "font-weight": "bold",
                "fill": "#ffffff",
            },
            number,
        )
        left = MARGIN + BAND + PAD
        _lines(parts, [role], left, y + PAD, weight="bold", colour=COLOURS["edge"])
        _lines(parts, body, left, y + PAD + LINE)
        _lines(
            parts,
            note_lines,
            left,
            y + PAD + LINE * (1 + len(body)),
            size=FONT - 2,
            colour=COLOURS["muted"],
            step=LINE - 2,
        )
        y += height

    _arrow(parts, y, y + GAP)
    y += GAP
    _rect(parts, WIDTH / 2 - 60, y, 120, LINE + 2 * PAD, radius=(LINE + 2 * PAD) / 2)
    _lines(parts, ["结束"], WIDTH / 2, y + PAD, anchor="middle")
    y += LINE + 2 * PAD + MARGIN

    root = svg_document(WIDTH, y, f"流程图:{procedure.title}", FONT)
    defs = element(root, "defs", {})
    marker = element(
        defs,
        "marker",
        {
            "id": "arrow",
            "viewBox": "0 0 10 10",
            "refX": 9,
            "refY": 5,
            "markerWidth": 8,
            "markerHeight": 8,
            "orient": "auto",
        },
    )
    element(marker, "path", {"d": "M0 0L10 5L0 10z", "fill": COLOURS["edge"]})
    root.extend(parts)
    return svg_string(root)


def _rect(parent: ET.Element, x: float, y: float, w: float, h: float, radius: float) -> None:
    element(
        parent,
        "rect",
        {
            "x": f"{x:.0f}",
            "y": f"{y:.0f}",
            "width": f"{w:.0f}",
            "height": f"{h:.0f}",
            "rx": f"{radius:.0f}",
            "fill": COLOURS["box"],
            "stroke": COLOURS["edge"],
            "stroke-width": "1.5",
        },
    )


def _arrow(parent: ET.Element, y1: float, y2: float) -> None:
    x = f"{WIDTH / 2:.0f}"
    element(
        parent,
        "line",
        {
            "x1": x,
            "y1": f"{y1:.0f}",
            "x2": x,
            "y2": f"{y2 - 2:.0f}",
            "stroke": COLOURS["edge"],
            "stroke-width": "1.5",
            "marker-end": "url(#arrow)",
        },
    )


def _lines(
    parent: ET.Element,
    lines: list[str],
    x: float,
    top: float,
    *,
    anchor: str = "start",
    weight: str = "normal",
    colour: str = COLOURS["text"],
    size: int = FONT,
    step: int = LINE,
) -> None:
    for i, line in enumerate(lines):
        baseline = top + i * step + step * 0.75
        attrs: dict[str, object] = {
            "x": f"{x:.0f}",
            "y": f"{baseline:.0f}",
            "text-anchor": anchor,
            "fill": colour,
        }
        if weight != "normal":
            attrs["font-weight"] = weight
        if size != FONT:
            attrs["font-size"] = size
        element(parent, "text", attrs, line)
