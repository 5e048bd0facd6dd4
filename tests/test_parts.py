"""The part registry: every structured part defined once, and any part usable in any policy."""

from __future__ import annotations

import ast
import dataclasses
import json
import typing
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SCHEMAS, TODAY, make_handbook

from generator import load_handbook, model
from generator.parts import BY_KEY, KIND_PARTS, PARTS
from generator.render import render_pages
from generator.schemas import SECTION_KINDS

TEMPLATES = REPO / "generator" / "templates"


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.key)
def test_every_part_has_its_schema_model_template_and_noun(part) -> None:
    schema = json.loads((SCHEMAS / part.schema_file).read_text(encoding="utf-8"))
    assert schema["type"] == "array" and "items" in schema, part.schema_file
    policy = json.loads((SCHEMAS / "policy.schema.json").read_text(encoding="utf-8"))
    assert policy["properties"][part.key] == {"$ref": part.schema_file}
    assert (TEMPLATES / part.template).is_file()
    assert part.noun
    hints = typing.get_type_hints(model.Policy)
    assert hints[part.key] == tuple[part.model, ...], part.key
    assert part.model.__module__ == f"generator.parts.{part.key}"  # the part's own module
    names = {f.name for f in dataclasses.fields(part.model)}
    assert part.name in names
    # Items with ids unique in the handbook have a namespace; an item may also have an optional
    # id unique in its policy only (a commitment, so that a client's overlay can name it).
    required = {f.name for f in dataclasses.fields(part.model) if f.default is dataclasses.MISSING}
    assert ("id" in required) == (part.namespace is not None), part.key
    if part.tasks is not None:  # the tasks it gives roles have a kind duty pages can name
        assert part.task_kind and part.task_label and part.task_rank, part.key
    if part.on_role_page is not None:  # a role's page has a section for it
        assert part.role_template and (TEMPLATES / part.role_template).is_file()
    assert part.kinds and set(part.kinds) <= set(SECTION_KINDS)


def test_the_registry_is_the_only_list_of_parts() -> None:
    policy = json.loads((SCHEMAS / "policy.schema.json").read_text(encoding="utf-8"))
    referenced = {
        k for k, v in policy["properties"].items() if v.get("$ref", "").startswith("part-")
    }
    assert referenced == set(BY_KEY)
    assert sorted(p.name for p in SCHEMAS.glob("part-*.schema.json")) == sorted(
        part.schema_file for part in PARTS
    )
    assert set(SECTION_KINDS) == set(KIND_PARTS)
    assert len({p.order for p in PARTS}) == len(PARTS)  # a page shows them in one order
    ranks = [p.task_rank for p in PARTS if p.task_kind]
    assert len(set(ranks)) == len(ranks)
    assert all(key in BY_KEY for keys in KIND_PARTS.values() for key in keys)
    # No other module spells out two or more part keys in one literal (a list, a dict, a set).
    keys = set(BY_KEY)
    for path in sorted((REPO / "generator").glob("*.py")):
        if path.name == "parts.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                members = node.keys
            elif isinstance(node, ast.List | ast.Tuple | ast.Set):
                members = node.elts
            else:
                continue
            spelled = {m.value for m in members if isinstance(m, ast.Constant)} & keys
            assert len(spelled) < 2, f"{path.name}:{node.lineno} lists parts {sorted(spelled)}"


def _every_part_everywhere(policies: Path) -> dict[str, Path]:
    """Give the policy of every section kind every part (items copied, their ids made unique)."""
    files = {path.parent.name: path for path in sorted(policies.glob("*/*.yaml"))}
    items: dict[str, list] = {}
    clauses: list = []  # the clauses a copied step or item may cite in its own policy
    for path in files.values():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for part in PARTS:
            items.setdefault(part.key, []).extend(data.get(part.key) or [])
        clauses.extend(data.get("clauses") or [])
    assert all(items[part.key] for part in PARTS), "the minimal handbook lacks a part"
    for section, path in files.items():
        # Staff only: what each edition may show is the edition tests' business, not this one's.
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        text = "".join("audience: [staff]\n" if x.startswith("audience:") else x for x in lines)
        data = yaml.safe_load(text)
        for part in PARTS:
            if data.get(part.key):
                continue
            copies = []
            for item in items[part.key]:
                copy = dict(item)
                if part.namespace:
                    copy["id"] = f"{item['id']}-in-{section}"
                copies.append(copy)
            text += yaml.safe_dump({part.key: copies}, allow_unicode=True, sort_keys=False)
        if not data.get("clauses"):
            text += yaml.safe_dump({"clauses": clauses}, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
    return files


def test_every_part_can_go_into_a_policy_of_every_section_kind(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    files = _every_part_everywhere(policies)
    assert set(files) == set(SECTION_KINDS)
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    errors = [str(d) for d in result.diagnostics if d.severity.value == "error"]
    assert result.ok, "\n".join(errors)
    pages = {p.path: p.content for p in render_pages(result.handbook)}
    for policy in result.handbook.policies:
        page = pages[f"{policy.section}/{policy.id}.md"]
        for part in PARTS:
            for item in part.items(policy):
                if part.namespace and part.anchored:
                    assert f"{{#{item.id}}}" in page, (policy.id, part.key)
        heading = "## 检查清单"
        assert heading in page, policy.id
    # Each section page sums up every part its policies hold that has a summary table.
    for section in result.handbook.sections:
        page = pages[f"{section.id}/index.md"]
        for title in (
            "## 全部服务",
            "## 全部流程",
            "## 汇报节奏一览",
            "## 全部指标",
            "## 合规义务登记表",
        ):
            assert title in page, (section.id, title)


@pytest.mark.slow
def test_a_handbook_with_every_part_everywhere_builds(tmp_path: Path, run_cli) -> None:
    policies = make_handbook(tmp_path / "repo", schemas=True)
    _every_part_everywhere(policies)
    (tmp_path / "repo" / "mkdocs.yml").write_bytes((REPO / "mkdocs.yml").read_bytes())
    (tmp_path / "repo" / "docs").mkdir()
    (tmp_path / "repo" / "docs" / "assets").mkdir()
    for asset in (REPO / "docs" / "assets").iterdir():
        (tmp_path / "repo" / "docs" / "assets" / asset.name).write_bytes(asset.read_bytes())
    run = run_cli("build", "--site-dir", "../site", cwd=tmp_path / "repo")
    assert run.code == 0, run.err[-3000:]
    page = (tmp_path / "site" / "scope" / "svc" / "index.html").read_text(encoding="utf-8")
    for title in ("流程", "指标", "事件分级", "义务登记", "汇报"):
        assert f">{title}<" in page or f">{title}</" in page or title in page, title


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # Weights, when given, are given for every criterion and add up to 100.
        (
            "data/kpis.yaml",
            "weight: 40",
            "weight: 30",
            "data/kpis.yaml:65:7: error: 评分表 channel-card 各项权重合计 90",
        ),
        (
            "data/kpis.yaml",
            "        weight: 40\n",
            "",
            "data/kpis.yaml:68:9: error: 评分表 channel-card 的其他标准写了权重",
        ),
        # Personal information says why, on what basis and for how long it is kept.
        (
            "crisis/incidents.yaml",
            "        retention: 订单完成后 3 年\n",
            "",
            "crisis/incidents.yaml:84:9: error: data_inventory[1].fields[2](字段) 缺少必填字段 retention",
        ),
        # A sensitive field is personal information.
        (
            "crisis/incidents.yaml",
            "      - name: 订单号\n",
            "      - name: 订单号\n        sensitive: true\n",
            "crisis/incidents.yaml:",
        ),
    ],
    ids=["weights-sum", "weight-missing", "personal-retention", "sensitive-personal"],
)
def test_new_parts_refuse_what_does_not_add_up(
    tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    policies = make_handbook(tmp_path)
    _edit(policies / file, old, new)
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    shown = [str(d).replace(str(policies) + "/", "") for d in result.diagnostics]
    assert any(expected in line for line in shown), "\n".join(shown)


def test_risk_level_comes_from_likelihood_and_impact() -> None:
    risk = BY_KEY["risks"].model
    grid = {
        (lk, im): risk("r", "x", lk, im, "reduce", "manager").level
        for lk in ("low", "medium", "high")
        for im in ("low", "medium", "high")
    }
    assert grid[("low", "low")] == "low" and grid[("low", "high")] == "medium"
    assert grid[("medium", "medium")] == "medium" and grid[("medium", "high")] == "high"
    assert grid[("high", "high")] == "high"


def test_the_readme_names_each_kinds_usual_parts() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for kind, keys in KIND_PARTS.items():
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{kind}` |"))
        named = [key for key in BY_KEY if f"`{key}`" in row]
        assert named == [k for k in keys if k != "checklists"], (kind, named)


def test_frequencies_are_listed_once() -> None:
    from generator import cadence

    common = json.loads((SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert common["frequency"]["enum"] == list(cadence.CODES)
    assert common["cadence"]["enum"] == [c for c in cadence.CODES if c != "per-event"]
    assert set(common["quota"]["properties"]["period"]["enum"]) == set(cadence.PERIODS)
    assert set(common["review"]["properties"]["cycle"]["enum"]) == set(cadence.REVIEW_CYCLES)
    codes = set(cadence.CODES) | set(cadence.REVIEW_CYCLES)
    for path in sorted((REPO / "generator").rglob("*.py")):
        if path.name == "cadence.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            members = (
                node.keys
                if isinstance(node, ast.Dict)
                else node.elts
                if isinstance(node, ast.List | ast.Tuple | ast.Set)
                else []
            )
            spelled = {m.value for m in members if isinstance(m, ast.Constant)} & codes
            assert len(spelled) < 2, (
                f"{path.name}:{node.lineno} lists frequencies {sorted(spelled)}"
            )


def test_values_a_source_does_not_give_are_warned_marked_and_listed(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    _edit(policies / "data/kpis.yaml", "target: 100", "target: 待定")
    _edit(policies / "workflow/flow.yaml", "within: 30m", "within: 待定")
    _edit(policies / "communication/report.yaml", "cadence: weekly", "cadence: periodic")
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    assert result.ok
    warned = {
        f"{Path(d.file).relative_to(policies)}:{d.line}:{d.column}"
        for d in result.diagnostics
        if d.code == "to-be-set"
    }
    assert warned == {
        "data/kpis.yaml:25:13",
        "workflow/flow.yaml:38:17",
        "communication/report.yaml:48:14",
    }
    pages = {p.path: p.content for p in render_pages(result.handbook, "staff", result.schemas)}
    assert '<span class="hb-tbd"' in pages["data/kpis.md"]  # marked where the value would be
    assert "kpis\\[1\\].target(目标值)" in pages["gaps.md"]
    assert "meetings\\[1\\].cadence(周期)" in pages["gaps.md"]
    assert "gaps.md" not in {p.path for p in render_pages(result.handbook, "client")}
    # "定期" with no period and "实时" get duty pages of their own, only while used.
    assert "duties/periodic.md" in pages and "duties/realtime.md" not in pages


def test_a_number_that_is_neither_a_number_nor_to_be_set_is_refused(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    _edit(policies / "data/kpis.yaml", "target: 100", "target: 很高")
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    assert [d.code for d in result.diagnostics if d.severity.value == "error"] == ["bad-format"]


def test_a_kpi_may_set_thresholds_per_channel_in_its_direction(tmp_path: Path) -> None:
    result = load_handbook(make_handbook(tmp_path), SCHEMAS, today=TODAY)
    refund = result.handbook.policy_map["kpis"].kpis[1]
    # What a channel leaves out is the KPI's own value.
    assert refund.thresholds(refund.by_channel[0]) == (5, 8, 15)
    page = {p.path: p.content for p in render_pages(result.handbook, "staff")}["data/kpis.md"]
    assert "| 抖店 | 5% | 8% | 15% |" in page

    policies = make_handbook(tmp_path / "bad")
    _edit(
        policies / "data/kpis.yaml",
        "        alert: 15\n",
        "        alert: 6\n      - channel: 抖店\n        target: 1\n",
    )
    found = load_handbook(policies, SCHEMAS, today=TODAY).diagnostics
    assert [(d.code, d.line) for d in found if d.severity.value == "error"] == [
        ("kpi-thresholds", 47),
        ("duplicate-channel", 49),
    ]
    assert "目标 5、预警 8、告警 6" in found[0].message
