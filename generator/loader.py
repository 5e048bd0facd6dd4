"""YAML files -> documents whose every value can be traced back to file:line:column."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import syntax
from .errors import Diagnostic, Severity

try:  # the C composer is ~10x faster; positions are the same
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is in the pinned wheels
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 50_000
MAX_NUMBER_CHARS = 100

STR = "tag:yaml.org,2002:str"
_SCALARS = {
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
}
_constructor = SafeConstructor()

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """One YAML file: its text, its plain data, and a way back to source positions."""

    path: Path  # as shown in diagnostics
    text: str
    data: Any = None
    _root: Node | None = field(default=None, repr=False)

    def node(self) -> Node | None:
        """Return the composed node tree, composing it again only when first asked."""
        if self._root is None and self.text:
            self._root = yaml.compose(self.text, Loader=_Loader)
        return self._root

    def find(self, path: Path_, *, key: bool = False) -> Node | None:
        """Return the node at `path` (the key node with key=True), or the deepest node on the way."""
        node = self.node()
        key_node: Node | None = None
        for part in path:
            if isinstance(node, MappingNode):
                for k, v in node.value:
                    if isinstance(k, ScalarNode) and k.value == part:
                        key_node, node = k, v
                        break
                else:
                    return key_node or node
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return node
                key_node, node = None, node.value[part]
            else:
                return node
        return key_node if key and key_node is not None else node

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Return the 1-based line and column of the value (or key) at `path`."""
        node = self.find(path, key=key)
        if node is None:
            return 1, 1
        return node.start_mark.line + 1, node.start_mark.column + 1

    def locate_in_text(self, path: Path_, offset: int) -> tuple[int, int]:
        """Return the position of character `offset` inside the string value at `path`."""
        node = self.find(path)
        if not isinstance(node, ScalarNode):
            return self.locate(path)
        line, column = node.start_mark.line, node.start_mark.column
        before = node.value[:offset]
        row = before.count("\n")
        col = offset - (before.rfind("\n") + 1)
        if node.style == "|":
            source = self.text.splitlines()
            # a literal block keeps its lines: content row r sits on source line start+1+r
            content_line = line + 1 + row
            indent = _first_indent(source, line + 1)
            return content_line + 1, indent + col + 1
        if row == 0 and node.style in (None, "", "'", '"'):
            quote = 1 if node.style in ("'", '"') else 0
            return line + 1, column + quote + col + 1
        return line + 1, column + 1


def _first_indent(lines: list[str], start: int) -> int:
    for text in lines[start:]:
        if text.strip():
            return len(text) - len(text.lstrip(" "))
    return 0


def read_document(path: Path, display: Path | None = None) -> tuple[Document, list[Diagnostic]]:
    """Read and parse one YAML file; problems come back as diagnostics, never as exceptions."""
    shown = display or path
    raw, problems = read_bytes(path, shown)
    if raw is None:
        return Document(path=shown, text=""), problems
    return document_from_bytes(raw, shown)


def read_bytes(path: Path, shown: Path) -> tuple[bytes | None, list[Diagnostic]]:
    """Read a regular file's bytes, refusing one too large to be a policy (checked before reading)."""
    try:
        # stat() before open(): opening a FIFO blocks and opening a device may act. O_NONBLOCK
        # and the second check cover a file swapped for one in between.
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None, [_not_a_file(shown)]
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None, [_not_a_file(shown)]
            size = info.st_size
            data = file.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
            if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:  # also one that grew
                size = max(size, len(data))
                return None, [
                    _diag(
                        shown,
                        1,
                        1,
                        "file-too-large",
                        f"文件有 {size:,} 字节,超过上限 {MAX_FILE_BYTES:,} 字节。请把内容拆成几条政策。",
                    )
                ]
            return data, []
    except OSError as exc:
        return None, [_diag(shown, 1, 1, "unreadable-file", f"无法读取文件:{exc.strerror}。")]


def _not_a_file(shown: Path) -> Diagnostic:
    return _diag(shown, 1, 1, "not-a-file", f"{shown} 不是普通文件,不会被读取。请换成普通文件。")


def document_from_bytes(raw: bytes, shown: Path) -> tuple[Document, list[Diagnostic]]:
    """Decode and parse the bytes of one YAML file, shown to people as `shown`."""
    doc = Document(path=shown, text="")
    text, problem = _decode(raw, shown)
    if problem:
        return doc, [problem]
    doc.text = text
    return parse_document(doc)


def _decode(raw: bytes, shown: Path) -> tuple[str, Diagnostic | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        # GBK bytes often pass as UTF-8 for a while: point at the line's first non-ASCII byte.
        start = raw.rfind(b"\n", 0, exc.start) + 1
        first = next((i for i in range(start, exc.start) if raw[i] >= 0x80), exc.start)
        try:
            before = raw[start:first].decode("utf-8")
        except UnicodeDecodeError:
            before, first = raw[start : exc.start].decode("utf-8", "replace"), exc.start
        line = raw[:start].count(b"\n") + 1
        column = len(before) + 1
        return "", _diag(
            shown,
            line,
            column,
            "not-utf8",
            "文件不是 UTF-8 编码(可能是 GBK 或 GB2312)。请在编辑器中用 UTF-8 编码重新保存。",
        )


# Characters that cannot be seen but change meaning: zero-width marks make two equal-looking ids
# differ, bidirectional controls reorder what a reviewer sees (the "Trojan Source" trick).
_INVISIBLE = {
    "\u00ad": "软连字符",
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u200e": "从左到右标记",
    "\u200f": "从右到左标记",
    "\u202a": "从左到右嵌入",
    "\u202b": "从右到左嵌入",
    "\u202c": "方向格式结束",
    "\u202d": "从左到右强制",
    "\u202e": "从右到左强制",
    "\u2060": "字连接符",
    "\u2066": "从左到右隔离",
    "\u2067": "从右到左隔离",
    "\u2068": "第一强隔离",
    "\u2069": "方向隔离结束",
    "\ufeff": "零宽不换行空格(BOM)",
    "\ufffe": "非字符",  # not characters at all: YAML refuses them
    "\uffff": "非字符",
}
_HIDDEN = re.compile("[" + "".join(_INVISIBLE) + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_HIDDEN_REPORTS = 10
# PyYAML's composer recurses once per nesting level, in C with libyaml: some 20,000 levels
# overflow the C stack and kill the process. So nesting is measured first, in two steps.
# 1. A bound in two C-speed passes. Each [ or { opens at most two levels ("[a: [b: ..." opens a
#    sequence and a one-pair mapping). Block collections open only at the start of a line or just
#    after its leading "- ", "? " and ": " indicators, at strictly increasing columns, and an
#    indentless sequence doubles that at most: so with at most MAX_BRACKETS brackets and no line
#    starting with more than MAX_DEPTH blanks and indicators, nothing nests past
#    2 * (MAX_DEPTH + 1) + 2 * MAX_BRACKETS + 1 = SAFE_DEPTH levels (~200 KB of C stack).
# 2. Any other file is walked through libyaml's event stream, which never recurses, up to the
#    first collection past MAX_DEPTH: exact, with its position, linear in the file.
MAX_BRACKETS = 200
SAFE_DEPTH = 2 * (MAX_DEPTH + 1) + 2 * MAX_BRACKETS + 1
# A BOM at the start of a line is skipped by libyaml, so it counts as part of the run.
_LONG_RUN = re.compile(r"^[ \t?:\-\ufeff]{" + str(MAX_DEPTH + 1) + "}", re.MULTILINE)
# Line breaks for libyaml that `^` above does not see: a lone CR, NEL, LS and PS.
_LONE_CR = re.compile(r"\r(?!\n)")
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


def _hidden_characters(doc: Document) -> list[Diagnostic]:
    """Report invisible, bidirectional and control characters at their exact positions."""
    if not _HIDDEN.search(doc.text):  # one pass in C for the usual, clean file
        return []
    out = []
    for number, line in enumerate(doc.text.split("\n"), 1):
        for match in _HIDDEN.finditer(line.rstrip("\r")):
            out.append(_invisible(doc.path, number, match.start() + 1, match.group()))
            if len(out) >= MAX_HIDDEN_REPORTS:
                return out
    return out


def _invisible(path: Path, line: int, column: int, ch: str) -> Diagnostic:
    name = _INVISIBLE.get(ch, "控制字符")
    return _diag(
        path,
        line,
        column,
        "invisible-character",
        f"这里有看不见的字符 U+{ord(ch):04X}({name})。它常随复制粘贴混入,会让看起来相同的"
        "id、字段名或文字其实不同,或改变文字的显示顺序:请删除它。",
    )


def _too_deep(doc: Document) -> Diagnostic | None:
    """Find the first collection nested past MAX_DEPTH, before the composer recurses into it."""
    text = doc.text
    if (
        text.count("[") + text.count("{") <= MAX_BRACKETS
        and not _LONG_RUN.search(text)
        and not ("\r" in text and _LONE_CR.search(text))
        and not any(b in text for b in _OTHER_BREAKS)
    ):
        return None  # the composer cannot nest past SAFE_DEPTH here: compose straight away
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):  # libyaml's parser keeps its own stack
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH + 1:  # the top-level mapping is level 0
                    mark = event.start_mark
                    return _diag(
                        doc.path,
                        mark.line + 1,
                        mark.column + 1,
                        "too-deep",
                        f"嵌套层数太多(上限 {MAX_DEPTH} 层)。每个 [ {{ - ? 都开始新的一层。",
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass  # a syntax error comes first: the composer stops there too, and _parse reports it
    return None


def parse_document(doc: Document) -> tuple[Document, list[Diagnostic]]:
    """Compose the text, then build plain data from the nodes; report every problem found."""
    hidden = _hidden_characters(doc)
    spaces, colons = syntax.full_width(doc.text)
    deep = _too_deep(doc)
    if deep:
        return doc, [*hidden, deep]
    doc, problems = _parse(doc)
    # A full-width space in indentation is always a mistake; a full-width colon after a field
    # name is one when the file does not parse (elsewhere ： is Chinese punctuation). Either is
    # reported where it is, instead of what PyYAML makes of it lines later.
    if colons and any(p.code in ("yaml-syntax", "not-a-mapping") for p in problems):
        spaces += colons
    if spaces:
        doc.data = None
        return doc, [*hidden, *syntax.wide_diagnostics(doc.path, spaces)]
    if hidden:
        doc.data = None  # the file is not trusted until the invisible characters are gone
    return doc, [*hidden, *problems]


def _problem(text: str, exc: yaml.MarkedYAMLError) -> syntax.Problem:
    """PyYAML's account of a parse failure, with the text's lines to explain it by."""
    problem, context = exc.problem_mark, exc.context_mark
    if problem is None:
        problem, context = context, None
    return syntax.Problem(
        exc.problem or str(exc),
        exc.context or "",
        problem.line if problem else 0,
        problem.column if problem else 0,
        context.line if context else None,
        context.column if context else None,
        syntax.read_lines(text),
    )


def _parse(doc: Document) -> tuple[Document, list[Diagnostic]]:
    try:
        root = yaml.compose(doc.text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return doc, [syntax.syntax_diagnostic(doc.path, doc.text, _problem(doc.text, exc))]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        ch = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        # libyaml gives a byte offset, PyYAML a character one: every character before it is
        # allowed, so its first occurrence is the one.
        at = max(doc.text.find(ch), 0)
        line = doc.text.count("\n", 0, at) + 1
        return doc, [_invisible(doc.path, line, at - doc.text.rfind("\n", 0, at), ch)]
    except RecursionError:  # only without libyaml: the pure-Python composer recurses too
        return doc, [_diag(doc.path, 1, 1, "too-deep", f"嵌套层数太多(上限 {MAX_DEPTH} 层)。")]
    if root is None:
        return doc, [
            _diag(doc.path, 1, 1, "empty-file", "文件是空的。请填写内容,或者删除这个文件。")
        ]
    if not isinstance(root, MappingNode):
        line, column = root.start_mark.line + 1, root.start_mark.column + 1
        return doc, [
            _diag(
                doc.path,
                line,
                column,
                "not-a-mapping",
                "文件顶层必须是“字段: 值”的映射(例如 id: ...),而不是列表或单个值。",
            )
        ]
    builder = _Builder(doc.path)
    data = builder.build(root, 0)
    if not builder.diagnostics:
        doc.data = data
    return doc, builder.diagnostics


class _Builder:
    """Turn composed nodes into plain Python data, keeping dates as strings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.count = 0
        self.top_key: Node | None = None  # the top-level key being built, to place a too-big error

    def error(self, node: Node, code: str, message: str) -> None:
        mark = node.start_mark
        self.diagnostics.append(_diag(self.path, mark.line + 1, mark.column + 1, code, message))

    def build(self, node: Node, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                where = self.top_key or node
                name = getattr(where, "value", "")
                self.error(
                    where,
                    "too-many-values",
                    f"字段 {name} 展开后超过 {MAX_NODES:,} 个值:别名(*名字)层层引用会让很小的文件"
                    "展开成巨大的数据。请不要用锚点和别名,直接写出内容。",
                )
            return None
        if depth > MAX_DEPTH:
            self.error(node, "too-deep", f"嵌套层数太多(上限 {MAX_DEPTH} 层)。")
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.unsupported_tag(node)
            return [self.build(child, depth + 1) for child in node.value]
        if node.tag != "tag:yaml.org,2002:map":
            self.unsupported_tag(node)
        return self.mapping(node, depth)

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        folded: dict[str, tuple[str, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.error(key_node, "merge-key", "不支持合并键 <<。请把需要的字段直接写出来。")
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR:
                shown = key_node.value if isinstance(key_node, ScalarNode) else "…"
                self.error(
                    key_node,
                    "key-not-text",
                    f"字段名 {shown} 被 YAML 读成了非文字的值。字段名必须是文字;"
                    f'如确需这个名字,请加引号:"{shown}"。',
                )
                continue
            key = key_node.value
            if key in seen:
                self.error(
                    key_node,
                    "duplicate-key",
                    f"字段 {key} 重复出现(第一次在第 {seen[key]} 行)。"
                    "YAML 只会保留最后一个值:请删除或合并其中一个。",
                )
                continue
            line = key_node.start_mark.line + 1
            same = folded.get(unicodedata.normalize("NFKC", key).casefold())
            if same is not None:
                self.error(
                    key_node,
                    "duplicate-key",
                    f"字段 {key} 与第 {same[1]} 行的字段 {same[0]} 只差全角/半角、大小写或兼容字符,"
                    "实际上是同一个字段写了两次:请删除或合并其中一个。",
                )
                continue
            seen[key] = line
            folded[unicodedata.normalize("NFKC", key).casefold()] = (key, line)
            if depth == 0:
                self.top_key = key_node
            result[key] = self.build(value_node, depth + 1)
        return result

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == STR or tag == "tag:yaml.org,2002:timestamp":
            # Dates stay strings: the schema's `format: date` checks them and reports the line.
            return node.value
        construct = _SCALARS.get(tag)
        if construct is not None:
            # YAML 1.1's number patterns let through what Python cannot or should not convert:
            # "0b_" (no digits), ints of over 4,300 digits, and "1:2:3:..." (base 60, quadratic).
            size = len(node.value)
            if size <= MAX_NUMBER_CHARS:
                try:
                    return construct(_constructor, node)
                except ValueError:
                    pass
            shown = node.value if size <= 40 else node.value[:40] + "…"
            why = (
                f"有 {size} 个字符(上限 {MAX_NUMBER_CHARS})"
                if size > MAX_NUMBER_CHARS
                else "没有数字"
            )
            self.error(
                node,
                "bad-number",
                f"YAML 把未加引号的 {shown} 读成了数字,但它{why}。"
                f'如果要写文字,请加引号:"{shown}"。',
            )
            return node.value
        self.unsupported_tag(node)
        return node.value

    def unsupported_tag(self, node: Node) -> None:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.error(
            node,
            "unsupported-tag",
            f"不支持 YAML 标签 {tag}。手册只接受普通的文字、数字、列表和映射;请删除这个标签。",
        )


def _diag(path: Path, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, column, Severity.ERROR, code, message)
