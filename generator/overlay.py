"""Overlays: what a client's contract changes in a base policy, within the bounds the base sets.

A base item opens a field to clients with `client_may_set` (records.Bound); an overlay file
(policies/clients/<client>/<policy-id>.yaml) sets it for one client. Here: what kind of value a
field holds (read from its schema), whether a bound fits its field, whether a client's value is
within it, and the overlay applied to the model, each change kept for the client's page and diff.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import clauses, labels, parts
from .loader import Document
from .model import Policy, Ref, build
from .parts.kpis import ChannelThresholds
from .records import TO_BE_SET, Bound, Due
from .schemas import SchemaSet, follow_refs

COMMITMENT_IDS = "general-working-hours"  # an example id for an item that has none yet
# What a field holds, for its bound: an ordered value (a number, a duration), a list, or other.
NUMBER, DURATION, LIST, VALUE = "number", "duration", "list", "value"


@dataclass(frozen=True)
class Change:
    """One value a client's overlay sets in a base policy, before and after."""

    policy: str
    part: str  # the part's key (kpis, commitments ...)
    item: str  # the item's id
    field: str  # the field, or "by_channel/<channel>/<field>"
    before: Any
    after: Any
    kind: str  # NUMBER, DURATION, LIST or VALUE

    def shown(self, value: Any, unit: str = "") -> str:
        """A value of this change in words, for pages and `handbook diff`."""
        return show(value, self.kind, unit)


@cache
def field_kind(schemas: SchemaSet, key: str, field: str) -> str:
    """What the field `field` of an item of part `key` holds, read from the part's schema."""
    part = parts.BY_KEY[key]
    item, base, _, _ = follow_refs(
        schemas, {"$ref": f"{part.schema_file}#/items"}, part.schema_file, {}
    )
    node, _, _, names = follow_refs(schemas, item["properties"][field], base, {})
    if "duration" in names:
        return DURATION
    if "amount" in names:
        return NUMBER
    return LIST if node.get("type") == "array" else VALUE


def order(value: Any, kind: str) -> float | None:
    """Where an ordered value stands (minutes for a duration); None when it has no place."""
    if value is None or value == TO_BE_SET:
        return None
    if kind == NUMBER:
        return float(value) if isinstance(value, int | float) else None
    if kind == DURATION:
        return labels.minutes(value) if isinstance(value, str) else None
    return None


def show(value: Any, kind: str, unit: str = "") -> str:
    """A value in words: "30 分钟", "95%", "待定", a list joined."""
    if value is None:
        return "(无)"
    if kind == DURATION and isinstance(value, str):
        return labels.duration(value)
    if kind == NUMBER:
        return labels.amount(value, unit)
    if kind == LIST:
        return "、".join(str(getattr(v, "text", v)) for v in value) or "(无)"
    if isinstance(value, Due):
        return labels.due(value)
    return str(value)


def bound_problems(bound: Bound, kind: str, base: Any, unit: str = "") -> list[tuple[str, str]]:
    """What is wrong with a base's bound for a field of `kind` holding `base`: (key, message)."""
    found = []
    if kind in (NUMBER, DURATION):
        what = "数" if kind == NUMBER else "时限(如 30m、2h)"
        for key in ("min", "max"):
            value = getattr(bound, key)
            if value is not None and order(value, kind) is None:
                found.append((key, f"{key} 应是一个{what},现在是 {value!r}。"))
        crossed = at_most(bound.min, bound.max, kind) is False
        if crossed:
            mixed = labels.working_days(bound.min) != labels.working_days(bound.max)
            found.append(
                (
                    "min",
                    f"min {show(bound.min, kind, unit)} 不一定小于 max {show(bound.max, kind, unit)}"
                    + (":工作日不能与小时、天比较,请用同一种单位。" if mixed else "。"),
                )
            )
        if order(base, kind) is not None and not crossed and outside(base, bound, kind):
            found.append(
                (
                    "",
                    f"通用值 {show(base, kind, unit)} 不在自己给出的范围 {span(bound, kind, unit)} 内。",
                )
            )
        for key in ("add", "remove"):
            if getattr(bound, key):
                found.append((key, f"{key} 只用于列表(接收人、清单条目);这个值用 min、max 限定。"))
    else:
        for key in ("min", "max"):
            if getattr(bound, key) is not None:
                found.append((key, f"{key} 只用于数值和时限;这个字段不是。"))
        if kind != LIST:
            for key in ("add", "remove"):
                if getattr(bound, key):
                    found.append((key, f"{key} 只用于列表(接收人、清单条目)。"))
    return found


def span(bound: Bound, kind: str, unit: str = "") -> str:
    """A bound in words: "15 分钟 到 2 小时", "不超过 30 分钟", "不限"."""
    low = show(bound.min, kind, unit) if bound.min is not None else None
    high = show(bound.max, kind, unit) if bound.max is not None else None
    if kind == LIST:
        return "、".join(w for w, on in (("可增加", bound.add), ("可删除", bound.remove)) if on)
    if low and high:
        return f"{low} 到 {high}"
    if high:
        return f"不超过 {high}"
    if low:
        return f"不低于 {low}"
    return "不限"


def at_most(a: Any, b: Any, kind: str) -> bool | None:
    """Whether `a` is surely no more than `b`; None when either has no place (absent, 待定).

    A working day is at least a day, and may be three over a weekend: a duration in working
    days is surely no more than one in hours or days never, and one in hours or days is surely
    no more than one in working days when it is no longer than that many whole days.
    """
    x, y = order(a, kind), order(b, kind)
    if x is None or y is None:
        return None
    if kind == DURATION and labels.working_days(a) and not labels.working_days(b):
        return False
    return x <= y


def outside(value: Any, bound: Bound, kind: str) -> bool:
    """Whether a client's value is not surely within the bound (待定 never is)."""
    if order(value, kind) is None:
        return kind in (NUMBER, DURATION)
    return at_most(bound.min, value, kind) is False or at_most(value, bound.max, kind) is False


# --- applying an overlay ---------------------------------------------------------------------

Flag = Callable[[tuple, str, str], None]  # (path in the overlay, code, message)


class Applier:
    """Check one overlay against its base policy and build the policy as the client has it."""

    def __init__(
        self, doc: Document, policy: Policy, schemas: SchemaSet, report: Flag, refs: list[Ref]
    ) -> None:
        self.doc = doc
        self.policy = policy
        self.schemas = schemas
        self.flag = report
        self.refs = refs  # what the overlay names (recipients, roles of added items)
        self.changes: list[Change] = []

    def apply(self) -> Policy:
        replaced = {}
        for key, entries in self.doc.data.items():
            if key == "overlay":
                continue
            part = parts.BY_KEY[key]
            items = list(part.items(self.policy))
            for item_id, fields in entries.items():
                where = next(
                    (i for i, it in enumerate(items) if getattr(it, "id", None) == item_id), None
                )
                if where is None:
                    self.missing(part, items, item_id)
                    continue
                items[where] = self.item(part, items[where], item_id, fields)
            replaced[key] = tuple(items)
        return rebuilt(self.policy, **replaced)

    def missing(self, part: parts.Part, items: list, item_id: str) -> None:
        known = [it.id for it in items if getattr(it, "id", None)]
        guess = difflib.get_close_matches(item_id, known, n=1, cutoff=0.6)
        maybe = f"是否想写 {guess[0]}?" if guess else ""
        listed = "、".join(known) or "(没有带 id 的项)"
        self.flag(
            (part.key, item_id),
            "overlay-target",
            f"通用政策 {self.policy.id} 的{part.noun}中没有 {item_id}。{maybe}这里可以写的有:{listed}。",
        )

    def item(self, part: parts.Part, item: Any, item_id: str, fields: dict) -> Any:
        bounds = dict(item.client_may_set)
        unit = getattr(item, "unit", "")
        new: dict[str, Any] = {}
        for field, value in fields.items():
            path = (part.key, item_id, field)
            if field == "by_channel":
                new["by_channel"] = self.channels(part, item, item_id, value, bounds, unit)
                continue
            bound = bounds.get(field)
            kind = field_kind(self.schemas, part.key, field)
            before = getattr(item, field)
            if bound is None:
                self.closed(part, item_id, field, show(before, kind, unit), path)
                continue
            if kind == LIST:
                after = self.listed(part, item, field, value, bound, path)
            else:
                after = self.value(kind, value, bound, path, before, unit)
            if after is not None and after != before:
                new[field] = after
                self.changes.append(
                    Change(self.policy.id, part.key, item_id, field, before, after, kind)
                )
        return dataclasses.replace(item, **new) if new else item

    def closed(self, part: parts.Part, item_id: str, field: str, before: str, path: tuple) -> None:
        self.flag(
            path,
            "not-variable",
            f"通用政策 {self.policy.id} 的{part.noun} {item_id} 没有开放 {field} 给客户修改"
            f"(通用值 {before})。请删去这一行;合同确实不同时,请通用政策的负责人在这一项的 "
            f"client_may_set 中开放 {field} 并给出范围。",
        )

    def value(
        self, kind: str, value: Any, bound: Bound, path: tuple, before: Any, unit: str
    ) -> Any:
        if kind in (NUMBER, DURATION) and outside(value, bound, kind):
            mixed = kind == DURATION and any(
                labels.working_days(limit) != labels.working_days(value)
                for limit in (bound.min, bound.max)
                if limit is not None
            )
            why = "(工作日遇上周末会更长,与小时、天比较时不能保证在范围内)" if mixed else ""
            self.flag(
                path,
                "out-of-bounds",
                f"{show(value, kind, unit)} 超出了通用政策 {self.policy.id} 允许的范围:"
                f"{span(bound, kind, unit)}(通用值 {show(before, kind, unit)}){why}。"
                "请改在范围内;合同确实约定了范围外的值,请通用政策的负责人调整范围。",
            )
            return None
        if isinstance(value, dict):  # a deadline written as a mapping
            return build(Due, value, self.doc, self.refs, path)
        return float(value) if kind == NUMBER else value

    def channels(
        self, part: parts.Part, item: Any, item_id: str, value: dict, bounds: dict, unit: str
    ) -> tuple:
        """A KPI's thresholds on named channels: each value within the KPI's own bound."""
        current = {c.channel: c for c in item.by_channel}
        for channel, fields in value.items():
            kept = {}
            for field, number in fields.items():
                path = (part.key, item_id, "by_channel", channel, field)
                bound = bounds.get(field)
                before = getattr(current.get(channel), field, None)
                before = getattr(item, field) if before is None else before
                if bound is None:
                    self.closed(part, item_id, field, show(before, NUMBER, unit), path)
                elif outside(number, bound, NUMBER):
                    self.value(NUMBER, number, bound, path, before, unit)
                elif float(number) == before:
                    continue  # the channel has this value already: nothing changes
                else:
                    kept[field] = float(number)
                    self.changes.append(
                        Change(
                            self.policy.id,
                            part.key,
                            item_id,
                            f"by_channel/{channel}/{field}",
                            before,
                            float(number),
                            NUMBER,
                        )
                    )
            if kept:
                old = current.get(channel)
                current[channel] = (
                    dataclasses.replace(old, **kept)
                    if old
                    else ChannelThresholds(channel=channel, **kept)
                )
        return tuple(current.values())

    def listed(
        self, part: parts.Part, item: Any, field: str, value: dict, bound: Bound, path: tuple
    ) -> tuple:
        """A list with the client's additions and removals (recipients, checklist items)."""
        items = list(getattr(item, field))
        for verb, allowed in (("remove", bound.remove), ("add", bound.add)):
            if verb in value and not allowed:
                word = "删除" if verb == "remove" else "增加"
                self.flag(
                    (*path, verb),
                    "not-variable",
                    f"通用政策 {self.policy.id} 的{part.noun} {item.id} 的 {field} 不允许客户{word}"
                    f"(允许:{span(bound, LIST) or '无'})。请删去 {verb}。",
                )
        if "remove" in value and bound.remove:
            for i, gone in enumerate(value["remove"]):
                text = [getattr(x, "text", x) for x in items]
                if gone in text:
                    del items[text.index(gone)]
                    continue
                guess = difflib.get_close_matches(gone, [str(t) for t in text], n=1, cutoff=0.5)
                maybe = f"是否想写“{guess[0]}”?" if guess else ""
                self.flag(
                    (*path, "remove", i),
                    "overlay-target",
                    f"{part.noun} {item.id} 的 {field} 中没有“{gone}”。{maybe}请照抄通用政策中的原文。",
                )
        if "add" in value and bound.add:
            for i, added in enumerate(value["add"]):
                where = (*path, "add", i)
                new = _element(type(item), field, added, self.doc, self.refs, where)
                if getattr(new, "text", new) in [getattr(x, "text", x) for x in items]:
                    self.flag(
                        where,
                        "overlay-list",
                        f"{part.noun} {item.id} 的 {field} 中已有“{getattr(new, 'text', new)}”:"
                        "请删去这一项。",
                    )
                    continue
                items.append(new)
                self.cited(added, where)
        if not items:
            self.flag(
                path,
                "overlay-list",
                f"这样删去后,{part.noun} {item.id} 的 {field} 一项也不剩:至少要留下一项。",
            )
        return tuple(items)

    def cited(self, added: Any, where: tuple) -> None:
        """An added checklist item's `basis` cites clauses its policy (or the one named) has."""
        if not isinstance(added, dict):
            return
        for j, citation in enumerate(added.get("basis", ())):
            target = clauses.cited(citation, self.policy.id)
            if target.policy != self.policy.id or target.number not in {
                c.number for c in self.policy.clauses
            }:
                self.flag(
                    (*where, "basis", j),
                    "dangling-clause",
                    f"依据 {citation}:通用政策 {self.policy.id} 没有第 {target.number} 条。"
                    "客户增加的条目只能引用这条政策自己的条款(写条款号)。",
                )


def rebuilt(policy: Policy, **changes: Any) -> Policy:
    """A copy of `policy` with `changes`, every item copied to point at the copy: the base's
    items, shared by every client, keep pointing at the base's policy."""
    items = {
        part.key: tuple(
            dataclasses.replace(item) for item in changes.get(part.key, part.items(policy))
        )
        for part in parts.PARTS
    }
    copy = dataclasses.replace(policy, **{**changes, **items})
    parts.point_back(copy)
    return copy


def _element(cls: type, field: str, value: Any, doc: Document, refs: list[Ref], path: tuple) -> Any:
    """Build one element of the list field `field` of `cls` as the model builds it."""
    return build(_element_type(cls, field), value, doc, refs, path)


@cache
def _element_type(cls: type, field: str) -> Any:
    (element, _) = typing.get_args(typing.get_type_hints(cls, include_extras=True)[field])
    return element
