"""Editor support: the shipped VS Code settings and the scaffold for new policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, SCHEMAS, TODAY, make_handbook

from generator import load_handbook
from generator.editor import modeline
from generator.scaffold import ScaffoldError, new_policy
from generator.schemas import KINDS as DOCUMENT_KINDS

KINDS = ("scope", "workflow", "communication", "data", "crisis", "compliance")


def test_vscode_maps_every_schema_to_its_files() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert sorted(Path(k).name for k in mapping) == sorted(
        f"{kind}.schema.json"
        for kind in DOCUMENT_KINDS  # the others are reached through $ref
    )
    handbook = load_handbook(REPO / "policies", SCHEMAS, today=TODAY).handbook
    for section in handbook.sections:
        assert mapping[f"./schemas/editor/{section.kind}.schema.json"] == [
            f"policies/{section.id}/*.yaml",
            f"policies/clients/*/{section.id}/*.yaml",  # a client's own policies
        ]
    assert mapping["./schemas/editor/client.schema.json"] == ["policies/clients/*/client.yaml"]
    assert mapping["./schemas/editor/overlay.schema.json"] == [
        "policies/clients/*/*.yaml",
        "!policies/clients/*/client.yaml",
    ]


def test_example_files_carry_the_schema_modeline() -> None:
    for path in sorted((REPO / "policies").rglob("*.yaml")):
        depth = len(path.relative_to(REPO / "policies").parts)
        kind = path.parent.name if depth == 2 else path.stem
        if path.parts[-depth] == "clients":  # clients/<id>/client.yaml, overlays, sections
            kind = {3: "overlay" if path.name != "client.yaml" else "client"}.get(
                depth, path.parent.name
            )
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == modeline(kind, depth), path


@pytest.mark.parametrize("kind", KINDS)
def test_new_policy_of_every_kind_passes_validation(kind: str, tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    path = new_policy(policies, kind, f"new-{kind}", title="新的政策", today=TODAY)
    assert path == policies / kind / f"new-{kind}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(modeline(kind, 2) + "\n")
    assert "status: draft" in text and text.count("\n#") > 5  # commented guidance
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    assert [str(d) for d in result.diagnostics] == []
    policy = result.handbook.policy_map[f"new-{kind}"]
    assert (policy.title, policy.status, policy.version) == ("新的政策", "draft", "0.1.0")


def test_new_policy_uses_the_sections_usual_owner(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    path = new_policy(policies, "compliance", "privacy-2", today=TODAY)
    assert "owner: director" in path.read_text(encoding="utf-8")  # ads.yaml's owner
    path = new_policy(
        policies, "workflow", "flow-2", owner="operator", approver="manager", today=TODAY
    )
    assert "owner: operator" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("section", "ident", "kwargs", "message"),
    [
        ("workflow", "flow", {}, "已经存在,不会覆盖它"),
        ("scope", "flow", {}, "已被"),
        ("nowhere", "x", {}, "handbook.yaml 中没有部分 nowhere"),
        ("workflow", "Bad_Id", {}, "不合规"),
        ("workflow", "x", {"owner": "ghost"}, "--owner ghost 不是 roles.yaml 中的角色"),
    ],
)
def test_new_policy_refuses(
    tmp_path: Path, section: str, ident: str, kwargs: dict, message: str
) -> None:
    policies = make_handbook(tmp_path)
    before = (policies / "workflow" / "flow.yaml").read_bytes()
    with pytest.raises(ScaffoldError, match=message):
        new_policy(policies, section, ident, **kwargs)
    assert (policies / "workflow" / "flow.yaml").read_bytes() == before


def test_new_command(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, schemas=True)
    run = run_cli("new", "data", "kpi-extra", "--title", "新增指标", cwd=tmp_path)
    assert run.code == 0, run.err
    assert "已创建草稿 policies/data/kpi-extra.yaml" in run.out
    again = run_cli("new", "data", "kpi-extra", cwd=tmp_path)
    assert again.code == 2 and "不会覆盖" in again.err
