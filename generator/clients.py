"""Clients: one folder per brand client, read and checked against the base handbook.

policies/clients/<client-id>/ holds `client.yaml` (the profile: name, contract, services,
channels, contacts, account team, policies that do not apply), overlay files named after the
base policy they change (overlay.py), and, in folders named like the base's sections, policies
only this client has. The base is loaded and checked once (pipeline.py); a client adds its own
files only: its ids join a copy of the base's index, its policies pass the same rule phases, and
what is reported is what was found in its own files. `load_client` returns the handbook as that
client has it: the base with the overlays applied, the omitted policies left out, the client's
policies and contacts added, and the profile on `Handbook.client`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections import ChainMap
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from . import parts
from .audience import EDITIONS as AUDIENCES
from .audience import NAMES, visible
from .codes import severity
from .errors import Diagnostic, HandbookError, has_errors, sort_diagnostics
from .loader import Document
from .model import EditionText, Handbook, Organisation, Party, Policy, Ref, build
from .overlay import Applier, Change, rebuilt
from .paths import inside, is_id, outside
from .pipeline import CLIENTS, Pipeline, Result, display_path
from .publish import configured
from .records import PolicyId, RoleId
from .rules import Built, Context, Index, Phase, collect_policy, define, run
from .rules.refs import SERVED

PROFILE = "client.yaml"
EDITIONS = ("client", "staff")  # a client's handbook as the client reads it; the account team's
# Folder names no client may have (an edition's name: site-client/ is the base's client
# edition), nor a name ending in -staff (site-<id>-staff/ is client <id>'s team version).
RESERVED = AUDIENCES


def edition_refused(edition: str) -> str:
    return f"客户手册没有 {edition} 版:可选 client(客户读的版本,默认)和 staff(项目团队的版本)。"


def site_dir(client: str, edition: str) -> Path:
    """Where a client's handbook is built: site-<client>/, the account team's site-<client>-staff/."""
    return Path(f"site-{client}" if edition == "client" else f"site-{client}-{edition}")


def missing_url(client: str, edition: str) -> str:
    """What to do when a publishing build of a client's handbook has no address."""
    where = (
        f"在 policies/clients/{client}/client.yaml 中写 site_url,或"
        if edition == "client"
        else "项目团队版没有写在文件中的网址:"
    )
    return (
        f"发布客户 {client} 的手册需要站点网址:请{where}构建时设置环境变量 HANDBOOK_SITE_URL。"
        "只在本机查看可以用 handbook build --client 加 --preview。"
    )


@dataclass(frozen=True)
class Contract:
    start: dt.date
    end: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Channel:
    platform: str
    name: str
    note: str | None = None


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    summary: str


@dataclass(frozen=True)
class TeamRole:
    role: RoleId
    note: str | None = None


@dataclass(frozen=True)
class Omission:
    policy: PolicyId
    reason: str


@dataclass(frozen=True)
class Profile:
    """What client.yaml says."""

    name: str
    contract: Contract
    services: tuple[str, ...]
    brand: str | None = None
    title: str | None = None
    introduction: str = ""
    channels: tuple[Channel, ...] = ()
    contacts: tuple[Contact, ...] = ()
    team: tuple[TeamRole, ...] = ()
    omit: tuple[Omission, ...] = ()
    maintainers: tuple[str, ...] = ()
    site_url: str | None = None


@dataclass(frozen=True)
class Omitted:
    """A base policy the client leaves out, as its page names it (only where it may be seen)."""

    policy: str
    title: str
    audience: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Client:
    """A client as its handbook shows it: the profile and what differs from the base."""

    id: str
    profile: Profile
    changes: tuple[Change, ...] = ()
    extra: tuple[str, ...] = ()  # ids of the policies only this client has
    omitted: tuple[Omitted, ...] = ()


@dataclass
class ClientResult:
    """What loading one client produced: its handbook (when sound enough) and diagnostics."""

    id: str
    handbook: Handbook | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0  # how many of the client's files were read
    site: tuple[str, Document] | None = None  # its site_url, with client.yaml (to say where)
    own: dict[str, dict] = field(default_factory=dict)  # its own policies' data, by id

    @property
    def ok(self) -> bool:
        """No error in the client's files (its handbook, when asked for, was built)."""
        return not has_errors(self.diagnostics)


def client_ids(policies: Path) -> list[str]:
    """The clients of a handbook: the folders under policies/clients/, in order."""
    root = Path(policies) / CLIENTS
    if not root.is_dir():
        return []
    return sorted(
        entry.name for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith(".")
    )


def check_id(policies: Path, client: str) -> None:
    """Refuse a client id that is not an id or names no client folder (a usage error)."""
    known = client_ids(policies)
    if not is_id(client) or client not in known:
        listed = "、".join(known) or "(policies/clients/ 下还没有客户文件夹)"
        raise HandbookError(f"没有客户 {client!r}。已有的客户:{listed}")


def load_clients(
    base: Result, policies: Path, *, cache: bool = False, effective: bool = True
) -> list[ClientResult]:
    """Load and check every client of the handbook (`effective`: build each one's handbook)."""
    results = [
        load_client(base, policies, ident, cache=cache, effective=effective)
        for ident in client_ids(policies)
    ]
    # Each client's handbook at its own address: deploying one must never replace another.
    taken: list[tuple[str, str]] = []
    for result in results:
        if result.site is None:
            continue
        url, doc = result.site
        other = _sharing(url, taken)
        if other is not None:
            line, column = doc.locate(("site_url",))
            result.diagnostics = sort_diagnostics(
                [
                    *result.diagnostics,
                    Diagnostic(
                        doc.path,
                        line,
                        column,
                        severity("site-url-shared"),
                        "site-url-shared",
                        f"{url} 与{other}的网址相同,或一个在另一个之下:部署一个客户手册会覆盖另一个。"
                        "请给每个客户一个自己的地址。",
                    ),
                ]
            )
        taken.append((url, f"客户 {result.id}"))
    return results


def load_client(
    base: Result, policies: Path, client: str, *, cache: bool = False, effective: bool = True
) -> ClientResult:
    """Load one client's files and check them against the base; with `effective`, also build
    the client's handbook (validation alone does without: its `handbook` is then None)."""
    if base.handbook is None or base.context is None or base.built is None or not base.schemas:
        return ClientResult(client, None)  # the base's own errors are reported already
    return _ClientRun(base, Path(policies), client, cache, effective).run()


class _ClientRun:
    """One client checked against the base: its files, its rules, its handbook."""

    def __init__(
        self, base: Result, policies: Path, client: str, cache: bool, effective: bool
    ) -> None:
        self.base = base
        self.effective_wanted = effective
        self.handbook: Handbook = base.handbook  # type: ignore[assignment]
        self.client = client
        self.folder = policies / CLIENTS / client
        assert base.context is not None and base.schemas is not None
        self.reader = Pipeline(policies, base.schemas, base.context.today, cache)
        self.ctx = Context(
            base.context.today, base.schemas, base.context.kinds, _layer(base.context.index)
        )
        self.base_docs = base.built.docs  # base policy id -> its document
        self.report = self.ctx.report  # (doc, path, code, message): with the code's severity
        self.error = self.reader.error  # (path, code, message): a file's problem, at its start
        self.refs: list[Ref] = []
        self.profile_doc: Document | None = None
        self.overlays: list[Document] = []
        self.extras: list[tuple[Document, str]] = []  # document, section folder

    # --- files ----------------------------------------------------------------------------------

    def run(self) -> ClientResult:
        self.files()
        if has_errors(self.base.diagnostics):
            # Overlays are judged by the base's bounds and ids: with the base broken, only the
            # client's files themselves (YAML, fields) are checked, not what they change.
            return ClientResult(self.client, None, self.diagnostics(), len(self.reader.documents))
        profile = self.profile()
        extras = self.extra_policies()
        for doc in [d for d in (self.profile_doc, *(e for e, _ in self.extras)) if d is not None]:
            if self.reader.valid.get(str(doc.path)) is doc:
                kind = "client" if doc is self.profile_doc else None
                for path, text in self.reader.markdown_fields(doc, kind):
                    self.refs.extend(run(self.ctx, Phase.FIELD, doc, path, text))
        omitted = self.omitted(profile)  # after the links: the client's own may name one
        overlaid, changes = self.apply_overlays(omitted)
        run(self.ctx, Phase.REFS, self.refs)
        handbook = None
        if profile is not None:
            self.whole_handbook_rules(profile, extras)
            self.overlay_leaks(overlaid, extras)
            if self.effective_wanted:
                handbook = self.effective(profile, extras, omitted, overlaid, changes)
        own = {p.id: doc.data for p, doc in extras}
        site = (profile.site_url, self.profile_doc) if profile and profile.site_url else None
        return ClientResult(
            self.client, handbook, self.diagnostics(), len(self.reader.documents), site, own
        )

    def whole_handbook_rules(self, profile: Profile, extras: list[tuple[Policy, Document]]) -> None:
        """The HANDBOOK and SOUND rules on the client's own policies, among the base's (whose
        own content was checked with the base, once: `Built.only`)."""
        base = self.handbook
        org = base.organisation
        organisation = Organisation(
            org.organisation, org.departments, org.roles, (*org.parties, *_contacts(profile))
        )
        policies = (*base.policies, *(p for p, _ in extras))
        checking = Handbook(base.settings, organisation, base.glossary, policies)
        built = self.base.built
        assert built is not None
        docs = {**built.docs, **{p.id: d for p, d in extras}}
        mine = Built(checking, docs, built.roots, self.refs, frozenset(p.id for p, _ in extras))
        run(self.ctx, Phase.HANDBOOK, mine)
        if not has_errors(self.diagnostics()):
            run(self.ctx, Phase.SOUND, mine)

    def overlay_leaks(
        self, overlaid: dict[str, Policy], extras: list[tuple[Policy, Document]]
    ) -> None:
        """What an overlay adds to what the client reads (a recipient, an added checklist item's
        role or what it serves) must be something the client edition shows: an outside party
        or role the client may see, an item of a policy the client may see."""
        targets = {
            id(doc): doc.data["overlay"]
            for doc in self.overlays
            if self.reader.valid.get(str(doc.path)) is doc
        }
        roles, parties = self.handbook.roles, self.handbook.parties  # the base's: not contacts
        owners: dict[int, Policy] = {}  # by document, made when a `serves` or KPI first needs it
        for ref in self.refs:
            policy = overlaid.get(targets.get(id(ref.doc), ""))
            if policy is None or not visible(policy.audience, "client"):
                continue
            if ref.path[0] == "checklists":
                checklist = next(c for c in policy.checklists if c.id == ref.path[1])
                if not visible(checklist.audience, "client"):
                    continue
            if ref.kind in ("serves", "kpi") and not owners:
                owners.update(
                    {id(d): p for p in self.handbook.policies if (d := self.base_docs.get(p.id))}
                )
                owners.update({id(d): p for p, d in extras})
            what = self.hidden(ref, roles, parties, owners)
            if what is not None:
                self.report(
                    ref.doc,
                    ref.path,
                    "edition-leak",
                    f"客户版会显示这里,但它引用的{what}不在客户版中。"
                    "请换成客户版可见的角色、客户方联系人或内容,或不在此处引用它。",
                )

    def hidden(self, ref: Ref, roles: dict, parties: dict, owners: dict) -> str | None:
        """What a reference names that the client edition does not show, in words; None if
        the client sees it."""
        if ref.kind in ("role", "recipient", "actor"):
            if ref.target in roles and not visible(roles[ref.target].audience, "client"):
                return f"角色 {ref.target}({roles[ref.target].name})"
            party = parties.get(ref.target)
            if party is not None and not visible(party.audience, "client"):
                return f"外部相关方 {ref.target}({party.name})"
        if ref.kind in ("serves", "kpi"):
            ident = ref.target.partition("/")[0]
            for namespace in SERVED if ref.kind == "serves" else ("kpi",):
                place = (self.ctx.index.ids.get(namespace) or {}).get(ident)
                owner = owners.get(id(place.doc)) if place is not None else None
                if owner is not None and not visible(owner.audience, "client"):
                    return f" {ident}(定义在政策 {owner.id} 中)"
        return None

    def diagnostics(self) -> list[Diagnostic]:
        """What was found in this client's files (the base's own are the base's to report)."""
        mine = display_path(self.folder.absolute())
        found = [*self.reader.diagnostics, *self.ctx.out]
        return sort_diagnostics([d for d in found if _below(Path(d.file), mine)])

    def files(self) -> None:
        """Read the folder: the profile, overlays at the top, a client's policies in sections."""
        reader = self.reader
        root = self.folder.parent
        for folder in (root, self.folder):
            if folder.is_symlink():
                self.linked(folder)
                return
        if not (self.folder / PROFILE).is_file():
            shown = display_path(self.folder / PROFILE)
            self.error(
                shown,
                "missing-file",
                f"缺少客户档案 {shown}。每个客户文件夹都需要 client.yaml(名称、合同期、订购的服务)。",
            )
        if not is_id(self.client):
            self.error(
                display_path(self.folder),
                "client-folder",
                f"客户文件夹名 {self.client} 不是合法的 id:只用小写字母、数字和连字符,"
                "它会成为站点文件夹名 site-<客户>/。",
            )
            return
        if self.client in RESERVED or self.client.endswith("-staff"):
            self.error(
                display_path(self.folder),
                "client-folder",
                f"客户文件夹名 {self.client} 会让它的站点文件夹 site-{self.client}/ 与"
                f"{'通用手册的一个版本' if self.client in RESERVED else '另一个客户的项目团队版'}"
                "重名。请换一个名字(不要以 -staff 结尾)。",
            )
            return
        sections = {s.id for s in self.handbook.sections}
        for entry in sorted(self.folder.iterdir()):
            shown = display_path(entry)
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                self.linked(entry)  # one error for a linked folder, none per file in it
            elif entry.is_dir() and entry.name in sections:
                self.section_folder(entry)
            elif entry.is_dir():
                self.error(
                    shown,
                    "client-folder",
                    f"{shown}/ 不是手册的部分(已定义:{'、'.join(sections)})。客户自己的政策放在"
                    f"与部分同名的文件夹中,例如 {display_path(self.folder)}/workflow/。",
                )
            elif entry.suffix == ".yml":
                self.error(shown, "wrong-extension", f"{shown} 的扩展名是 .yml,请改为 .yaml。")
            elif entry.suffix != ".yaml":
                continue
            elif entry.name == PROFILE:
                self.profile_doc = reader.read(entry, "client")
            else:
                self.overlays.append(reader.read(entry, "overlay"))

    def linked(self, path: Path) -> None:
        """A symbolic link in a client's folder: never followed. One out of the repository is
        that error; one inside it could make another client's files this client's."""
        if not inside(path, self.reader.repo):
            self.error(display_path(path), *outside(path))
            return
        self.error(
            display_path(path),
            "client-folder",
            f"{display_path(path)} 是符号链接:客户文件夹中的文件必须是这个客户自己的,不能链接到别处"
            "(例如另一个客户的文件夹)。请放入文件本身。",
        )

    def section_folder(self, folder: Path) -> None:
        kind = self.ctx.kinds[folder.name]
        for path in sorted(folder.rglob("*")):
            if path.name.startswith(".") or (path.is_dir() and not path.is_symlink()):
                continue
            shown = display_path(path)
            if path.is_symlink():
                self.linked(path)
                continue
            if path.parent != folder:
                self.error(
                    shown,
                    "misplaced-file",
                    f"{shown} 在子文件夹中。政策文件必须直接放在 {display_path(folder)}/ 下。",
                )
            elif path.suffix == ".yml":
                self.error(shown, "wrong-extension", f"{shown} 的扩展名是 .yml,请改为 .yaml。")
            elif path.suffix == ".yaml":
                doc = self.reader.read(path, kind)
                self.extras.append((doc, folder.name))
                collect_policy(self.ctx, doc, str(doc.path) in self.reader.valid)

    # --- profile --------------------------------------------------------------------------------

    def profile(self) -> Profile | None:
        doc = self.profile_doc
        if doc is None or self.reader.valid.get(str(doc.path)) is not doc:
            return None
        profile = build(Profile, doc.data, doc, self.refs)
        roles = self.ctx.index.ids.get("role") or {}
        for i, contact in enumerate(profile.contacts):
            where = ("contacts", i, "id")
            if contact.id in roles or contact.id == "client":
                self.report(
                    doc,
                    where,
                    "duplicate-id",
                    f"联系人 id {contact.id} 已是"
                    f"{'一个角色的 id' if contact.id in roles else '表示客户方的保留字'}。"
                    "请换一个,例如加上客户的前缀。",
                )
            else:
                define(self.ctx, "party", contact.id, doc, where)
        services = self.ctx.index.ids.get("service")
        for i, service in enumerate(profile.services):
            if services is not None and service not in services:
                guess = difflib.get_close_matches(service, list(services), n=1, cutoff=0.6)
                maybe = f"是否想写 {guess[0]}?" if guess else ""
                self.report(
                    doc,
                    ("services", i),
                    "dangling-service",
                    f"服务 {service} 不在服务目录中。{maybe}请写某条政策 services 中定义的服务 id。",
                )
        settings = self.handbook.settings
        taken = [(url, NAMES[e]) for e in AUDIENCES if (url := configured(settings, e))]
        other = _sharing(profile.site_url, taken)
        if other is not None:
            self.report(
                doc,
                ("site_url",),
                "site-url-shared",
                f"{profile.site_url} 与通用手册{other}的网址相同,或一个在另一个之下:"
                "每个客户手册要有自己的地址,否则部署它会覆盖那个版本。",
            )
        contract = profile.contract
        if contract.end is not None and contract.end < contract.start:
            self.report(
                doc,
                ("contract", "end"),
                "contract-period",
                f"合同结束日期 {contract.end} 早于开始日期 {contract.start}。请检查两个日期。",
            )
        return profile

    def omitted(self, profile: Profile | None) -> dict[str, int]:
        """The base policies the client leaves out (by id, with their place in `omit`)."""
        if profile is None:
            return {}
        doc = self.profile_doc
        assert doc is not None
        policies = self.handbook.policy_map
        out: dict[str, int] = {}
        own = {doc.data.get("id") for doc, _ in self.extras if isinstance(doc.data, dict)}
        for i, omission in enumerate(profile.omit):
            policy = policies.get(omission.policy)
            if policy is None and omission.policy in own:
                self.report(
                    doc,
                    ("omit", i, "policy"),
                    "omit-refused",
                    f"{omission.policy} 是这个客户自己的政策,不是通用政策:不需要它就删除它的文件。",
                )
                continue
            if policy is None:
                continue  # a dangling reference: reported by the reference rule
            if not policy.client_may_omit:
                self.report(
                    doc,
                    ("omit", i, "policy"),
                    "omit-refused",
                    f"通用政策 {policy.id}(《{policy.title}》)没有写 client_may_omit: true,"
                    "对所有客户都适用。请删去这一项;确实不适用时,请这条政策的负责人开放它。",
                )
                continue
            user = self.named_by_others(policy)
            if user is not None:
                self.report(
                    doc,
                    ("omit", i, "policy"),
                    "omit-refused",
                    f"通用政策 {policy.id} 还被 {user} 引用;省略它,那里就会指向不存在的内容。"
                    "请先让那条政策不再引用它,或保留这条政策。",
                )
                continue
            out[policy.id] = i
        return out

    def named_by_others(self, policy: Policy) -> str | None:
        """Where another base policy, or one of the client's own, names this one or its items
        (`related` aside: it is cut), if anywhere."""
        own = {policy.id} | {item.id for _, item in parts.named(policy)}
        mine = self.base.built.docs.get(policy.id)  # type: ignore[union-attr]
        for ref in chain(self.base.refs, self.refs):
            if ref.doc is mine or ref.doc is self.profile_doc or ref.path[:1] == ("related",):
                continue
            target = ref.target.partition("#")[0] if ref.kind == "clause" else ref.target
            target = target.partition("/")[0] if ref.kind == "serves" else target
            if target in own and (ref.kind != "clause" or "#" in ref.target):
                line, column = ref.doc.locate(ref.path)
                return f"{ref.doc.path}:{line}:{column}"
        return None

    # --- overlays and the client's own policies ------------------------------------------------

    def apply_overlays(self, omitted: dict[str, int]) -> tuple[dict[str, Policy], list[Change]]:
        policies = self.handbook.policy_map
        out: dict[str, Policy] = {}
        changes: list[Change] = []
        for doc in self.overlays:
            if self.reader.valid.get(str(doc.path)) is not doc:
                continue
            target = doc.data["overlay"]
            stem = Path(doc.path).stem
            policy = policies.get(target)
            if policy is None:
                guess = difflib.get_close_matches(target, list(policies), n=1, cutoff=0.6)
                maybe = f"是否想写 {guess[0]}?" if guess else ""
                self.report(
                    doc,
                    ("overlay",),
                    "overlay-target",
                    f"通用手册中没有政策 {target}。{maybe}overlay 写要改动的通用政策的 id。",
                )
                continue
            if stem != target:
                self.report(
                    doc,
                    ("overlay",),
                    "overlay-target",
                    f"覆盖文件 {stem}.yaml 改的是政策 {target}:请把文件改名为 {target}.yaml,"
                    "一条政策的改动放在一个文件里。",
                )
                continue
            if target in omitted:
                self.report(
                    doc,
                    ("overlay",),
                    "overlay-target",
                    f"政策 {target} 在 client.yaml 的 omit 中,对这个客户不适用:请删去这个覆盖文件,"
                    "或从 omit 中去掉它。",
                )
                continue

            def report(path: tuple, code: str, message: str, doc: Document = doc) -> None:
                self.report(doc, path, code, message, key=path[-1] != "remove")

            applier = Applier(doc, policy, self.ctx.schemas, report, self.refs)
            changed = applier.apply()
            self.check_parts(doc, policy, changed, applier.changes)
            out[target] = changed
            changes.extend(applier.changes)
        return out, changes

    def check_parts(
        self, doc: Document, before: Policy, after: Policy, changes: list[Change]
    ) -> None:
        """Run each changed part's own checks (thresholds in order, deadlines that fit) anew."""
        for key in dict.fromkeys(c.part for c in changes):
            part = parts.BY_KEY[key]
            if part.check is None:
                continue
            items = part.items(after)
            touched = {c.item for c in changes if c.part == key}
            known = {(p, c, m) for p, c, m in part.check(part.items(before))}
            for path, code, message in part.check(items):
                item_id = getattr(items[path[0]], "id", None)
                if item_id in touched and (path, code, message) not in known:
                    self.report(doc, (key, item_id), code, f"按这个客户的值:{message}", key=True)

    def extra_policies(self) -> list[tuple[Policy, Document]]:
        roles = self.ctx.index.ids.get("role") or {}
        out = []
        for doc, folder in self.extras:
            if doc.data is None or self.reader.valid.get(str(doc.path)) is not doc:
                continue
            before = len(self.refs)
            policy = build(Policy, doc.data, doc, self.refs)
            policy = self.reader.finish(policy, doc, self.refs[before:], roles)
            run(self.ctx, Phase.POLICY, policy, doc, folder)
            out.append((policy, doc))
        return out

    # --- the client's handbook ------------------------------------------------------------------

    def effective(
        self,
        profile: Profile,
        extras: list[tuple[Policy, Document]],
        omitted: dict[str, int],
        overlaid: dict[str, Policy],
        changes: list[Change],
    ) -> Handbook:
        base = self.handbook
        settings = base.settings
        order = {s.id: i for i, s in enumerate(settings.sections)}
        policies = [overlaid.get(p.id, p) for p in base.policies if p.id not in omitted]
        policies = [_unrelated(p, omitted) for p in (*policies, *(p for p, _ in extras))]
        policies.sort(key=lambda p: (order.get(p.section, len(order)), *p.place))
        client_text = settings.editions.client
        title = profile.title or f"{profile.name} · {client_text.title or settings.title}"
        editions = dataclasses.replace(
            settings.editions,
            client=EditionText(
                title=title,
                introduction=profile.introduction or client_text.introduction,
                site_url=profile.site_url,
            ),
        )
        settings = dataclasses.replace(settings, title=title, editions=editions, site_url=None)
        org = base.organisation
        organisation = Organisation(
            org.organisation, org.departments, org.roles, (*org.parties, *_contacts(profile))
        )
        gone = tuple(
            Omitted(
                o.policy,
                base.policy_map[o.policy].title,
                base.policy_map[o.policy].audience,
                o.reason,
            )
            for o in profile.omit
            if o.policy in omitted
        )
        client = Client(
            self.client,
            profile,
            tuple(changes),
            tuple(p.id for p, _ in extras),
            gone,
        )
        return Handbook(settings, organisation, base.glossary, tuple(policies), client=client)


def _contacts(profile: Profile) -> tuple[Party, ...]:
    """The client's contacts as outside parties, shown to the client and to staff."""
    return tuple(
        Party(c.id, c.name, "client", c.summary, ("staff", "client")) for c in profile.contacts
    )


def _unrelated(policy: Policy, omitted: dict[str, int]) -> Policy:
    """The policy without `related` links to policies the client leaves out (nothing else may
    name one: `omit-refused`)."""
    if not any(r in omitted for r in policy.related):
        return policy
    return rebuilt(policy, related=tuple(r for r in policy.related if r not in omitted))


def _sharing(url: str | None, taken: list[tuple[str, str]]) -> str | None:
    """What already has `url`, or an address one of the two lies under (deploying one site
    whole would replace the other): its name, or None."""
    if url is None:
        return None
    key = url.rstrip("/").lower() + "/"
    for other, name in taken:
        known = other.rstrip("/").lower() + "/"
        if key.startswith(known) or known.startswith(key):
            return name
    return None


def _below(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _layer(index: Index) -> Index:
    """The base's id index with a layer a client adds its own ids to, the base's untouched.

    Each table reads the client's layer first, then the base's (ChainMap); nothing is copied,
    so checking a client costs what the client holds, not what the base holds.
    """
    return Index(
        ids={k: ChainMap({}, v) if v is not None else None for k, v in index.ids.items()},
        groups_of=index.groups_of,
        folded={k: ChainMap({}, v) for k, v in index.folded.items()},
        names={k: ChainMap({}, v) for k, v in index.names.items()},
    )
