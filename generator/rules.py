"""Cross-file rules: unique ids, references that resolve, consistent dates, sane thresholds."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import cadence, lint, parts, prose, reserved
from .cadence import REVIEW_MONTHS
from .edition import NAMES, visible
from .errors import Diagnostic, Severity
from .labels import number
from .loader import Document
from .model import Handbook, Policy, Ref, add_months
from .records import TO_BE_SET

# Namespaces of ids that must be unique across the handbook, and the list keys that hold them.
POLICY_PARTS = {namespace: part.key for namespace, part in parts.BY_NAMESPACE.items()}
NOUNS = {
    "policy": "政策",
    "role": "角色",
    "term": "术语",
    "department": "部门",
    "group": "小组",
    **{namespace: part.noun for namespace, part in parts.BY_NAMESPACE.items()},
}
WHERE = {
    "role": "请使用 policies/roles.yaml 中定义的角色 id,或先在那里添加这个角色。",
    "recipient": "请使用 policies/roles.yaml 中定义的角色 id,或写 client 表示客户方。",
    "policy": "请写手册中已有政策的 id(即文件名去掉 .yaml)。",
    "term": "请使用 policies/glossary.yaml 中定义的术语 id,或先在那里添加这个术语。",
    "kpi": "请使用数据部分(data)政策中 kpis 定义的指标 id。",
    "severity": "请使用危机管理部分 severity_levels 中定义的级别 id。",
    "department": "请使用 roles.yaml 中 departments 定义的部门 id。",
    "group": "请使用 roles.yaml 中该部门 groups 下定义的小组 id。",
}
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass
class Place:
    """Where an id was defined: which document and which path inside it."""

    doc: Document
    path: tuple[str | int, ...]


@dataclass
class Index:
    """Every id defined in the handbook, per namespace; a namespace is None when unknowable."""

    ids: dict[str, dict[str, Place] | None] = field(default_factory=dict)
    groups_of: dict[str, set[str]] = field(default_factory=dict)  # department -> group ids
    folded: dict[str, dict[str, str]] = field(default_factory=dict)  # casefolded id -> id


class Rules:
    """Collect diagnostics from the cross-file rules of one handbook."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.out: list[Diagnostic] = []

    def report(
        self,
        doc: Document,
        path: tuple,
        code: str,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        key: bool = False,
    ) -> None:
        line, column = doc.locate(path, key=key)
        self.out.append(Diagnostic(doc.path, line, column, severity, code, message))

    # --- ids ------------------------------------------------------------------------------------

    def define(
        self, index: Index, namespace: str, ident: object, doc: Document, path: tuple
    ) -> None:
        """Record an id; report it when the namespace already has it (also ignoring case)."""
        table = index.ids.get(namespace, {})
        index.ids.setdefault(namespace, table)
        if table is None or not isinstance(ident, str):
            return
        if ident.split(".")[0].lower() in WINDOWS_RESERVED:
            self.report(
                doc,
                path,
                "reserved-id",
                f"{NOUNS[namespace]} id {ident} 是 Windows 的保留设备名,用它作文件名在 Windows 上无法"
                "检出或打开。请换一个 id,例如加上前缀或后缀。",
            )
        page = reserved.clash(ident, namespace)
        if page is not None:
            self.report_clash(doc, path, NOUNS[namespace], ident, page)
        folded = index.folded.setdefault(namespace, {})
        clash = ident if ident in table else folded.get(ident.casefold())
        if clash is not None:
            first = table[clash]
            line, _ = first.doc.locate(first.path)
            same = "" if clash == ident else f"(与 {clash} 只差大小写)"
            self.report(
                doc,
                path,
                "duplicate-id",
                f"{NOUNS[namespace]} id {ident} 已在 {first.doc.path}:{line} 定义过{same}。"
                "id 在整本手册内必须唯一:请换一个 id。",
            )
            return
        table[ident] = Place(doc, path)
        folded[ident.casefold()] = ident

    def report_clash(self, doc: Document, path: tuple, noun: str, ident: str, page: str) -> None:
        """Report an id that is the name of a page the site makes for itself."""
        self.report(
            doc,
            path,
            "reserved-id",
            f"{noun} id {ident} 是站点留给自己页面的名字({page}),用作 id 会让两个页面抢同一个地址。"
            "请换一个 id。",
        )

    def check_refs(self, index: Index, refs: Iterable[Ref]) -> None:
        """Report every reference whose target is not defined."""
        for ref in refs:
            if ref.kind == "serves":
                self.check_serves(index, ref)
                continue
            namespace = "role" if ref.kind == "recipient" else ref.kind
            table = index.ids.get(namespace)
            if table is None:
                continue  # the file that defines this namespace is broken; it has its own errors
            if ref.kind == "recipient" and ref.target == "client":
                continue
            if ref.target in table:
                continue
            guess = difflib.get_close_matches(ref.target, list(table), n=1, cutoff=0.6)
            maybe = f"是否想写 {guess[0]}?" if guess else ""
            noun = NOUNS.get(namespace, namespace)
            self.report(
                ref.doc,
                ref.path,
                f"dangling-{namespace}",
                f"{noun} {ref.target} 不存在。{maybe}{WHERE[ref.kind]}",
            )

    def check_serves(self, index: Index, ref: Ref) -> None:
        """A checklist item serves a procedure or playbook (optionally one step) or a KPI."""
        ident, _, step = ref.target.partition("/")
        tables = [index.ids.get(ns) for ns in ("procedure", "playbook", "kpi")]
        if any(t is None for t in tables):
            return
        for namespace, table in zip(("procedure", "playbook", "kpi"), tables, strict=True):
            if table and ident in table:
                if step and namespace == "kpi":
                    self.report(
                        ref.doc,
                        ref.path,
                        "dangling-serves",
                        f"指标 {ident} 没有步骤:请去掉 /{step}。",
                    )
                elif step:
                    place = table[ident]
                    steps = _at(place.doc.data, (*place.path[:-1], "steps"))
                    count = len(steps) if isinstance(steps, list) else 0
                    if not 1 <= int(step) <= count:
                        self.report(
                            ref.doc,
                            ref.path,
                            "dangling-serves",
                            f"{NOUNS[namespace]} {ident} 只有 {count} 步,没有第 {step} 步。",
                        )
                return
        known = [k for t in tables if t for k in t]
        guess = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
        maybe = f"是否想写 {guess[0]}?" if guess else ""
        self.report(
            ref.doc,
            ref.path,
            "dangling-serves",
            f"serves 指向的 {ident} 既不是流程、预案,也不是指标。{maybe}"
            "请写流程或预案的 id(可加 /步骤序号),或 KPI 的 id。",
        )

    # --- per-policy rules -------------------------------------------------------------------------

    def check_policy(self, policy: Policy, doc: Document, folder: str) -> None:
        stem = Path(doc.path).stem
        if policy.id != stem:
            other = f",或把 id 改为 {stem}" if _SLUG.fullmatch(stem) else ""
            self.report(
                doc,
                ("id",),
                "id-filename",
                f"id {policy.id} 与文件名 {stem}.yaml 不一致。请把文件改名为 {policy.id}.yaml{other}。",
            )
        if policy.section != folder:
            self.report(
                doc,
                ("section",),
                "wrong-section",
                f"section 写的是 {policy.section},但文件在 {folder}/ 文件夹中。"
                f"请把 section 改为 {folder},或把文件移到 policies/{policy.section}/。",
            )
        if policy.id in policy.related:
            i = policy.related.index(policy.id)
            self.report(doc, ("related", i), "self-reference", "related 中不能包含本政策自己。")
        self.check_dates(policy, doc)
        self.check_kpis(policy, doc)
        self.check_quotas(policy, doc)
        for part in parts.PARTS:  # the rules a part's module knows about its own items
            items = part.items(policy)
            if part.check is not None and items:
                for path, code, message in part.check(items):
                    self.report(doc, (part.key, *path), code, message)

    def check_dates(self, policy: Policy, doc: Document) -> None:
        newest = policy.changelog[0]
        if newest.version != policy.version:
            self.report(
                doc,
                ("changelog", 0, "version"),
                "changelog-version",
                f"changelog 第一条(最新)的版本是 {newest.version},但政策的 version 是 "
                f"{policy.version}。请为新版本在 changelog 最前面加一条记录,或改正 version。",
            )
        for i, entry in enumerate(policy.changelog):
            if entry.date > self.today:
                self.report(
                    doc,
                    ("changelog", i, "date"),
                    "future-date",
                    f"changelog 的日期 {entry.date} 晚于今天({self.today})。变更记录只记已发生的事。",
                )
            if i and entry.date > policy.changelog[i - 1].date:
                self.report(
                    doc,
                    ("changelog", i, "date"),
                    "changelog-order",
                    f"changelog 应按时间从新到旧排列:第 {i + 1} 条({entry.date})比它前面一条"
                    f"({policy.changelog[i - 1].date})还新。",
                )
            if i and _version(entry.version) >= _version(policy.changelog[i - 1].version):
                self.report(
                    doc,
                    ("changelog", i, "version"),
                    "changelog-order",
                    f"changelog 的版本应从新到旧递减:{entry.version} 不应排在 "
                    f"{policy.changelog[i - 1].version} 之后。",
                )
        if policy.review.last > self.today:
            self.report(
                doc,
                ("review", "last"),
                "future-date",
                f"最近复审日期 {policy.review.last} 晚于今天({self.today})。请填写已经完成复审的日期。",
            )
        if policy.status == "active" and policy.effective > self.today:
            self.report(
                doc,
                ("effective",),
                "not-yet-effective",
                f"状态是 active,但生效日期 {policy.effective} 还没到。"
                "尚未生效的政策请用 status: draft,或改正生效日期。",
                severity=Severity.WARNING,
            )
        try:
            due = add_months(policy.review.last, REVIEW_MONTHS[policy.review.cycle])
        except OverflowError:
            self.report(
                doc,
                ("review", "last"),
                "date-out-of-range",
                f"上次复审 {policy.review.last} 加上复审周期后超过了 9999-12-31,"
                "算不出下次复审日期。请填写真实的复审日期。",
            )
            return
        if policy.status != "retired" and due < self.today:
            cycle = cadence.REVIEW_LABELS
            self.report(
                doc,
                ("review", "last"),
                "review-overdue",
                f"复审已逾期:复审周期为{cycle[policy.review.cycle]},上次复审 {policy.review.last},"
                f"应在 {due} 前复审。请负责人复审后更新 review.last。",
                severity=Severity.WARNING,
            )

    def check_kpis(self, policy: Policy, doc: Document) -> None:
        for i, kpi in enumerate(policy.kpis):
            order = (kpi.target, kpi.warning, kpi.alert)
            known = [v for v in order if v != TO_BE_SET]  # a value to be set orders nothing yet
            good = all(
                a > b if kpi.direction == "higher" else a < b
                for a, b in zip(known, known[1:], strict=False)
            )
            if not good:
                want = (
                    "目标值 > 预警值 > 告警值"
                    if kpi.direction == "higher"
                    else "目标值 < 预警值 < 告警值"
                )
                way = "越高越好" if kpi.direction == "higher" else "越低越好"
                shown = "、".join(
                    f"{name} {number(value)}"
                    for name, value in zip(("目标", "预警", "告警"), order, strict=True)
                )
                self.report(
                    doc,
                    ("kpis", i, "warning"),
                    "kpi-thresholds",
                    f"指标 {kpi.id} {way},阈值应满足 {want},现在是 {shown}。请检查阈值或 direction。",
                )

    def check_quotas(self, policy: Policy, doc: Document) -> None:
        for c, checklist in enumerate(policy.checklists):
            period_of_list = cadence.PERIOD_OF[checklist.frequency]
            for i, item in enumerate(checklist.items):
                if item.quota is None:
                    continue
                period = item.quota.period
                if period == "event" and checklist.frequency != "per-event":
                    why = "按事件计数的定额只能用在 per-event 清单中"
                elif (
                    period != "event"
                    and cadence.PERIOD_RANK[period] < cadence.PERIOD_RANK[period_of_list]
                    and period_of_list != "event"
                ):
                    why = (
                        f"清单按{cadence.PERIODS[period_of_list]}执行一次,定额却按{cadence.PERIODS[period]}计,"
                        "两次勾选之间的定额无法核对"
                    )
                else:
                    continue
                self.report(
                    doc,
                    ("checklists", c, "items", i, "quota", "period"),
                    "quota-period",
                    f"定额周期与清单频率不匹配:{why}。请把 quota.period 改为 "
                    f"{period_of_list}(或更长的周期),或把这一项移到频率相符的清单。",
                )

    def check_wording(self, handbook: Handbook, docs: dict[str, Document]) -> None:
        """Warn about vague terms in rule text that no number, deadline or role pins down."""
        chosen = handbook.settings.vague_terms
        terms = lint.DEFAULT_TERMS if chosen is None else tuple((v.term, v.suggest) for v in chosen)
        names = tuple(r.name for r in handbook.organisation.roles if r.name)
        for policy in handbook.policies:
            doc = docs[policy.id]
            for found in lint.find(doc.data, terms, names):
                line, column = doc.locate_in_text(found.path, found.offset)
                self.out.append(
                    Diagnostic(
                        doc.path,
                        line,
                        column,
                        Severity.WARNING,
                        "vague-wording",
                        f"“{found.term}”附近没有数字、时限或角色,执行时无法核对。{found.suggest}",
                    )
                )

    def check_former_ids(self, handbook: Handbook, docs: dict[str, Document]) -> None:
        """Site addresses: section ids name no page of the site's own; old URLs redirect to the
        policy now, so each must be free, and claimed by one policy only."""
        for section in handbook.sections:
            page = reserved.clash(section.id, "section")
            if page is not None and section.origin is not None:
                doc, where = section.origin
                self.report_clash(doc, (*where, "id"), "部分", section.id, page)
        pages = {f"{p.section}/{p.id}": p.id for p in handbook.policies}
        claimed: dict[str, str] = {}
        for policy in handbook.policies:
            for i, former in enumerate(policy.former_ids):
                path = former if "/" in former else f"{policy.section}/{former}"
                parts = former.split("/")
                taken = next(filter(None, (reserved.clash(p, "former") for p in parts)), None)
                if taken is not None:
                    why = f"这是站点留给自己页面的名字({taken})"
                elif path in pages:
                    why = f"{path} 是政策 {pages[path]} 现在的地址"
                elif path in claimed:
                    why = f"政策 {claimed[path]} 已经声明了同一个旧地址"
                else:
                    claimed[path] = policy.id
                    continue
                self.report(
                    docs[policy.id],
                    ("former_ids", i),
                    "former-id-clash",
                    f"曾用 id {former} 无法跳转:{why}。请删除这一项,或改正旧 id。",
                )

    # --- organisation ---------------------------------------------------------------------------

    def check_organisation(self, handbook: Handbook, doc: Document, index: Index) -> None:
        roles = handbook.roles
        cycles_seen: set[frozenset[str]] = set()
        for i, role in enumerate(handbook.organisation.roles):
            groups = index.groups_of.get(role.department)
            if role.group and groups is not None and role.group not in groups:
                self.report(
                    doc,
                    ("roles", i, "group"),
                    "group-department",
                    f"小组 {role.group} 不属于部门 {role.department}。"
                    "请改正 group,或把小组加到该部门的 groups 中。",
                )
            chain = [role.id]
            boss = role.reports_to
            while boss in roles and boss not in chain:
                chain.append(boss)
                boss = roles[boss].reports_to
            if boss == role.id and frozenset(chain) not in cycles_seen:
                cycles_seen.add(frozenset(chain))
                self.report(
                    doc,
                    ("roles", i, "reports_to"),
                    "reporting-cycle",
                    f"汇报关系形成了循环:{' → '.join([*chain, role.id])}。请改正其中一个 reports_to。",
                )

    # --- editions -------------------------------------------------------------------------------

    def check_editions(
        self,
        handbook: Handbook,
        refs: list[Ref],
        docs: dict[str, Document],
        roots: dict[str, Document],
    ) -> None:
        """In the client and public editions, nothing visible may name something invisible."""
        owners = {id(docs[p.id]): p for p in handbook.policies}
        # Bound once: Handbook.roles/terms/policy_map build a new dict on every access.
        roles = handbook.roles
        terms = handbook.terms
        policies = handbook.policy_map
        part_owner = {item.id: p for p in handbook.policies for _, item in parts.named(p)}
        departments = {d.id: d for d in handbook.organisation.departments}
        sections = {s.id: s for s in handbook.sections}
        for edition in ("client", "public"):
            name = NAMES[edition]

            def leak(
                doc: Document, path: tuple, what: str, fix: str, offset: int = -1, name: str = name
            ) -> None:
                line, column = doc.locate_in_text(path, offset) if offset >= 0 else doc.locate(path)
                message = f"{name}会显示这里,但{what.rstrip()} 不在{name}中。{fix}"
                self.out.append(
                    Diagnostic(doc.path, line, column, Severity.ERROR, "edition-leak", message)
                )

            for ref in refs:
                policy = owners.get(id(ref.doc))
                if policy is not None:
                    if not visible(policy.audience, edition):
                        continue
                    if ref.path[:1] == ("checklists",) and not visible(
                        policy.checklists[ref.path[1]].audience, edition
                    ):
                        continue
                    if (
                        ref.path[:1] in (("related",), ("applies_to",))
                        or "satisfied_by" in ref.path
                    ):
                        continue  # a navigation aid or scope: cut by edition.view, not an error
                elif ref.doc is roots["handbook"]:
                    if ref.path[:2] != ("editions", edition):
                        continue
                else:
                    continue  # roles.yaml and glossary.yaml are checked by their own visibility
                kind, target = ref.kind, ref.target
                if kind in ("role", "recipient") and target in roles:
                    if not visible(roles[target].audience, edition):
                        leak(
                            ref.doc,
                            ref.path,
                            f"它引用的角色 {target}({roles[target].name})",
                            f"请在 roles.yaml 中给该角色加上 audience: [staff, {edition}],或不在此处引用它。",
                        )
                elif kind == "term" and target in terms:
                    if not visible(terms[target].audience, edition):
                        leak(
                            ref.doc,
                            ref.path,
                            f"它引用的术语 {target}",
                            f"请在 glossary.yaml 中给该术语加上 audience: [staff, {edition}],或不引用它。",
                        )
                elif kind == "policy" and target in policies:
                    if not visible(policies[target].audience, edition):
                        leak(
                            ref.doc,
                            ref.path,
                            f"正文链接到的政策 {target} ",
                            "正文中的链接无法删去而不留下半句话:请改写这句话,或让被链接的政策也对该版本可见。",
                            ref.offset,
                        )
                elif kind in ("kpi", "severity", "serves"):
                    owner = part_owner.get(target.partition("/")[0])
                    if owner is not None and not visible(owner.audience, edition):
                        leak(
                            ref.doc,
                            ref.path,
                            f"它引用的 {target}(定义在政策 {owner.id} 中)",
                            f"请让政策 {owner.id} 也对该版本可见,或不在此处引用它。",
                        )
            for i, role in enumerate(handbook.organisation.roles):
                dept = departments.get(role.department)
                if visible(role.audience, edition) and dept and not visible(dept.audience, edition):
                    leak(
                        roots["roles"],
                        ("roles", i, "department"),
                        f"角色 {role.id} 所属的部门 {dept.id}",
                        f"请给部门 {dept.id} 加上 audience: [staff, {edition}]。",
                    )
            for policy in handbook.policies:
                section = sections.get(policy.section)
                if (
                    visible(policy.audience, edition)
                    and section
                    and not visible(section.audience, edition)
                ):
                    leak(
                        docs[policy.id],
                        ("section",),
                        f"政策 {policy.id} 所在的部分 {section.id}",
                        f"请给 handbook.yaml 中的部分 {section.id} 加上 {edition},或改 audience。",
                    )

    # --- markdown links -------------------------------------------------------------------------

    def check_links(self, doc: Document, path: tuple, text: str, index: Index) -> Iterator[Ref]:
        """Check a Markdown field by what it renders to; yield its handbook links.

        prose.render is what the renderer publishes: every finding is something the
        sanitiser would remove, so a field that passes is published exactly as written.
        """
        rendered = prose.render(text)
        findings, links = rendered.findings, rendered.links
        for finding in findings:
            line, column = doc.locate_in_text(path, _source_offset(text, finding.offset))
            self.out.append(
                Diagnostic(doc.path, line, column, Severity.ERROR, finding.code, finding.message)
            )
        for link in links:
            ref = Ref(link.kind, link.target, doc, path, _source_offset(text, link.offset))
            table = index.ids.get(ref.kind)
            if table is not None and link.target not in table:
                guess = difflib.get_close_matches(link.target, list(table), n=1, cutoff=0.6)
                maybe = f"是否想写 {link.kind}:{guess[0]}?" if guess else ""
                line, column = doc.locate_in_text(path, _source_offset(text, link.offset))
                self.out.append(
                    Diagnostic(
                        doc.path,
                        line,
                        column,
                        Severity.ERROR,
                        f"dangling-{ref.kind}",
                        f"链接 {link.kind}:{link.target} 指向的{NOUNS[ref.kind]}不存在。{maybe}{WHERE[ref.kind]}",
                    )
                )
            yield ref


def _source_offset(text: str, offset: int) -> int:
    """prose.render reads the field without its leading blanks: count them back in."""
    return offset + len(text) - len(text.lstrip())


def _at(data: object, path: tuple) -> object:
    for part in path:
        try:
            data = data[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in text.split("."))
    return parts + (0,) * (3 - len(parts))
