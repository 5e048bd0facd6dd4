"""Editions: in the client and public editions, nothing visible names something invisible."""

from __future__ import annotations

from ..edition import NAMES, visible
from ..loader import Document
from ..model import Policy
from .context import Built, Context
from .refs import SERVED
from .registry import Phase, rule

EDITIONS = ("client", "public")


@rule(Phase.SOUND, "edition-leak")
def references_stay_visible(ctx: Context, built: Built) -> None:
    """What an edition shows references only roles, terms, policies and items it shows too."""
    handbook, docs, roots = built.handbook, built.docs, built.roots
    owners = {id(docs[p.id]): p for p in built.checked()}  # what cites: the refs' policies
    # Bound once: Handbook.roles/terms/policy_map build a new dict on every access.
    roles = handbook.roles
    parties = handbook.parties
    terms = handbook.terms
    policies = handbook.policy_map
    # The policy an item belongs to, found through the index: no table of every item per run.
    item_namespaces = {"kpi": ("kpi",), "severity": ("severity",), "serves": SERVED}
    every: dict[int, Policy] = {} if built.only is not None else owners

    def item_owner(kind: str, ident: str) -> Policy | None:
        if not every:  # a client's run: every policy by document, when first needed
            every.update({id(docs[p.id]): p for p in handbook.policies})
        for namespace in item_namespaces[kind]:
            place = (ctx.index.ids.get(namespace) or {}).get(ident)
            if place is not None:
                return every.get(id(place.doc))
        return None

    for edition in EDITIONS:
        for ref in built.refs:
            policy = owners.get(id(ref.doc))
            if policy is not None:
                if not visible(policy.audience, edition):
                    continue
                if ref.path[:1] == ("checklists",) and not visible(
                    policy.checklists[ref.path[1]].audience, edition
                ):
                    continue
                if ref.path[:1] in (("related",), ("applies_to",)) or "satisfied_by" in ref.path:
                    continue  # a navigation aid or scope: cut by edition.view, not an error
                if ref.kind == "clause":
                    continue  # a citation of a hidden policy's clause: cut by edition.view too
            elif ref.doc is roots["handbook"]:
                if ref.path[:2] != ("editions", edition):
                    continue
            else:
                continue  # roles.yaml and glossary.yaml are checked by their own visibility
            kind, target = ref.kind, ref.target
            if kind in ("recipient", "actor") and target in parties:
                if not visible(parties[target].audience, edition):
                    _leak(
                        ctx,
                        edition,
                        ref.doc,
                        ref.path,
                        f"它引用的外部相关方 {target}({parties[target].name})",
                        f"请在 roles.yaml 的 parties 中给它加上 audience: [staff, {edition}],或不在此处引用它。",
                    )
            elif kind in ("role", "recipient", "actor") and target in roles:
                if not visible(roles[target].audience, edition):
                    _leak(
                        ctx,
                        edition,
                        ref.doc,
                        ref.path,
                        f"它引用的角色 {target}({roles[target].name})",
                        f"请在 roles.yaml 中给该角色加上 audience: [staff, {edition}],或不在此处引用它。",
                    )
            elif kind == "term" and target in terms:
                if not visible(terms[target].audience, edition):
                    _leak(
                        ctx,
                        edition,
                        ref.doc,
                        ref.path,
                        f"它引用的术语 {target}",
                        f"请在 glossary.yaml 中给该术语加上 audience: [staff, {edition}],或不引用它。",
                    )
            elif kind == "policy" and target in policies:
                if not visible(policies[target].audience, edition):
                    _leak(
                        ctx,
                        edition,
                        ref.doc,
                        ref.path,
                        f"正文链接到的政策 {target} ",
                        "正文中的链接无法删去而不留下半句话:请改写这句话,或让被链接的政策也对该版本可见。",
                        ref.offset,
                    )
            elif kind in ("kpi", "severity", "serves"):
                owner = item_owner(kind, target.partition("/")[0])
                if owner is not None and not visible(owner.audience, edition):
                    _leak(
                        ctx,
                        edition,
                        ref.doc,
                        ref.path,
                        f"它引用的 {target}(定义在政策 {owner.id} 中)",
                        f"请让政策 {owner.id} 也对该版本可见,或不在此处引用它。",
                    )


@rule(Phase.SOUND, "edition-leak")
def departments_stay_visible(ctx: Context, built: Built) -> None:
    """A role an edition shows belongs to a department it shows."""
    if built.only is not None:
        return  # the organisation is the base's, checked with it
    departments = {d.id: d for d in built.handbook.organisation.departments}
    for edition in EDITIONS:
        for i, role in enumerate(built.handbook.organisation.roles):
            dept = departments.get(role.department)
            if visible(role.audience, edition) and dept and not visible(dept.audience, edition):
                _leak(
                    ctx,
                    edition,
                    built.roots["roles"],
                    ("roles", i, "department"),
                    f"角色 {role.id} 所属的部门 {dept.id}",
                    f"请给部门 {dept.id} 加上 audience: [staff, {edition}]。",
                )


@rule(Phase.SOUND, "edition-leak")
def sections_stay_visible(ctx: Context, built: Built) -> None:
    """A policy an edition shows sits in a section it shows."""
    sections = {s.id: s for s in built.handbook.sections}
    for edition in EDITIONS:
        for policy in built.checked():
            section = sections.get(policy.section)
            if (
                visible(policy.audience, edition)
                and section
                and not visible(section.audience, edition)
            ):
                _leak(
                    ctx,
                    edition,
                    built.docs[policy.id],
                    ("section",),
                    f"政策 {policy.id} 所在的部分 {section.id}",
                    f"请给 handbook.yaml 中的部分 {section.id} 加上 {edition},或改 audience。",
                )


def _leak(
    ctx: Context, edition: str, doc: Document, path: tuple, what: str, fix: str, offset: int = -1
) -> None:
    name = NAMES[edition]
    message = f"{name}会显示这里,但{what.rstrip()} 不在{name}中。{fix}"
    if offset >= 0:
        ctx.report_in_text(doc, path, offset, "edition-leak", message)
    else:
        ctx.report(doc, path, "edition-leak", message)


@rule(Phase.HANDBOOK, "site-url-shared")
def one_address_per_edition(ctx: Context, built: Built) -> None:
    """Each edition is published at its own address: deploying one must never replace another
    (a client edition deployed over the staff site, or the staff site over the public one)."""
    from ..publish import configured

    if built.only is not None:
        return  # the base's settings, checked with it (a client's address: clients.py)
    doc = built.roots["handbook"]
    seen: list[tuple[str, str]] = []  # (address with a final "/", lower case; edition)
    for edition in ("staff", *EDITIONS):
        url = configured(built.handbook.settings, edition)
        if not url:
            continue
        key = url.rstrip("/").lower() + "/"
        # The same address, or one inside the other (https://x/ and https://x/staff/): a site
        # deployed whole at the outer one replaces the inner one.
        other = next((e for k, e in seen if key.startswith(k) or k.startswith(key)), None)
        if other is not None:
            path = ("site_url",) if edition == "staff" else ("editions", edition, "site_url")
            how = "相同" if (key, other) in seen else "一个在另一个之下"
            ctx.report(
                doc,
                path,
                "site-url-shared",
                f"{NAMES[edition]}与{NAMES[other]}的站点网址{how}({url}):发布一个版本会覆盖另一个,"
                "客户或公众可能看到内部内容。请给每个版本一个自己的、互不包含的网址。",
            )
        seen.append((key, edition))
