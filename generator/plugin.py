"""MkDocs plugin: hand the generated pages to MkDocs at build time. A thin adapter over the library."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import html
import logging
import os
import posixpath
import re
import time
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils.meta import get_data

from . import paths, publish, search_site, terms
from .edition import NAMES, view, visible
from .errors import HandbookError, Severity
from .pagetree import PageExtension, PageOptions
from .pipeline import Result, load_handbook, today_from_env
from .render import (
    Page,
    last_change,
    nav,
    plain_title,
    render_pages,
)
from .sanitize import clean_page, safe_id
from .search_index import SearchIndex
from .search_words import QUESTION_WORDS, SEGMENT_WORDS

log = logging.getLogger("mkdocs.plugins.handbook")
THEME = Path(__file__).parent / "theme"
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,8}$")


class HandbookConfig(Config):
    """Options under `plugins: - handbook:` in mkdocs.yml."""

    policies = c.Type(str, default="policies")
    schemas = c.Optional(c.Type(str))
    nav = c.Type(bool, default=True)
    edition = c.Choice(("staff", "client", "public"), default="staff")
    client = c.Type(str, default="")  # a client's id: that client's handbook (clients.py)


class _GeneratedFile(File):
    """A generated page that knows whether its content changed since the previous build."""

    changed = True

    def is_modified(self) -> bool:
        # `mkdocs serve --dirty` rebuilds only modified pages; MkDocs counts every in-memory page
        # as modified, so without this one edit would rebuild the whole site.
        return self.changed


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Validate the YAML handbook, render it, and add the pages to the build."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.sources: dict[str, Path] = {}
        self.problems: list[str] = []
        self.serving = False
        self.warned_preview = False
        self.site_url: str | None = None  # the edition's address, None in a preview without one
        self.handbook = None
        self.digests: dict[str, str] = {}  # page path -> content digest at the previous build
        self.rebuild_all = True
        self.updated: dict[str, Any] = {}
        self.glossary_words: list[tuple[str, str, str]] = []
        self.extension = PageExtension()  # the site's Markdown: fields, checkboxes, glossary
        self.jieba_words: list[str] = []  # words search must keep whole
        self.search: SearchIndex | None = None  # the search index of the build under way
        self.theme_env: tuple[tuple, Any] | None = None
        self.timings: dict[
            str, float
        ] = {}  # seconds per stage of ours, for `handbook build --timings`

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having on_startup keeps this instance across `mkdocs serve` rebuilds.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent
        policies = root / self.config.policies
        schemas = root / self.config.schemas if self.config.schemas else None
        # Before MkDocs walks docs/ (it follows linked folders) or writes the site: a plain
        # `mkdocs build` or `mkdocs serve` gets the same guards as `handbook build`. mkdocs.yml
        # comes with the repository too: its folders must lie inside it.
        try:
            for folder, what in ((Path(config.docs_dir), "docs/"), (policies, "政策文件夹")):
                paths.check_folder(folder, root, what)
            if schemas is not None:
                paths.check_folder(schemas, root, "schema 文件夹")
        except HandbookError as exc:
            raise PluginError(str(exc)) from None
        refused = paths.tree_problems(Path(config.docs_dir), root.resolve())
        for problem in refused:
            log.error(str(problem))
        if refused:
            raise PluginError(f"docs/ 中有 {len(refused)} 个文件不能发布(见上方),未生成站点。")
        if not self.serving:
            try:
                paths.output_dir(Path(config.site_dir), root)
            except HandbookError as exc:
                raise PluginError(str(exc)) from None
        try:
            result = load_handbook(policies, schemas, today_from_env(), cache=self.serving)
            if self.config.client:
                result = self._client(result, policies)
        except HandbookError as exc:
            raise PluginError(str(exc)) from None
        for d in result.diagnostics:
            # Warnings (a review past due) must not fail `--strict`: the same commit must build tomorrow.
            (log.error if d.severity is Severity.ERROR else log.info)(str(d))
        problems = [str(d) for d in result.diagnostics if d.severity is Severity.ERROR]
        # Pages show an error banner while the handbook is broken: add or remove it everywhere.
        self.rebuild_all = problems != self.problems or bool(problems)
        self.problems = problems
        if not result.ok:
            count = len(self.problems)
            if not (self.serving and self.pages):
                raise PluginError(f"手册有 {count} 个错误(见上方 file:line:column),未生成站点。")
            log.error(
                "手册有 %d 个错误;预览中显示上一次成功生成的页面,并在每页顶部列出错误。", count
            )
        else:
            edition = self.config.edition
            url = self._site_url(result.handbook.settings, edition, config)
            self.handbook = view(result.handbook, edition)
            self.glossary_words = terms.words(self.handbook.glossary)
            if not self.serving:
                gc.freeze()  # the model outlives the build: keep it out of the collector's scans
            started = time.perf_counter()
            printing = {"1": True, "0": False}.get(os.environ.get("HANDBOOK_PRINT", ""))
            if printing is None and self.serving:
                printing = False  # the print page repeats every policy: too slow to redo per edit
            self.pages = render_pages(
                result.handbook,
                edition,
                result.schemas,
                url,
                printing,
            )
            self.timings = {**result.timings, "render": time.perf_counter() - started}
            if not self.serving:
                gc.freeze()  # and so do the pages
            if edition != "staff":
                # Clients and the public see neither the repository nor "edit this page".
                config.repo_url = config.repo_name = config.edit_uri = None
                config.site_name = plain_title(self.handbook.settings.title)
                log.info(
                    "生成%s:%d 条政策(共 %d 条)",
                    NAMES[edition],
                    len(self.handbook.policies),
                    len(result.handbook.policies),
                )
            self.updated = {p.path: p.updated for p in self.pages}
            # A reproducible build: MkDocs dates the sitemap and its gzip header from
            # SOURCE_DATE_EPOCH when set, else from the clock. The handbook's own date is the
            # newest change in it, so the same content always builds the same bytes.
            if "SOURCE_DATE_EPOCH" not in os.environ:
                newest = last_change(self.handbook)  # the edition's own newest change
                moment = dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)
                # gzip's header holds an unsigned 32-bit time: a change logged before 1970 (or
                # after 2106) is clamped, not a crash.
                stamp = min(max(int(moment.timestamp()), 0), 2**32 - 1)
                os.environ["SOURCE_DATE_EPOCH"] = str(stamp)
        config.markdown_extensions.append(self.extension)
        config.watch.extend(str(p) for p in (policies, schemas or root / "schemas") if p.is_dir())
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        self._segment_terms(config)
        return config

    def _client(self, result: Result, policies: Path) -> Result:
        """The base's result with one client's handbook and the client's diagnostics in it."""
        from . import clients

        client = self.config.client
        clients.check_id(policies, client)
        if self.config.edition not in clients.EDITIONS:
            raise HandbookError(clients.edition_refused(self.config.edition))
        found = clients.load_client(result, policies, client, cache=self.serving)
        return dataclasses.replace(
            result,
            handbook=found.handbook if result.handbook is not None else None,
            diagnostics=[*result.diagnostics, *found.diagnostics],
        )

    def _site_url(self, settings: Any, edition: str, config: MkDocsConfig) -> str | None:
        """The edition's address; a publishing build without one stops, a preview says so."""
        client = self.config.client
        try:
            # A client's handbook has its own address, never the base's (mkdocs.yml's site_url).
            url = publish.site_url(settings, edition, None if client else config.site_url)
        except HandbookError as exc:
            raise PluginError(str(exc)) from None
        preview = self.serving or os.environ.get("HANDBOOK_PREVIEW") == "1"
        if url is None and not preview:
            if client:
                from .clients import missing_url

                raise PluginError(missing_url(client, edition))
            raise PluginError(publish.missing(edition))
        if url is None:
            if not self.warned_preview:
                # `mkdocs serve` shows warnings without failing; a strict `--preview` build would
                # abort on one of MkDocs' own loggers, so it is said on the tool's logger there.
                (log if self.serving else logging.getLogger("handbook")).warning(
                    "预览:%s没有站点网址,订阅(feed)用相对链接,不生成站点地图。发布前请%s。",
                    NAMES[edition],
                    publish.where(edition),
                )
                self.warned_preview = True
        elif not self.serving:  # `mkdocs serve` serves at its own address
            config.site_url = url
        self.site_url = url
        return url

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """While serving, keep one theme environment: its compiled templates outlive a rebuild."""
        if not self.serving:
            return env
        key = (tuple(config.theme.dirs), str(config.theme.locale))
        if self.theme_env is not None and self.theme_env[0] == key:
            return self.theme_env[1]
        env.auto_reload = True  # a template edited meanwhile is still read afresh
        self.theme_env = (key, env)
        return env

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        docs = Path(config.docs_dir).resolve()
        repo = Path(config.config_file_path).parent.resolve()
        menu = nav(self.handbook, self.config.edition) if self.handbook is not None else []
        listed = set(_nav_paths(menu))
        # docs/ files, before anything opens them: each must be a regular file inside the
        # repository (a link could publish /etc/passwd; opening a FIFO blocks). Outside assets/,
        # a non-page file is staff-only (see paths.staff_only).
        from .paths import files_problems, in_folder, staff_only

        ours = [f for f in files if f.abs_src_path and in_folder(f.abs_src_path, config.docs_dir)]
        refused = files_problems((f.abs_src_path for f in ours), repo)
        for problem in refused:
            log.error(str(problem))
        if refused:
            raise PluginError(f"docs/ 中有 {len(refused)} 个文件不能发布(见上方),未生成站点。")
        if self.config.edition != "staff":
            for extra in ours:
                if not extra.is_documentation_page() and staff_only(extra.src_uri):
                    files.remove(extra)
        # Where each hand-written file is published: a generated page (a redirect for a former id
        # too) may not take the same address, or one of the two would silently win.
        taken = {f.dest_uri: f.src_uri for f in files}
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(
                    f"docs/{page.path} 与生成的页面同名。生成的页面不能手写:请删除或改名 docs/{page.path}。"
                )
            # Checklist pages stay out of the navigation (index pages list them) to keep it small.
            inclusion = (
                InclusionLevel.UNDEFINED if page.path in listed else InclusionLevel.NOT_IN_NAV
            )
            generated = _GeneratedFile.generated(
                config, page.path, content=page.content, inclusion=inclusion
            )
            digest = hashlib.sha256(
                page.content.encode() if isinstance(page.content, str) else page.content
            ).hexdigest()
            generated.changed = self.rebuild_all or self.digests.get(page.path) != digest
            self.digests[page.path] = digest
            if page.source is not None:
                # "Edit this page" opens the YAML file, given relative to docs_dir (edit_uri's base).
                generated.edit_uri = posixpath.normpath(
                    os.path.relpath(repo / page.source, docs)
                ).replace(os.sep, "/")
            if generated.dest_uri in taken:
                raise PluginError(
                    f"docs/{taken[generated.dest_uri]} 与生成的页面 {page.path} 发布到同一个地址 "
                    f"{generated.dest_uri}:请改名或删除 docs/{taken[generated.dest_uri]}"
                    "(若是旧地址 former_ids,请换一个)。"
                )
            files.append(generated)
        if self.config.edition != "staff":
            # Hand-written pages are internal unless their front matter says otherwise.
            for handwritten in [f for f in files.documentation_pages() if f.generated_by is None]:
                if not visible(_page_audience(handwritten), self.config.edition):
                    files.remove(handwritten)
        if self.config.nav and not config.nav and self.handbook is not None:
            made = {p.path for p in self.pages}
            extra = sorted(f.src_uri for f in files.documentation_pages() if f.src_uri not in made)
            config.nav = [*menu, *extra]
        if not self.serving:
            self.pages = []  # the files hold the Markdown now; a build never renders twice
        return files

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        if self.site_url is None:  # a preview: a sitemap without addresses is no sitemap
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (site / name).unlink(missing_ok=True)
        if self.search is not None:
            synonyms = terms.synonyms(self.handbook.glossary) if self.handbook else {}
            started = time.perf_counter()
            search_site.finish(site, self.search, QUESTION_WORDS["zh"], synonyms)
            self._took("search", started)
            self.search = None

    def on_page_context(self, context: Any, *, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        """Index the page for the handbook's search, and tell Material's search to skip it."""
        if config.plugins.get("material/search") is None:
            return context
        started = time.perf_counter()
        if self.search is None:
            self.search = search_site.start(Path(config.site_dir))
        search_site.add(self.search, page)
        self._took("search", started)
        return context

    def _took(self, stage: str, started: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        if not self.serving:
            # The Markdown is converted: let it go (see on_post_page). An empty string, not None:
            # MkDocs reads a page without Markdown as not yet loaded and drops its title.
            page.markdown = ""
            if page.file.generated_by is not None:
                page.file.content_string = ""
        # The guarantee: whatever the templates, the fields and the validator did, only the
        # allow-list reaches the theme (sanitize.py). The table of contents follows its ids.
        _safe_toc(page.toc)
        return clean_page(html)

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        """In a build, let go of a written page's HTML.

        MkDocs keeps every page's Markdown and HTML until the build ends; at 10,000 policies
        that is hundreds of MB. What is still needed later (anchors for link checks, titles and
        URLs for the navigation, the search index) lives elsewhere. A preview keeps everything:
        it rebuilds from it.
        """
        if not self.serving:
            page.content = ""
        return output

    def on_pre_page(self, page: Any, *, config: MkDocsConfig, files: Files) -> Any:
        updated = self.updated.get(page.file.src_uri)
        if updated is not None:
            page.update_date = (
                updated.isoformat()
            )  # the sitemap's lastmod: when the content changed
        return page

    def on_page_markdown(self, markdown: str, *, page: Any, **kwargs: Any) -> str:
        search = page.meta.get("search")
        # Generated pages show a term's definition on hover (Material's content.tooltips).
        marks = (
            page.file.generated_by is not None
            and page.file.src_uri != "glossary.md"
            and self.handbook is not None
        )
        self.extension.options = PageOptions(
            terms=self.glossary_words if marks else [],
            opening_only=isinstance(search, dict) and search.get("sections") is False,
        )
        if not self.problems:
            return markdown
        listed = "\n".join(f"    - `{p}`" for p in self.problems[:50])
        return f'!!! failure "手册有 {len(self.problems)} 个错误,以下页面是上一次成功生成的版本"\n{listed}\n\n{markdown}'

    def _segment_terms(self, config: MkDocsConfig) -> None:
        """Choose the words jieba must keep whole: the glossary's terms and the role names."""
        logging.getLogger("jieba").setLevel(logging.WARNING)  # its dictionary chatter is not news
        self.jieba_words = []
        if config.plugins.get("material/search") is None or self.handbook is None:
            return
        # People search for them whole ("数据分析师", not "数据分析" and "师"), and the search box
        # splits a query into the words the index holds.
        names = [w for t in self.handbook.glossary.terms for w in (t.term, *t.aliases)]
        names += [r.name for r in self.handbook.organisation.roles]
        names += [p.name for p in self.handbook.organisation.parties]
        names += SEGMENT_WORDS["zh"]
        self.jieba_words = sorted({w for w in names if _HAN_WORD.match(w)})

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Teach jieba those words, after the search plugin has set up its dictionaries.

        Told directly rather than through a user-dictionary file: a build writes nothing
        outside its output folder.
        """
        if not self.jieba_words:
            return
        try:
            import jieba
        except ImportError:  # unsegmented() reports it after the build
            return
        for word in self.jieba_words:
            jieba.add_word(word, 10, "n")
            # As often as it takes to be cut whole: 10 is enough for 数据分析师 against 数据 分析
            # 师, not for 月报 against 月 and 报, two of the commonest characters.
            jieba.suggest_freq(word, tune=True)


def _safe_toc(toc: Any) -> None:
    """Make the table of contents as safe as the navigation.

    Its entries go to the ids the sanitiser gives headings (sanitize.safe_id). Their titles are
    printed by the theme as HTML, and Material's tooltip on a shortened entry inserts its text as
    HTML again: a heading made from a plain-text field ("<img onerror>" escaped once) would run.
    Like navigation titles, they get full-width look-alikes of < > & " ' (render.plain_title).
    """
    for item in toc or ():
        item.id = safe_id(item.id)
        item.title = plain_title(html.unescape(item.title))
        _safe_toc(item.children)


def _nav_paths(items: Any) -> list[str]:
    """List every page path named in a MkDocs-style navigation."""
    if isinstance(items, str):
        return [items]
    if isinstance(items, dict):
        return [p for v in items.values() for p in _nav_paths(v)]
    return [p for v in items for p in _nav_paths(v)]


def _page_audience(file: File) -> list[str]:
    """Read `audience:` from a hand-written page's front matter; absent means staff only."""
    try:
        _, meta = get_data(Path(file.abs_src_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["staff"]
    audience = meta.get("audience", ["staff"])
    return [str(a) for a in audience] if isinstance(audience, list) else ["staff"]
