"""Clauses: numbered once within a policy, and every clause a step or item cites exists."""

from __future__ import annotations

import difflib

from ..clauses import cited
from ..loader import Document
from ..model import Policy
from .context import Built, Context
from .registry import Phase, rule

SHOWN = 20  # clause numbers a message lists before it says how many there are


@rule(Phase.POLICY, "duplicate-clause")
def numbered_once(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """A clause number names one clause of its policy (in any order)."""
    first: dict[str, int] = {}
    for i, clause in enumerate(policy.clauses):
        if clause.number in first:
            ctx.report(
                doc,
                ("clauses", i, "number"),
                "duplicate-clause",
                f"clauses 中已有第 {clause.number} 条(第 {first[clause.number] + 1} 项)。"
                "条款号在一条政策内不得重复:请给这一条换一个条款号,或把两条合并。",
            )
        else:
            first[clause.number] = i


@rule(Phase.HANDBOOK, "dangling-clause")
def cited_clauses_exist(ctx: Context, built: Built) -> None:
    """A step's or checklist item's `basis` cites a clause its policy (or the one named) has."""
    owners = {id(built.docs[p.id]): p for p in built.checked()}
    policies = built.handbook.policy_map
    defined = ctx.index.ids.get("policy")
    for ref in built.refs:
        if ref.kind != "clause":
            continue
        citing = owners.get(id(ref.doc))
        if citing is None:
            continue  # the file was not built: it has errors of its own
        target, number = cited(ref.target, citing.id)
        policy = policies.get(target)
        if policy is None:
            if defined is None or target in defined:
                continue  # the cited policy's file is broken, and reported on its own
            guess = difflib.get_close_matches(target, list(policies), n=1, cutoff=0.6)
            maybe = f"是否想写 {guess[0]}#{number}?" if guess else ""
            ctx.report(
                ref.doc,
                ref.path,
                "dangling-clause",
                f"依据 {ref.target} 中的政策 {target} 不存在。{maybe}"
                "请写 政策id#条款号(政策 id 即文件名去掉 .yaml),或只写条款号引用本政策的条款。",
            )
            continue
        numbers = list(dict.fromkeys(c.number for c in policy.clauses))
        if number in numbers:
            continue
        whose = "本政策" if target == citing.id else f"政策 {target} "
        if not numbers:
            ctx.report(
                ref.doc,
                ref.path,
                "dangling-clause",
                f"{whose}没有编号条款,无从依据第 {number} 条。"
                f"请先在{whose}的 clauses 中写出第 {number} 条,或删去这条依据。",
            )
            continue
        guess = difflib.get_close_matches(number, numbers, n=1, cutoff=0.6)
        prefix = ref.target[: len(ref.target) - len(number)]  # "" or "<policy-id>#", as written
        maybe = f"是否想写 {prefix}{guess[0]}?" if guess else ""
        shown = "、".join(numbers[:SHOWN]) + (
            f" 等 {len(numbers)} 条" if len(numbers) > SHOWN else ""
        )
        ctx.report(
            ref.doc,
            ref.path,
            "dangling-clause",
            f"{whose}没有第 {number} 条(它的条款:{shown})。{maybe}"
            f"请引用其中一条,或先在{whose}的 clauses 中添加第 {number} 条。",
        )
