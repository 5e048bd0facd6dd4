"""The editor knows the handbook's ids (issue 17, item 4), checked with yaml-language-server.

`handbook validate --write-editor-schemas` (run by make validate, make site, make serve and make
setup) writes build/editor-schemas/<kind>.ids.schema.json; schemas/editor/<kind>.schema.json joins
it to the kind's schema; each policy's modeline and .vscode/settings.json point there. The
server here is the one VS Code's YAML extension runs, with the settings the repository ships.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_TODAY, REPO, SCHEMAS
from lsp import YamlLanguageServer

from generator import load_handbook
from generator.editor import FOLDER, NAMESPACES, id_lists, id_schema, wrapper, write
from generator.paths import UnsafePath
from generator.schemas import KINDS, load_schemas


def test_a_wrapper_is_committed_for_every_kind_and_nothing_else() -> None:
    folder = SCHEMAS / "editor"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.schema.json" for k in KINDS)
    for kind in KINDS:
        assert json.loads((folder / f"{kind}.schema.json").read_text("utf-8")) == wrapper(kind)


def test_every_reference_definition_has_its_ids() -> None:
    common = json.loads((SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))
    refs = {name for name in common["$defs"] if name.endswith("Ref")}
    assert refs == set(NAMESPACES)
    handbook = load_handbook(REPO / "policies", SCHEMAS, today=EXAMPLE_TODAY).handbook
    ids = id_lists(handbook)
    assert set(ids) == set(NAMESPACES)
    assert ("compliance-officer", "合规专员") in ids["roleRef"]
    assert any(name.endswith("(外部)") for _, name in ids["actorRef"])
    assert ("kpi-gmv", "GMV 目标达成率") in ids["kpiRef"]
    assert ("office", "中心办公室") in ids["departmentRef"]


def test_the_id_schema_reaches_every_reference_and_nothing_else() -> None:
    schemas = load_schemas(SCHEMAS)
    handbook = load_handbook(REPO / "policies", SCHEMAS, today=EXAMPLE_TODAY).handbook
    found = id_schema(schemas, "workflow", id_lists(handbook))
    assert found["properties"]["owner"] == {"$ref": "#/$defs/roleRef"}
    steps = found["properties"]["procedures"]["items"]["properties"]["steps"]["items"]
    assert steps["properties"]["who"] == {"$ref": "#/$defs/actorRef"}
    recipients = found["properties"]["reports"]["items"]["properties"]["recipients"]["items"]
    assert recipients == {"anyOf": [{"const": "client"}, {"$ref": "#/$defs/roleRef"}]}
    assert "title" not in found["properties"]  # only references: no other rule is repeated
    enum = found["$defs"]["roleRef"]
    assert len(enum["enum"]) == len(enum["enumDescriptions"]) == len(handbook.roles)


def test_writing_stays_in_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "policies", repo / "policies")
    shutil.copytree(SCHEMAS, repo / "schemas")
    handbook = load_handbook(repo / "policies", repo / "schemas", today=EXAMPLE_TODAY).handbook
    schemas = load_schemas(repo / "schemas")
    written = write(handbook, schemas, repo)
    assert sorted(p.name for p in written) == sorted(f"{k}.ids.schema.json" for k in KINDS)
    before = {p: p.stat().st_mtime_ns for p in written}
    write(handbook, schemas, repo)  # unchanged ids: files left alone (an editor need not reload)
    assert {p: p.stat().st_mtime_ns for p in written} == before
    # build/ a link that leaves the repository: refused, nothing written there
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(repo / "build")
    (repo / "build").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath):
        write(handbook, schemas, repo)
    assert not any(outside.iterdir())
    # a file of ours replaced by a link: not followed
    (repo / "build").unlink()
    write(handbook, schemas, repo)
    target = repo / FOLDER / "roles.ids.schema.json"
    target.unlink()
    target.symlink_to(outside / "x.json")
    with pytest.raises(UnsafePath):
        write(handbook, schemas, repo)
    assert not (outside / "x.json").exists()


def test_the_cli_writes_them_only_when_asked(tmp_path: Path, run_cli) -> None:
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    run = run_cli("validate", "--today", EXAMPLE_TODAY.isoformat(), cwd=tmp_path)
    assert run.code == 0 and not (tmp_path / "build").exists()
    run = run_cli(
        "validate", "--write-editor-schemas", "--today", EXAMPLE_TODAY.isoformat(), cwd=tmp_path
    )
    assert run.code == 0, run.err
    assert "已更新编辑器的 id 清单 build/editor-schemas/(角色 22 个" in run.err
    assert (tmp_path / FOLDER / "workflow.ids.schema.json").is_file()


# --- the real editor engine -------------------------------------------------------------------


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's handbook, settings and schemas, with the id lists written."""
    root = tmp_path_factory.mktemp("workspace")
    for folder in ("policies", "schemas", ".vscode"):
        shutil.copytree(REPO / folder, root / folder)
    handbook = load_handbook(root / "policies", root / "schemas", today=EXAMPLE_TODAY).handbook
    write(handbook, load_schemas(root / "schemas"), root)
    return root


def _shipped_settings(**changes: object) -> dict:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    yaml = {
        key[len("yaml.") :]: value for key, value in settings.items() if key.startswith("yaml.")
    }
    return {**yaml, "validate": True, "completion": True, "hover": True, **changes}


@pytest.fixture(scope="module")
def server(workspace: Path):
    if os.environ.get("CI") and not shutil.which("node"):
        pytest.fail("node is missing: CI must install nodejs (see .ci/system-packages)")
    with YamlLanguageServer(workspace, _shipped_settings()) as server:
        yield server


def _variant(workspace: Path, source: str, name: str, old: str, new: str) -> Path:
    text = (workspace / source).read_text(encoding="utf-8")
    assert old in text, old
    path = workspace / Path(source).parent / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, start: str) -> int:
    return next(
        n for n, line in enumerate(path.read_text("utf-8").splitlines()) if line.startswith(start)
    )


def test_the_example_raises_no_alarm_in_the_editor(workspace: Path, server) -> None:
    alarms = {
        path.relative_to(workspace).as_posix(): [d["message"] for d in found]
        for path in sorted((workspace / "policies").rglob("*.yaml"))
        if (found := server.open(path))
    }
    assert alarms == {}


def test_the_editor_flags_an_unknown_role_and_completes_real_ones(workspace: Path, server) -> None:
    typo = _variant(
        workspace,
        "policies/workflow/task-assignment.yaml",
        "zz-typo.yaml",
        "owner: platform-manager",
        "owner: platform-manger",
    )
    found = server.open(typo)
    line = _line_of(typo, "owner:")
    assert [(d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in found] == [
        (line, len("owner: "))
    ]
    assert "platform-manager" in found[0]["message"]
    offered = {
        item["label"]: item.get("documentation")
        for item in server.complete(typo, line, len("owner: "))
    }
    assert offered.get("compliance-officer") == "合规专员"
    assert offered.get("platform-manager") == "平台项目部经理"
    # a KPI id in a report, a policy in related: the same
    kpi = _variant(
        workspace,
        "policies/communication/client-reporting.yaml",
        "zz-kpi.yaml",
        "kpis: [",
        "kpis: [kpi-nonexistent, ",
    )
    assert any("kpi-gmv" in d["message"] for d in server.open(kpi))


def test_the_editor_reads_yaml_as_the_validator_does(workspace: Path) -> None:
    """YAML 1.1 (PyYAML's): `title: no` is a boolean and an unquoted 10:00 a number, in both."""
    source = "policies/communication/client-reporting.yaml"
    text = (workspace / source).read_text(encoding="utf-8")
    trap = workspace / "policies" / "communication" / "zz-yaml11.yaml"
    text = re.sub(r"\ntitle: .*\n", "\ntitle: no\n", text, count=1)
    trap.write_text(text.replace('due: "17:30"', "due: 17:30", 1), encoding="utf-8")
    with YamlLanguageServer(workspace, _shipped_settings()) as server:
        lines = sorted(d["range"]["start"]["line"] for d in server.open(trap))
    assert lines == [_line_of(trap, "title:"), _line_of(trap, "        due: 17:30")]
    with YamlLanguageServer(workspace, _shipped_settings(yamlVersion="1.2")) as server:
        assert server.open(trap) == []  # what the editor said before the setting
