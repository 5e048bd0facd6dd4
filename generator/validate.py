"""Schema errors -> diagnostics in plain words, pointing at the exact key or value."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonschema.exceptions import ValidationError

from .cadence import UNKNOWN
from .errors import Diagnostic, Severity
from .loader import Document
from .parts import BY_KEY, PARTS
from .records import TO_BE_SET
from .schemas import SECTION_KINDS, SchemaSet, follow_refs

REFERENCE = "(每个字段的写法见站点的“字段参考”页。)"
_TYPES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值(true/false)",
    "array": "列表",
    "object": "映射(字段: 值)",
    "null": "空值",
}


def _type_name(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    return "映射"


@dataclass(frozen=True)
class Misfit:
    """A text the schema refused for its shape (a pattern), kept with where it is and what was said.

    The schema stage knows no names: a later stage that does may tell that 合规专员, refused
    where a role id belongs, is the name of role compliance-officer (rules/names.py).
    """

    doc: Document
    kind: str  # the document's kind (a section kind, or handbook, roles, glossary)
    path: tuple[str | int, ...]
    value: str
    label: str  # the field as messages name it: owner(负责人)
    diagnostic: Diagnostic


def schema_diagnostics(
    doc: Document, kind: str, schemas: SchemaSet, misfits: list[Misfit] | None = None
) -> list[Diagnostic]:
    """Validate one document against its kind's schema; return every problem, located.

    Texts refused for their shape are also added to `misfits`, when given.
    """
    if schemas.is_valid(kind, doc.data):
        return []  # the happy path: jsonschema's detailed walk is paid only when something is wrong
    validator = schemas.validator(kind)
    errors = list(validator.iter_errors(doc.data))
    typos = _misspelt_required(errors)
    out: list[Diagnostic] = []
    for error in errors:
        out.extend(_translate(doc, kind, schemas, error, typos, misfits))
    if not out:  # the validators disagree (a bug): fail closed, in jsonschema-rs's own words
        for fast in schemas.fast[kind].iter_errors(doc.data):
            path = tuple(fast.instance_path)
            line, column = doc.locate(path)
            message = f"{_path_text(path) or '文件顶层'}:{fast.message}"
            out.append(Diagnostic(doc.path, line, column, Severity.ERROR, "schema", message))
    return out


def _misspelt_required(errors: list[ValidationError]) -> dict[tuple, str]:
    """Pair each missing required key with the unknown key beside it that is its likely misspelling.

    `aprover: director` is one mistake, reported once, at the misspelt key: the map holds both
    (path, missing key) -> unknown key and (path, unknown key) -> missing key.
    """
    missing: dict[tuple, list[str]] = {}
    for error in errors:
        if error.validator == "required" and isinstance(error.instance, dict):
            names = [n for n in error.validator_value if n not in error.instance]
            missing.setdefault(tuple(error.absolute_path), []).extend(names)
    typos: dict[tuple, str] = {}
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator != "additionalProperties" or path not in missing:
            continue
        allowed = sorted(error.schema.get("properties", {}))
        for extra in sorted(set(error.instance) - set(allowed)):
            guess = _guess(str(extra), allowed)
            name = guess[0] if guess else None
            if name in missing[path] and (*path, name) not in typos:
                typos[(*path, name)] = extra
                typos[(*path, extra)] = name
    return typos


def _translate(
    doc: Document,
    kind: str,
    schemas: SchemaSet,
    error: ValidationError,
    typos: dict[tuple, str] | None = None,
    misfits: list[Misfit] | None = None,
) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    v = error.validator
    value = error.instance
    field = _describe(schemas, kind, path)
    label = _label(path, field)

    def at(p: tuple, code: str, message: str, *, key: bool = False) -> Diagnostic:
        line, column = doc.locate(p, key=key)
        return Diagnostic(doc.path, line, column, Severity.ERROR, code, message)

    if v == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for extra in sorted(set(value) - set(allowed)):
            meant = (typos or {}).get((*path, extra))
            if meant is not None:  # the required key it stands for is not reported missing
                message = _misspelt(schemas, kind, path, str(extra), meant)
            elif not path and kind in SECTION_KINDS:
                message = _unknown_policy_key(str(extra), allowed)
            elif extra in FORMER and FORMER[extra][0] in allowed:
                message = f"未知字段 {extra}。{FORMER[extra][1]}"
            else:
                guess = _did_you_mean(extra, allowed)
                listed = REFERENCE if guess else f"这里可用的字段:{'、'.join(allowed)}。"
                message = f"未知字段 {extra}。{guess}{listed}"
            yield at((*path, extra), "unknown-key", message, key=True)
    elif v == "required":
        for name in error.validator_value:
            if isinstance(value, dict) and name not in value and (*path, name) not in (typos or {}):
                sub = _describe(schemas, kind, (*path, name))
                what = f"({_title(sub)})" if sub.get("title") else ""
                how = _chinese(sub.get("description", ""))
                where = f"{_label(path, field)} " if path else ""
                yield at(path, "missing-key", f"{where}缺少必填字段 {name}{what}。{how}", key=True)
    elif v == "type":
        yield at(
            path, _type_code(value), _type_message(doc, path, label, value, error.validator_value)
        )
    elif v == "enum":
        choices = [str(c) for c in error.validator_value]
        guess = _enum_guess(value, choices, field.get("description", ""))
        yield at(
            path,
            "bad-value",
            f"{label} 的值 {_show(value)} 不在可选范围内。{guess}可选值:{'、'.join(choices)}。",
        )
    elif v == "format":
        year = "公历没有 0000 年,年份从 0001 到 9999;" if str(value).startswith("0000-") else ""
        yield at(
            path,
            "bad-date",
            f"{label} 的值 {_show(value)} 不是有效日期:{year}请写成 YYYY-MM-DD,"
            "并确认这一天真实存在(例如 2 月没有 30 日)。",
        )
    elif v == "pattern":
        # The format rule is explained by the type's own description (e.g. the duration type).
        hint = _chinese(field.get("schema", {}).get("description") or field.get("description", ""))
        example = field.get("examples", [None])[0]
        more = f"例如:{example}" if example is not None and "例如" not in hint else ""
        why = _pattern_culprit(value, str(error.validator_value), hint)
        found = at(path, "bad-format", f"{label} 的值 {_show(value)} 格式不对。{why}{hint}{more}")
        if misfits is not None and isinstance(value, str):
            misfits.append(Misfit(doc, kind, path, value, label, found))
        yield found
    elif v in ("anyOf", "oneOf"):
        # Report the branch that came closest, in the words of that branch's own error.
        closest = max(error.context, key=_closeness) if error.context else None
        wanted = [  # "one of these keys": every branch only asks for a key that is missing
            name
            for branch in error.context
            if branch.validator == "required" and not branch.relative_path
            for name in branch.validator_value
            if isinstance(value, dict) and name not in value
        ]
        if error.context and len(wanted) == len(error.context):
            names = "、".join(dict.fromkeys(wanted))
            yield at(path, "missing-key", f"{label} 至少要写 {names} 中的一项。", key=True)
        elif closest is None:
            yield at(path, "schema", f"{label}:{error.message}")
        elif all(b.validator == "type" and not b.relative_path for b in error.context):
            # No shape takes this kind of value ("18:00" or {weekday, time}): name them all.
            types = [t for b in error.context for t in _as_list(b.validator_value)]
            message = _type_message(doc, path, label, value, list(dict.fromkeys(types)))
            yield at(path, _type_code(value), message)
        else:
            yield from _translate(doc, kind, schemas, closest, misfits=misfits)
    elif v == "const":
        yield at(path, "bad-value", f"{label} 的值应为 {error.validator_value}。")
    elif v in ("minLength", "maxLength"):
        if v == "minLength":
            msg = f"{label} 不能为空,请填写内容。"
        else:
            msg = f"{label} 太长({len(value)} 个字符),上限 {error.validator_value} 个字符。"
        yield at(path, "bad-length", msg)
    elif v in ("minProperties", "maxProperties"):
        keys = "、".join(str(k) for k in error.schema.get("properties", {}))
        bound = error.validator_value
        if v == "minProperties":
            msg = f"{label} 不能为空:请写 {keys} 中的{'一项' if bound == 1 else f' {bound} 项'}。"
        else:
            written = "、".join(str(k) for k in value)
            msg = f"{label} 最多写 {bound} 项,现在写了 {written}:请只保留{'一项' if bound == 1 else f' {bound} 项'}。"
        yield at(path, "bad-length", msg)
    elif v in ("minItems", "maxItems"):
        bound = error.validator_value
        msg = f"{label} 至少要有 {bound} 项。" if v == "minItems" else f"{label} 最多 {bound} 项。"
        yield at(path, "bad-length", msg)
    elif v == "uniqueItems":
        seen: set[str] = set()
        for i, item in enumerate(value):
            marker = repr(item)
            if marker in seen:
                yield at(
                    (*path, i), "duplicate-item", f"{label} 中 {_show(item)} 重复出现,请删除一个。"
                )
            seen.add(marker)
    elif v in ("minimum", "maximum"):
        word = "不能小于" if v == "minimum" else "不能大于"
        yield at(path, "out-of-range", f"{label} 的值 {value} {word} {error.validator_value}。")
    else:  # keywords our schemas do not use today; keep jsonschema's own words
        yield at(path, "schema", f"{label}:{error.message}")


def _closeness(error: ValidationError) -> tuple[int, int]:
    """Rank the failures of anyOf/oneOf branches: the branch whose type matched came closest."""
    shallow = {"const": 0, "enum": 0, "type": 1}
    return shallow.get(str(error.validator), 2), len(error.relative_path)


# The shape of every id (common.schema.json's slug): a pattern holding it asks for an id.
ID_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*"

# Letters of other scripts drawn like Latin ones, and dashes drawn like a hyphen: a value holding
# one looks right and is not (written as escapes here, since they look like what they are not).
# Full-width and compatibility forms are found by NFKC instead.
_LOOK_ALIKES = {
    other: latin
    for others, latins in (
        (  # Cyrillic small letters
            "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u04bb\u051b\u051d\u04cf",
            "aeopcyxijsdhqwl",
        ),
        (  # Cyrillic capital letters
            "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0423\u0406\u0408\u0405\u051a\u051c",
            "ABEKMHOPCTXYIJSQW",
        ),
        ("\u03bf\u03b9\u03bd\u03ba\u03c1\u03c5\u03c7\u03b1", "oivkpuxa"),  # Greek small letters
        (  # Greek capital letters
            "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7",
            "ABEZHIKMNOPTYX",
        ),
        ("\u0131", "i"),  # dotless i
        ("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-------"),  # dashes and the minus sign
    )
    for other, latin in zip(others, latins, strict=True)
}
_SPACES = {"\u3000": "全角空格", "\u00a0": "不换行空格"}


def _pattern_culprit(value: Any, pattern: str = "", hint: str = "") -> str:
    """Name what breaks a value of a set shape: a path separator, a look-alike, Chinese, a capital.

    Only characters that really look like Latin letters (or a hyphen) are called look-alikes;
    Chinese in an id is said to be Chinese, and where the shape is not an id's (a duration may
    say 分钟) other characters are left to the field's own description.
    """
    if not isinstance(value, str):
        return ""
    is_id = ID_PATTERN in pattern
    control = next((ch for ch in value if unicodedata.category(ch) == "Cc"), None)
    if control is not None:
        return f"含有控制字符 U+{ord(control):04X}。"
    if is_id and ("\\" in value or ".." in value or ("/" in value and "/" not in pattern)):
        return "不能包含 /、\\ 或 ..(id 会成为文件名和网址,不能跳出所在文件夹)。"
    if is_id and value.startswith("."):
        return "不能以 . 开头。"
    for ch in value:
        alike = _look_alike(ch)
        if alike:
            return alike
    if is_id:
        for ch in value:
            if ch.isascii():
                continue
            if ch.isspace():
                name = _SPACES.get(ch, "空格")
                return f"含有{name}(U+{ord(ch):04X}):id 里不能有空格,单词之间用连字符 - 连接。"
            what = "中文" if unicodedata.name(ch, "").startswith("CJK") else "字符"
            if "小写英文字母" in hint:  # the field's description says what an id is made of
                return f"含有{what}“{ch}”,id 里不能有{what}。"
            return f"含有{what}“{ch}”:id 只能用小写英文字母、数字和连字符。"
        if " " in value:
            return "含有空格:id 里不能有空格,单词之间用连字符 - 连接。"
    if "A-Z" not in pattern:
        for ch in value:
            if ch.isupper():
                return f"含有大写字母“{ch}”。"
    return ""


def _look_alike(ch: str) -> str:
    """Say so when `ch` is drawn like an ASCII letter, digit or hyphen and is not one."""
    if ch.isascii():
        return ""
    code = f"U+{ord(ch):04X}"
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and folded.isascii() and (folded.isalnum() or folded in "-_./#:@"):
        width = "全角" if unicodedata.east_asian_width(ch) == "F" else "兼容写法的"
        return f"含有{width}字符“{ch}”({code}),要写成半角的“{folded}”(切换到英文输入法)。"
    latin = _LOOK_ALIKES.get(ch)
    if latin is None:
        return ""
    name = unicodedata.name(ch, "")
    if latin == "-":
        return f"含有“{ch}”({code} {name}),它看起来像连字符 -,其实不是:请改用英文输入法的 -。"
    script = "西里尔字母" if "CYRILLIC" in name else "希腊字母" if "GREEK" in name else "字母"
    return (
        f"含有{script}“{ch}”({code} {name}),它与英文字母 {latin} 长得一样,其实不是:"
        "请删除它,用英文输入法重新输入。"
    )


def _type_code(value: Any) -> str:
    return "empty-value" if value is None else "wrong-type"


def _type_message(doc: Document, path: tuple, label: str, value: Any, expected: Any) -> str:
    wanted = "或".join(
        _TYPES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)
    )
    if value is None:
        return f"{label} 没有填写内容(空值)。请填写{wanted},或者删除这一行。"
    shown = _show(value)
    message = f"{label} 应该是{wanted},现在是{_type_name(value)}{' ' + shown if shown else ''}。"
    wants_text = expected == "string" or (isinstance(expected, list) and "string" in expected)
    if wants_text and isinstance(value, bool | int | float):
        node = doc.find(path)
        raw = getattr(node, "value", str(value))
        message += (
            f"YAML 把未加引号的 {raw} 读成了{_type_name(value)}(YAML 1.1 的规则:yes/no/on/off 是布尔值,"
            f'1:30 是六十进制数,0755 是八进制数)。如果要写文字,请加引号:"{raw}"。'
        )
    return message


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _show(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        # Control and invisible characters are spelled out so the message shows what is there.
        shown = "".join(
            f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in shown
        )
        return f"“{shown}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return ""
    return str(value)


def field_label(schemas: SchemaSet, kind: str, path: tuple) -> str:
    """A field as messages name it: its path, then the Chinese half of its title."""
    return _label(path, _describe(schemas, kind, path))


def field_title(schemas: SchemaSet, kind: str, path: tuple) -> str:
    """The Chinese half of a field's title ("摘要 Summary" -> "摘要"), "" when it has none."""
    return _title(_describe(schemas, kind, path))


def open_fields(schemas: SchemaSet, kind: str) -> tuple[tuple[str, ...], ...]:
    """The fields of a kind that may hold a value still to be set (待定, or "periodic")."""
    return _open_fields(schemas, kind)


@lru_cache(maxsize=32)
def _open_fields(schemas: SchemaSet, kind: str) -> tuple[tuple[str, ...], ...]:
    found = []
    for pattern, notes in field_index(schemas, kind).items():
        schema = notes.get("schema", {})
        allows = TO_BE_SET in str(schema.get("pattern", "")) or bool(
            UNKNOWN & set(schema.get("enum", ()))
        )
        if allows:
            found.append(pattern)
    return tuple(found)


def _label(path: tuple, field: dict[str, Any]) -> str:
    name = _path_text(path) or "文件顶层"
    chinese = _title(field)
    return f"{name}({chinese})" if chinese else name


def _title(field: dict[str, Any]) -> str:
    """Return the Chinese half of a bilingual title: "政策 id Policy id" -> "政策 id"."""
    words = []
    for word in field.get("title", "").split():
        if word[:1].isascii() and word[:1].isupper():
            break
        words.append(word)
    return " ".join(words)


def _chinese(description: str) -> str:
    """Return the Chinese part of a bilingual description (the English follows the last 。)."""
    cut = description.rfind("。")
    return description[: cut + 1] if cut >= 0 else description


def _path_text(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Keys an earlier schema had where they no longer are: where each went, said when one is met there.
FORMER = {
    "within": (
        "due",
        "清单条目的时限已并入截止时间 due:事件发生(或每周、每月、每季度开始)后多久内完成,"
        "写 due: {after: 2h};每次收到后多久处理的要求,写进条目正文。",
    ),
}


def _unknown_policy_key(extra: str, allowed: list[str]) -> str:
    """An unknown key at a policy's top level: a misspelt field, or a part by another name.

    Fields and parts are listed apart, parts with their Chinese names, since any policy may
    hold any part; a part written by its Chinese name ("风险登记:") is told its key.
    """
    nouns = {part.noun: part.key for part in PARTS if part.key in allowed}
    key = nouns.get(extra.strip())
    if key is not None:
        guess = f"“{extra}”这一部分的键是 {key}。"
    else:
        guess = _did_you_mean(extra, allowed)
        close = difflib.get_close_matches(
            unicodedata.normalize("NFKC", extra).casefold(), allowed, n=1, cutoff=0.6
        )
        key = close[0] if close else None
    if key in BY_KEY:
        guess += f"{key}({BY_KEY[key].noun})可以放进任何政策。"
    if guess:  # one likely fix is enough; the whole list would bury it
        return f"未知字段 {extra}。{guess}{REFERENCE}"
    fields = [k for k in allowed if k not in BY_KEY]
    held = [f"{p.key}({p.noun})" for p in PARTS if p.key in allowed]
    return (
        f"未知字段 {extra}。政策的字段:{'、'.join(fields)}。"
        f"任何政策都可以包含的部分:{'、'.join(held)}。"
    )


def _did_you_mean(word: str, choices: list[str]) -> str:
    guess = _guess(word, choices)
    if guess is None:
        return ""
    name, folded = guess
    return f"是否想写 {name}?" + ("(这里用了全角或大写字符。)" if folded else "")


def _guess(word: str, choices: list[str]) -> tuple[str, bool] | None:
    """The choice a word most likely misspells, and whether only width or case differs."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    if folded in choices and folded != word:
        return folded, True
    close = difflib.get_close_matches(folded, choices, n=1, cutoff=0.6)
    return (close[0], False) if close else None


def _misspelt(schemas: SchemaSet, kind: str, path: tuple, extra: str, name: str) -> str:
    """An unknown key that misspells a required key which is missing: one message for both."""
    sub = _describe(schemas, kind, (*path, name))
    what = f"({_title(sub)})" if sub.get("title") else ""
    how = _chinese(sub.get("description", ""))
    folded = "这里用了全角或大写字符。" if _guess(extra, [name]) == (name, True) else ""
    required = f"{name}{what or ' '}是必填字段" + (f":{how}" if how else "。")
    return f"未知字段 {extra},是否想写 {name}?({folded}{required})"


def _enum_guess(value: Any, choices: list[str], description: str) -> str:
    text = str(value)
    close = difflib.get_close_matches(text, choices, n=1, cutoff=0.6)
    if close:
        return f"是否想写 {close[0]}?"
    # Descriptions pair codes with Chinese labels ("active 生效中"): match the label an editor typed.
    for choice in choices:
        found = re.search(rf"(?<![a-z-]){re.escape(choice)} ([^,,。;;、()()]+)", description)
        label = found.group(1).strip() if found else ""
        if label and (text in label or label in text):
            return f"“{text}”对应的值是 {choice},是否想写 {choice}?"
    return ""


def _describe(schemas: SchemaSet, kind: str, path: tuple) -> dict[str, Any]:
    """Return the title, description and examples of the property at `path` in a kind's schema."""
    pattern = tuple("[]" if isinstance(p, int) else p for p in path)
    return field_index(schemas, kind).get(pattern, {})


def field_index(schemas: SchemaSet, kind: str) -> dict[tuple[str, ...], dict[str, Any]]:
    """Map every property path of a kind (list items as "[]") to its merged annotations."""
    return _field_index(schemas, kind)


@lru_cache(maxsize=32)
def _field_index(schemas: SchemaSet, kind: str) -> dict[tuple[str, ...], dict[str, Any]]:
    index: dict[tuple[str, ...], dict[str, Any]] = {}

    def walk(schema: dict[str, Any], base: str, path: tuple[str, ...], notes: dict) -> None:
        schema, base, merged = _resolve(schemas, schema, base, notes)
        index.setdefault(path, merged)
        for name, sub in schema.get("properties", {}).items():
            walk(sub, base, (*path, name), {})
        items = schema.get("items")
        if isinstance(items, dict):
            walk(items, base, (*path, "[]"), {})
        for branch in (*schema.get("oneOf", ()), *schema.get("anyOf", ())):
            # A value of several shapes ("18:00" or {weekday, time}): the object's fields too.
            shape, shape_base, _ = _resolve(schemas, branch, base, {})
            for name, sub in shape.get("properties", {}).items():
                walk(sub, shape_base, (*path, name), {})

    walk(schemas.schemas[kind], f"{kind}.schema.json", (), {})
    return index


def _resolve(
    schemas: SchemaSet, schema: dict[str, Any], base: str, notes: dict[str, Any]
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """Follow $ref chains; annotations next to a $ref win over the target's own."""
    schema, base, merged, _ = follow_refs(schemas, schema, base, notes)
    merged.setdefault("schema", schema)
    return schema, base, merged


def values_at(data: Any, pattern: tuple[str, ...], path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every value at a field pattern (list items as "[]"), with its path."""
    if not pattern:
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "[]":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from values_at(item, rest, (*path, i))
    elif isinstance(data, dict) and head in data:
        yield from values_at(data[head], rest, (*path, head))
