"""Glossary in use: a term's first appearance on a page shows its definition on hover."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .model import Glossary, Policy

# Text inside these elements is left alone: headings, links, code, and what is already marked.
_SKIP = {
    "a",
    "abbr",
    "code",
    "pre",
    "script",
    "style",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "title",
    "svg",
    "button",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>|<!--.*?-->", re.DOTALL)
_VOID = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "wbr",
    "source",
    "col",
    "area",
    "base",
    "embed",
    "param",
    "track",
}


def words(glossary: Glossary) -> list[tuple[str, str, str]]:
    """(word, term id, definition) for every term and alias, longest first."""
    found = [
        (w, t.id, t.definition) for t in glossary.terms for w in (t.term, *t.aliases) if w.strip()
    ]
    return sorted(found, key=lambda x: (-len(x[0]), x[0]))


def mark(page_html: str, glossary_words: list[tuple[str, str, str]]) -> str:
    """Wrap the first appearance of each term in <abbr title="definition">, outside skipped elements."""
    if not glossary_words:
        return page_html
    done: set[str] = set()
    out: list[str] = []
    stack: list[str] = []
    position = 0
    for tag in _TAG.finditer(page_html):
        out.append(_mark_text(page_html[position : tag.start()], stack, glossary_words, done))
        out.append(tag.group())
        position = tag.end()
        name = (tag.group(2) or "").lower()
        if not name or name in _VOID or tag.group(3):
            continue
        if tag.group(1):
            if name in stack:
                while stack and stack.pop() != name:
                    pass
        else:
            stack.append(name)
    out.append(_mark_text(page_html[position:], stack, glossary_words, done))
    return "".join(out)


def _mark_text(text: str, stack: list[str], glossary_words: list, done: set[str]) -> str:
    if not text.strip() or any(name in _SKIP for name in stack):
        return text
    for word, ident, definition in glossary_words:
        if ident in done:
            continue
        escaped = html.escape(word, quote=False)
        if escaped not in text:  # the common case, far cheaper than the search below
            continue
        boundary = r"(?<![A-Za-z0-9])" if escaped[:1].isascii() else ""
        after = r"(?![A-Za-z0-9])" if escaped[-1:].isascii() else ""
        match = re.search(boundary + re.escape(escaped) + after, text)
        if match is None:
            continue
        done.add(ident)
        title = html.escape(definition, quote=True)
        text = f'{text[: match.start()]}<abbr title="{title}">{match.group()}</abbr>{text[match.end() :]}'
        # the rest of this text still gets other terms, but not inside the new <abbr>
        head, _, tail = text.partition("</abbr>")
        return head + "</abbr>" + _mark_text(tail, stack, glossary_words, done)
    return text


def usage(policies: Iterable[Policy], glossary: Glossary) -> dict[str, list[Policy]]:
    """Map each term id to the policies whose text uses it (or that list or link it)."""
    found: dict[str, list[Policy]] = {}
    pairs = words(glossary)
    for policy in policies:
        blob = _text_of(policy)
        for ident in sorted({i for w, i, _ in pairs if w in blob} | set(policy.terms)):
            found.setdefault(ident, []).append(policy)
        for link in re.findall(r"\(term:([a-z0-9-]+)\)", policy.body):
            if policy not in found.setdefault(link, []):
                found[link].append(policy)
    return found


def _text_of(obj: object) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, tuple | list):
        return " ".join(_text_of(x) for x in obj)
    fields = getattr(obj, "__dataclass_fields__", None)
    if fields:
        return " ".join(
            _text_of(getattr(obj, name))
            for name, f in fields.items()
            if not f.metadata.get("derived")
        )
    return ""
