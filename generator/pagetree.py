"""Python-Markdown extension for the site's pages: work on the element tree, never on HTML text.

It puts each rendered Markdown field (prose.py) in place of its token, names every checkbox
after its item, marks a glossary term's first appearance, and keeps a page's later sections out
of search when its front matter asks for that. The plugin sets `options` before each page.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass, field

import markdown
from markdown.util import HTML_PLACEHOLDER_RE, STX

from . import htmltree, prose

# Text inside these elements is left alone by the glossary: headings, links, code, controls.
_NO_TERMS = frozenset(
    {"a", "abbr", "code", "pre", "script", "style", "svg", "button", "label", "input", "kbd"}
    | {f"h{level}" for level in range(1, 7)}
)
_LABEL_LENGTH = 120


@dataclass
class PageOptions:
    """What the extension does on the page being converted (set by the plugin per page)."""

    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (word, id, definition)
    opening_only: bool = False  # search indexes the page's opening only (front matter)


class PageExtension(markdown.Extension):
    """Register the tree processors; one instance serves every page of a build."""

    def __init__(self) -> None:
        super().__init__()
        self.options = PageOptions()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After attr_list (8), so a field's text can never become attributes; before the table of
        # contents (5), so a field's headings get ids and permalinks like the page's own.
        md.treeprocessors.register(_InsertFields(md), "handbook-fields", 7)
        # After "unescape" (0): text holds the characters the reader sees.
        md.treeprocessors.register(_NameCheckboxes(md), "handbook-checkboxes", -5)
        md.treeprocessors.register(_MarkTerms(md, self), "handbook-terms", -6)
        md.treeprocessors.register(_SearchOpening(md, self), "handbook-search", -7)


def _parents(root: etree.Element) -> Iterator[tuple[etree.Element, etree.Element]]:
    for parent in root.iter():
        for child in parent:
            yield parent, child


def _stashed(md: markdown.Markdown, index: int) -> str:
    blocks = md.htmlStash.rawHtmlBlocks
    value = blocks[index] if index < len(blocks) else ""
    return value if isinstance(value, str) else ""


class _InsertFields(markdown.treeprocessors.Treeprocessor):
    """Replace each field token (a stashed HTML comment) with the field's elements."""

    def run(self, root: etree.Element) -> None:
        if not any(prose.TOKEN_PREFIX in _stashed(self.md, i) for i in range(_stash_size(self.md))):
            return
        for parent, child in list(_parents(root)):
            if child.tag == "p" and len(child) == 0 and child.text:
                fragment = self._field(child.text.strip())
                if fragment is not None:  # a paragraph that is only a token: a block field
                    self._replace(parent, child, fragment)
                    continue
        for element in list(root.iter()):
            self._inline(element)

    def _field(self, text: str) -> etree.Element | None:
        match = HTML_PLACEHOLDER_RE.fullmatch(text)
        if match is None:
            return None
        index = int(match.group(1))
        fragment = prose.from_token(_stashed(self.md, index))
        if fragment is None:
            return None
        self.md.htmlStash.rawHtmlBlocks[index] = ""
        return htmltree.parse(fragment)

    @staticmethod
    def _replace(parent: etree.Element, old: etree.Element, fragment: etree.Element) -> None:
        at = list(parent).index(old)
        parent.remove(old)
        children = list(fragment)
        for offset, child in enumerate(children):
            parent.insert(at + offset, child)
        if children:
            children[-1].tail = (children[-1].tail or "") + (old.tail or "")

    def _inline(self, element: etree.Element) -> None:
        """A token inside running text (e.g. in a table cell): splice the field's nodes in."""
        for slot in [None, *list(element)]:
            text = element.text if slot is None else slot.tail
            if not text or STX not in text:
                continue
            for match in HTML_PLACEHOLDER_RE.finditer(text):
                fragment = self._field(match.group())
                if fragment is None:
                    continue
                before, after = text[: match.start()], text[match.end() :]
                nodes = list(fragment)
                lead = fragment.text or ""
                if slot is None:
                    element.text = before + lead
                    at = 0
                else:
                    slot.tail = before + lead
                    at = list(element).index(slot) + 1
                for offset, node in enumerate(nodes):
                    element.insert(at + offset, node)
                if nodes:
                    nodes[-1].tail = (nodes[-1].tail or "") + after
                elif slot is None:
                    element.text += after
                else:
                    slot.tail += after
                break  # one token per text slot is all a template emits


def _stash_size(md: markdown.Markdown) -> int:
    return len(md.htmlStash.rawHtmlBlocks)


def plain_text(element: etree.Element, md: markdown.Markdown, skip: str = "") -> str:
    """The text a reader sees in an element (entities decoded, raw tags dropped), one line."""
    parts: list[str] = []

    def walk(node: etree.Element) -> None:
        if node.tag == skip:
            parts.append(node.tail or "")
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
        parts.append(node.tail or "")

    parts.append(element.text or "")
    for child in element:
        walk(child)

    def stashed(match: re.Match[str]) -> str:
        raw = _stashed(md, int(match.group(1)))
        return html.unescape(raw) if raw.startswith("&") else ""

    return " ".join(HTML_PLACEHOLDER_RE.sub(stashed, "".join(parts)).split())


class _NameCheckboxes(markdown.treeprocessors.Treeprocessor):
    """Give every task-list checkbox its item's text as accessible name (screen readers)."""

    def run(self, root: etree.Element) -> None:
        for item in root.iter("li"):
            if "task-list-item" not in item.get("class", "").split():
                continue
            self._unstash(item)
            box = item.find("./label/input")
            if box is not None:
                box.set("aria-label", plain_text(item, self.md, skip="label")[:_LABEL_LENGTH])

    def _unstash(self, item: etree.Element) -> None:
        """pymdownx.tasklist leaves the checkbox as stashed HTML: make it elements of the item."""
        match = HTML_PLACEHOLDER_RE.match(item.text or "")
        if match is None:
            return
        index = int(match.group(1))
        raw = _stashed(self.md, index)
        if "<input" not in raw:
            return
        fragment = htmltree.parse(raw)
        self.md.htmlStash.rawHtmlBlocks[index] = ""
        item.text = (fragment.text or "") + item.text[match.end() :]
        nodes = list(fragment)
        for offset, node in enumerate(nodes):
            item.insert(offset, node)
        if nodes:  # the item's text now follows the checkbox
            nodes[-1].tail, item.text = (nodes[-1].tail or "") + item.text, ""


class _MarkTerms(markdown.treeprocessors.Treeprocessor):
    """Wrap each glossary term's first appearance in <abbr title="definition"> (hover shows it)."""

    def __init__(self, md: markdown.Markdown, extension: PageExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        words = self.extension.options.terms
        if words:
            self._walk(root, words, set())

    def _walk(self, element: etree.Element, words: list, done: set[str]) -> None:
        """Visit text in document order: an element's text, then each child and its tail."""
        self._mark(element, None, words, done)
        for child in list(element):
            if child.tag not in _NO_TERMS:
                self._walk(child, words, done)
            self._mark(element, child, words, done)

    @staticmethod
    def _mark(
        parent: etree.Element,
        slot: etree.Element | None,
        words: list[tuple[str, str, str]],
        done: set[str],
    ) -> None:
        text = parent.text if slot is None else slot.tail
        if not text or not text.strip():
            return
        # The term that appears first in this text is marked first; the rest of the text (after
        # it) is searched again for the others.
        first: tuple[int, str, str, str] | None = None
        for word, ident, definition in words:
            if ident in done or word not in text:
                continue
            at = _find_word(text, word)
            if at >= 0 and (first is None or at < first[0]):
                first = (at, word, ident, definition)
        if first is None:
            return
        at, word, ident, definition = first
        done.add(ident)
        abbr = etree.Element("abbr", {"title": definition})
        abbr.text = word
        abbr.tail = text[at + len(word) :]
        if slot is None:
            parent.text = text[:at]
            parent.insert(0, abbr)
        else:
            slot.tail = text[:at]
            parent.insert(list(parent).index(slot) + 1, abbr)
        _MarkTerms._mark(parent, abbr, words, done)


def _find_word(text: str, word: str) -> int:
    """Where `word` appears in text outside Python-Markdown's placeholders, as a whole word."""
    ascii_start, ascii_end = word[:1].isascii(), word[-1:].isascii()
    start = 0
    while True:
        at = text.find(word, start)
        if at < 0:
            return -1
        start = at + 1
        if _in_placeholder(text, at, len(word)):
            continue
        if ascii_start and at > 0 and text[at - 1].isascii() and text[at - 1].isalnum():
            continue
        end = at + len(word)
        if ascii_end and end < len(text) and text[end].isascii() and text[end].isalnum():
            continue
        return at


def _in_placeholder(text: str, at: int, length: int) -> bool:
    for match in HTML_PLACEHOLDER_RE.finditer(text):
        if match.start() < at + length and at < match.end():
            return True
    return False


class _SearchOpening(markdown.treeprocessors.Treeprocessor):
    """Leave every section after the page's opening out of search (`search: {sections: false}`)."""

    def __init__(self, md: markdown.Markdown, extension: PageExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        if not self.extension.options.opening_only:
            return
        for element in root.iter():
            if element.tag in ("h2", "h3", "h4", "h5", "h6"):
                element.set("data-search-exclude", "")
