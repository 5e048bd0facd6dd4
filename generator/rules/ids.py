"""Ids: collected from every file, unique, and free to become file names and site addresses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import reserved
from ..loader import Document
from .context import NOUNS, POLICY_PARTS, Built, Context, Place
from .registry import Phase, rule, run

WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def collect(
    ctx: Context,
    roots: dict[str, Document],
    policy_docs: list[tuple[Document, str]],
    valid: dict[str, Document],
) -> None:
    """Index every defined id, also from files that failed the schema (to avoid cascades)."""
    index = ctx.index
    roles = roots["roles"].data if isinstance(roots["roles"].data, dict) else None
    if roles is None:
        for namespace in ("role", "party", "department", "group"):
            index.ids[namespace] = None
    else:
        for i, dept in _items(roles, "departments"):
            define(ctx, "department", dept.get("id"), roots["roles"], ("departments", i, "id"))
            _named(ctx, "department", dept)
            groups = index.groups_of.setdefault(str(dept.get("id")), set())
            for j, group in _items(dept, "groups"):
                where = ("departments", i, "groups", j, "id")
                define(ctx, "group", group.get("id"), roots["roles"], where)
                _named(ctx, "group", group)
                groups.add(str(group.get("id")))
        for i, role in _items(roles, "roles"):
            define(ctx, "role", role.get("id"), roots["roles"], ("roles", i, "id"))
            _named(ctx, "role", role)
        index.ids.setdefault("party", {})
        for i, party in _items(roles, "parties"):
            define(ctx, "party", party.get("id"), roots["roles"], ("parties", i, "id"))
            _named(ctx, "party", party)
    terms = roots["glossary"].data
    if not isinstance(terms, dict):
        index.ids["term"] = None
    else:
        for i, term in _items(terms, "terms"):
            define(ctx, "term", term.get("id"), roots["glossary"], ("terms", i, "id"))
            _named(ctx, "term", term)
    index.ids.setdefault("policy", {})
    for namespace in POLICY_PARTS:
        index.ids.setdefault(namespace, {})
    for doc, _ in policy_docs:
        collect_policy(ctx, doc, str(doc.path) in valid)


def collect_policy(ctx: Context, doc: Document, valid: bool) -> None:
    """Index the ids one policy file defines (its own, its items'), also when it is broken."""
    index = ctx.index
    if not isinstance(doc.data, dict):
        # An unreadable file defines ids we cannot see: don't report references to them.
        for namespace in POLICY_PARTS:
            index.ids[namespace] = None
    else:
        define(ctx, "policy", doc.data.get("id"), doc, ("id",))
        _named(ctx, "policy", doc.data)
        for namespace, key in POLICY_PARTS.items():
            for i, part in _items(doc.data, key):
                define(ctx, namespace, part.get("id"), doc, (key, i, "id"))
                _named(ctx, namespace, part)
    policies = index.ids.get("policy")
    if not valid and policies is not None:
        # A broken file is still known by its name, so links to it don't pile up errors.
        policies.setdefault(Path(doc.path).stem, Place(doc, ()))


def define(ctx: Context, namespace: str, ident: object, doc: Document, path: tuple) -> None:
    """Run the id rules on a new id, then record it unless it repeats one already defined."""
    if ctx.index.ids.setdefault(namespace, {}) is None or not isinstance(ident, str):
        return
    run(ctx, Phase.ID, namespace, ident, doc, path)
    if ctx.index.clash(namespace, ident) is None:
        ctx.index.add(namespace, ident, Place(doc, path))


# What an id's bearer is called, field by field: an editor may write any of these for the id.
NAME_FIELDS = (("name", "名称"), ("title", "标题"), ("term", "名称"), ("full", "全称"))


def _named(ctx: Context, namespace: str, item: dict) -> None:
    """Record the names of the item that defines an id (name, title, term, aliases, full name)."""
    ident = item.get("id")
    if not isinstance(ident, str):
        return
    for key, what in NAME_FIELDS:
        ctx.index.name(namespace, ident, item.get(key), what)
    aliases = item.get("aliases")
    for alias in aliases if isinstance(aliases, list) else ():
        ctx.index.name(namespace, ident, alias, "别名")


@rule(Phase.ID, "reserved-id")
def windows_device_name(
    ctx: Context, namespace: str, ident: str, doc: Document, path: tuple
) -> None:
    """An id becomes a file name: it may not be one Windows keeps for a device."""
    if ident.split(".")[0].lower() in WINDOWS_RESERVED:
        ctx.report(
            doc,
            path,
            "reserved-id",
            f"{NOUNS[namespace]} id {ident} 是 Windows 的保留设备名,用它作文件名在 Windows 上无法"
            "检出或打开。请换一个 id,例如加上前缀或后缀。",
        )


@rule(Phase.ID, "reserved-id")
def site_page_name(ctx: Context, namespace: str, ident: str, doc: Document, path: tuple) -> None:
    """An id becomes an address: it may not be one the site keeps for its own pages."""
    page = reserved.clash(ident, namespace)
    if page is not None:
        _report_clash(ctx, doc, path, NOUNS[namespace], ident, page)


@rule(Phase.ID, "duplicate-id")
def unique(ctx: Context, namespace: str, ident: str, doc: Document, path: tuple) -> None:
    """An id is defined once per namespace, also ignoring case.

    A repeat in another file is an error at both definitions, each naming the other: which file
    sorts first says nothing about which one is new, and `handbook validate FILE`, `--changed`
    and the pre-commit hook report on some files only, whichever of the two they are.
    """
    clash = ctx.index.clash(namespace, ident)
    if clash is None:
        return
    first = ctx.index.ids[namespace][clash]  # type: ignore[index]
    line, _ = first.doc.locate(first.path)
    same = "" if clash == ident else f"(与 {clash} 只差大小写)"
    ctx.report(
        doc,
        path,
        "duplicate-id",
        f"{NOUNS[namespace]} id {ident} 已在 {first.doc.path}:{line} 定义过{same}。"
        "id 在整本手册内必须唯一:请换一个 id。",
    )
    if first.doc is not doc:  # in one file, the error above already names both lines
        again, _ = doc.locate(path)
        same = "" if clash == ident else f"(与 {ident} 只差大小写)"
        ctx.report(
            first.doc,
            first.path,
            "duplicate-id",
            f"{NOUNS[namespace]} id {clash} 也在 {doc.path}:{again} 定义过{same}。"
            "id 在整本手册内必须唯一:请把其中一处换成别的 id。",
        )


@rule(Phase.ID, "duplicate-id")
def actors_unique(ctx: Context, namespace: str, ident: str, doc: Document, path: tuple) -> None:
    """A step's `who` names a role or an outside party: the two may not share an id."""
    roles = ctx.index.ids.get("role") or {}
    if namespace != "party" or ident not in roles:
        return
    line, _ = roles[ident].doc.locate(roles[ident].path)
    ctx.report(
        doc,
        path,
        "duplicate-id",
        f"外部相关方 id {ident} 与 {roles[ident].doc.path}:{line} 的角色 id 相同。步骤的 who "
        "会分不清指的是谁:请给外部相关方换一个 id,例如加上 platform- 之类的前缀。",
    )


@rule(Phase.HANDBOOK, "reserved-id")
def section_page_names(ctx: Context, built: Built) -> None:
    """A section id names no page of the site's own."""
    if built.only is not None:
        return  # the base's sections, checked with it
    for section in built.handbook.sections:
        page = reserved.clash(section.id, "section")
        if page is not None and section.origin is not None:
            doc, where = section.origin
            _report_clash(ctx, doc, (*where, "id"), "部分", section.id, page)


@rule(Phase.HANDBOOK, "former-id-clash")
def former_ids(ctx: Context, built: Built) -> None:
    """Old URLs redirect to the policy now: each must be free, and claimed by one policy only."""
    handbook = built.handbook
    policies = handbook.policy_map

    def page(path: str) -> str | None:
        """The policy whose page is at section/id now, if any."""
        section, _, ident = path.rpartition("/")
        found = policies.get(ident)
        return ident if found is not None and found.section == section else None

    claimed: dict[str, str] = {}
    if built.only is not None:  # a client's policies: the base's old addresses are taken
        for policy in handbook.policies:
            for former in policy.former_ids if policy.id not in built.only else ():
                claimed.setdefault(
                    former if "/" in former else f"{policy.section}/{former}", policy.id
                )
        for policy in built.checked():  # nor may a client's policy live at one of them
            where = f"{policy.section}/{policy.id}"
            if where in claimed:
                ctx.report(
                    built.docs[policy.id],
                    ("id",),
                    "former-id-clash",
                    f"{where} 是政策 {claimed[where]} 的曾用地址,旧链接会跳转到那里,"
                    "这条政策的页面就无法打开。请给这条政策换一个 id。",
                )
    for policy in built.checked():
        for i, former in enumerate(policy.former_ids):
            path = former if "/" in former else f"{policy.section}/{former}"
            steps = former.split("/")
            taken = next(filter(None, (reserved.clash(p, "former") for p in steps)), None)
            if taken is not None:
                why = f"这是站点留给自己页面的名字({taken})"
            elif page(path) is not None:
                why = f"{path} 是政策 {page(path)} 现在的地址"
            elif path in claimed:
                why = f"政策 {claimed[path]} 已经声明了同一个旧地址"
            else:
                claimed[path] = policy.id
                continue
            ctx.report(
                built.docs[policy.id],
                ("former_ids", i),
                "former-id-clash",
                f"曾用 id {former} 无法跳转:{why}。请删除这一项,或改正旧 id。",
            )


def _report_clash(
    ctx: Context, doc: Document, path: tuple, noun: str, ident: str, page: str
) -> None:
    """Report an id that is the name of a page the site makes for itself."""
    ctx.report(
        doc,
        path,
        "reserved-id",
        f"{noun} id {ident} 是站点留给自己页面的名字({page}),用作 id 会让两个页面抢同一个地址。"
        "请换一个 id。",
    )


def _items(data: Any, key: str) -> Iterator[tuple[int, dict]]:
    values = data.get(key) if isinstance(data, dict) else None
    if isinstance(values, list):
        for i, item in enumerate(values):
            if isinstance(item, dict):
                yield i, item
