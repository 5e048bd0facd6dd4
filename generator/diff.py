"""`handbook diff`: what a change does to the handbook, in human terms, as Markdown for a PR."""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import gitrepo, labels, parts, prose
from .client_diff import ADDED, BROKEN, CHANGED, REMOVED, Effect, effects
from .clients import client_ids
from .codes import of_stage
from .errors import Diagnostic, Severity
from .paths import is_id
from .pipeline import Result, load_handbook
from .schemas import SECTION_KINDS, SchemaSet
from .validate import field_title

SHORT = 60  # values up to this many characters are shown old -> new
INSIDE = 30  # the same inside a part's item, where several changes share one line
EXCERPT = 20  # an added or removed item is quoted by this many characters of its text
PHRASES = 8  # changes listed inside one item before "and N more"
MATCHED = 400  # runs of differing items up to this many old x new pairs are matched by likeness
SHOWN_UNREADABLE = 20  # diagnostics of unreadable files quoted in the summary (all go to stderr)
# A file with one of these errors cannot be compared: it was not read, or its data is not a policy.
UNREADABLE = frozenset(of_stage("file") + of_stage("yaml") + of_stage("schema"))
# Every kind's schema is policy.schema.json: any kind names a policy's fields the same way.
POLICY_KIND = SECTION_KINDS[0]


@dataclass
class Side:
    """One side of the comparison: policies' raw data by id, and the organisation and glossary."""

    policies: dict[str, dict[str, Any]]
    roles: dict[str, dict[str, Any]]
    terms: dict[str, dict[str, Any]]
    result: Result
    # each policy's file, and each unreadable file's errors, by path from the repository root
    files: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, list[Diagnostic]] = field(default_factory=dict)
    folder: str = "policies"  # the policies folder, from the repository root
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)  # outside parties, by id
    path: Path | None = None  # the policies folder as read (its clients are read from it)


@dataclass
class Summary:
    """The change, sorted into what a reviewer needs to see; `problems` fail the check."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # (side, diagnostic): files that could not be read or fail the schema, left out of the
    # comparison; they fail the check too
    unreadable: list[tuple[str, Diagnostic]] = field(default_factory=list)
    clients: list[Effect] = field(default_factory=list)  # the clients whose handbook changes
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
    root = os.path.abspath(policies.parent)

    def relative(path: Path | str) -> str:
        return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()

    unreadable: dict[str, list[Diagnostic]] = {}
    for d in result.diagnostics:
        if d.severity is Severity.ERROR and d.code in UNREADABLE:
            name = relative(d.file)
            unreadable.setdefault(name, []).append(replace(d, file=Path(name)))
    data: dict[str, dict[str, Any]] = {}
    files: dict[str, str] = {}
    roles: dict[str, dict[str, Any]] = {}
    parties: dict[str, dict[str, Any]] = {}
    terms: dict[str, dict[str, Any]] = {}
    for doc in result.documents:
        name = Path(doc.path)
        if not isinstance(doc.data, dict) or relative(name) in unreadable:
            continue
        if name.name == "roles.yaml" and name.parent.name == policies.name:
            roles = _by_id(doc.data.get("roles"))
            parties = _by_id(doc.data.get("parties"))
        elif name.name == "glossary.yaml" and name.parent.name == policies.name:
            terms = _by_id(doc.data.get("terms"))
        elif name.parent.parent.name == policies.name:
            ident = doc.data.get("id") if isinstance(doc.data.get("id"), str) else name.stem
            data[ident] = doc.data
            files[ident] = relative(name)
    return Side(
        data, roles, terms, result, files, unreadable, relative(policies), parties, policies
    )


def _by_id(entries: Any) -> dict[str, dict[str, Any]]:
    """The entries of a list (roles, parties, terms) that are mappings with an id, by id."""
    if not isinstance(entries, list):
        return {}
    return {e["id"]: e for e in entries if isinstance(e, dict) and "id" in e}


def summarise(before: Side, after: Side, base: str, head: str) -> Summary:
    """Sort the differences between two sides into a Summary with its Markdown."""
    s = Summary()
    lines: list[str] = []
    # A file one side cannot read is left out on both sides: never "deleted", "added" or "same".
    broken = set(before.unreadable) | set(after.unreadable)
    for label, side in ((base, before), (head, after)):
        s.unreadable += [
            (label, d) for name in sorted(side.unreadable) for d in side.unreadable[name]
        ]
    skip = {i for side in (before, after) for i, name in side.files.items() if name in broken}
    old = {i: p for i, p in before.policies.items() if i not in skip}
    new = {i: p for i, p in after.policies.items() if i not in skip}
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
    tally = " · ".join(f"**{word} {len(items)} 条**" for word, items in counts)
    if broken:
        tally += f" · **无法读取 {len(broken)} 个文件**"
    lines.append(tally)
    lines.append("")
    if s.unreadable:
        lines.append("> [!CAUTION]")
        lines.append(
            "> 以下文件无法读取或不符合 schema,没有参与比较:请运行 handbook validate 修好它们。"
        )
        for label, d in s.unreadable[:SHOWN_UNREADABLE]:
            lines.append(
                f"> - {_code(d.file.as_posix())}({_text(label)})第 {d.line} 行第 {d.column} 列:"
                f"{_text(d.message)}({_code(d.code)})"
            )
        if len(s.unreadable) > SHOWN_UNREADABLE:
            lines.append(f"> - ……另有 {len(s.unreadable) - SHOWN_UNREADABLE} 处错误")
        lines.append("")
    details: list[str] = []
    for ident in s.changed + s.retired:
        details += _policy_change(ident, old[ident], new[ident], after, s)
    if before.path is not None and after.path is not None:
        s.clients = effects(before.result, before.path, after.result, after.path)
        s.problems += [
            f"客户 {_code(e.client)} 专有的《{_text(title)}》({_code(ident)}):内容改了,请{missing}。"
            for e in s.clients
            for ident, title, missing in e.unrecorded
        ]
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
    org = _organisation(before, after, broken)
    if org:
        lines += ["### 组织与术语", "", *org, ""]
    reviewers = _reviewers([*s.added, *s.changed, *s.retired], new, roles) + _reviewers(
        s.removed, old, before.roles
    )
    if before.path is not None and after.path is not None:
        lines += _clients(s.clients, len(client_ids(after.path)))
    if reviewers:
        lines += ["### 需要审核", "", *reviewers, ""]
    if not (s.added or s.changed or s.retired or s.removed or org or broken):
        lines += ["政策内容没有变化。", ""]
    s.markdown = "\n".join(lines).rstrip() + "\n"
    return s


CLIENT_ROWS = 20  # values listed per client before "and N more"


def _clients(found: list[Effect], count: int) -> list[str]:
    """The clients whose handbook the change reaches, each with its values before and after."""
    if not found:
        return []
    lines = ["### 客户手册", ""]
    changed = [e for e in found if e.status == CHANGED]
    if changed:
        rest = count - len(changed)
        lines.append(
            f"**{len(changed)} 个客户的手册随之改变**"
            + (f"(其余 {rest} 个不受影响)" if rest > 0 else "")
            + ";通用内容的其他修改对每个客户都一样,见上文。"
        )
        lines.append("")
    words = {ADDED: "新增的客户", REMOVED: "删除的客户", BROKEN: "客户文件有错误,无法比较"}
    for e in found:
        head = f"- **{_text(e.name)}**({_code(e.client)})"
        if e.status != CHANGED:
            lines.append(f"{head}:{words[e.status]}")
            continue
        lines.append(head)
        for what, a, b in e.rows[:CLIENT_ROWS]:
            lines.append(f"  - {_text(what)}:{_text(_short(a))} → {_text(_short(b))}")
        if len(e.rows) > CLIENT_ROWS:
            lines.append(f"  - ……另有 {len(e.rows) - CLIENT_ROWS} 处")
    lines.append("")
    return lines


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def _policy_change(ident: str, a: dict, b: dict, after: Side, s: Summary) -> list[str]:
    va, vb = a.get("version"), b.get("version")
    version = f" {_text(va)} → {_text(vb)}" if va != vb else f" {_text(vb)}"
    out = [f"#### {_name(ident, b)}{version}", ""]
    changed_keys = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    schemas = after.result.schemas
    for key in changed_keys:
        label = _label(schemas, (key,)) or _text(key)
        out += _field_change(key, label, a.get(key), b.get(key), schemas)
    review_only = set(changed_keys) <= {"review"}
    # A change to what readers were told (an active policy, or one leaving or entering force)
    # is recorded like any other: retiring an active policy bumps its version and says why.
    if "active" in (a.get("status"), b.get("status")) and not review_only:
        retiring = a.get("status") != "retired" and b.get("status") == "retired"
        what = "废止了" if retiring else "内容改了"
        if va == vb:
            s.problems.append(
                f"{_name(ident, b)}:{what},但 version 仍是 {_text(vb)}:请升级版本号。"
            )
        if not _new_changelog(a, b):
            s.problems.append(
                f"{_name(ident, b)}:{what},但 changelog 没有新增记录:请在最前面写明改了什么。"
            )
    users = _citing(ident, after)
    if users:
        out.append(f"- **引用本政策的政策:**{'、'.join(users)}——请检查它们是否需要一起修改")
    out.append("")
    return out


def _field_change(key: str, label: str, a: Any, b: Any, schemas: SchemaSet | None) -> list[str]:
    """What changed in one field of a policy, as lines of the summary; `label` names the field."""
    if key == "changelog":
        added = [e for e in (b or []) if e not in (a or [])]
        return [
            f"- **{label}:**新增 {_text(e.get('version'))}({_text(e.get('date'))}):"
            f"{_text(e.get('summary'))}"
            for e in added
            if isinstance(e, dict)
        ] or [f"- **{label}:**已修改"]
    if key == "body" and isinstance(a, str | None) and isinstance(b, str | None):
        return [f"- **{label}:**{_text_change(a or '', b or '')}"]
    if key == "review" and isinstance(a, dict) and isinstance(b, dict):
        moved = [
            f"{k} {_text(a.get(k)) or '(无)'} → {_text(b.get(k)) or '(无)'}"
            for k in ("cycle", "last", "reviewer")
            if a.get(k) != b.get(k)
        ]
        return [f"- **{label}:**{';'.join(moved)}"]
    if key in parts.BY_KEY and isinstance(a, list | None) and isinstance(b, list | None):
        return _parts(parts.BY_KEY[key], a or [], b or [], schemas)
    if key == "status":
        was, now = (_text(labels.STATUS.get(str(x), x)) for x in (a, b))
        return [f"- **{label}:**{was} → {now}"]
    if _is_short(a) and _is_short(b):
        return [f"- **{label}:**{_show(a)} → {_show(b)}"]
    return [f"- **{label}:**{_joined(_changes(schemas, (key,), *_pair(a, b)))}"]


def _text_change(a: str, b: str) -> str:
    """A long text's change as a real line diff: lines added and removed, where, or the line."""
    old, new = a.splitlines(), b.splitlines()
    added = removed = 0
    hunks = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
            hunks.append((i1, i2, j1, j2))
    if not hunks:
        return "已修改(只改了行尾或空白)"
    i1, i2, j1, j2 = hunks[0]
    if (
        len(hunks) == 1
        and i2 - i1 == 1
        and j2 - j1 == 1
        and _is_short(old[i1])
        and _is_short(new[j1])
    ):
        return f"第 {j1 + 1} 行 {_show(old[i1])} → {_show(new[j1])}"
    where = f"第 {j1 + 1} 行" if len(hunks) == 1 else f"{len(hunks)} 处,第一处在第 {j1 + 1} 行"
    return f"已修改(+{added} 行 / −{removed} 行,{where})"


def _parts(part: parts.Part, a: list, b: list, schemas: SchemaSet | None) -> list[str]:
    """A part's change: items added, removed and edited, then what changed inside each edited one.

    Items are matched by id; a part whose items have no ids is compared as a sequence.
    """
    label = _label(schemas, (part.key,)) or _text(part.key)
    noun = _label(schemas, (part.key, 0)) or label

    def name(item: Any, index: int) -> str:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            return _part_name(item["id"], item, part.name)
        return _item(noun, index, item, part.name)

    words: dict[str, list[str]] = {"新增": [], "删除": [], "修改": []}
    inside: list[str] = []
    for i, j in _align(a, b):
        if i is None:
            words["新增"].append(name(b[j], j))
        elif j is None:
            words["删除"].append(name(a[i], i))
        else:
            shown = name(b[j], j)
            words["修改"].append(shown)
            inside.append(f"  - {shown}:{_joined(_changes(schemas, (part.key, j), a[i], b[j]))}")
    head = ";".join(f"{verb} " + "、".join(names) for verb, names in words.items() if names)
    return [f"- **{label}:**{head or '顺序调整'}", *inside]


def _changes(schemas: SchemaSet | None, path: tuple, a: Any, b: Any) -> list[str]:
    """What changed between two values of a policy at `path`, as short phrases, read generically.

    Fields are named by their schema titles; short values are shown old → new, longer ones are
    said to have changed, lists are compared item by item (by id, else as a sequence) and each
    item is named by its list's item title ("步骤 3").
    """
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in [*a, *(k for k in b if k not in a)]:
            if a.get(key) == b.get(key):
                continue
            x, y = _pair(a.get(key), b.get(key))
            inner = _changes(schemas, (*path, key), x, y)
            if _itemised(x, y) and _label(schemas, (*path, key, 0)):
                found += inner  # each phrase names its item: "新增 清单条目 3"
            else:
                label = _label(schemas, (*path, key)) or _code(key)
                found += [f"{label} {phrase}" for phrase in inner]
        return found
    if _itemised(a, b):
        noun = _label(schemas, (*path, 0))
        found = []
        for i, j in _align(a, b):
            if i is None:
                found.append(f"新增 {_item(noun, j, b[j])}")
            elif j is None:
                found.append(f"删除 原{_item(noun, i, a[i])}")
            else:
                inner = _changes(schemas, (*path, j), a[i], b[j])
                found += [f"{_item(noun, j, b[j], words=False)} {phrase}" for phrase in inner]
        return found or [f"{noun} 顺序调整" if noun else "顺序调整"]
    if _is_short(a, INSIDE) and _is_short(b, INSIDE):
        return [f"{_show(a)} → {_show(b)}"]
    return ["已添加" if a is None else "已删除" if b is None else "已修改"]


def _itemised(a: Any, b: Any) -> bool:
    """Two lists compared item by item (short lists of plain values are shown whole)."""
    return isinstance(a, list) and isinstance(b, list) and not (_is_short(a) and _is_short(b))


def _pair(a: Any, b: Any) -> tuple[Any, Any]:
    """Two values of a field; a missing list compares as an empty one (its items added)."""
    return ([] if a is None and isinstance(b, list) else a), (
        [] if b is None and isinstance(a, list) else b
    )


def _align(a: list, b: list) -> list[tuple[int | None, int | None]]:
    """Pair the items of two lists that differ: (old, new) indexes, None where one side has none.

    Items all with distinct ids are matched by id; others by a diff of their contents (difflib),
    so an item inserted in the middle does not make every later one "changed".
    """
    ids_a, ids_b = _ids(a), _ids(b)
    if ids_a is not None and ids_b is not None:
        where = {ident: i for i, ident in enumerate(ids_a)}
        pairs: list[tuple[int | None, int | None]] = []
        for j, ident in enumerate(ids_b):
            i = where.get(ident)
            if i is None or a[i] != b[j]:
                pairs.append((i, j))
        kept = set(ids_b)
        pairs += [(i, None) for i, ident in enumerate(ids_a) if ident not in kept]
        return pairs
    keys_a, keys_b = ([_canonical(x) for x in items] for items in (a, b))
    pairs = []
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            pairs += [
                (None if i is None else i1 + i, None if j is None else j1 + j)
                for i, j in _match(a[i1:i2], b[j1:j2])
            ]
    return pairs


def _match(old: list, new: list) -> list[tuple[int | None, int | None]]:
    """Within a run of differing items, pair each edited item with its most similar old one.

    Order is kept; an item like no old one (less than half alike) was added, an old one like
    no new one was removed. Long runs are paired by position.
    """
    if len(old) * len(new) > MATCHED:
        both = min(len(old), len(new))
        return [
            *((k, k) for k in range(both)),
            *((None, j) for j in range(both, len(new))),
            *((i, None) for i in range(both, len(old))),
        ]
    # best[i][j]: the most similarity pairing old[:i] with new[:j] in order can reach
    best = [[0.0] * (len(new) + 1) for _ in range(len(old) + 1)]
    alike: dict[tuple[int, int], float] = {}
    for i in range(1, len(old) + 1):
        for j in range(1, len(new) + 1):
            alike[i, j] = ratio = _likeness(old[i - 1], new[j - 1])
            paired = best[i - 1][j - 1] + ratio if ratio >= 0.5 else -1.0
            best[i][j] = max(best[i - 1][j], best[i][j - 1], paired)
    found: list[tuple[int | None, int | None]] = []
    i, j = len(old), len(new)
    while i and j:
        if alike[i, j] >= 0.5 and best[i][j] == best[i - 1][j - 1] + alike[i, j]:
            found.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            found.append((i - 1, None))
            i -= 1
        else:
            found.append((None, j - 1))
            j -= 1
    found += [(k - 1, None) for k in range(i, 0, -1)] + [(None, k - 1) for k in range(j, 0, -1)]
    # in list order; an item removed is told before the one that took its place
    return sorted(found, key=lambda p: (p[0], 0) if p[1] is None else (p[1], 1))


def _likeness(a: Any, b: Any) -> float:
    """How alike two items are, 0 to 1: the share of equal fields, or of equal text."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = a.keys() | b.keys()
        return sum(a.get(k) == b.get(k) for k in keys) / len(keys) if keys else 1.0
    return difflib.SequenceMatcher(None, _canonical(a), _canonical(b), autojunk=False).ratio()


def _ids(items: list) -> list[str] | None:
    ids = [x.get("id") if isinstance(x, dict) else None for x in items]
    if all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):
        return ids  # type: ignore[return-value]
    return None


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _item(noun: str, index: int, item: Any, key: str | None = None, *, words: bool = True) -> str:
    """An item in a list: its noun and id, else its 1-based position and a few words of it."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"{noun} {_code(item['id'])}" if noun else _code(item["id"])
    place = f"{noun} {index + 1}" if noun else f"第 {index + 1} 项"
    excerpt = _excerpt(item, key) if words else ""
    return place + (f"“{excerpt}”" if excerpt else "")


def _excerpt(item: Any, key: str | None = None) -> str:
    """A few words that name an item: its `key`, else its first text that is not an id."""
    if isinstance(item, dict):
        named = item.get(key) if key else None
        texts = [named] if isinstance(named, str) else []
        texts += [v for v in item.values() if isinstance(v, str) and not is_id(v)]
        item = texts[0] if texts else None
    if not isinstance(item, str | int | float) or isinstance(item, bool):
        return ""
    text = " ".join(str(item).split())
    return _text(text if len(text) <= EXCERPT else text[:EXCERPT] + "…")


def _joined(phrases: list[str]) -> str:
    if len(phrases) > PHRASES:
        phrases = [*phrases[:PHRASES], f"……另有 {len(phrases) - PHRASES} 处修改"]
    return ";".join(phrases) or "已修改"


def _label(schemas: SchemaSet | None, path: tuple) -> str:
    """A field's name from its schema title (one place names fields: the schemas), as text.

    The schemas come from the compared ref, which a pull request may have changed: escaped too.
    """
    return _text(field_title(schemas, POLICY_KIND, path)) if schemas is not None else ""


def _part_name(key: str, part: dict, naming: str = "name") -> str:
    name = part.get(naming) or part.get("title") or part.get("name") or key
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


def _organisation(before: Side, after: Side, broken: set[str]) -> list[str]:
    out = []
    for noun, a, b, key, file in (
        ("角色", before.roles, after.roles, "name", "roles.yaml"),
        ("外部相关方", before.parties, after.parties, "name", "roles.yaml"),
        ("术语", before.terms, after.terms, "term", "glossary.yaml"),
    ):
        if {f"{before.folder}/{file}", f"{after.folder}/{file}"} & broken:
            continue  # one side's file was not read: its roles or terms are unknown, not gone
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


def _is_short(value: Any, limit: int = SHORT) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str | int | float) for v in value) and len(_show(value)) <= limit
    return value is None or (
        isinstance(value, str | int | float | bool) and len(str(value)) <= limit
    )


def _show(value: Any) -> str:
    if value is None:
        return "(无)"
    if isinstance(value, bool):
        return "true" if value else "false"
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
