"""The allow-lists every published page passes: nh3 (ammonia) cleans HTML before the theme sees it.

Two policies. FIELD is what a Markdown field of the handbook may render to; PAGE is everything a
generated page may hold (the templates' tables, checklists, review banners and the fields inside
them). Validation reports what FIELD would change (prose.py); the sanitiser is the guarantee.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import nh3

WEB_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Links between handbook pages, written [text](policy:ID); rewritten to page links when rendered.
HANDBOOK_SCHEMES = frozenset({"policy", "term", "role"})

# Inline tags an author may also write as raw HTML (without attributes).
INLINE_HTML = frozenset(
    {"br", "sub", "sup", "kbd", "mark", "small", "b", "i", "u", "s", "strong", "em", "del", "ins"}
)
_MARKDOWN_TAGS = frozenset(
    {
        *("p", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "a"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "thead", "tbody", "tr", "th", "td"),
        *("div", "details", "summary"),  # admonitions and collapsible blocks
    }
)
# Admonition and details types (Material styles these; any other word would be an unknown class).
ADMONITION_TYPES = frozenset(
    {
        *("note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important"),
        *("success", "check", "done", "question", "help", "faq", "warning", "caution"),
        *("attention", "failure", "fail", "missing", "danger", "error", "bug", "example"),
        *("quote", "cite"),
    }
)


@dataclass(frozen=True)
class Policy:
    """One allow-list: tags, attributes per tag, classes per tag, and which links may stay."""

    tags: frozenset[str]
    attributes: dict[str, frozenset[str]]
    classes: dict[str, frozenset[str]] = field(default_factory=dict)  # tag -> allowed classes
    class_prefixes: tuple[str, ...] = ()  # classes allowed on any tag that allows `class`
    schemes: frozenset[str] = WEB_SCHEMES
    relative: str = "fragment"  # "fragment": only #anchors; "path": same-site paths too
    escape_titles: bool = False

    def allows_class(self, tag: str, name: str) -> bool:
        allowed = self.classes.get(tag)
        return allowed is None or name in allowed or name.startswith(self.class_prefixes)

    def allows_url(self, url: str) -> bool:
        """Whether a URL may stay (the judgement nh3 makes, written out for messages)."""
        scheme = url_scheme(url)
        if scheme:
            return scheme in self.schemes
        return clean_url(url, self) is not None

    def clean(self, fragment: str) -> str:
        """Remove everything this policy does not allow."""
        return nh3.clean(
            fragment,
            tags=set(self.tags),
            clean_content_tags={"script", "style"},
            attributes={tag: set(names) for tag, names in self.attributes.items()},
            attribute_filter=self._filter,
            strip_comments=True,
            link_rel=None,
            url_schemes=set(self.schemes),
            url_relative=lambda url: clean_url(url, self),
        )

    def _filter(self, tag: str, name: str, value: str) -> str | None:
        if tag == "img" and name == "src" and url_scheme(value):
            return None  # pictures come from the site itself: no request to another host
        if name == "id":
            return safe_id(value)
        if name == "href" and value.startswith("#"):
            return "#" + safe_id(value[1:])
        if name == "class":
            kept = [c for c in value.split() if self.allows_class(tag, c)]
            return " ".join(kept) or None
        if name == "title" and self.escape_titles:
            # Material's tooltips insert a title's text into the page as HTML: escaped once
            # more, the tooltip shows the text as written.
            return html.escape(value, quote=False)
        return value


def safe_id(ident: str) -> str:
    """An id content may hold: Material keeps ids starting with "__" for itself (#__config holds
    its settings; a heading "__config" would take that id and stop every script on the page)."""
    return "h" + ident if ident.startswith("__") else ident


_C0_AND_SPACE = "".join(map(chr, range(0x21)))  # what browsers strip from the start of a URL


def url_scheme(url: str) -> str:
    """The scheme of a URL as a browser reads it (lower case), or "" for a relative URL."""
    squeezed = "".join(ch for ch in url if ch not in "\t\n\r").lstrip(_C0_AND_SPACE)
    scheme, colon, _ = squeezed.partition(":")
    letters = scheme[:1].isascii() and scheme[:1].isalpha()
    if colon and letters and all(ch.isascii() and (ch.isalnum() or ch in "+-.") for ch in scheme):
        return scheme.lower()
    return ""


def clean_url(url: str, policy: Policy) -> str | None:
    """Keep a relative URL only if it stays on this site (called by nh3 for relative URLs)."""
    # Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so "/\t/x"
    # and "\\x" reach another host: anything that starts like that is refused.
    squeezed = (
        "".join(ch for ch in url if ch not in "\t\n\r").replace("\\", "/").lstrip(_C0_AND_SPACE)
    )
    if squeezed.startswith("//") or any(ord(ch) < 0x20 for ch in squeezed):
        return None
    if policy.relative == "fragment" and not squeezed.startswith("#"):
        return None
    if url_scheme(url):
        return None  # a scheme after all: never let it pass as a relative URL
    return url


FIELD = Policy(
    tags=_MARKDOWN_TAGS | INLINE_HTML,
    attributes={
        "a": frozenset({"href", "title"}),
        "ol": frozenset({"start"}),
        "th": frozenset({"align"}),
        "td": frozenset({"align"}),
        "div": frozenset({"class"}),
        "p": frozenset({"class"}),
        "details": frozenset({"class", "open"}),
        "code": frozenset({"class"}),
    },
    classes={
        "div": frozenset({"admonition"} | ADMONITION_TYPES),
        "details": ADMONITION_TYPES,
        "p": frozenset({"admonition-title"}),
        "code": frozenset(),
    },
    class_prefixes=("language-",),
    schemes=WEB_SCHEMES | HANDBOOK_SCHEMES,
    relative="fragment",
)

_EVERYWHERE = frozenset({"id", "class", "hidden", "data-search-exclude"})
PAGE = Policy(
    tags=FIELD.tags | {"img", "input", "label", "abbr", "span"},
    attributes={
        "*": _EVERYWHERE,
        **{tag: names | _EVERYWHERE for tag, names in FIELD.attributes.items()},
        "a": frozenset({"href", "title", "download"}) | _EVERYWHERE,
        "img": frozenset({"src", "alt", "loading", "width", "height"}) | _EVERYWHERE,
        "input": frozenset({"type", "disabled", "checked", "aria-label"}) | _EVERYWHERE,
        "abbr": frozenset({"title"}) | _EVERYWHERE,
        "div": frozenset({"data-review-due", "data-group", "data-frequency"}) | _EVERYWHERE,
        "span": frozenset({"data-review-due"}) | _EVERYWHERE,
    },
    schemes=WEB_SCHEMES,
    relative="path",
    escape_titles=True,
)


def clean_page(content: str) -> str:
    """Clean a page's content HTML (after Markdown, before the theme)."""
    return PAGE.clean(content)
