"""YAML mistakes in the editor's terms: full-width punctuation found before parsing, and each
PyYAML (libyaml) problem said as what the editor did, with the indentation that was expected.

Nothing here parses YAML: the text is read line by line, as an editor sees it (keys, list
items, the block scalars to leave alone), which is enough to say "last is indented 3 spaces,
cycle on line 12 is indented 2".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, Severity

FULL_COLON = "\uff1a"  # ：
FULL_SPACE = "\u3000"  # the ideographic (full-width) space
MAX_REPORTS = 10

# A key as an editor writes one: quoted, or plain up to the first ": " (or a colon ending the
# line); blanks before the colon are part of the match (strip them), so that no two parts of
# the pattern compete for a run of spaces: the match stays linear in the line's length.
_KEY = re.compile(
    r"""(?P<key>"(?:[^"\\]|\\.)*"[ \t]*|'(?:[^']|'')*'[ \t]*"""
    r"""|[^\s#'"\[\]{},&*!|>%@`?:-][^#]*?|-[^\s#][^#]*?):(?=[ \t]|$)"""
)
_DASHES = re.compile(r"(?:-(?: +|$))+")
_BLOCK = re.compile(r"[|>][0-9+-]*[ \t]*(?:#.*)?$")  # a block scalar's header: | |- >+ |2
# A field name (the schemas' are lowercase snake_case) followed by a full-width colon.
_WIDE_KEY = re.compile(
    r"(?P<lead>[ \u3000]*(?:-[ \u3000]+)*)(?P<key>[a-z][a-z0-9_]*)[ \t]*" + FULL_COLON
)
_PLAIN_KEY = re.compile(r"[A-Za-z_][\w-]*")  # a key that looks like a field name


@dataclass
class Line:
    """One line as an editor sees it."""

    number: int  # 1-based
    text: str
    indent: int  # leading spaces
    # blank, comment, key, item, text; block (inside a block scalar); more (a value going on)
    kind: str
    key: str = ""  # the key the line starts with (also after "- ")
    column: int = -1  # where that key starts (0-based)
    dash: int = -1  # where the line's "-" is, for a list item
    value: str = ""  # what follows the key's colon (or the "- "), comment and all
    colon: int = -1  # where the key's colon is

    @property
    def start(self) -> int:
        """Where the line's content starts (0-based)."""
        return len(self.text) - len(self.text.lstrip(" "))

    @property
    def inline(self) -> bool:
        """The key has its value on the same line (so nothing can nest under it)."""
        value = self.value.strip()
        return bool(value) and not value.startswith("#") and not _BLOCK.match(value)


def read_lines(text: str) -> list[Line]:
    """Classify every line: which are keys and list items, which are inside block scalars."""
    out: list[Line] = []
    block: int | None = None  # the parent's column while in a block scalar
    content: int | None = None  # the block's content indentation, once its first line sets it
    owner: Line | None = None  # the key whose plain value may continue on deeper lines
    for number, raw in enumerate(text.splitlines(), 1):
        indent = len(raw) - len(raw.lstrip(" "))
        stripped = raw.strip(" \t")
        if block is not None:
            if not stripped:
                out.append(Line(number, raw, indent, "blank"))
                continue
            if content is None and indent > block:
                content = indent
            if content is not None and indent >= content:
                out.append(Line(number, raw, indent, "block"))
                continue
            block = content = None
        if not stripped:
            out.append(Line(number, raw, indent, "blank"))
            continue
        if stripped.startswith("#"):
            out.append(Line(number, raw, indent, "comment"))
            continue
        if owner is not None and indent > owner.column:
            out.append(Line(number, raw, indent, "more"))
            continue
        line = _shape(number, raw, indent)
        out.append(line)
        owner = line if line.kind in ("key", "item") and line.inline else None
        if owner is not None and owner.kind == "item" and not owner.key:
            owner = Line(number, raw, indent, "item", column=owner.dash)
        if line.kind in ("key", "item") and _BLOCK.match(line.value.strip()):
            block = line.column if line.key else line.dash
    return out


def _shape(number: int, raw: str, indent: int) -> Line:
    rest = raw[indent:]
    dashes = _DASHES.match(rest)
    dash = -1
    at = indent
    if dashes:
        dash = indent
        at = indent + dashes.end()
        rest = raw[at:]
    key = _KEY.match(rest)
    if key:
        kind = "item" if dashes else "key"
        colon = at + key.end() - 1
        return Line(
            number,
            raw,
            indent,
            kind,
            key.group("key").rstrip(" \t"),
            at,
            dash,
            rest[key.end() :],
            colon,
        )
    if dashes:
        return Line(number, raw, indent, "item", "", -1, dash, rest)
    return Line(number, raw, indent, "text")


@dataclass(frozen=True)
class Level:
    """A column at which the lines above a line open a mapping (keys) or a list (items)."""

    column: int
    line: Line
    kind: str  # key or item


def open_levels(lines: list[Line], number: int) -> list[Level]:
    """The columns the lines above `number` keep open, nearest (deepest) first."""
    floor = 1 << 30
    out: list[Level] = []
    for line in reversed(lines[: number - 1]):
        if line.kind == "key" and line.column < floor:
            out.append(Level(line.column, line, "key"))
            floor = line.column
        elif line.kind == "item":
            if line.key and line.column < floor:
                out.append(Level(line.column, line, "key"))
                floor = line.column
            if line.dash < floor:
                out.append(Level(line.dash, line, "item"))
                floor = line.dash
        if floor == 0:
            break
    return out


def _nearest(levels: list[Level], kind: str, column: int) -> list[Level]:
    """Levels of `kind`, the closest to `column` first (the deeper on a tie)."""
    return sorted(
        (lv for lv in levels if lv.kind == kind),
        key=lambda lv: (abs(lv.column - column), -lv.column),
    )


def _name(line: Line) -> str:
    return line.key.strip("\"'") if line.key else "-"


def _spaces(n: int) -> str:
    return f"{n} 个空格"


# --- before parsing: full-width colons and spaces --------------------------------------------


@dataclass(frozen=True)
class Wide:
    """A full-width colon or space where YAML wants an ASCII one."""

    line: int
    column: int  # 1-based
    code: str  # full-width-colon or full-width-space
    message: str


def full_width(text: str) -> tuple[list[Wide], list[Wide]]:
    """Full-width spaces in indentation (always a mistake), and full-width colons after a field
    name (a mistake only where the file then fails to parse: ： is ordinary Chinese punctuation)."""
    if FULL_COLON not in text and FULL_SPACE not in text:
        return [], []  # one pass in C for the usual file
    lines = read_lines(text)
    spaces: list[Wide] = []
    colons: list[Wide] = []
    in_block = False  # the line before was a block scalar's header or content
    for line in lines:
        if line.kind in ("blank", "comment", "block"):
            in_block = in_block or line.kind == "block"
            continue
        lead = len(line.text) - len(line.text.lstrip(" \t" + FULL_SPACE))
        wide = line.text.find(FULL_SPACE, 0, lead)
        # A value's text may go on over deeper lines, and may start with a full-width space
        # there; a key or a list item after one is indentation all the same.
        indented = wide >= 0 and (line.kind != "more" or _structural(line.text[lead:]))
        if indented and len(spaces) < MAX_REPORTS:
            broken = in_block and not _structural(line.text[lead:])  # a | block's text
            spaces.append(_wide_space(lines, line, wide, broken))
        in_block = line.kind in ("key", "item") and bool(_BLOCK.match(line.value.strip()))
        found = _WIDE_KEY.match(line.text) if line.kind != "more" else None
        if found and len(colons) < MAX_REPORTS:
            colons.append(_wide_colon(line, found))
    return spaces, colons


def _structural(rest: str) -> bool:
    """`rest` (a line after its indentation) starts a list item or a field."""
    if _DASHES.match(rest) or _WIDE_KEY.match(rest):
        return True
    key = _KEY.match(rest)
    return bool(key and _PLAIN_KEY.fullmatch(key.group("key").rstrip(" \t")))


def _wide_colon(line: Line, found: re.Match[str]) -> Wide:
    key = found.group("key")
    at = found.end() - 1
    value = line.text[at + 1 :].strip(" " + FULL_SPACE)
    fixed = f"{key}: {value}" if value else f"{key}:"
    shown = fixed if len(fixed) <= 40 else fixed[:40] + "…"
    return Wide(
        line.number,
        at + 1,
        "full-width-colon",
        f"{key} 后面是全角冒号“：”(U+FF1A),YAML 只认半角冒号,这一行因此不是“字段: 值”。"
        f"请切换到英文输入法,改成半角冒号加一个空格:{shown}",
    )


def _wide_space(lines: list[Line], line: Line, at: int, in_block: bool) -> Wide:
    if in_block:
        return Wide(
            line.number,
            at + 1,
            "full-width-space",
            "这一行用全角空格“　”(U+3000)缩进,YAML 的缩进只认半角空格,上面 | 或 > 开始的"
            "多行文字因此在这里中断。请先用半角空格缩进(与上面的文字对齐),段首的全角空格可以留在其后。",
        )
    lead = line.text[: len(line.text) - len(line.text.lstrip(" \t" + FULL_SPACE))]
    seen = sum(2 if ch == FULL_SPACE else 1 for ch in lead)  # as a CJK editor draws it
    expected = _expected(lines, line, seen)
    return Wide(
        line.number,
        at + 1,
        "full-width-space",
        "缩进里有全角空格“　”(U+3000),YAML 的缩进只认半角空格,这一行因此对不上上面的层次。"
        f"请把它换成半角空格{':' if expected else ''}{expected}。",
    )


def _expected(lines: list[Line], line: Line, seen: int) -> str:
    """The indentation a line most likely meant, said with the line it aligns with."""
    levels = open_levels(lines, line.number)
    shaped = _shape(line.number, line.text.replace(FULL_SPACE, " ").replace("\t", " "), 0)
    kind = "item" if shaped.kind == "item" else "key"
    choices = [
        (lv.column, f"与第 {lv.line.number} 行的 {_name(lv.line)} 对齐")
        for lv in levels
        if lv.kind == kind
    ]
    above = next((lv.line for lv in levels), None)
    if above is not None and not above.inline and above.key:  # a parent: the line may nest under it
        child = next(
            (
                other.indent
                for other in lines[line.number :]
                if other.kind in ("key", "item") and other.indent > above.column
            ),
            above.column + 2,
        )
        choices.append((child, f"比第 {above.number} 行的 {_name(above)} 多缩进一层"))
    if not choices:
        return ""
    column, why = min(choices, key=lambda c: (abs(c[0] - seen), -c[0]))
    return f"这一行应缩进 {_spaces(column)}({why})"


# --- after parsing failed: PyYAML's problems in the editor's terms ---------------------------


@dataclass
class Problem:
    """A parse failure: PyYAML's words and marks (0-based), with the text's lines."""

    problem: str
    context: str
    line: int  # 0-based, of the problem mark
    column: int
    context_line: int | None
    context_column: int | None
    lines: list[Line]

    def at(self, number: int) -> Line | None:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else None

    def char(self, line: int, column: int) -> str:
        found = self.at(line + 1)
        return found.text[column : column + 1] if found is not None else ""


Said = tuple[int, int, str]  # 1-based line and column, and the message


def _here(p: Problem, message: str) -> Said:
    """Say `message` where the parser stopped."""
    return (p.line + 1, p.column + 1, message)


def explain(problem: Problem) -> Said:
    """Say a PyYAML problem as what the editor did, at the place to change."""
    if "directive" in problem.context:  # "while scanning a directive": a line starting with %
        return _directive(problem)
    for pattern, handler in HANDLERS:
        if pattern.search(problem.problem):
            return handler(problem)
    # A problem this table does not know (a newer PyYAML or libyaml): its own words are kept.
    return (
        problem.line + 1,
        problem.column + 1,
        f"YAML 无法读懂这里(解析器的说明:{problem.problem})。请检查这一行的缩进、冒号和引号。",
    )


def _indentation(p: Problem) -> Said:
    """A line at a depth the lines above do not have: a key or a list item out of line."""
    line = p.at(p.line + 1)
    if line is None:
        return _here(p, "文件在这里意外结束:请检查最后几行的缩进和引号。")
    if p.column > line.start:  # not where the line starts: text after a closed quote or bracket
        return _after_close(p, line)
    shaped = _shape(line.number, line.text, line.indent)
    levels = open_levels(p.lines, line.number)
    i = line.indent
    where = (line.number, i + 1)
    if shaped.kind == "item" and shaped.dash == i:
        lists = _nearest(levels, "item", i)
        if not lists:
            return (
                *where,
                "这一行的“-”不属于上面任何列表:列表项要写在“字段:”(冒号后不写值)的下一行,"
                "比字段多缩进,同一列表的“-”对齐。",
            )
        best = lists[0]
        return (
            *where,
            f"缩进不对:这一行列表项的“-”缩进了 {_spaces(i)},而上面同一列表的项"
            f"(第 {best.line.number} 行)缩进 {_spaces(best.column)}。同一列表的“-”要对齐:"
            f"请改为缩进 {_spaces(best.column)}。",
        )
    if shaped.kind == "key":
        return (*where, _key_out_of_line(levels, _name(shaped), i))
    return (
        *where,
        "这一行既不是“字段: 值”,也不是列表项,YAML 不知道它属于哪里。如果它接着上一行的文字,"
        "请把那段文字整个加上引号,或改用 | 写多行文字;如果它是字段,请在字段名后写“: ”,并与同一层的字段对齐。",
    )


def _key_out_of_line(levels: list[Level], key: str, i: int) -> str:
    keys = _nearest(levels, "key", i)
    listed = next((lv for lv in levels if lv.kind == "item" and lv.column == i), None)
    if listed is not None:  # at the depth of a list's "-": a key there is in no item
        keys = [lv for lv in keys if lv.column != i]
        options = [
            f"与第 {lv.line.number} 行的 {_name(lv.line)} 同一层就缩进 {_spaces(lv.column)}"
            for lv in keys[:2]
        ]
        return (
            f"缩进不对:{key} 和第 {listed.line.number} 行列表项的“-”缩进相同(都是 {_spaces(i)}),"
            f"但列表的每一项都要以“- ”开头。{key} 若是新的一项,请写成“- {key}: …”"
            + "".join(f";{option}" for option in options)
            + "。"
        )
    if not keys:
        return (
            f"缩进不对:{key} 缩进了 {_spaces(i)},与上面的字段都没有对齐。同一层的字段缩进要相同。"
        )
    best = keys[0]
    sib = _name(best.line)
    if i > best.column and all(lv.column < i for lv in keys):
        more = i - best.column
        if best.line.inline:
            return (
                f"缩进不对:{key} 缩进了 {_spaces(i)},比第 {best.line.number} 行的 {sib} 多 {more} 个。"
                f"{sib} 已经写了值,下面不能再有下一层,YAML 把 {key} 读成了 {sib} 的值的续行。"
                f"{key} 应与 {sib} 同一层:请改为缩进 {_spaces(best.column)}。"
            )
        return (
            f"缩进不对:{key} 缩进了 {_spaces(i)},没有和同一层的字段对齐。"
            f"与第 {best.line.number} 行的 {sib} 同一层就缩进 {_spaces(best.column)}。"
        )
    options = [f"与第 {best.line.number} 行的 {sib} 同一层就缩进 {_spaces(best.column)}"]
    other = next((lv for lv in keys[1:] if (lv.column < i) != (best.column < i)), None)
    if other is not None:
        options.append(
            f"与第 {other.line.number} 行的 {_name(other.line)} 同一层就缩进 {_spaces(other.column)}"
        )
    return (
        f"缩进不对:{key} 缩进了 {_spaces(i)},与上面的字段都没有对齐。同一层的字段缩进要相同:"
        + ",".join(options)
        + "。"
    )


def _after_close(p: Problem, line: Line) -> Said:
    quote = _unclosed_quote(p.lines[: p.line + 1])
    if quote and quote[0] < line.number:
        return _here(
            p,
            f"第 {quote[0]} 行的{quote[1]}可能没有闭合:YAML 把从那里到这里的内容读成了一段文字,"
            "读到这里才结束。请补上闭合的符号。",
        )
    return _here(
        p, "引号或括号闭合之后,这一行还有别的文字。请把整个值都写进引号里,或删去多余的文字。"
    )


def _mapping_values(p: Problem) -> Said:
    """A colon and a space where YAML cannot start a field: in running text, or an over-indented key."""
    line = p.at(p.line + 1)
    if line is None:
        return _here(p, _COLON_IN_TEXT)
    shaped = _shape(line.number, line.text, line.indent)
    leading = shaped.kind in ("key", "item") and shaped.key and p.column == shaped.colon
    if leading and _PLAIN_KEY.fullmatch(shaped.key):
        levels = open_levels(p.lines, line.number)
        return line.number, shaped.column + 1, _key_out_of_line(levels, shaped.key, shaped.column)
    if shaped.kind in ("key", "item") and shaped.key and not leading:
        value = shaped.value.strip()
        example = f"{_name(shaped)}: {_quoted(value)}" if len(value) <= 30 else ""
        return _here(
            p,
            f"{_name(shaped)} 的值里有“冒号+空格”,YAML 把它当成了又一个字段。请给整个值加上引号"
            + (f",例如 {example}" if example else "")
            + ";中文句子里的冒号也可以改用全角“：”。",
        )
    return _here(p, _COLON_IN_TEXT)


_COLON_IN_TEXT = (
    "这一行的文字里有“冒号+空格”,YAML 把冒号前面的部分当成了字段名。请给整段文字加上引号"
    "(或改用 | 写多行文字);中文句子里的冒号也可以改用全角“：”。"
)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _missing_colon(p: Problem) -> Said:
    """A line YAML took for a key that never got its colon (reported a line late by PyYAML)."""
    number = (p.context_line if p.context_line is not None else p.line) + 1
    line = p.at(number)
    if line is None:
        return _here(p, "这一行缺少“字段: 值”中的冒号。")
    text = line.text
    wide = text.find(FULL_COLON)
    if wide >= 0:
        key = text[line.start : wide].strip().lstrip("-").strip()
        return (
            number,
            wide + 1,
            f"{key} 后面是全角冒号“：”(U+FF1A),YAML 只认半角冒号:请切换到英文输入法,改成“{key}: ”。",
        )
    if text.lstrip(" ").startswith(FULL_SPACE):
        return (
            number,
            line.start + 1,
            "这一行以全角空格“　”(U+3000)开头,YAML 的缩进只认半角空格:请换成半角空格。",
        )
    tight = re.match(r"( *(?:- +)?)([A-Za-z_][\w-]*):(?=[^\s:/])", text)
    if tight:
        key = tight.group(2)
        at = tight.end() - 1  # the colon
        value = text[at + 1 :].strip()
        return (
            number,
            at + 1,
            f"{key} 后面的冒号要跟一个空格,否则 YAML 把整行读成一段文字:请写成 {key}: {value}。",
        )
    above = next(
        (other for other in reversed(p.lines[: number - 1]) if other.kind in ("key", "item")), None
    )
    if above is not None and above.inline and above.key:
        return (
            number,
            line.start + 1,
            f"这一行没有“字段: 值”的冒号。如果它接着第 {above.number} 行 {_name(above)} 的文字,"
            f"请把它缩进得比 {_name(above)} 更深(或改用 | 写多行文字);如果它是字段,请在字段名后加冒号和一个空格。",
        )
    return (
        number,
        line.start + 1,
        "这一行没有“字段: 值”的冒号:如果它是字段,请在字段名后加冒号和一个空格;"
        "如果它是文字,请缩进到所属字段的下面。",
    )


def _tab(p: Problem) -> Said:
    line = p.at(p.line + 1)
    if line is None or "\t" not in line.text:
        return _here(p, _TAB + "。")
    column = line.text.index("\t")
    lead = line.text[: len(line.text) - len(line.text.lstrip(" \t"))]
    expected = ""
    if "\t" in lead and line.kind != "block":  # a tab in the indentation: say the indentation
        expected = _expected(p.lines, line, len(lead.expandtabs(4)))
    return (
        p.line + 1,
        column + 1,
        _TAB + (f"。{expected}" if expected else ",与同一层的字段对齐") + "。",
    )


_TAB = "这一行用 Tab 缩进或对齐,YAML 只认空格:请把 Tab 换成空格"


def _cannot_start(p: Problem) -> Said:
    ch = p.char(p.line, p.column)
    if ch == "\t" or "'\\t'" in p.problem:
        return _tab(p)
    if ch == "%":
        return _directive(p)
    what = ch or "这个字符"
    return _here(
        p, f"值不能以“{what}”开头(YAML 把它留作特殊用途):请给整个值加上引号{_example(p)}。"
    )


def _example(p: Problem, number: int | None = None) -> str:
    """ ", 例如 title: "…"" for the value on line `number` (0-based; the problem's by default),
    when short enough."""
    line = p.at((p.line if number is None else number) + 1)
    if line is None:
        return ""
    shaped = _shape(line.number, line.text, line.indent)
    if not shaped.key:
        return ""
    value = shaped.value.strip()
    if not value or len(value) > 30:
        return ""
    return f",例如 {_name(shaped)}: {_quoted(value)}"


def _anchor(p: Problem) -> Said:
    line, column = p.context_line, p.context_column
    if line is None or column is None:
        line, column = p.line, p.column
    ch = p.char(line, column)
    if ch == "!":
        return _tag(p)  # PyYAML says "alphabetic or numeric" of tags too
    if ch not in "*&":
        return _internal(p)
    what = "别名(引用前面 & 定义的内容)" if ch == "*" else "锚点"
    markdown = "(例如 Markdown 的 *强调*)" if ch == "*" else ""
    return (
        line + 1,
        column + 1,
        f"值以“{ch or '*'}”开头,YAML 把它当成了{what}。如果这是文字{markdown},"
        f"请给整个值加上引号{_example(p, line)};"
        "手册不使用锚点和别名。",
    )


def _tag(p: Problem) -> Said:
    line, column = p.context_line, p.context_column
    if line is None or column is None:
        line, column = p.line, p.column
    if p.char(line, 0) == "%" and column == 0:
        return _directive(p)
    return (
        line + 1,
        column + 1,
        "值以“!”开头,YAML 把它当成了类型标签。如果这是文字,请给整个值加上引号"
        f"{_example(p, line)}。",
    )


def _directive(p: Problem) -> Said:
    number = next((line.number for line in p.lines if line.text.startswith("%")), p.line + 1)
    return (
        number,
        1,
        "以 % 开头的行被当作 YAML 指令(%YAML、%TAG),手册文件不需要指令。如果这是文字,"
        "请把它缩进到所属字段的值里或加上引号;否则删除这一行。",
    )


def _document_start(p: Problem) -> Said:
    if any(line.text.startswith("%") for line in p.lines):
        return _directive(p)
    end = next((line.number for line in p.lines if line.text.rstrip() == "..."), None)
    if end is not None:
        return (
            end,
            1,
            "“...”一行表示文件内容到此结束,它后面的内容无法读取:请删除这一行。",
        )
    return _here(p, "这里 YAML 期望一个新文档的开始:请删除文件中多余的 --- 或 ... 行。")


def _two_documents(p: Problem) -> Said:
    return _here(p, "一个文件只能有一条政策:删除 --- 及其后面的内容,或拆成两个文件。")


def _end_of_stream(p: Problem) -> Said:
    if p.context_line is not None and p.context_column is not None:
        ch = p.char(p.context_line, p.context_column)
        name = {"'": "单引号", '"': "双引号"}.get(ch)
        if name:
            return (
                p.context_line + 1,
                p.context_column + 1,
                f"这里开始的{name}直到文件末尾都没有闭合:请在这段文字的末尾补上{name}。",
            )
    return _here(p, "文件在引号或括号闭合之前就结束了:检查这一行附近的 \" ' [ { 是否成对。")


def _quote_separator(p: Problem) -> Said:
    return _here(
        p,
        "引号里的文字有一行以 --- 或 ... 开头,YAML 把它当成了文档分隔。"
        "请改用 | 写多行文字,或把这一行缩进。",
    )


def _escape(p: Problem) -> Said:
    return _here(
        p,
        "双引号里的反斜杠“\\”开始一个转义(例如 \\n 表示换行),这里的转义写法不对。"
        "如果要写反斜杠本身,请改用单引号,或写成两个反斜杠“\\\\”。",
    )


def _flow(opener: str, closer: str, name: str) -> Callable[[Problem], Said]:
    def said(p: Problem) -> Said:
        line, column = p.context_line, p.context_column
        if line is not None and column is not None and line < p.line:
            # PyYAML notices on a later line: point at the bracket left open.
            return (
                line + 1,
                column + 1,
                f"这里的{name} {opener} 没有闭合:YAML 读到第 {p.line + 1} 行还没有找到 {closer}。"
                f"请在最后一项后面补上 {closer}(各项之间用逗号隔开)。",
            )
        return _here(
            p,
            f"{name} {opener} {closer} 里的内容没有写对:两项之间缺少逗号,或者某一项里有冒号、"
            "括号等符号(请给这一项加上引号)。",
        )

    return said


def _no_content(p: Problem) -> Said:
    return _here(p, "这里缺少一个值:检查是否有多余的逗号或冒号,或者空着的列表项。")


def _question(p: Problem) -> Said:
    return _here(p, "值以“? ”开头,YAML 把它当成了复杂字段名的写法:请给整个值加上引号。")


def _dash_after_key(p: Problem) -> Said:
    line = p.at(p.line + 1)
    shaped = _shape(line.number, line.text, line.indent) if line is not None else None
    if shaped is not None and shaped.key and p.column > shaped.column:
        key = _name(shaped)
        return _here(
            p,
            f"列表项“- ”不能和 {key}: 写在同一行:请把它移到下一行,比 {key} 多缩进 2 个空格,"
            f"或写成 {key}: [ … ]。",
        )
    return _here(p, "这里不能开始列表项:列表要写在“字段:”(冒号后不写值)的下一行,比字段多缩进。")


def _block_header(p: Problem) -> Said:
    if "block scalar" not in p.context and "chomping" not in p.problem:
        return _here(
            p,
            "这一行在应该结束的地方后面还有文字:请删去多余的文字,或把整个值加上引号。",
        )
    return _here(
        p,
        "“|”或“>”表示下面几行是多行文字,它后面同一行只能写 - + 或缩进数字(1 到 9):"
        "请把文字移到下一行,并比字段多缩进。",
    )


def _not_allowed(p: Problem) -> Said:
    return _here(
        p, "文件中有 YAML 不允许的字符(控制字符或无效的编码):请删除它,并用 UTF-8 重新保存。"
    )


def _internal(p: Problem) -> Said:
    return _here(p, "YAML 无法读懂这个文件的结构:请检查这一行附近的缩进、冒号和引号。")


# Each problem PyYAML's parser or libyaml reports (both spellings), and how it is told. The test
# tests/test_syntax.py feeds every one of them through and finds no English left.
HANDLERS: list[tuple[re.Pattern[str], Callable[[Problem], Said]]] = [
    (re.compile(p), h)
    for p, h in (
        (r"^did not find expected key$", _indentation),
        (r"^did not find expected '-' indicator$", _indentation),
        (r"^expected <block end>, but found", _indentation),
        (r"^invalid indentation or unclosed '\[' or '\{'$", _indentation),
        (r"^mapping values are not allowed", _mapping_values),
        (r"^could not find expected ':'$", _missing_colon),
        (r"^(block )?sequence entries are not allowed", _dash_after_key),
        (r"^mapping keys are not allowed", _question),
        (r"^found a tab character", _tab),
        (r"^found character .*that cannot start any token$", _cannot_start),
        (r"alphabetic or numeric character", _anchor),
        (r"^found undefined alias", _anchor),
        (r"^second occurrence$|^found duplicate anchor", _anchor),
        (r"^found unexpected end of stream$", _end_of_stream),
        (r"^found unexpected document (indicator|separator)$", _quote_separator),
        (r"^but found another document$|^expected a single document", _two_documents),
        (r"<document start>", _document_start),
        (r"URI|tag|'>'|'!'|whitespace or line break", _tag),
        (r"escape|hexadecimal|hexdecimal", _escape),
        (r"',' or '\]'", _flow("[", "]", "方括号")),
        (r"',' or '\}'", _flow("{", "}", "花括号")),
        (r"node content", _no_content),
        (r"^found unexpected ':'$", _flow("[ 或 {", "] 或 }", "括号")),
        (
            r"comment or (a )?line break|chomping or indentation|indentation indicator",
            _block_header,
        ),
        (
            r"directive|version|YAML document|digit|non-alphabetical|whitespace$|^expected ' '",
            _directive,
        ),
        (
            r"control characters|special characters|Unicode character|UTF-|octet|surrogate",
            _not_allowed,
        ),
        (r"input is too long", _not_allowed),
        # The emitter's and the parser's own states: never met reading a file, told all the same.
        (r"STREAM|DOCUMENT|SCALAR|<stream-start>|invalid event|found duplicate key", _internal),
    )
]


def _unclosed_quote(lines: list[Line]) -> tuple[int, str] | None:
    """The first line with an unclosed quote or bracket (outside block scalars): the usual cause
    of a later error."""
    for line in lines:
        if line.kind in ("block", "comment", "blank"):
            continue
        code = line.text.split(" #", 1)[0].replace('\\"', "")
        if code.count('"') % 2:
            return line.number, "双引号"
        bare = re.sub(r'"[^"]*"|\'[^\']*\'', "", code)
        for opener, closer, name in (("[", "]", "方括号"), ("{", "}", "花括号")):
            if bare.count(opener) > bare.count(closer):
                return line.number, name
    return None


def unclosed_note(problem: Problem, number: int) -> str:
    """ "(第 N 行的双引号可能没有闭合。)" when a line before `number` leaves one open."""
    found = _unclosed_quote(problem.lines[:number])
    if found is None or found[0] >= number:
        return ""
    return f"(第 {found[0]} 行的{found[1]}可能没有闭合。)"


def syntax_diagnostic(path: Path, text: str, problem: Problem) -> Diagnostic:
    """The diagnostic for a parse failure, in the editor's terms."""
    line, column, message = explain(problem)
    if not message.startswith("第 ") and "Tab" not in message:
        message += unclosed_note(problem, line)
    return Diagnostic(path, line, column, Severity.ERROR, "yaml-syntax", message)


def wide_diagnostics(path: Path, found: list[Wide]) -> list[Diagnostic]:
    """Diagnostics for full-width colons and spaces, in file order."""
    out = []
    for wide in sorted(found, key=lambda w: (w.line, w.column)):
        if wide.code == "full-width-colon":
            out.append(
                Diagnostic(
                    path, wide.line, wide.column, Severity.ERROR, "full-width-colon", wide.message
                )
            )
        else:
            out.append(
                Diagnostic(
                    path, wide.line, wide.column, Severity.ERROR, "full-width-space", wide.message
                )
            )
    return out
