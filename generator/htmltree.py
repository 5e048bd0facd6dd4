"""HTML fragments as element trees: parse sanitised HTML into ElementTree, and back to HTML."""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

# Elements without content: never pushed on the stack of open elements.
VOID = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _Builder(HTMLParser):
    """Build an element tree from an HTML fragment, and record it as a flat list of events."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = etree.Element("div")
        self.stack = [self.root]
        self.last: etree.Element | None = None  # the element whose tail takes the next text
        self.events: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element = etree.SubElement(self.stack[-1], tag, values)
        self.events.append(("start", tag, tuple(sorted(values.items()))))
        if tag in VOID:
            self.last = element
        else:
            self.stack.append(element)
            self.last = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # In HTML, <b/> opens <b> like <b> does (the slash only counts on void elements).
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))
        if tag in VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                self.last = self.stack[depth]
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))
        if self.last is not None:
            self.last.tail = (self.last.tail or "") + data
        else:
            parent = self.stack[-1]
            parent.text = (parent.text or "") + data

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.events.append(("pi", data))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("decl", data))


def parse(fragment: str) -> etree.Element:
    """Parse an HTML fragment into the children of a <div> (the fragment's container)."""
    builder = _Builder()
    builder.feed(fragment)
    builder.close()
    return builder.root


def events(fragment: str) -> list[tuple]:
    """The fragment as a list of start, end, text and comment events, for comparing two readings."""
    builder = _Builder()
    builder.feed(fragment)
    builder.close()
    return builder.events


def to_html(element: etree.Element) -> str:
    """Serialise an element's content (not the element itself) as HTML."""
    out: list[str] = [_text(element.text or "")]
    for child in element:
        _write(child, out)
    return "".join(out)


def _write(element: etree.Element, out: list[str]) -> None:
    out.append(f"<{element.tag}")
    for name, value in element.attrib.items():
        out.append(f' {name}="{html.escape(value, quote=True)}"')
    out.append(">")
    if element.tag not in VOID:
        out.append(_text(element.text or ""))
        for child in element:
            _write(child, out)
        out.append(f"</{element.tag}>")
    out.append(_text(element.tail or ""))


def _text(text: str) -> str:
    return html.escape(text, quote=False) if text else ""
