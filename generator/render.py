"""Model -> a tree of Markdown pages and assets, through Jinja2 templates kept in the package."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import cadence, clauses, duties, labels, parts, prose, views
from .edition import view
from .model import Handbook
from .records import TO_BE_SET
from .sanitize import clean_page
from .schemas import SchemaSet
from .tasks import Task

GLOSSARY = "glossary.md"
NAV_LIMIT = 60  # a section (or the roles) with more entries than this is not expanded in the nav
# What search indexes of a page (front matter). Pages that gather what policies say (role duties,
# the duty lists, checklists) would repeat each policy's text several times over in the results:
# they are left out, or searched by their opening only (`sections: false`; pagetree.py marks the
# later sections).
SEARCH_NONE = "search:\n  exclude: true\n"
# Views that gather what policies say (a role's duties, a checklist): searchable, but a question
# is answered by the policy itself, so they rank below it when both match.
SEARCH_VIEW = "search:\n  sections: false\n  boost: 0.5\n"
# Pages that hold the words of the work without answering for it (the home page and a section's
# page list policies with their summaries and parts; the field reference says how to write
# them): searchable in full, below the policies.
SEARCH_SECONDARY = "search:\n  boost: 0.5\n"


class Md(Markup):
    """Markdown that is already safe to place in a page (escaped text, or a rewritten Markdown field).

    A Markup subclass, so Jinja's autoescaping leaves it alone and macro output stays safe too.
    Markup's own methods escape their arguments: convert to str before editing one.
    """


@dataclass(frozen=True)
class Page:
    """One generated file: where it goes, what it holds, and the YAML file it came from."""

    path: str  # posix path below the docs root, e.g. "workflow/daily-store-operations.md"
    content: str | bytes
    source: Path | None = None  # the YAML file, relative to the repository, for "edit this page"
    title: str | None = None
    updated: dt.date | None = None  # when its content last changed (the sitemap's lastmod)


# --- escaping -----------------------------------------------------------------------------------

# Brackets make links, braces make attribute lists (which can set onclick=...), the rest emphasis,
# code and table cells. Line starts are escaped separately: "1." or "-" would open a list.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]{}|~])")
_LINE_START = re.compile(r"^(\s*)(?:([-+#>])(?=\s|$)|(\d+)([.)])(?=\s|$))", re.MULTILINE)
_SETEXT = re.compile(r"^(\s*)([-=])(?=[-=]*\s*$)", re.MULTILINE)


# Anything the escapes below would change; most handbook text has none of it.
_NEEDS_ESCAPE = re.compile(r"[&<>\\`*_\[\]{}|~]|^\s*(?:[-+#>=]|\d+[.)])", re.MULTILINE)


def do_text(value: object) -> Md:
    """Escape plain text so it shows as written: no HTML, no Markdown structure."""
    if isinstance(value, Markup):
        return Md(value)
    return _escaped(str(value))


@lru_cache(maxsize=16384)
def _escaped(text: str) -> Md:
    return Md(text) if not _NEEDS_ESCAPE.search(text) else _escape_all(text)


def _escape_all(text: str) -> Md:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIALS.sub(r"\\\1", text)
    text = _LINE_START.sub(_escape_line_start, text)
    text = _SETEXT.sub(lambda m: m.group(1) + ("&#45;" if m.group(2) == "-" else "&#61;"), text)
    return Md(text)


def _escape_line_start(m: re.Match[str]) -> str:
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


_TITLE_CHARS = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇"})


def plain_title(text: str) -> str:
    """A title safe where themes print it unescaped (page titles, navigation, <title>).

    Material for MkDocs prints page and navigation titles as raw HTML, and its <title> tag
    unescapes entities, so escaping cannot protect them: the five HTML-significant characters
    become their full-width look-alikes instead.
    """
    return text.translate(_TITLE_CHARS)


def do_cell(value: object) -> Md:
    """Escape text for one table cell: also no pipes and no line breaks."""
    text = str(do_text(value))
    return Md(text.replace("\n", "<br>"))


def do_day(day: dt.date) -> Md:
    """Show a date in a table cell without letting it break at its hyphens."""
    return Md(f'<span class="hb-date">{day.isoformat()}</span>')


def do_review_due(day: dt.date) -> Md:
    """A next-review date the browser marks as overdue or due soon (assets/reviews.js)."""
    return Md(
        f'<span class="hb-date hb-review" data-review-due="{day.isoformat()}">{day.isoformat()}</span>'
    )


def _to_be_set(label: str) -> Md:
    return Md(f'<span class="hb-tbd" title="来源没有给出,待负责人确定后填写">{label}</span>')


def do_number(value: float | str, unit: str = "") -> Md:
    """A threshold, with its unit; a value still to be set is marked as such."""
    if value == TO_BE_SET:
        return _to_be_set(TO_BE_SET)
    return do_text(labels.amount(value, unit))


def do_duration(value: str | None) -> Md:
    """A duration in words ("30 分钟"); one still to be set is marked as such."""
    if not value:
        return Md("")
    if value == TO_BE_SET:
        return _to_be_set(TO_BE_SET)
    return do_text(labels.duration(value))


def do_frequency(code: str) -> Md:
    """How often, in words; "定期" with no period given is marked as still to be set."""
    label = cadence.LABELS[code]
    return _to_be_set(label) if code in cadence.UNKNOWN else do_text(label)


def do_href(url: str) -> Md:
    """Make a schema-checked URL safe as a Markdown link target."""
    return Md(quote(str(url), safe=":/?#[]@!$&'*+,;=%~-._"))


def _finalize(value: Any) -> Any:
    # Every {{ value }} is escaped unless it is already Md: forgetting a filter cannot inject HTML.
    if value is None:
        return ""
    if isinstance(value, Markup) or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return do_text(value)


_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^#{1,6} ")


def tidy(markdown: str) -> str:
    """Give every heading a blank line before and after and collapse blank runs (not in code)."""
    out: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _HEADING.match(line):
            if out and out[-1] != "":
                out.append("")
            out.append(line)
            out.append("")
            continue
        if not fenced and line.strip() == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --- links --------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for two paths below the docs root, without its getcwd per call."""
    to = [p for p in path.split("/") if p and p != "."]
    base = [p for p in start.split("/") if p and p != "."]
    common = 0
    while common < min(len(to), len(base)) and to[common] == base[common]:
        common += 1
    parts = [".."] * (len(base) - common) + to[common:]
    return "/".join(parts) or "."


class Linker:
    """Where each policy, role, checklist and term lives, and relative links between pages."""

    def __init__(self, handbook: Handbook) -> None:
        self.policies = {p.id: f"{p.section}/{p.id}.md" for p in handbook.policies}
        self.parts = {
            item.id: f"{self.policies[p.id]}#{item.id}"
            for p in handbook.policies
            for part, item in parts.named(p)
            if part.anchored
        }

    def policy(self, ident: str) -> str:
        return self.policies[ident]

    def part(self, ident: str) -> str:
        """Link to a KPI, severity level, procedure, playbook or service on its policy's page."""
        return self.parts[ident]

    def clause(self, target: clauses.Cited) -> str:
        """Link to a numbered clause on its policy's page."""
        return f"{self.policies[target.policy]}#{clauses.anchor(target.policy, target.number)}"

    @staticmethod
    def role(ident: str) -> str:
        return f"roles/{ident}.md"

    @staticmethod
    def party(ident: str) -> str:
        """Outside parties are listed on the organisation page."""
        return f"roles/index.md#party-{ident}"

    @staticmethod
    def checklist(ident: str) -> str:
        return f"checklists/{ident}.md"

    @staticmethod
    def term(ident: str) -> str:
        return f"{GLOSSARY}#term-{ident}"

    @staticmethod
    def relative(target: str, page: str) -> str:
        path, _, anchor = target.partition("#")
        rel = _relpath(path, posixpath.dirname(page) or ".")
        return f"{rel}#{anchor}" if anchor else rel

    def markdown(self, text: str, page: str, shift: int = 0, fields: str = "token") -> Md:
        """A Markdown field as it goes into a page: rendered, sanitised, its links made relative.

        prose.render is the same function validation judges the field with. With `fields`
        "token" the page holds a token the site's Markdown extension replaces by the field's
        elements (pagetree.py); with "html" the sanitised HTML itself (an engine-neutral tree).
        """
        rendered = prose.render(str(text), shift)

        def resolve(kind: str, ident: str) -> str | None:
            lookup: dict[str, Callable[[str], str]] = {
                "policy": self.policy,
                "term": self.term,
                "role": self.role,
            }
            try:
                return self.relative(lookup[kind](ident), page)
            except KeyError:
                return None  # unvalidated text naming something that does not exist

        fragment = prose.resolve_links(rendered.html, resolve)
        if fields == "html":
            # No plugin will clean this page: titles get the theme's tooltip escaping here.
            return Md(f'<div class="hb-prose">\n{clean_page(fragment)}\n</div>')
        return Md(prose.token(fragment))


# --- environment --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment: package templates, strict undefined, escaping by default.

    Built once per process, so `mkdocs serve` rebuilds reuse the compiled templates (Jinja still
    reloads a template whose file changed).
    """
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=True,
        finalize=_finalize,
    )
    env.globals["md"] = Md
    env.globals["clause_anchor"] = clauses.anchor
    env.filters.update(
        day=do_day,
        review_due=do_review_due,
        href=do_href,
        text=do_text,
        cell=do_cell,
        duration=do_duration,
        quota=labels.quota,
        due=labels.due,
        number=do_number,
        frequency=do_frequency,
        status=labels.STATUS.__getitem__,
        audience=lambda values: "、".join(labels.AUDIENCE[v] for v in values),
        cycle=labels.REVIEW_CYCLE.__getitem__,
        direction=labels.DIRECTION.__getitem__,
        incident=labels.INCIDENT.__getitem__,
        obligation_kind=labels.OBLIGATION_KIND.__getitem__,
        party_kind=labels.PARTY_KIND.__getitem__,
    )
    return env


class Renderer:
    """Render every page of one handbook; each template sees links relative to its own page."""

    def __init__(
        self,
        handbook: Handbook,
        edition: str = "staff",
        schemas: SchemaSet | None = None,
        site_url: str | None = None,
        print_page: bool | None = None,
        fields: str = "token",
    ) -> None:
        self.handbook = handbook
        self.fields = fields  # how Markdown fields go into pages: see Linker.markdown
        self.edition = edition
        self.schemas = schemas
        self.site_url = site_url
        self.print_page = print_page  # None: only for handbooks small enough to print by default

        self.links = Linker(handbook)
        self.env = environment()
        self.roles = handbook.roles
        self.terms = handbook.terms
        self.policy_map = handbook.policy_map
        self.checklist_map = views.checklist_map(handbook)
        self.citations = views.citations(handbook)  # once: each policy page lists who cites it
        self.part_names = views.part_map(handbook)

    @cached_property
    def actors(self) -> dict[str, str]:
        """What a flowchart calls each role and outside party a step may name."""
        names = {ident: role.name for ident, role in self.roles.items()}
        names.update((p.id, f"{p.name}(外部)") for p in self.handbook.organisation.parties)
        return names

    # Tasks feed several kinds of page (duties, checklists, roles, CSV): worked out once, on demand.

    @cached_property
    def tasks(self) -> list[Task]:
        """Every task in force, in handbook order."""
        return duties.all_tasks(self.handbook)

    @cached_property
    def duty_pages(self) -> tuple[str, ...]:
        """The frequencies that have a duty page."""
        return duties.pages(self.tasks)

    @cached_property
    def tasks_by_checklist(self) -> dict[str, list[Task]]:
        """Checklist id -> its tasks; a draft policy's checklist shows its tasks too."""
        hb = self.handbook
        drafts = [
            t for p in hb.policies if p.status != "active" for t in duties.policy_tasks(hb, p)
        ]
        grouped: dict[str, list[Task]] = {}
        for task in self.tasks + drafts:
            if task.checklist is not None:
                grouped.setdefault(task.checklist.id, []).append(task)
        return grouped

    @cached_property
    def tasks_by_role(self) -> dict[str, list[Task]]:
        """Role id -> the tasks in force it does."""
        grouped: dict[str, list[Task]] = {}
        for task in self.tasks:
            grouped.setdefault(task.role, []).append(task)
        return grouped

    def page(
        self,
        template: str,
        path: str,
        source: Path | None,
        title: str,
        meta: str = "",
        shift: int = 0,
        **context: Any,
    ) -> Page:
        """Render one page; `meta` adds front matter lines (e.g. SEARCH_NONE).

        `shift` moves the headings of Markdown fields down (a page printed inside another).
        """

        def link(kind: str, ident: str, label: object | None = None) -> Md:
            target = getattr(self.links, kind)(ident)
            shown = label if label is not None else self.label(kind, ident)
            return Md(f"[{do_text(shown)}]({self.links.relative(target, path)})")

        def url(target: str) -> Md:
            return Md(self.links.relative(target, path))

        def markdown(text: str | None) -> Md:
            return self.links.markdown(text or "", path, shift, self.fields)

        def serves_link(target: str) -> Md:
            ident, _, step = target.partition("/")
            label = self.part_names[ident] + (f" 第 {step} 步" if step else "")
            return link("part", ident, label)

        def basis_link(citation: str, policy: str) -> Md:
            """Link a citation written in `policy` to the clause: "第 3.2 条", or 《title》 first."""
            target = clauses.cited(citation, policy)
            label = f"第 {target.number} 条"
            if target.policy != policy:
                label = f"《{self.policy_map[target.policy].title}》{label}"
            return link("clause", target, label)

        content = self.env.get_template(template).render(
            handbook=self.handbook,
            link=link,
            url=url,
            markdown=markdown,
            roles=self.roles,
            parties=self.handbook.parties,
            terms=self.terms,
            policies=self.policy_map,
            page_path=path,
            edition=self.edition,
            serves_link=serves_link,
            basis_link=basis_link,
            headings=duties.HEADINGS,
            frequencies=self.duty_pages,
            clears=cadence.CLEARS,
            codes=lambda found: " ".join(duties.RACI[c] for c in found),
            **context,
        )
        front = f"---\ntitle: {json.dumps(plain_title(title), ensure_ascii=False)}\n{meta}---\n\n"
        return Page(path, front + tidy(content), source, title)

    def label(self, kind: str, ident: str) -> str:
        if kind == "policy":
            return self.policy_map[ident].title
        if kind == "role":
            return self.roles[ident].name
        if kind == "party":
            return self.handbook.parties[ident].name
        if kind == "term":
            return self.terms[ident].term
        if kind == "checklist":
            return self.checklist_map[ident].title
        if kind == "part":
            return self.part_names[ident]
        raise KeyError(kind)

    def render(self) -> list[Page]:
        """Every page of the edition, sorted by path; undated pages get the handbook's date."""
        from .pages import KINDS  # the page kinds build on this module's Page, Md and Renderer

        pages = [
            page
            for kind in KINDS
            if self.edition == "staff" or not kind.staff_only
            for page in kind.build(self)
        ]
        newest = last_change(self.handbook)
        return sorted(
            (p if p.updated else dataclasses.replace(p, updated=newest) for p in pages),
            key=lambda p: p.path,
        )


def shift_headings(markdown: str) -> str:
    """Move every heading one level down (outside code), so a page can sit inside another."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and _HEADING.match(line) and not line.startswith("######"):
            line = "#" + line
        out.append(line)
    return "\n".join(out) + "\n"


def last_change(handbook: Handbook) -> dt.date:
    """The newest change-log date in the handbook: the date of the handbook as a whole."""
    return max((p.changelog[0].date for p in handbook.policies), default=dt.date(2000, 1, 1))


def render_pages(
    handbook: Handbook,
    edition: str = "staff",
    schemas: SchemaSet | None = None,
    site_url: str | None = None,
    print_page: bool | None = None,
    fields: str = "token",
) -> list[Page]:
    """Render one edition of the handbook into pages, sorted by path.

    The same input gives the same bytes, whatever the day (review status is worked out in the
    reader's browser). For the client and public editions the model is cut down first, so
    nothing outside the edition can reach a page, the navigation, a CSV or the search index.
    `fields` is "token" for
    the MkDocs plugin (pagetree.py puts each field in place) or "html" for a plain Markdown tree.
    """
    return Renderer(
        view(handbook, edition), edition, schemas, site_url, print_page, fields
    ).render()


def nav(handbook: Handbook, edition: str = "staff") -> list[Any]:
    """Return a MkDocs-style navigation: sections with their policies, then roles and checklists."""
    links = Linker(handbook)
    items: list[Any] = [{"首页": "index.md"}]
    if handbook.client is not None:
        from .pages.client import PATH, TITLE

        items.append({TITLE: PATH})
    for section in handbook.sections:
        policies = handbook.in_section(section.id)
        # Every page carries its section's navigation: past a few dozen entries that grows with
        # the square of the handbook, so a big section lists its policies on its index page only.
        listed = policies if len(policies) <= NAV_LIMIT else []
        members = [{plain_title(p.title): links.policy(p.id)} for p in listed]
        items.append({plain_title(section.title): [f"{section.id}/index.md", *members]})
    people = handbook.organisation.roles if len(handbook.organisation.roles) <= NAV_LIMIT else ()
    roles = [{plain_title(r.name): links.role(r.id)} for r in people]
    if edition == "staff":
        items.append({"角色": ["roles/index.md", {"职责矩阵": "roles/matrix.md"}, *roles]})
        duty_pages = duties.pages(duties.all_tasks(handbook))
        by_frequency = [{duties.HEADINGS[f]: f"duties/{f}.md"} for f in duty_pages]
        items.append({"检查清单": ["checklists/index.md", *by_frequency]})
    else:
        items.append({"角色": ["roles/index.md", *roles]})
        if handbook.checklists:
            items.append({"检查清单": ["checklists/index.md"]})
    items.append({"术语表": GLOSSARY})
    if edition == "staff":
        items.append({"复审日历": "reviews.md"})
        items.append({"待定事项": "gaps.md"})
        items.append({"字段参考": "reference.md"})
    return items


def write_tree(pages: list[Page], out: Path) -> None:
    """Write pages under `out`, replacing it only once everything has been written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for page in pages:
            target = staging / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = page.content.encode("utf-8") if isinstance(page.content, str) else page.content
            target.write_bytes(data)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
