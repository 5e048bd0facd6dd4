"""What a change does to each client's handbook, for `handbook diff`: the blast radius.

A base change reaches every client that does not set the value itself; an overlay change
reaches its own client only. Compared per client: every value a client may set (each
`client_may_set` field of the base, and a KPI's per-channel thresholds), as that client's
handbook has it, and the policies only it has or leaves out. What else a base change does
is the same for every client and is listed in the rest of the summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import labels, parts
from .clients import ClientResult, load_clients
from .model import Handbook
from .overlay import LIST, field_kind, show
from .parts.kpis import FIELDS as THRESHOLDS
from .pipeline import Result
from .schemas import SchemaSet
from .validate import field_title

ADDED, REMOVED, CHANGED, BROKEN = "added", "removed", "changed", "broken"


@dataclass(frozen=True)
class Effect:
    """How one client's handbook changes: its rows are (what, before, after) in words."""

    client: str
    name: str
    status: str  # ADDED, REMOVED, CHANGED or BROKEN (a side could not be loaded)
    rows: tuple[tuple[str, str, str], ...] = ()
    # the client's own policies whose content changed without a new version or change-log entry
    unrecorded: tuple[tuple[str, str, str], ...] = ()  # (id, title, what is missing)


def effects(before: Result, before_dir: Path, after: Result, after_dir: Path) -> list[Effect]:
    """Each client whose handbook differs between the two sides, and how; in client order."""
    old = {c.id: c for c in load_clients(before, before_dir)}
    new = {c.id: c for c in load_clients(after, after_dir)}
    out = []
    for client in sorted(set(old) | set(new)):
        a, b = old.get(client), new.get(client)
        if a is None or b is None:
            kept = b or a
            name = _name(kept) or client  # type: ignore[arg-type]
            out.append(Effect(client, name, ADDED if a is None else REMOVED))
            continue
        if a.handbook is None or b.handbook is None:
            if b.handbook is None and (b.diagnostics or a.handbook is not None):
                out.append(Effect(client, _name(a) or client, BROKEN))
            continue
        rows = _compare(_values(a.handbook, before.schemas), _values(b.handbook, after.schemas))
        edited, unrecorded = _own(a.own, b.own)
        if rows or edited:
            effect = Effect(client, _name(b) or client, CHANGED, (*rows, *edited), unrecorded)
            out.append(effect)
    return out


def _own(old: dict[str, dict], new: dict[str, dict]) -> tuple[list, tuple]:
    """The client's own policies present on both sides whose content changed: a row for each,
    and those changed (while in force) without a new version or change-log entry."""
    rows, unrecorded = [], []
    for ident in sorted(set(old) & set(new)):
        a, b = old[ident], new[ident]
        if a == b:
            continue
        title = str(b.get("title") or ident)
        va, vb = a.get("version"), b.get("version")
        rows.append((f"本客户专有的政策《{title}》", f"版本 {va}", f"版本 {vb},内容已修改"))
        if "active" in (a.get("status"), b.get("status")):
            logged = [e for e in b.get("changelog") or [] if e not in (a.get("changelog") or [])]
            missing = [
                w for w, ok in (("升级版本号", va != vb), ("新增变更记录", logged)) if not ok
            ]
            if missing:
                unrecorded.append((ident, title, "、".join(missing)))
    return rows, tuple(unrecorded)


def _name(result: ClientResult) -> str | None:
    client = result.handbook.client if result.handbook is not None else None
    return client.profile.name if client is not None else None


def _compare(old: dict[tuple, tuple[str, Any]], new: dict[tuple, tuple[str, Any]]) -> list:
    rows = []
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        label = (b or a)[0]  # type: ignore[index]
        if a and b and isinstance(a[1], tuple) and isinstance(b[1], tuple):
            # a list (recipients, checklist items): what left it and what joined it
            gone = [x for x in a[1] if x not in b[1]]
            added = [x for x in b[1] if x not in a[1]]
            rows.append(
                (
                    label,
                    f"删去 {'、'.join(gone)}" if gone else "—",
                    f"增加 {'、'.join(added)}" if added else "—",
                )
            )
        else:
            rows.append((label, a[1] if a else "(无)", b[1] if b else "(无)"))
    return rows


def _values(handbook: Handbook, schemas: SchemaSet | None) -> dict[tuple, tuple[str, Any]]:
    """Every value a client may set, in words, and the policies the client has or leaves out."""
    out: dict[tuple, tuple[str, Any]] = {}
    kinds = {s.id: s.kind for s in handbook.sections}
    names = {**{i: r.name for i, r in handbook.roles.items()}, "client": "客户"}
    names |= {i: p.name for i, p in handbook.parties.items()}
    for policy in handbook.policies:
        for part, item, field, shown in _open(handbook, policy, schemas, names):
            last = field.split("/")[-1]
            title = (
                field_title(schemas, kinds[policy.section], (part.key, 0, last)) if schemas else ""
            )
            where = f"({field.split('/')[1]})" if field.startswith("by_channel/") else ""
            label = f"《{policy.title}》{part.label(item)}{where} · {title or field}"
            out[(policy.id, part.key, item.id, field)] = (label, shown)
    client = handbook.client
    if client is not None:
        for ident in client.extra:
            out[("extra", ident)] = (
                f"本客户专有的政策《{handbook.policy_map[ident].title}》",
                "有",
            )
        for omitted in client.omitted:
            out[("omitted", omitted.policy)] = (f"《{omitted.title}》", "不适用")
    return out


def _open(
    handbook: Handbook, policy: Any, schemas: SchemaSet | None, names: dict[str, str]
) -> Iterator[tuple[parts.Part, Any, str, Any]]:
    """Each field of the policy's items that clients may set, with its value in words."""
    for part in parts.PARTS:
        for item in part.items(policy):
            for field, _ in getattr(item, "client_may_set", ()):
                value = getattr(item, field)
                kind = field_kind(schemas, part.key, field) if schemas else "value"
                yield part, item, field, _shown(value, kind, item, field, names)
                if part.key == "kpis" and field in THRESHOLDS:
                    for channel in item.by_channel:  # what a channel leaves out is the KPI's
                        value = item.thresholds(channel)[THRESHOLDS.index(field)]
                        shown = show(value, kind, item.unit)
                        yield part, item, f"by_channel/{channel.channel}/{field}", shown


def _shown(value: Any, kind: str, item: Any, field: str, names: dict[str, str]) -> str | tuple:
    """A value in words; a list as the tuple of its entries in words (compared entry by entry)."""
    if field == "due":
        return labels.due(value, getattr(item, "cadence", None)) if value else "(无)"
    if kind == LIST:
        return tuple(names.get(v, v) if isinstance(v, str) else v.text for v in value)
    return show(value, kind, getattr(item, "unit", ""))
