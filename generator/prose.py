"""Markdown fields: rendered once by Python-Markdown, judged by what it produced, then sanitised.

Validation and the renderer call the same `render`: a field that validates is published exactly
as validated, and what validation reports is exactly what the sanitiser would change. Nothing
here reads the Markdown source a second way; the source is only searched to point an editor at
the line of what the rendered HTML holds.
"""

from __future__ import annotations

import html
import multiprocessing as mp
import os
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import markdown

from . import htmltree
from .sanitize import FIELD, HANDBOOK_SCHEMES, INLINE_HTML, url_scheme

# The Markdown an author may write in a field. Not attr_list or md_in_html: braces and the
# markdown attribute stay text, so a field cannot set attributes.
EXTENSIONS = ["tables", "def_list", "admonition", "pymdownx.details", "fenced_code"]
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}

# Python-Markdown's inline and block parsers rescan a block once per bracket, angle bracket,
# quote marker or line it holds: cost grows with the square of a block that is full of them
# (25,000 "[a](" take minutes). A field above this budget is refused before it is parsed.
BUDGET = 10_000_000
MAX_DEPTH = 40  # nesting of the rendered HTML (quotes in quotes, lists in lists)
_COSTLY = ("[", "<", ">", "\n")

TOKEN_PREFIX = "handbook-field:"  # the HTML comment a page's Markdown holds in place of a field


@dataclass(frozen=True)
class Finding:
    """Something the rendered field holds that the sanitiser removes, at a source offset."""

    offset: int
    code: str
    message: str


@dataclass(frozen=True)
class Link:
    """A policy:, term: or role: link in a field, at a source offset."""

    offset: int
    kind: str
    target: str


@dataclass(frozen=True)
class Rendered:
    """A field as published (sanitised HTML), what validation reports, and its handbook links."""

    html: str
    findings: tuple[Finding, ...]
    links: tuple[Link, ...]


class _LastLook(markdown.treeprocessors.Treeprocessor):
    """Measure how deep the tree is (see render); move headings down by `shift` levels (a policy
    printed inside the print page)."""

    shift = 0
    depth = 0

    def run(self, root: etree.Element) -> None:
        self.depth = _depth(root)
        if not self.shift:
            return
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5"):
                element.tag = f"h{min(int(element.tag[1]) + self.shift, 6)}"


_primed: dict[str, Rendered] = {}  # rendered ahead by a Prefetch, handed over once
_local = threading.local()  # a Markdown instance is not thread-safe; `mkdocs serve` uses threads


def _markdown(shift: int) -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
        md.treeprocessors.register(_LastLook(md), "handbook-last-look", 1)
        _local.md = md
    md.reset()
    md.treeprocessors["handbook-last-look"].shift = shift
    return md


def render(text: str, shift: int = 0) -> Rendered:
    """Render a Markdown field, sanitise it, and say what the sanitiser had to change."""
    return _cached(text, shift)  # one cache key however the caller passes `shift`


# Validation and the renderer ask for the same fields in one build: each is rendered once.
@lru_cache(maxsize=65536)
def _cached(text: str, shift: int) -> Rendered:
    if not shift and text in _primed:
        return _primed.pop(text)
    return _render(text, shift)


def _render(text: str, shift: int) -> Rendered:
    text = text.strip()
    cost = sum(
        len(block) * (1 + sum(block.count(c) for c in _COSTLY)) for block in text.split("\n\n")
    )
    if cost > BUDGET:
        message = (
            "这段文字太长且方括号、尖括号、引用符号或行数太多,排版会非常慢(复杂度 "
            f"{cost:,},上限 {BUDGET:,})。请把它拆成几段(空行分隔)、拆成几条政策,或删去多余的符号。"
        )
        return _as_text(text, Finding(0, "markdown-too-complex", message))
    try:
        md = _markdown(shift)
        raw = md.convert(text)
    except RecursionError:
        return _as_text(text, Finding(0, "markdown-too-deep", _TOO_DEEP))
    except Exception as exc:  # a bug in a Markdown extension must not stop the whole run
        message = f"Markdown 无法排版这段文字({type(exc).__name__})。请简化这段文字的格式。"
        return _as_text(text, Finding(0, "markdown-error", message))
    clean = FIELD.clean(raw)
    # Raw HTML cannot nest deeper than there are pieces of it: past that bound, measure.
    deep = (
        md.treeprocessors["handbook-last-look"].depth + len(md.htmlStash.rawHtmlBlocks) > MAX_DEPTH
    )
    tree = htmltree.parse(clean) if deep or "<a " in clean else None
    if deep and tree is not None and _depth(tree) > MAX_DEPTH:
        return _as_text(text, Finding(0, "markdown-too-deep", _TOO_DEEP))
    findings: list[Finding] = []
    # The common case: the sanitiser left every byte as rendered.
    if clean != raw and htmltree.events(raw) != htmltree.events(clean):
        findings = list(_explain(raw, text))
    links = tuple(_links(tree, text)) if tree is not None else ()
    return Rendered(clean, tuple(findings), links)


_TOO_DEEP = "这段文字的引用、列表或提示框嵌套太深,无法排版。请减少嵌套层数。"


class Prefetch:
    """Render fields in worker processes while the caller goes on (loading the next files).

    For a big handbook in a one-off run: Python-Markdown costs about 0.4 ms a field, seconds at
    thousands of policies, and YAML loading leaves the other cores idle. Results land in
    render's cache when `finish` is called. Forks at once, while the process is small; never in
    a process with threads (the live preview), where a forked child can deadlock.
    """

    BATCH = 64
    WAIT = 120  # seconds for one batch (64 fields take about 30 ms)

    def __init__(self, workers: int) -> None:
        self.pool = mp.get_context("fork").Pool(workers)
        self.pending: list[str] = []
        self.jobs: list[tuple[list[str], Any]] = []

    @classmethod
    def start(cls) -> Prefetch | None:
        """A prefetcher, or None where it cannot help (one core, no fork, no processes)."""
        workers = min((os.cpu_count() or 1) - 1, 4)  # this process keeps a core to read files
        if workers < 1 or "fork" not in mp.get_all_start_methods():
            return None
        try:
            return cls(workers)
        except OSError:
            return None

    def submit(self, texts: list[str]) -> None:
        self.pending += texts
        if len(self.pending) >= self.BATCH:
            self._send()

    def _send(self) -> None:
        batch, self.pending = self.pending, []
        if batch:
            self.jobs.append((batch, self.pool.map_async(_render_plain, batch)))

    def finish(self) -> None:
        """Wait for every field sent and hand the results to render."""
        self._send()
        try:
            for batch, job in self.jobs:
                # A worker that died never answers: wait a bounded time, never forever.
                for text, rendered in zip(batch, job.get(timeout=self.WAIT), strict=True):
                    _primed[text] = rendered
        except (OSError, mp.ProcessError, mp.TimeoutError):
            pass  # render() does whatever is missing, in this process
        finally:
            self.pool.terminate()
            self.pool.join()


def _render_plain(text: str) -> Rendered:
    return _render(text, 0)


def _as_text(text: str, finding: Finding) -> Rendered:
    """A refused field is published as plain text, so an unvalidated build still shows it."""
    shown = "<br>".join(html.escape(line, quote=False) for line in text.splitlines())
    return Rendered(f"<p>{shown}</p>", (finding,), ())


def _depth(root: etree.Element) -> int:
    deepest, todo = 0, [(root, 0)]
    while todo:
        element, level = todo.pop()
        deepest = max(deepest, level)
        todo.extend((child, level + 1) for child in element)
    return deepest


class _Locator:
    """Point at the source of something found in the rendered HTML: the next place it appears."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower = text.lower()
        self.cursor = 0

    def find(self, *needles: str) -> int:
        for needle in needles:
            if not needle:
                continue
            for start in (self.cursor, 0):
                at = self.lower.find(needle.lower(), start)
                if at >= 0:
                    self.cursor = at + 1
                    return at
        return min(self.cursor, len(self.text))

    def first(self, *needles: str) -> int:
        """Whichever needle comes first after the cursor (or anywhere, if none does)."""
        for start in (self.cursor, 0):
            found = [at for n in needles if (at := self.lower.find(n.lower(), start)) >= 0]
            if found:
                self.cursor = min(found) + 1
                return min(found)
        return min(self.cursor, len(self.text))


def _explain(raw: str, text: str) -> Iterator[Finding]:
    """Say, in the editor's terms, what the sanitiser removes from the rendered field."""
    where = _Locator(text)
    explained = False
    for event in htmltree.events(raw):
        kind = event[0]
        if kind in ("comment", "decl", "pi"):
            explained = True
            if kind == "comment":
                yield Finding(where.find("<!--", "<!"), "raw-html", _COMMENT)
            else:
                yield Finding(where.find("<!", "<?"), "raw-html", _HTML.format(tag="<!…>"))
            continue
        if kind != "start":
            continue
        tag, attrs = event[1], dict(event[2])
        if tag == "img":
            explained = True
            at = where.first("![", "<img")
            raw_tag = text[at : at + 4].lower() == "<img"
            if raw_tag:
                yield Finding(at, "raw-html", _RAW_IMAGE.format(tag=_snippet(text, at)))
            else:
                yield Finding(at, "image", _IMAGE)
            continue
        if tag not in FIELD.tags:
            explained = True
            at = where.find(f"<{tag}")
            yield Finding(at, "raw-html", _HTML.format(tag=_snippet(text, at, f"<{tag}>")))
            continue
        allowed = FIELD.attributes.get(tag, frozenset())
        for name, value in attrs.items():
            if name not in allowed:
                explained = True
                shown = f"<{tag} {name}>" if tag in INLINE_HTML else f"{name}="
                yield Finding(
                    where.find(name, f"<{tag}"), "raw-html", _ATTRIBUTE.format(what=shown)
                )
            elif name == "class":
                for word in value.split():
                    if not FIELD.allows_class(tag, word):
                        explained = True
                        yield Finding(where.find(word), "admonition-type", _TYPE.format(word=word))
            elif name == "href" and not FIELD.allows_url(value):
                explained = True
                yield _bad_link(value, where)
    if not explained:
        yield Finding(0, "html-rewritten", _REWRITTEN)


def _snippet(text: str, at: int, fallback: str = "<img>") -> str:
    """The tag written at `at` in the source, as the editor wrote it (shortened)."""
    if text[at : at + 1] != "<":
        return fallback
    end = text.find(">", at, at + 60)
    return text[at : end + 1] if end >= 0 else text[at : at + 40] + "…"


def _bad_link(url: str, where: _Locator) -> Finding:
    scheme = url_scheme(url)
    at = where.find(url, url[:12], f"{scheme}:" if scheme else "", "](", "<")
    if scheme:
        return Finding(at, "unsafe-link", _SCHEME.format(scheme=scheme))
    return Finding(at, "relative-link", _RELATIVE.format(url=url.strip()[:60] or "(空)"))


def _links(tree: etree.Element, text: str) -> Iterator[Link]:
    where = _Locator(text)
    for element in tree.iter("a"):
        href = element.get("href", "")
        scheme = url_scheme(href)
        if scheme in HANDBOOK_SCHEMES:
            target = href.split(":", 1)[1]
            yield Link(where.find(f"{scheme}:{target}", f"{scheme}:"), scheme, target)


_HTML = "不允许 HTML {tag}。正文用 Markdown 书写;只允许不带属性的 " + "、".join(
    f"<{t}>" for t in sorted(INLINE_HTML)
)
_COMMENT = "不允许 HTML 注释(发布后仍留在网页源代码里)。编者备注请写成 YAML 的 # 注释。"
_ATTRIBUTE = "不允许 {what} 这样的 HTML 属性(可能被用来插入脚本)。请去掉它,只写 Markdown。"
_IMAGE = (
    "正文中不能插入图片:外部图片会让读者的浏览器向其他主机发请求。请用文字说明,"
    "或把图片作为站点资源加入 docs/assets/ 后在手写页面中引用。"
)
_RAW_IMAGE = (
    "不允许 HTML {tag}:图片会让读者的浏览器向其他主机发请求,属性还可能被用来插入脚本。请删去它。"
)
_SCHEME = (
    "不允许 {scheme}: 链接。链接只能用 https:、http:、mailto:、tel:,"
    "或用 policy:、term:、role: 指向手册内容。"
)
_RELATIVE = (
    "链接 {url} 不是手册内的链接写法:请用 [文字](policy:政策id)、"
    "[文字](term:术语id) 或 [文字](role:角色id),页面地址由生成器计算;页内跳转写 #锚点。"
)
_TYPE = (
    "提示框类型 {word} 不存在。请用 note、info、tip、warning、danger、example、quote 等 "
    "Material 提供的类型。"
)
_REWRITTEN = (
    "这段文字中的 HTML 不完整或嵌套不当(例如 <b> 没有对应的 </b>),发布时会被改写。"
    "请补全或删去尖括号标签。"
)


# --- fields inside pages ------------------------------------------------------------------------


def token(html_fragment: str) -> str:
    """The HTML comment that stands for a rendered field in a page's Markdown (see pagetree.py).

    Escaped page text can never hold "<!--", so content cannot forge a token. The field's HTML
    stays readable inside it (golden files show it): only what could end a comment or a line is
    written as a character reference.
    """
    return f"<!--{TOKEN_PREFIX}{html_fragment.translate(_TOKEN_ESCAPES)}-->"


_TOKEN_ESCAPES = str.maketrans(
    {"&": "&amp;", "-": "&#45;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;"}
)


def from_token(comment: str) -> str | None:
    """The field HTML a token stands for, or None when the comment is not a token."""
    body = comment.strip()
    if not (body.startswith("<!--" + TOKEN_PREFIX) and body.endswith("-->")):
        return None
    return html.unescape(body[4 + len(TOKEN_PREFIX) : -3])


def resolve_links(fragment: str, resolve: Callable[[str, str], str | None]) -> str:
    """Point a field's policy:, term: and role: links at pages (`resolve(kind, id)`; None: nowhere)."""
    if "<a " not in fragment:  # no link at all: nothing to resolve
        return fragment
    tree = htmltree.parse(fragment)
    for element in tree.iter("a"):
        href = element.get("href", "")
        scheme = url_scheme(href)
        if scheme in HANDBOOK_SCHEMES:
            target = resolve(scheme, href.split(":", 1)[1])
            element.set("href", target if target is not None else "#")
    return htmltree.to_html(tree)
