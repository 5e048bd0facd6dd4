"""`handbook new`: write a valid, commented draft policy in the right folder, never over a file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from .codeowners import usual_roles
from .errors import HandbookError
from .loader import read_document
from .names import role_id
from .paths import inside, is_id


class ScaffoldError(HandbookError):
    """Raised by new_policy when it cannot write the draft (the reason says what to change)."""


def new_policy(
    policies: Path,
    section: str,
    ident: str,
    *,
    title: str | None = None,
    summary: str | None = None,
    owner: str | None = None,
    approver: str | None = None,
    today: dt.date | None = None,
    notes: list[str] | None = None,
) -> Path:
    """Write policies/SECTION/ID.yaml as a draft that passes validation; return its path.

    `owner` and `approver` may be a role's id or its name; a name is written as the id, and
    `notes` (when given) is told so.
    """
    # Both arguments become a path: check them whole before making one.
    if not is_id(section):
        raise ScaffoldError(
            f"部分 {section!r} 不合规:部分的 id 只由小写英文字母、数字和连字符组成,例如 workflow。"
        )
    if not is_id(ident):
        raise ScaffoldError(
            f"id {ident!r} 不合规:只能用小写英文字母、数字和连字符,例如 refund-handling。"
        )
    settings = _data(policies / "handbook.yaml")
    kinds = {
        s.get("id"): s.get("kind") for s in settings.get("sections", []) if isinstance(s, dict)
    }
    if section not in kinds:
        raise ScaffoldError(
            f"handbook.yaml 中没有部分 {section}。已有的部分:{'、'.join(map(str, kinds))}。"
        )
    target = policies / section / f"{ident}.yaml"
    if not inside(target.parent, policies.resolve().parent):
        raise ScaffoldError(f"{target.parent} 指向仓库以外:请把部分的文件夹放进仓库。")
    if target.exists():
        raise ScaffoldError(f"{target} 已经存在,不会覆盖它。请换一个 id,或直接编辑这个文件。")
    taken = sorted(p for p in policies.glob(f"*/{ident}.yaml"))
    if taken:
        raise ScaffoldError(f"id {ident} 已被 {taken[0]} 使用:政策 id 在整本手册内必须唯一。")
    entries = _data(policies / "roles.yaml").get("roles", [])
    entries = entries if isinstance(entries, list) else []
    roles = [r.get("id") for r in entries if isinstance(r, dict)]
    # A role's name (合规专员) is taken for its id (compliance-officer), and said so.
    if owner is not None:
        owner = _role(entries, owner, "--owner", notes)
    if approver is not None:
        approver = _role(entries, approver, "--approver", notes)
    usual_owner, usual_approver = _usual_roles(policies / section, roles)
    day = (today or dt.date.today()).isoformat()
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    text = env.get_template("new/policy.yaml.jinja").render(
        kind=kinds[section],
        id=ident,
        section=section,
        title=_scalar(title or f"新政策 {ident}"),
        summary=_scalar(summary or "用一两句话说明这条政策管什么、适用于谁。"),
        owner=owner or usual_owner,
        approver=approver or usual_approver,
        today=day,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
        out.write(text)
    return target


def _role(roles: list, who: str, flag: str, notes: list[str] | None) -> str:
    ident, note = role_id(roles, who, flag)
    if ident is None:
        raise ScaffoldError(note)
    if note and notes is not None:
        notes.append(note)
    return ident


def _data(path: Path) -> dict:
    doc, problems = read_document(path)
    if problems or not isinstance(doc.data, dict):
        raise ScaffoldError(f"无法读取 {path}:请先运行 handbook validate 修好它。")
    return doc.data


def _usual_roles(folder: Path, roles: list) -> tuple[str, str]:
    """The owner and approver most policies of the section already have (else the first role)."""
    if not roles:
        raise ScaffoldError("roles.yaml 中还没有角色:请先添加角色。")
    pairs = []
    for path in sorted(folder.glob("*.yaml")):
        doc, _ = read_document(path)
        if isinstance(doc.data, dict):
            pairs.append((str(doc.data.get("owner")), str(doc.data.get("approver"))))
    return usual_roles(pairs, roles)


def _scalar(text: str) -> str:
    """Quote a value as a one-line YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text.replace("\n", " "), ensure_ascii=False)
