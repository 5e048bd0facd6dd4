"""`handbook diff`: what a change does to the handbook, in human terms, as Markdown for a PR."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import gitrepo, labels, parts, prose
from .pipeline import Result, load_handbook
from .schemas import SECTION_KINDS
from .validate import field_title

SHORT = 60  # values up to this many characters are shown old -> new
# Every kind's schema is policy.schema.json: any kind names a policy's fields the same way.
POLICY_KIND = SECTION_KINDS[0]


@dataclass
class Side:
    """One side of the comparison: policies' raw data by id, and the organisation and glossary."""

    policies: dict[str, dict[str, Any]]
    roles: dict[str, dict[str, Any]]
    terms: dict[str, dict[str, Any]]
    result: Result


@dataclass
class Summary:
    """The change, sorted into what a reviewer needs to see; `problems` fail the check."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    markdown: str = ""


def compare_refs(repo: Path, base: str, head: str | None, policies: str = "policies") -> Summary:
    """Compare the handbook at `base` with `head` (a ref, or the working tree when None)."""
    root = gitrepo.toplevel(repo)
    # Check both refs before any work; hashes from here on are never read as git options.
    base_commit = gitrepo.commit(root, base)
    head_commit = gitrepo.commit(root, head) if head is not None else None
    schemas = (Path(policies).parent / "schemas").as_posix()
    with tempfile.TemporaryDirectory(prefix="handbook-diff-") as tmp:
        before_dir = Path(tmp) / "base"
        gitrepo.export(root, base_commit, [policies, schemas], before_dir)
        before = _side(before_dir / policies)
        if head_commit is None:
            after = _side(root / policies)
        else:
            after_dir = Path(tmp) / "head"
            gitrepo.export(root, head_commit, [policies, schemas], after_dir)
            after = _side(after_dir / policies)
        return summarise(before, after, base, head or "工作区")


def _side(policies: Path) -> Side:
    result = load_handbook(policies)
    data: dict[str, dict[str, Any]] = {}
    roles: dict[str, dict[str, Any]] = {}
    terms: dict[str, dict[str, Any]] = {}
    for doc in result.documents:
        name = Path(doc.path)
        if not isinstance(doc.data, dict):
            continue
        if name.name == "roles.yaml" and name.parent.name == policies.name:
            roles = {
                r["id"]: r for r in doc.data.get("roles", []) if isinstance(r, dict) and "id" in r
            }
        elif name.name == "glossary.yaml" and name.parent.name == policies.name:
            terms = {
                t["id"]: t for t in doc.data.get("terms", []) if isinstance(t, dict) and "id" in t
            }
        elif name.parent.parent.name == policies.name:
            ident = doc.data.get("id") if isinstance(doc.data.get("id"), str) else name.stem
            data[ident] = doc.data
    return Side(data, roles, terms, result)


def summarise(before: Side, after: Side, base: str, head: str) -> Summary:
    """Sort the differences between two sides into a Summary with its Markdown."""
    s = Summary()
    lines: list[str] = []
    old, new = before.policies, after.policies
    s.added = sorted(set(new) - set(old))
    s.removed = sorted(set(old) - set(new))
    for ident in sorted(set(old) & set(new)):
        if old[ident] == new[ident]:
            continue
        if new[ident].get("status") == "retired" and old[ident].get("status") != "retired":
            s.retired.append(ident)
        else:
            s.changed.append(ident)
    roles = after.roles or before.roles
    lines.append(f"## 手册改动摘要({_text(base)} → {_text(head)})")
    lines.append("")
    counts = [("新增", s.added), ("修改", s.changed), ("废止", s.retired), ("删除", s.removed)]
    lines.append(" · ".join(f"**{word} {len(items)} 条**" for word, items in counts))
    lines.append("")
    details: list[str] = []
    for ident in s.changed + s.retired:
        details += _policy_change(ident, old[ident], new[ident], after, s)
    if s.problems:
        lines.append("> [!WARNING]")
        lines.append("> 以下修改需要先补上版本号或变更记录才能合并:")
        for problem in s.problems:
            lines.append(f"> - {problem}")
        lines.append("")
    if s.added:
        lines += ["### 新增", ""]
        for ident in s.added:
            p = new[ident]
            lines.append(
                f"- {_name(ident, p)}:{_text(p.get('summary'))}(负责人 {_role(p.get('owner'), roles)},"
                f"状态 {_text(labels.STATUS.get(str(p.get('status')), p.get('status')))})"
            )
        lines.append("")
    if s.retired:
        lines += ["### 废止", ""] + [f"- {_name(i, new[i])}" for i in s.retired] + [""]
    if s.removed:
        lines += ["### 删除", ""]
        for ident in s.removed:
            users = _citing(ident, after)
            warn = f"(仍被 {'、'.join(users)} 引用)" if users else ""
            lines.append(f"- {_name(ident, old[ident])}{warn}")
        lines.append("")
    if details:
        lines += ["### 修改", "", *details]
    org = _organisation(before, after)
    if org:
        lines += ["### 组织与术语", "", *org, ""]
    reviewers = _reviewers([*s.added, *s.changed, *s.retired], new, roles) + _reviewers(
        s.removed, old, before.roles
    )
    if reviewers:
        lines += ["### 需要审核", "", *reviewers, ""]
    if not (s.added or s.changed or s.retired or s.removed or org):
        lines += ["政策内容没有变化。", ""]
    s.markdown = "\n".join(lines).rstrip() + "\n"
    return s


def _policy_change(ident: str, a: dict, b: dict, after: Side, s: Summary) -> list[str]:
    va, vb = a.get("version"), b.get("version")
    version = f" {_text(va)} → {_text(vb)}" if va != vb else f" {_text(vb)}"
    out = [f"#### {_name(ident, b)}{version}", ""]
    changed_keys = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    for key in changed_keys:
        label = field_title(after.result.schemas, POLICY_KIND, (key,)) or _text(key)
        out += _field_change(key, label, a.get(key), b.get(key))
    review_only = set(changed_keys) <= {"review"}
    if b.get("status") == "active" and not review_only:
        new_entries = _new_changelog(a, b)
        if va == vb:
            s.problems.append(
                f"{_name(ident, b)}:内容改了,但 version 仍是 {_text(vb)}:请升级版本号。"
            )
        if not new_entries:
            s.problems.append(
                f"{_name(ident, b)}:内容改了,但 changelog 没有新增记录:请在最前面写明改了什么。"
            )
    users = _citing(ident, after)
    if users:
        out.append(f"- **引用本政策的政策:**{'、'.join(users)}——请检查它们是否需要一起修改")
    out.append("")
    return out


def _field_change(key: str, label: str, a: Any, b: Any) -> list[str]:
    """What changed in one field of a policy, as lines of the summary; `label` names the field."""
    if key == "changelog":
        added = [e for e in (b or []) if e not in (a or [])]
        return [
            f"- **{label}:**新增 {_text(e.get('version'))}({_text(e.get('date'))}):"
            f"{_text(e.get('summary'))}"
            for e in added
            if isinstance(e, dict)
        ] or [f"- **{label}:**已修改"]
    if key == "body":
        old_lines, new_lines = set((a or "").splitlines()), set((b or "").splitlines())
        return [
            f"- **{label}:**已修改(+{len(new_lines - old_lines)} 行 / −{len(old_lines - new_lines)} 行)"
        ]
    if key == "review" and isinstance(a, dict) and isinstance(b, dict):
        moved = [
            f"{k} {_text(a.get(k)) or '(无)'} → {_text(b.get(k)) or '(无)'}"
            for k in ("cycle", "last", "reviewer")
            if a.get(k) != b.get(k)
        ]
        return [f"- **{label}:**{';'.join(moved)}"]
    if key in parts.BY_KEY:
        return [f"- **{label}:**{_parts(a or [], b or [])}"]
    if key == "status":
        was, now = (_text(labels.STATUS.get(str(x), x)) for x in (a, b))
        return [f"- **{label}:**{was} → {now}"]
    if _is_short(a) and _is_short(b):
        return [f"- **{label}:**{_show(a)} → {_show(b)}"]
    return [f"- **{label}:**已修改"]


def _parts(a: list, b: list) -> str:
    def by_id(items: list) -> dict[str, Any]:
        return {
            str(x.get("id") or x.get("role") or i): x
            for i, x in enumerate(items)
            if isinstance(x, dict)
        }

    old, new = by_id(a), by_id(b)
    words = []
    for verb, keys in (("新增", new.keys() - old.keys()), ("删除", old.keys() - new.keys())):
        if keys:
            words.append(
                f"{verb} " + "、".join(_part_name(k, (new | old)[k]) for k in sorted(keys))
            )
    edited = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    if edited:
        words.append("修改 " + "、".join(_part_name(k, new[k]) for k in edited))
    return ";".join(words) or "顺序调整"


def _part_name(key: str, part: dict) -> str:
    name = part.get("title") or part.get("name") or part.get("source") or key
    return f"{_text(name)}({_code(key)})" if name != key else _code(key)


def _new_changelog(a: dict, b: dict) -> list:
    return [e for e in (b.get("changelog") or []) if e not in (a.get("changelog") or [])]


def _citing(ident: str, side: Side) -> list[str]:
    users = []
    for other, data in side.policies.items():
        if other == ident:
            continue
        related = data.get("related") or []
        body = data.get("body")
        linked = prose.render(body).links if isinstance(body, str) and body else ()
        satisfied = [
            x
            for o in data.get("obligations") or []
            if isinstance(o, dict)
            for x in o.get("satisfied_by") or []
        ]
        cites = any(link.kind == "policy" and link.target == ident for link in linked)
        if ident in related or cites or ident in satisfied:
            users.append(_name(other, data))
    return users


def _organisation(before: Side, after: Side) -> list[str]:
    out = []
    for noun, a, b, key in (
        ("角色", before.roles, after.roles, "name"),
        ("术语", before.terms, after.terms, "term"),
    ):
        added = sorted(b.keys() - a.keys())
        removed = sorted(a.keys() - b.keys())
        edited = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
        for verb, keys, side in (("新增", added, b), ("删除", removed, a), ("修改", edited, b)):
            if keys:
                out.append(
                    f"- {verb}{noun}:"
                    + "、".join(f"{_text(side[k].get(key))}({_code(k)})" for k in keys)
                )
    return out


def _reviewers(idents: Iterable[str], data: dict[str, dict], roles: dict[str, dict]) -> list[str]:
    wanted: dict[str, list[str]] = {}
    for ident in idents:
        p = data.get(ident, {})
        for role, duty in ((p.get("owner"), "负责"), (p.get("approver"), "审批")):
            if isinstance(role, str):
                wanted.setdefault(role, []).append(f"{duty}{_name(ident, p)}")
    lines = []
    for role, duties in sorted(wanted.items()):
        handles = " ".join(_handle(h) for h in roles.get(role, {}).get("reviewers") or [])
        who = f"{_role(role, roles)}{(' ' + handles) if handles else ''}"
        lines.append(f"- {who}:{'、'.join(duties)}")
    return lines


def _name(ident: str, data: dict) -> str:
    return f"《{_text(data.get('title') or ident)}》({_code(ident)})"


def _role(ident: Any, roles: dict[str, dict]) -> str:
    return _text(roles.get(str(ident), {}).get("name") or ident)


def _is_short(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str | int | float) for v in value) and len(_show(value)) <= SHORT
    return value is None or (
        isinstance(value, str | int | float | bool) and len(str(value)) <= SHORT
    )


def _show(value: Any) -> str:
    if value is None:
        return "(无)"
    if isinstance(value, list):
        return "[" + "、".join(_text(v) for v in value) + "]"
    return f"“{_text(value)}”"


def _text(value: Any) -> str:
    """Plain text for a Markdown comment: one line, every Markdown and HTML character escaped.

    The summary is posted as a pull-request comment: a title must not become a link, an image,
    HTML or a mention (@ is followed by a zero-width space) in it.
    """
    text = " ".join(str(value if value is not None else "").split())
    return _PUNCTUATION.sub(r"\\\g<0>", text).replace("@", "@\u200b")


# The ASCII punctuation that makes Markdown or HTML mid-line (links, images, emphasis, code, HTML,
# autolinks "https:", tables); "." "-" "/" and the like only matter at a line's start.
_PUNCTUATION = re.compile(r"[!#&()*+:<>@\[\\\]_`{|}~]")
_HANDLE = re.compile(r"@[A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)?")


def _code(value: Any) -> str:
    """A value as inline code (ids, keys), whatever backticks it holds."""
    text = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"{fence}{text}{fence}"


def _handle(value: Any) -> str:
    """A reviewer's GitHub handle stays a mention only if it is one."""
    return str(value) if _HANDLE.fullmatch(str(value)) else _text(value)
