"""Outside parties: declared once in roles.yaml, named by steps, shown as outside, never given tasks."""

from __future__ import annotations

from pathlib import Path

from conftest import SCHEMAS, TODAY, make_handbook

from generator import load_handbook
from generator.edition import view
from generator.render import render_pages


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(policies: Path) -> list[str]:
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    return [
        f"{Path(d.file).relative_to(policies)}:{d.line}:{d.column}: {d.code}: {d.message}"
        for d in result.diagnostics
        if d.severity.value == "error"
    ]


def test_a_step_an_outside_party_takes_is_shown_as_outside_and_is_no_ones_task(
    tmp_path: Path,
) -> None:
    result = load_handbook(make_handbook(tmp_path), SCHEMAS, today=TODAY)
    assert result.ok
    hb = result.handbook
    appeal = hb.policy_map["incidents"].procedures[0]
    assert appeal.steps[1].who == "platform"
    # A party is not a role: not among the policy's participants, no task, no role page.
    assert "platform" not in hb.policy_map["incidents"].participants
    pages = {p.path: p.content for p in render_pages(hb, "staff")}
    assert "roles/platform.md" not in pages
    assert "审核申诉" not in pages["duties/per-event.md"]
    assert "(外部)" in pages["crisis/incidents.md"]
    assert "{#party-platform}" in pages["roles/index.md"]
    assert "电商平台(外部)" in pages["assets/flow/appeal.svg"]


def test_a_party_may_not_share_an_id_with_a_role(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    _edit(policies / "roles.yaml", "  - id: platform\n", "  - id: operator\n")
    found = _errors(policies)
    # The step that named the party's old id dangles; nothing else cascades from the clash.
    assert [f.split(": ")[:2] for f in found] == [
        ["crisis/incidents.yaml:99:14", "dangling-role"],
        ["roles.yaml:38:9", "duplicate-id"],
    ], found
    assert "roles.yaml:30 的角色 id 相同" in found[1]


def test_a_step_naming_no_one_says_where_parties_are_declared(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    _edit(policies / "crisis/incidents.yaml", "      - who: platform\n", "      - who: platfrom\n")
    found = _errors(policies)
    assert len(found) == 1, found
    assert "dangling-role" in found[0] and "是否想写 platform" in found[0] and "parties" in found[0]


def test_editions_show_a_party_only_where_it_is_visible(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    assert view(result.handbook, "client").organisation.parties == ()  # staff only by default
    # A client-visible policy whose step names a staff-only party is refused for that edition.
    _edit(policies / "crisis/incidents.yaml", "audience: [staff]\n", "audience: [staff, client]\n")
    found = _errors(policies)
    assert any("edition-leak" in f and "外部相关方 platform" in f for f in found), found
    _edit(
        policies / "roles.yaml",
        "    kind: platform\n",
        "    kind: platform\n    audience: [staff, client]\n",
    )
    assert not any("外部相关方" in f for f in _errors(policies))
