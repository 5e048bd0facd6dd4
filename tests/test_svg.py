"""The SVGs are built as trees: no text from YAML can become markup or an attribute."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest
from conftest import MINIMAL, SCHEMAS, TODAY

from generator import load_handbook
from generator.flowchart import flowchart_svg, xml_safe
from generator.model import Handbook
from generator.orgchart import org_chart_svg
from generator.parts.procedures import Procedure

SVG = "{http://www.w3.org/2000/svg}"
PAYLOADS = [
    '"><script>alert(1)</script>',
    '" onload="alert(1)',
    "' onmouseover='x",
    "</text><script>",
    "]]><script>",
    "<![CDATA[",
    "&lt;script&gt;",
    "\x00\x01\x0b",
    "\ud800",
    ('"><script>alert(1)</script> ' * 400)[:10_000],
]
# Only these are ever drawn; a payload that made an element or attribute would show up here.
TAGS = {"svg", "title", "defs", "marker", "path", "rect", "line", "text"}
ATTRIBUTES = {
    "width", "height", "viewBox", "role", "aria-label", "font-family", "font-size", "font-weight",
    "id", "refX", "refY", "markerWidth", "markerHeight", "orient", "d", "fill", "x", "y", "rx",
    "stroke", "stroke-width", "stroke-dasharray", "x1", "y1", "x2", "y2", "marker-end",
    "text-anchor",
}  # fmt: skip


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    result = load_handbook(MINIMAL, SCHEMAS, today=TODAY)
    assert result.ok, result.diagnostics
    return result.handbook


def mark(field: str, payload: str) -> str:
    """Tag the payload with its field, so each field is found on its own in the drawing."""
    return f"[{field}]{payload}"


def squash(text: str) -> str:
    """What wrapping keeps of a text, compared without the whitespace it may drop at line breaks."""
    return "".join(xml_safe(text).split())


def hostile_procedure(handbook: Handbook, payload: str) -> tuple[Procedure, dict[str, str]]:
    proc = handbook.policy_map["flow"].procedures[0]
    # One more step whose `who` names no role: it is drawn as written.
    stranger = dataclasses.replace(proc.steps[0], who=mark("who", payload))
    steps = tuple(
        dataclasses.replace(
            step,
            what=mark(f"what{i}", payload),
            within=mark(f"within{i}", payload),
            output=mark(f"output{i}", payload),
        )
        for i, step in enumerate((*proc.steps, stranger))
    )
    proc = dataclasses.replace(
        proc, title=mark("title", payload), trigger=mark("trigger", payload), steps=steps
    )
    actors = {r.id: mark(f"role-{r.id}", payload) for r in handbook.organisation.roles}
    return proc, actors


def hostile_handbook(handbook: Handbook, payload: str) -> Handbook:
    org = handbook.organisation
    departments = tuple(
        dataclasses.replace(
            d,
            name=mark(f"dept-{d.id}", payload),
            groups=tuple(
                dataclasses.replace(g, name=mark(f"group-{g.id}", payload)) for g in d.groups
            ),
        )
        for d in org.departments
    )
    roles = tuple(dataclasses.replace(r, name=mark(f"role-{r.id}", payload)) for r in org.roles)
    organisation = dataclasses.replace(
        org, organisation=mark("org", payload), departments=departments, roles=roles
    )
    return dataclasses.replace(handbook, organisation=organisation)


def parse_safe(svg: str) -> ET.Element:
    """Parse the SVG and check it holds nothing but the shapes and attributes the charts draw."""
    svg.encode("utf-8")  # a lone surrogate would fail here, when the file is written
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ') and "ns0" not in svg
    assert "<script" not in svg and "<![CDATA[" not in svg
    root = ET.fromstring(svg)
    for node in root.iter():
        assert node.tag.startswith(SVG), node.tag
        tag = node.tag.removeprefix(SVG)
        assert tag in TAGS, tag
        assert tag not in {"script", "foreignObject", "iframe", "a"}
        assert tag in {"svg", "defs", "marker"} or len(node) == 0, f"{tag} has children"
        for name, value in node.attrib.items():
            assert not name.lower().startswith("on"), name
            assert name in ATTRIBUTES, name
            assert "javascript:" not in value.lower() or name == "aria-label"
    return root


def drawn_text(root: ET.Element) -> str:
    """All <text> contents in document order, squashed: a wrapped field reads as one run."""
    return squash("".join(t.text or "" for t in root.iter(f"{SVG}text")))


def only_in_aria_label_and_title(root: ET.Element, label: str) -> None:
    """The accessible name holds the text intact, in the attribute and in <title>, nowhere else."""
    assert root.get("aria-label") == label
    assert root.findtext(f"{SVG}title") == label
    assert [n for n in root.iter() if n.get("aria-label") is not None] == [root]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_flowchart_keeps_hostile_text_as_text(handbook: Handbook, payload: str) -> None:
    proc, roles = hostile_procedure(handbook, payload)
    svg = flowchart_svg(proc, roles)
    root = parse_safe(svg)
    only_in_aria_label_and_title(root, xml_safe(f"流程图:{mark('title', payload)}"))
    text = drawn_text(root)
    fields = ["trigger", "who", "role-operator", "role-manager"]
    fields += [f"{f}{i}" for f in ("what", "within", "output") for i in range(len(proc.steps))]
    for field in fields:
        assert squash(mark(field, payload)) in text, field
    assert flowchart_svg(proc, roles) == svg


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_org_chart_keeps_hostile_text_as_text(handbook: Handbook, payload: str) -> None:
    evil = hostile_handbook(handbook, payload)
    svg = org_chart_svg(evil)
    root = parse_safe(svg)
    only_in_aria_label_and_title(root, xml_safe(f"组织架构图:{mark('org', payload)}"))
    text = drawn_text(root)
    org = evil.organisation
    fields = ["org"] + [f"role-{r.id}" for r in org.roles]
    fields += [f"dept-{d.id}" for d in org.departments]
    fields += [f"group-{g.id}" for d in org.departments for g in d.groups]
    for field in fields:
        assert squash(mark(field, payload)) in text, field
    assert org_chart_svg(evil) == svg


def test_short_hostile_text_is_one_text_element_exactly(handbook: Handbook) -> None:
    payload = '"/><script>alert(1)</script><text a="'
    proc, roles = hostile_procedure(handbook, payload)
    texts = [t.text for t in parse_safe(flowchart_svg(proc, roles)).iter(f"{SVG}text")]
    assert mark("role-operator", payload) in texts
    assert mark("who", payload) in texts
    org = parse_safe(org_chart_svg(hostile_handbook(handbook, payload)))
    assert mark("org", payload) in [t.text for t in org.iter(f"{SVG}text")]


def test_xml_safe_drops_only_what_xml_cannot_hold() -> None:
    assert xml_safe("a\x00b\x08c\x0b\x0c\x1fd\ud800e\udfff\ufffe\uffff") == "abcde"
    kept = "\t\n\r 运营 <&>\"' \ue000\ufffd😀\U0010ffff"
    assert xml_safe(kept) == kept


def test_benign_charts_parse_with_the_accessible_name(handbook: Handbook) -> None:
    proc = handbook.policy_map["flow"].procedures[0]
    flow = parse_safe(flowchart_svg(proc, {i: r.name for i, r in handbook.roles.items()}))
    assert flow.get("role") == "img"
    only_in_aria_label_and_title(flow, "流程图:开店巡检")
    org = parse_safe(org_chart_svg(handbook))
    assert org.get("role") == "img"
    only_in_aria_label_and_title(org, "组织架构图:测试运营中心")
