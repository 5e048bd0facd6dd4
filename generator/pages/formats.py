"""The handbook in other forms: print pages (for the PDF), the Atom feed, redirects from old addresses."""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..feed import atom
from ..render import SEARCH_NONE, Page, last_change, shift_headings
from .policies import policy_page

if TYPE_CHECKING:
    from ..render import Renderer

PRINT = "print.md"
# Past this many policies the print pages are made per section, and only when asked for
# (HANDBOOK_PRINT=1, which `make pdf` sets): they repeat every policy and cost a fifth of a build.
PRINT_LIMIT = 300


def print_pages(r: Renderer) -> Iterator[Page]:
    """The whole edition on one page (one per section when big), for printing and the PDF.

    Not in search or the navigation. Policies are rendered once more with links relative to
    the print page; at thousands of policies one page would be unwieldy, so each section then
    gets its own (print/<section>.md).
    """
    hb = r.handbook
    live = [p for p in hb.policies if p.status != "retired"]
    if not (r.print_page if r.print_page is not None else len(live) <= PRINT_LIMIT):
        return
    if len(live) > PRINT_LIMIT:
        groups = [(f"print/{s.id}.md", [s], f"{hb.settings.title}:{s.title}") for s in hb.sections]
    else:
        groups = [(PRINT, list(hb.sections), hb.settings.title)]
    for path, chosen, heading in groups:
        printed = []
        for section in chosen:
            for policy in hb.in_section(section.id):
                if policy.status == "retired":
                    continue
                body = policy_page(r, policy, path, shift=1).content
                body = body.split("---\n\n", 1)[1] if body.startswith("---\n") else body
                printed.append((section, shift_headings(body)))
        yield r.page(
            "print.md.jinja",
            path,
            None,
            f"{heading}(打印版)",
            meta=SEARCH_NONE,
            parts=printed,
            updated=last_change(hb),
            heading=heading,
        )


def feed(r: Renderer) -> Iterator[Page]:
    """An Atom feed of policy changes."""
    urls = {p.id: r.links.policy(p.id).removesuffix(".md") + "/" for p in r.handbook.policies}
    yield Page("feed.xml", atom(r.handbook, r.site_url, urls, r.edition), None)


def redirects(r: Renderer) -> Iterator[Page]:
    """A page at each former address of a policy (an old id or section), sending readers on."""
    for old, ident in sorted(r.handbook.redirects().items()):
        yield Page(f"{old}/index.html", redirect_page(old, r.links.policy(ident)), None)


def redirect_page(old: str, target: str) -> str:
    """A static page at a policy's old address that sends the reader (and search engines) on."""
    href = posixpath.relpath(target.removesuffix(".md") + "/", old + "/")
    href = html.escape(href if href.endswith("/") else href + "/", quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<title>页面已移动</title>\n<link rel="canonical" href="{href}">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n<meta name="robots" content="noindex">\n'
        f'</head>\n<body>\n<p>此页面已移动到 <a href="{href}">新的地址</a>。</p>\n</body>\n</html>\n'
    )
