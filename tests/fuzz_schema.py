"""The fuzzer's schema walk and handbook writer: every string field, which payloads fit, where they go."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from fuzz_payloads import Payload

from generator.parts import BY_KEY, KIND_PARTS

ROOT_FILES = {"handbook": "handbook.yaml", "roles": "roles.yaml", "glossary": "glossary.yaml"}
EDITIONS = ["staff", "client", "public"]
Path_ = tuple[str | int, ...]
Pattern = tuple[str, ...]  # a field path in a schema: property names, "[]" for array items


# --- the schema walk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    """One way a string may be valid (a field under anyOf has several): its merged constraints."""

    refs: tuple[str, ...]  # the $defs passed through, outermost first
    max_length: int | None = None
    min_length: int = 0
    patterns: tuple[str, ...] = ()
    enum: tuple[Any, ...] | None = None
    fmt: str | None = None
    markdown: bool = False

    def accepts(self, text: str) -> bool:
        """Say whether this branch's keywords accept `text`."""
        if self.enum is not None or self.fmt is not None:
            return False  # enums, consts and formats are never free text
        if self.max_length is not None and len(text) > self.max_length:
            return False
        return len(text) >= self.min_length and all(re.search(p, text) for p in self.patterns)

    def why_not(self) -> str:
        """Why a payload may not go here (for the skipped-field report)."""
        name = self.refs[-1] if self.refs else "inline"
        if self.enum is not None:
            return f"enum/const {list(self.enum)}"
        if self.fmt is not None:
            return f"format {self.fmt} ({name})"
        if self.patterns:
            return f"pattern of {name} {self.patterns[0]!r} matches no payload"
        return f"maxLength {self.max_length}: no payload fits"


@dataclass(frozen=True)
class Field:
    """A string field of one file kind, with the payloads its schema accepts."""

    kind: str
    path: Pattern
    branches: tuple[Branch, ...]
    accepted: tuple[Payload, ...]

    @property
    def markdown(self) -> bool:
        """The schema says contentMediaType: text/markdown."""
        return any(b.markdown for b in self.branches)

    @property
    def free(self) -> bool:
        """A field is free text when at least one payload can go in without breaking the schema."""
        return bool(self.accepted)

    @property
    def skip(self) -> str:
        """Why no payload goes here."""
        return "; ".join(dict.fromkeys(b.why_not() for b in self.branches))

    def label(self) -> str:
        """kind:path, e.g. workflow:procedures[].steps[].what."""
        return f"{self.kind}:{'.'.join(self.path).replace('.[]', '[]')}"


class Schemas:
    """schemas/*.schema.json, with $ref resolved inside and across files."""

    def __init__(self, directory: Path) -> None:
        """Read every schema file of `directory`."""
        self.files = {
            p.name: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(directory.glob("*.schema.json"))
        }
        handbook = self.files["handbook.schema.json"]
        self.section_kinds: list[str] = handbook["properties"]["sections"]["items"]["properties"][
            "kind"
        ]["enum"]
        self.kinds = [*ROOT_FILES, *self.section_kinds]

    def root(self, kind: str) -> tuple[dict[str, Any], str]:
        """The schema of a file kind, and its file name."""
        name = f"{kind}.schema.json"
        return self.files[name], name

    def resolve(
        self, node: dict[str, Any], base: str
    ) -> tuple[list[dict[str, Any]], str, list[str]]:
        """Follow a $ref chain: every schema on it (all apply), the file it ends in, the defs met."""
        chain, refs = [node], []
        while "$ref" in chain[-1]:
            target, _, pointer = chain[-1]["$ref"].partition("#")
            base = target or base
            found: Any = self.files[base]
            for part in filter(None, pointer.split("/")):
                found = found[part]
            refs.append(pointer.rsplit("/", 1)[-1])
            chain.append(found)
        for part in list(chain):  # allOf parts apply as well
            for sub in part.get("allOf", []):
                more, base_sub, more_refs = self.resolve(sub, base)
                chain += more
                refs += more_refs
                base = base_sub if "$ref" in sub else base
        return chain, base, refs

    def object_properties(
        self, node: dict[str, Any], base: str
    ) -> tuple[dict[str, Any], set[str], str]:
        """The properties (schema, file) and required names of an object schema, $refs followed."""
        chain, base, _ = self.resolve(node, base)
        props: dict[str, Any] = {}
        required: set[str] = set()
        for part in chain:
            props.update(part.get("properties", {}))
            required |= set(part.get("required", []))
            # "at least one of these keys": what the first branch asks for is enough
            required |= set(next(iter(part.get("anyOf", [])), {}).get("required", []))
            for key in ("then", "else"):
                props.update(part.get(key, {}).get("properties", {}))
        return props, required, base

    def items(self, node: dict[str, Any], base: str) -> tuple[dict[str, Any] | None, str]:
        """The schema of an array's items, $refs followed."""
        chain, base, _ = self.resolve(node, base)
        for part in chain:
            if isinstance(part.get("items"), dict):
                return part["items"], base
        return None, base

    def shape(self, node: dict[str, Any], base: str) -> str:
        """object, array, string or other, after $refs."""
        chain, _, _ = self.resolve(node, base)
        types: set[str] = set()
        for part in chain:
            t = part.get("type")
            types |= set(t) if isinstance(t, list) else {t} if t else set()
            if "properties" in part:
                types.add("object")
            if "items" in part:
                types.add("array")
            if "enum" in part or "const" in part or "anyOf" in part or "oneOf" in part:
                types.add("string")
        for name in ("object", "array", "string"):
            if name in types:
                return name
        return "other"

    def _may_be_text(self, node: dict[str, Any], base: str) -> bool:
        """Whether a schema admits a string at all (no declared type excludes it)."""
        chain, _, _ = self.resolve(node, base)
        for part in chain:
            t = part.get("type")
            if t is not None and "string" not in (t if isinstance(t, list) else [t]):
                return False
        return True

    def branches(self, node: dict[str, Any], base: str, refs: tuple[str, ...] = ()) -> list[Branch]:
        """The ways a string at this schema may be valid; anyOf/oneOf give one branch each."""
        chain, base, more = self.resolve(node, base)
        refs = (*refs, *more)
        merged = Branch(refs)
        for part in chain:
            enum = part.get("enum", [part["const"]] if "const" in part else None)
            merged = Branch(
                refs,
                min(
                    (x for x in (merged.max_length, part.get("maxLength")) if x is not None),
                    default=None,
                ),
                max(merged.min_length, part.get("minLength", 0)),
                (*merged.patterns, *([part["pattern"]] if "pattern" in part else [])),
                tuple(enum) if enum is not None else merged.enum,
                part.get("format", merged.fmt),
                merged.markdown or part.get("contentMediaType") == "text/markdown",
            )
        alternatives = [
            sub for part in chain for sub in (*part.get("anyOf", []), *part.get("oneOf", []))
        ]
        if not alternatives:
            return [merged]
        out = []
        for sub in alternatives:
            if not self._may_be_text(sub, base):
                continue  # e.g. due: {before: 1h}, the mapping form beside a clock time
            for b in self.branches(sub, base, refs):
                out.append(
                    Branch(
                        b.refs,
                        min(
                            (x for x in (merged.max_length, b.max_length) if x is not None),
                            default=None,
                        ),
                        max(merged.min_length, b.min_length),
                        (*merged.patterns, *b.patterns),
                        b.enum if b.enum is not None else merged.enum,
                        b.fmt or merged.fmt,
                        merged.markdown or b.markdown,
                    )
                )
        return out

    def fields(self, kind: str, payloads: tuple[Payload, ...]) -> list[Field]:
        """Every string field of a file kind, in schema order."""
        out: list[Field] = []

        def walk(node: dict[str, Any], base: str, path: Pattern, seen: tuple[int, ...]) -> None:
            if id(node) in seen:  # a recursive schema: stop at the second visit
                return
            seen = (*seen, id(node))
            shape = self.shape(node, base)
            if shape == "object":
                props, _, inner = self.object_properties(node, base)
                for name, sub in props.items():
                    if not path and not usual(kind, name):
                        continue
                    walk(sub, inner, (*path, name), seen)
            elif shape == "array":
                sub, inner = self.items(node, base)
                if sub is not None:
                    walk(sub, inner, (*path, "[]"), seen)
            elif shape == "string":
                branches = tuple(self.branches(node, base))
                accepted = tuple(
                    p
                    for p in payloads
                    if any(b.accepts(p.text(9999)) for b in branches)  # the longest marker
                )
                out.append(Field(kind, path, branches, accepted))

        schema, base = self.root(kind)
        walk(schema, base, (), ())
        return out


def usual(kind: str, key: str) -> bool:
    """Whether a policy of `kind` is fuzzed with the top-level field `key`.

    Any policy may hold any part, and every part has one schema: each part is fuzzed in the kind
    that usually holds it, not six times over.
    """
    return key not in BY_KEY or key in KIND_PARTS.get(kind, (key,))


# --- the handbook writer -----------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One payload at one place: its number is its marker (alert(N), fzN)."""

    number: int
    payload: Payload
    file: str  # below policies/, e.g. "workflow/flow.yaml"
    path: Path_
    field: Field

    def where(self) -> str:
        """file and field path, e.g. workflow/flow.yaml procedures[0].title."""
        return f"{self.file} {dotted(self.path)}"

    def case(self) -> str:
        """The case as a failure names it: number, payload, place."""
        return f"#{self.number} {self.payload.id} @ {self.where()}"


def dotted(path: Path_) -> str:
    """A data path as written in YAML terms: a.b[0].c."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


@dataclass
class Registry:
    """Numbers every placement; maps a number back to its placement."""

    start: int = 1000
    placements: dict[int, Placement] = field(default_factory=dict)

    def place(self, payload: Payload, file: str, path: Path_, f: Field) -> Placement:
        """Give a payload at a place its number."""
        number = self.start + len(self.placements)
        placement = Placement(number, payload, file, path, f)
        self.placements[number] = placement
        return placement


SYNTH = {  # values for required non-text fields of objects the fuzzer adds
    "roleRef": "operator",
    "actorRef": "operator",
    "clauseNumber": "1",
    "amount": "待定",  # orders nothing, so fits any KPI direction
    "policyRef": "flow",
    "termRef": "gmv",
    "duration": "1h",
    "date": "2026-01-05",
    "timeOfDay": "10:00",
    "version": "1.0",
}


class Writer:
    """Fills a handbook's documents with payloads, field by field, and writes them as YAML."""

    def __init__(self, schemas: Schemas, payloads: tuple[Payload, ...], registry: Registry) -> None:
        """Build the field table of every file kind."""
        self.schemas = schemas
        self.payloads = payloads
        self.registry = registry
        self.fields = {
            (f.kind, f.path): f for kind in schemas.kinds for f in schemas.fields(kind, payloads)
        }
        self.ids = itertools.count(1)
        self.cursor: dict[tuple[str, Pattern], int] = {}

    # -- completing documents so every free-text field has an instance --

    def has_free_text(self, kind: str, path: Pattern) -> bool:
        """Whether a schema path holds, at or below it, a field a payload fits."""
        return any(
            f.free and f.path[: len(path)] == path for (k, _), f in self.fields.items() if k == kind
        )

    def complete(self, data: Any, kind: str) -> Any:
        """Add every optional part that holds free text; widen every audience to all editions."""
        schema, base = self.schemas.root(kind)
        return self._complete(data, schema, base, kind, ())

    def _complete(
        self, data: Any, node: dict[str, Any], base: str, kind: str, path: Pattern
    ) -> Any:
        """Walk data beside its schema, adding what `complete` adds."""
        shape = self.schemas.shape(node, base)
        if shape == "object" and isinstance(data, dict):
            props, _, inner = self.schemas.object_properties(node, base)
            for name, sub in props.items():
                if name == "audience":
                    data[name] = list(EDITIONS)
                elif name in data:
                    data[name] = self._complete(data[name], sub, inner, kind, (*path, name))
                elif not path and not usual(kind, name):
                    continue
                elif self.has_free_text(kind, (*path, name)):
                    data[name] = self._synth(sub, inner, kind, (*path, name))
        elif shape == "array" and isinstance(data, list):
            sub, inner = self.schemas.items(node, base)
            if sub is not None:
                data = [self._complete(x, sub, inner, kind, (*path, "[]")) for x in data]
        return data

    def _synth(self, node: dict[str, Any], base: str, kind: str, path: Pattern) -> Any:
        """A new value for an absent part: free text gets a placeholder, the rest valid defaults."""
        shape = self.schemas.shape(node, base)
        if shape == "object":
            props, required, inner = self.schemas.object_properties(node, base)
            out: dict[str, Any] = {}
            for name, sub in props.items():
                if name == "audience":
                    out[name] = list(EDITIONS)
                elif name in required or self.has_free_text(kind, (*path, name)):
                    out[name] = self._synth(sub, inner, kind, (*path, name))
            return out
        if shape == "array":
            sub, inner = self.schemas.items(node, base)
            assert sub is not None, path
            chain, _, _ = self.schemas.resolve(node, base)
            least = max([1, *(part.get("minItems", 1) for part in chain)])
            return [self._synth(sub, inner, kind, (*path, "[]")) for _ in range(least)]
        f = self.fields.get((kind, path))
        if f is not None and f.free:
            return "待填"
        chain, _, refs = self.schemas.resolve(node, base)
        for ref in reversed(refs):
            if ref in SYNTH:
                return SYNTH[ref]
        if path[-1] == "id" or "slug" in refs:
            return f"fz-{next(self.ids)}"
        for part in chain:
            if "enum" in part:
                return part["enum"][0]
            if part.get("type") in ("integer", "number"):
                return part.get("minimum", 1)
            if part.get("type") == "string" and "pattern" not in part and "format" not in part:
                return "待填"[: part.get("maxLength", 2)]  # a short text with no other rule
        raise AssertionError(f"the fuzzer cannot make up a value for {kind}:{path} ({refs})")

    # -- the instances of free-text fields in a document --

    def instances(self, data: Any, kind: str) -> Iterator[tuple[Path_, Field, bool]]:
        """(path, field, in_list) for every string value of a free-text field; lists come whole."""
        yield from self._instances(data, kind, (), ())

    def _instances(
        self, data: Any, kind: str, path: Path_, pattern: Pattern
    ) -> Iterator[tuple[Path_, Field, bool]]:
        """Walk data beside the field table, yielding plain-text values and lists."""
        if isinstance(data, dict):
            for key, value in data.items():
                yield from self._instances(value, kind, (*path, key), (*pattern, key))
        elif isinstance(data, list):
            f = self.fields.get((kind, (*pattern, "[]")))
            if f is not None and f.free and all(isinstance(x, str) for x in data):
                yield path, f, True
                return
            for i, value in enumerate(data):
                yield from self._instances(value, kind, (*path, i), (*pattern, "[]"))
        elif isinstance(data, str):
            f = self.fields.get((kind, pattern))
            if f is not None and f.free and not f.markdown:
                yield path, f, False

    # -- putting payloads in --

    def batch(self, f: Field, file: str, path: Path_) -> tuple[str, list[Placement]]:
        """The next payloads (in rotation for this field) that fit one value, joined by ' ¦ '."""
        key = (f.kind, f.path)
        accepted = f.accepted
        start = self.cursor.setdefault(key, (len(self.cursor) * 7) % len(accepted))
        texts: list[str] = []
        placed: list[Placement] = []
        for step in range(len(accepted)):
            payload = accepted[(start + step) % len(accepted)]
            number = self.registry.start + len(self.registry.placements)
            text = payload.text(number)
            joined = " ¦ ".join([*texts, text])
            if not any(b.accepts(joined) for b in f.branches):
                if texts:
                    break
                continue  # this one does not fit alone: try the next
            texts.append(text)
            placed.append(self.registry.place(payload, file, path, f))
        self.cursor[key] = (start + max(len(placed), 1)) % len(accepted)
        return " ¦ ".join(texts), placed

    def fill_plain(self, data: Any, kind: str, file: str) -> list[list[Placement]]:
        """Put payloads in every plain-text value; lists of texts get one payload per item, appended."""
        groups: list[list[Placement]] = []
        for path, f, in_list in list(self.instances(data, kind)):
            parent = at(data, path[:-1])
            if in_list:
                items = [x for x in parent[path[-1]] if x != "待填"]
                for payload in f.accepted:
                    number = self.registry.start + len(self.registry.placements)
                    if any(b.accepts(payload.text(number)) for b in f.branches):
                        item = (*path, len(items))
                        items.append(payload.text(number))
                        groups.append([self.registry.place(payload, file, item, f)])
                parent[path[-1]] = items
            else:
                text, placed = self.batch(f, file, path)
                if placed:
                    parent[path[-1]] = text
                    groups.append(placed)
        return groups

    def put(
        self, data: Any, file: str, path: Path_, payload: Payload, f: Field, prefix: str = ""
    ) -> Placement:
        """Put one payload in one (Markdown) value."""
        placement = self.registry.place(payload, file, path, f)
        at(data, path[:-1])[path[-1]] = prefix + payload.text(placement.number)
        return placement

    def markdown_fields(self, kind: str) -> list[Field]:
        """The Markdown fields of a file kind that payloads fit."""
        return [f for (k, _), f in self.fields.items() if k == kind and f.markdown and f.free]


def at(data: Any, path: Path_) -> Any:
    """The value at a path of nested dicts and lists."""
    for part in path:
        data = data[part]
    return data


# --- YAML out, positions back ------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper with literal blocks for Markdown."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line strings as literal blocks (tabs force a quoted scalar)."""
    style = "|" if "\n" in value and "\t" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    """YAML text for a document: block style, Markdown as literal blocks, Chinese as is."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=10**6,
        default_flow_style=False,
    )


def spans(text: str, paths: list[Path_]) -> dict[Path_, tuple[tuple[int, int], tuple[int, int]]]:
    """The 1-based (line, column) start and end of the value at each path of a YAML text."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    out = {}
    for path in paths:
        node = root
        for part in path:
            if isinstance(node, yaml.MappingNode):
                node = next(v for k, v in node.value if k.value == part)
            else:
                node = node.value[part]
        out[path] = (
            (node.start_mark.line + 1, node.start_mark.column + 1),
            (node.end_mark.line + 1, node.end_mark.column + 1),
        )
    return out


def load(path: Path) -> Any:
    """A fixture file's data."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))
