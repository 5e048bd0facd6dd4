"""A policy agrees with its file: id and file name, section and folder, no link to itself."""

from __future__ import annotations

import re
from pathlib import Path

from ..loader import Document
from ..model import Policy
from .context import Context
from .registry import Phase, rule

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@rule(Phase.POLICY, "id-filename")
def id_is_file_name(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """A policy's id is its file's name: its page and its address are named after it."""
    stem = Path(doc.path).stem
    if policy.id != stem:
        other = f",或把 id 改为 {stem}" if _SLUG.fullmatch(stem) else ""
        ctx.report(
            doc,
            ("id",),
            "id-filename",
            f"id {policy.id} 与文件名 {stem}.yaml 不一致。请把文件改名为 {policy.id}.yaml{other}。",
        )


@rule(Phase.POLICY, "wrong-section")
def section_is_folder(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """A policy's section is the folder it is in."""
    if policy.section != folder:
        ctx.report(
            doc,
            ("section",),
            "wrong-section",
            f"section 写的是 {policy.section},但文件在 {folder}/ 文件夹中。"
            f"请把 section 改为 {folder},或把文件移到 policies/{policy.section}/。",
        )


@rule(Phase.POLICY, "self-reference")
def not_related_to_itself(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """A policy's related list names other policies."""
    if policy.id in policy.related:
        i = policy.related.index(policy.id)
        ctx.report(doc, ("related", i), "self-reference", "related 中不能包含本政策自己。")
