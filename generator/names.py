"""Names and ids: what an editor types for a role (合规专员) matched to the id it names."""

from __future__ import annotations

import unicodedata
from typing import Any


def fold(text: str) -> str:
    """A name as compared: full-width and half-width alike, any case, spaces left out."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def role_id(roles: list[Any], who: str, flag: str) -> tuple[str | None, str]:
    """The id of the role `who` is the id or the name of, with a note when it was the name.

    (None, why) when `who` is neither: the why lists every role as "id(名称)".
    """
    known = [r for r in roles if isinstance(r, dict) and isinstance(r.get("id"), str)]
    if any(r["id"] == who for r in known):
        return who, ""
    named = [
        r["id"] for r in known if isinstance(r.get("name"), str) and fold(r["name"]) == fold(who)
    ]
    if len(named) == 1:
        return named[0], f"{flag} {who} 是角色 {named[0]} 的名称:已写入它的 id {named[0]}。"
    alike = [r["id"] for r in known if fold(r["id"]) == fold(who)]  # Director, ｄｉｒｅｃｔｏｒ
    if len(alike) == 1:
        return alike[0], f"{flag} {who} 按角色 id {alike[0]} 写入(id 用小写半角字母)。"
    listed = "、".join(f"{r['id']}({r.get('name', '')})" for r in known)
    return None, f"{flag} {who} 不是 roles.yaml 中的角色。请写角色的 id(或名称),可用:{listed}。"
