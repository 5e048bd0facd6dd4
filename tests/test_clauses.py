"""Clauses: read, numbered once, cited by steps and checklist items, and cut from editions."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCHEMAS, TODAY

from generator import load_handbook
from generator.change_scope import _target_id
from generator.clauses import anchor, citations, cited, keep
from generator.edition import view
from generator.model import Ref
from generator.render import render_pages


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _diagnostics(policies: Path) -> list[str]:
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    return [str(d).replace(str(policies) + "/", "") for d in result.diagnostics]


def test_a_citation_names_a_policy_and_a_number() -> None:
    assert cited("3.2", "flow") == ("flow", "3.2")
    assert cited("incidents#3.2.1", "flow") == ("incidents", "3.2.1")
    assert anchor("p", "3.2.1") == "p--clause-3-2-1"
    assert anchor("p", "32") == "p--clause-32"  # never the anchor of 3.2


def test_the_minimal_handbook_holds_clauses_and_citations(handbook_dir: Path) -> None:
    hb = load_handbook(handbook_dir, SCHEMAS, today=TODAY).handbook
    incidents, flow = hb.policy_map["incidents"], hb.policy_map["flow"]
    assert [(c.number, c.title) for c in incidents.clauses] == [("1", "发现即报"), ("2.1", "")]
    assert list(citations(incidents)) == ["2.1"]
    assert list(citations(flow)) == ["incidents#1"]
    assert list(citations(hb.policy_map["svc"])) == []  # a tier's basis is text, not a citation
    assert any("截图取证" in text for text in incidents.prose())  # clause texts are its prose
    # Keeping every citation changes nothing: the very same records come back.
    assert keep(flow.checklists, lambda c: True) is flow.checklists
    assert keep(flow.checklists, lambda c: False)[0].items[0].basis == ()


def test_clauses_may_come_in_any_order(handbook_dir: Path) -> None:
    _edit(handbook_dir / "crisis/incidents.yaml", '- number: "1"', '- number: "9"')
    _edit(handbook_dir / "workflow/flow.yaml", '["incidents#1"]', '["incidents#9"]')
    assert _diagnostics(handbook_dir) == []


def test_an_unquoted_number_is_refused(handbook_dir: Path) -> None:
    _edit(handbook_dir / "crisis/incidents.yaml", '- number: "2.1"', "- number: 2.1")
    found = _diagnostics(handbook_dir)
    # One error, where the number is, saying to quote it; flow's citation of the broken file waits.
    (message,) = found
    assert message.startswith("crisis/incidents.yaml:108:13: error: clauses[2].number"), message
    assert '请加引号:"2.1"' in message and message.endswith("[wrong-type]")


def test_a_policy_without_clauses_says_so(handbook_dir: Path) -> None:
    _edit(handbook_dir / "crisis/incidents.yaml", '["2.1"]', '["flow#2"]')
    (found,) = _diagnostics(handbook_dir)
    assert found.startswith("crisis/incidents.yaml:55:17: error: 政策 flow 没有编号条款"), found
    assert found.endswith("[dangling-clause]")


def test_a_broken_cited_policy_is_not_reported_twice(handbook_dir: Path) -> None:
    _edit(handbook_dir / "crisis/incidents.yaml", "title: 事件分级\n", "")
    found = _diagnostics(handbook_dir)
    assert [d for d in found if "dangling-clause" in d] == [], found
    assert any(d.startswith("crisis/incidents.yaml:") for d in found)


@pytest.mark.parametrize("edition", ["client", "public"])
def test_an_edition_drops_citations_of_policies_it_does_not_show(
    handbook_dir: Path, edition: str
) -> None:
    flow = handbook_dir / "workflow/flow.yaml"
    _edit(flow, "audience: [staff]\n", "audience: [staff, client, public]\n")
    _edit(
        flow,
        "    frequency: daily\n",
        "    frequency: daily\n    audience: [staff, client, public]\n",
    )
    _edit(flow, '["incidents#1"]', '["incidents#1", "1"]')  # incidents is for staff only
    _edit(
        flow,
        "        output: 巡检表\n",
        '        output: 巡检表\n        basis: ["incidents#2.1"]\n',
    )
    flow.write_text(
        flow.read_text(encoding="utf-8") + 'clauses:\n  - number: "1"\n    text: 每天巡检。\n',
        encoding="utf-8",
    )
    result = load_handbook(handbook_dir, SCHEMAS, today=TODAY)
    # What does leak from flow into these editions is beside the point: the citations do not.
    leaks = [d for d in result.diagnostics if d.code == "edition-leak"]
    assert not [d for d in leaks if "incidents" in d.message], leaks
    staff = result.handbook
    cut = view(staff, edition)
    copy = cut.policy_map["flow"]
    assert copy.checklists[0].items[0].basis == ("1",)  # its own clause stays
    assert copy.procedures[0].steps[0].basis == ()
    assert staff.policy_map["flow"].procedures[0].steps[0].basis == ("incidents#2.1",)
    assert copy.checklists[0].policy is copy
    # A tier's basis is plain text, not citations: left as it is.
    svc = view(staff, "client").policy_map["svc"]  # the public does not see it
    assert (
        svc.tiers[0].basis
        == staff.policy_map["svc"].tiers[0].basis
        == "按客户签约的服务范围分层,每年续约时重新评定。"
    )


def test_pages_link_citations_to_the_clause(handbook_dir: Path) -> None:
    hb = load_handbook(handbook_dir, SCHEMAS, today=TODAY).handbook
    pages = {p.path: p.content for p in render_pages(hb)}
    assert "### 第 1 条 发现即报 {#incidents--clause-1}" in pages["crisis/incidents.md"]
    assert "(依据 [第 2.1 条](incidents.md#incidents--clause-2-1))" in pages["crisis/incidents.md"]
    line = "(依据 [《事件分级》第 1 条](../crisis/incidents.md#incidents--clause-1))"
    assert line in pages["workflow/flow.md"]
    assert line in pages["checklists/operator-daily.md"]
    # The cited policy counts the citing one among those that cite it.
    assert "- [巡检流程](../workflow/flow.md)" in pages["crisis/incidents.md"]


def test_a_changed_policy_rechecks_the_files_citing_its_clauses() -> None:
    def ref(target: str) -> Ref:
        return Ref("clause", target, None, ())  # type: ignore[arg-type]

    assert _target_id(ref("incidents#2.1")) == "incidents"
    assert _target_id(ref("2.1")) == ""  # its own policy: the same file
    assert _target_id(Ref("serves", "check/2", None, ())) == "check"  # type: ignore[arg-type]
