"""References: every id a field names is defined somewhere in the handbook."""

from __future__ import annotations

import difflib

from ..model import Ref
from .context import NOUNS, Context
from .registry import Phase, rule

# What to write instead, per kind of reference (a Markdown link's kind too).
WHERE = {
    "role": "请使用 policies/roles.yaml 中定义的角色 id,或先在那里添加这个角色。",
    "recipient": "请使用 policies/roles.yaml 中定义的角色 id 或外部相关方(parties)id,或写 client 表示客户方。",
    "actor": "请使用 policies/roles.yaml 中定义的角色 id;由外部的一方完成的步骤,先在 roles.yaml 的 parties 中登记它。",
    "policy": "请写手册中已有政策的 id(即文件名去掉 .yaml)。",
    "term": "请使用 policies/glossary.yaml 中定义的术语 id,或先在那里添加这个术语。",
    "kpi": "请使用数据部分(data)政策中 kpis 定义的指标 id。",
    "severity": "请使用危机管理部分 severity_levels 中定义的级别 id。",
    "department": "请使用 roles.yaml 中 departments 定义的部门 id。",
    "group": "请使用 roles.yaml 中该部门 groups 下定义的小组 id。",
}


# What a reference of a kind may name: a recipient or an actor is a role or an outside party.
NAMESPACES = {"recipient": ("role", "party"), "actor": ("role", "party")}


def dangling(kind: str) -> str:
    """The code of a reference of `kind` to nothing: a recipient or an actor is reported as a role."""
    return f"dangling-{'role' if kind in NAMESPACES else kind}"


DANGLING = tuple(dict.fromkeys(dangling(kind) for kind in WHERE))


@rule(Phase.REFS, *DANGLING, "name-for-id")
def defined(ctx: Context, refs: list[Ref]) -> None:
    """Report every reference whose target is not defined; a name written for an id is told it."""
    from .names import name_for_id  # names builds on this module

    for ref in refs:
        if ref.kind in ("serves", "clause"):
            continue  # checked by their own rules (served, rules/clauses.py)
        tables = [ctx.index.ids.get(ns) for ns in NAMESPACES.get(ref.kind, (ref.kind,))]
        if any(table is None for table in tables):
            continue  # the file that defines this namespace is broken; it has its own errors
        if ref.kind == "recipient" and ref.target == "client":
            continue
        if any(ref.target in (table or ()) for table in tables):
            continue  # asked of each table: a list of every id per reference is quadratic
        named = name_for_id(ctx, ref.kind, ref.target)
        if named is not None:
            ctx.report(ref.doc, ref.path, "name-for-id", named)
            continue
        known = [ident for table in tables for ident in table or ()]
        guess = difflib.get_close_matches(ref.target, known, n=1, cutoff=0.6)
        maybe = f"是否想写 {guess[0]}?" if guess else ""
        noun = NOUNS["role" if ref.kind == "recipient" else ref.kind]
        ctx.report(
            ref.doc,
            ref.path,
            dangling(ref.kind),
            f"{noun} {ref.target} 不存在。{maybe}{WHERE[ref.kind]}",
        )


SERVED = ("procedure", "playbook", "kpi")  # what a checklist item's `serves` may name


@rule(Phase.REFS, "dangling-serves")
def served(ctx: Context, refs: list[Ref]) -> None:
    """A checklist item serves a procedure or playbook (optionally one step) or a KPI."""
    namespaces = SERVED
    tables = [ctx.index.ids.get(ns) for ns in namespaces]
    if any(t is None for t in tables):
        return
    for ref in refs:
        if ref.kind == "serves":
            _serves(ctx, ref, namespaces, tables)  # type: ignore[arg-type]


def _serves(ctx: Context, ref: Ref, namespaces: tuple[str, ...], tables: list[dict]) -> None:
    ident, _, step = ref.target.partition("/")
    for namespace, table in zip(namespaces, tables, strict=True):
        if table and ident in table:
            if step and namespace == "kpi":
                ctx.report(
                    ref.doc, ref.path, "dangling-serves", f"指标 {ident} 没有步骤:请去掉 /{step}。"
                )
            elif step:
                place = table[ident]
                steps = _at(place.doc.data, (*place.path[:-1], "steps"))
                count = len(steps) if isinstance(steps, list) else 0
                if not 1 <= int(step) <= count:
                    ctx.report(
                        ref.doc,
                        ref.path,
                        "dangling-serves",
                        f"{NOUNS[namespace]} {ident} 只有 {count} 步,没有第 {step} 步。",
                    )
            return
    known = [k for t in tables if t for k in t]
    guess = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
    maybe = f"是否想写 {guess[0]}?" if guess else ""
    ctx.report(
        ref.doc,
        ref.path,
        "dangling-serves",
        f"serves 指向的 {ident} 既不是流程、预案,也不是指标。{maybe}"
        "请写流程或预案的 id(可加 /步骤序号),或 KPI 的 id。",
    )


def _at(data: object, path: tuple) -> object:
    for part in path:
        try:
            data = data[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data
