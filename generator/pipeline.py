"""The pipeline: find files -> parse -> schema-check -> build the model -> cross-file rules."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import parts, paths, prose
from .errors import Diagnostic, SetupError, Severity, has_errors, sort_diagnostics
from .loader import Document, document_from_bytes, read_bytes
from .model import (
    Glossary,
    Handbook,
    Organisation,
    Policy,
    Ref,
    Settings,
    build,
)
from .paths import inside, outside, source_problem
from .rules import Built, Context, Phase, collect_ids, run
from .schemas import ROOT_FILES, SECTION_KINDS, SchemaSet, load_schemas
from .validate import Misfit, field_index, schema_diagnostics, values_at

# Parsed and schema-checked files by (path, content hash, kind, schemas): `mkdocs serve` rebuilds
# parse and validate only the files whose bytes changed (a hash, unlike a modification time, cannot
# miss an edit saved twice within the clock's resolution). Cached documents are never modified.
_CACHE: dict[tuple, tuple[Document, list[Diagnostic], list[Diagnostic], list[Misfit]]] = {}


@dataclass
class Result:
    """What loading a handbook produced: the model (when the root files are sound) and diagnostics."""

    handbook: Handbook | None
    diagnostics: list[Diagnostic]
    documents: list[Document] = field(default_factory=list)
    files: int = 0
    schemas: SchemaSet | None = None
    refs: list[Ref] = field(default_factory=list)  # every reference, with the document it is in
    # seconds per stage: load (read and parse), schema, model, rules
    timings: dict[str, float] = field(default_factory=dict)
    # for the clients' files, checked against this handbook (clients.py): the rules' state
    # (every id defined) and the built handbook with its documents
    context: Context | None = None
    built: Built | None = None

    @property
    def ok(self) -> bool:
        return self.handbook is not None and not has_errors(self.diagnostics)


class _Clock:
    """Seconds spent in each stage, for `handbook validate --timings` and the benchmark."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self.last
        self.last = now

    def move(self, source: str, target: str, seconds: float) -> None:
        """Count `seconds` of the `source` stage as `target` (time measured inside it)."""
        self.laps[source] -= seconds
        self.laps[target] = self.laps.get(target, 0.0) + seconds


def today_from_env() -> dt.date:
    """Return today's date, or HANDBOOK_TODAY (YYYY-MM-DD) when set, for reproducible runs."""
    value = os.environ.get("HANDBOOK_TODAY")
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SetupError(f"环境变量 HANDBOOK_TODAY={value!r} 不是 YYYY-MM-DD 格式的日期") from None


def display_path(path: Path) -> Path:
    """Show a path relative to the working directory when it lies below it."""
    if not path.is_absolute():
        return path
    try:
        return path.relative_to(_cwd())
    except ValueError:
        return path


def _cwd() -> Path:
    return Path(os.getcwd())


def load_handbook(
    policies: Path,
    schemas_dir: Path | None = None,
    today: dt.date | None = None,
    *,
    cache: bool = False,
) -> Result:
    """Load, validate and model the handbook under `policies`; never raise on bad content.

    With `cache`, parsed and schema-checked files are kept for the next call (the live preview
    loads the same handbook again after every edit); one-off runs leave it off and keep no
    document alive longer than they need it.
    """
    policies = Path(policies)
    if not policies.is_dir():
        raise SetupError(
            f"找不到政策文件夹 {policies}(应包含 handbook.yaml、roles.yaml 和各部分的文件夹)"
        )
    # The repository is the folder that holds policies/, as named: never where a link lands.
    repo = policies.absolute().parent
    paths.check_folder(policies, repo, "政策文件夹")
    if schemas_dir is None:  # given on the command line, a schema folder is the user's choice
        schemas_dir = repo / "schemas"
        paths.check_folder(schemas_dir, repo, "schema 文件夹")
    schemas = load_schemas(schemas_dir)
    # Loading makes millions of long-lived objects and no garbage cycles; Python's cyclic
    # collector would rescan them all, again and again (at 10,000 policies it more than doubled
    # the time spent building the model). It is switched off while loading.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return Pipeline(policies, schemas, today or today_from_env(), cache).run()
    finally:
        if collecting:
            gc.enable()


class Pipeline:
    """One run of the pipeline over one handbook: read, schema-check, build, apply the rules."""

    def __init__(self, root: Path, schemas: SchemaSet, today: dt.date, cache: bool) -> None:
        self.root = root
        self.cache = cache
        self.repo = root.absolute().parent.resolve()
        self.repo_abs = os.path.dirname(os.path.abspath(root))
        self.schemas = schemas
        self.today = today
        self.diagnostics: list[Diagnostic] = []
        self.documents: list[Document] = []
        self.valid: dict[str, Document] = {}  # kind or relative path -> schema-valid document
        self.built_docs: list[Document] = []  # the document of each built policy, in order
        self.misfits: list[Misfit] = []  # texts refused for their shape, for rules/names.py
        self.schema_seconds = 0.0
        self.prefetch: prose.Prefetch | None = None

    def run(self) -> Result:
        clock = _Clock()
        roots = {kind: self.read(self.root / name, kind) for name, kind in ROOT_FILES.items()}
        sections = self.section_kinds(roots["handbook"])
        # A big handbook in a one-off run (no threads: the preview has some) renders its
        # Markdown fields on the other cores while this one reads the files.
        if not self.cache and _count_files(self.root, sections) >= PREFETCH_FROM:
            self.prefetch = prose.Prefetch.start()
        policy_docs = list(self.policy_documents(sections))
        clock.lap("load")
        clock.move("load", "schema", self.schema_seconds)  # checked file by file while loading
        rules = Context(self.today, self.schemas, sections)
        collect_ids(rules, roots, policy_docs, self.valid)
        # A name written for an id (合规专员 for compliance-officer) is told its id, instead of
        # the schema's words on the id's shape: the value is reported once.
        explained = {id(m.diagnostic) for m in run(rules, Phase.MISFIT, self.misfits)}
        if explained:
            self.diagnostics = [d for d in self.diagnostics if id(d) not in explained]
        refs: list[Ref] = []
        settings = self.model(Settings, roots["handbook"], "handbook", refs)
        organisation = self.model(Organisation, roots["roles"], "roles", refs)
        glossary = self.model(Glossary, roots["glossary"], "glossary", refs)
        policies = []
        for doc, folder in policy_docs:
            if doc.data is None or str(doc.path) not in self.valid:
                continue
            before = len(refs)
            policy = build(Policy, doc.data, doc, refs)
            policy = self.finish(policy, doc, refs[before:], rules.index.ids.get("role") or {})
            run(rules, Phase.POLICY, policy, doc, folder)
            policies.append(policy)
            self.built_docs.append(doc)
        clock.lap("model")
        run(rules, Phase.REFS, refs)
        fields = [
            (doc, path, text)
            for doc in self.documents
            if self.valid.get(str(doc.path)) is doc
            for path, text in self.markdown_fields(doc)
        ]
        if self.prefetch is not None:
            self.prefetch.finish()
        for doc, path, text in fields:
            refs.extend(run(rules, Phase.FIELD, doc, path, text))  # a field's links are references
        handbook = built = None
        if settings and organisation and glossary:
            order = {s.id: i for i, s in enumerate(settings.sections)}
            pairs = sorted(
                zip(policies, self.built_docs, strict=True),
                key=lambda pair: (order.get(pair[0].section, len(order)), *pair[0].place),
            )
            policies = [p for p, _ in pairs]
            self.built_docs = [d for _, d in pairs]
            handbook = Handbook(settings, organisation, glossary, tuple(policies))
            docs = {p.id: d for p, d in zip(policies, self.built_docs, strict=True)}
            built = Built(handbook, docs, roots, refs)
            run(rules, Phase.HANDBOOK, built)
            if not has_errors(self.diagnostics):  # files and schemas sound: editions can be cut
                run(rules, Phase.SOUND, built)
        diagnostics = sort_diagnostics([*self.diagnostics, *rules.out])
        clock.lap("rules")
        return Result(
            handbook,
            diagnostics,
            self.documents,
            len(self.documents),
            self.schemas,
            refs,
            clock.laps,
            rules,
            built,
        )

    # --- files ----------------------------------------------------------------------------------

    def read(self, path: Path, kind: str) -> Document:
        shown = display_path(path)
        # Before anything opens it: a link out of the repository would publish that file, and
        # opening a FIFO blocks. A plain regular file needs no more (one lstat, not a resolve()
        # per file at 10,000 policies): its folder was checked in policy_documents.
        try:
            plain = stat.S_ISREG(os.lstat(path).st_mode)
        except OSError:
            plain = False
        problem = None if plain else source_problem(path, self.repo)
        if problem:
            doc = Document(shown, "")
            self.documents.append(doc)
            self.error(shown, *problem)
            return doc
        if not path.is_file():
            doc = Document(shown, "")
            self.error(shown, "missing-file", f"缺少文件 {shown}。每本手册都需要这个文件。")
            return doc
        raw, unreadable = read_bytes(path, shown)
        if raw is None:
            doc = Document(shown, "")
            self.documents.append(doc)
            self.diagnostics.extend(unreadable)
            return doc
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        key = (os.path.abspath(path), str(shown), digest, kind, id(self.schemas))
        cached = _CACHE.get(key) if self.cache else None
        if cached is None:
            doc, problems = document_from_bytes(raw, shown)
            started = time.perf_counter()
            misfits: list[Misfit] = []
            found = (
                schema_diagnostics(doc, kind, self.schemas, misfits) if doc.data is not None else []
            )
            self.schema_seconds += time.perf_counter() - started
            cached = (doc, problems, found, misfits)
            if self.cache:
                if len(_CACHE) > 50_000:
                    _CACHE.clear()
                _CACHE[key] = cached
        doc, problems, found, misfits = cached
        self.documents.append(doc)
        self.diagnostics.extend(problems)
        if doc.data is not None:
            self.diagnostics.extend(found)
            self.misfits.extend(misfits)
            if not found:
                self.valid[str(doc.path)] = doc
                if kind in ROOT_FILES.values():
                    self.valid[kind] = doc
                elif self.prefetch is not None:
                    self.prefetch.submit([text for _, text in self.markdown_fields(doc, kind)])
        return doc

    def error(
        self, path: Path, code: str, message: str, severity: Severity = Severity.ERROR
    ) -> None:
        self.diagnostics.append(Diagnostic(path, 1, 1, severity, code, message))

    def section_kinds(self, settings: Document) -> dict[str, str]:
        if "handbook" in self.valid:
            return {s["id"]: s["kind"] for s in settings.data["sections"]}
        # Without a sound handbook.yaml, a folder named like a kind is still checked as that kind.
        return {kind: kind for kind in SECTION_KINDS}

    def policy_documents(self, sections: dict[str, str]) -> Iterator[tuple[Document, str]]:
        for entry in sorted(self.root.iterdir()):
            shown = display_path(entry)
            if entry.name.startswith(".") or entry.name == CLIENTS:
                continue  # clients' profiles and overlays are read by clients.py
            if entry.is_symlink() and entry.is_dir() and not inside(entry, self.repo):
                self.error(shown, *outside(entry))  # one error for the folder, not one per file
                continue
            if not entry.is_dir():
                if entry.suffix in (".yaml", ".yml") and entry.name not in ROOT_FILES:
                    self.error(
                        shown,
                        "misplaced-file",
                        f"{shown} 不在任何部分的文件夹中。政策文件要放在 policies/<部分>/ 下,"
                        "例如 policies/workflow/。",
                    )
                continue
            kind = sections.get(entry.name)
            for path in sorted(entry.rglob("*")):
                if path.name.startswith(".") or path.is_dir():
                    continue
                shown = display_path(path)
                if path.parent != entry:
                    self.error(
                        shown,
                        "misplaced-file",
                        f"{shown} 在子文件夹中。政策文件必须直接放在 {display_path(entry)}/ 下。",
                    )
                elif path.suffix == ".yml":
                    self.error(shown, "wrong-extension", f"{shown} 的扩展名是 .yml,请改为 .yaml。")
                elif path.suffix != ".yaml":
                    continue
                elif kind is None:
                    known = "、".join(sections) or "(无)"
                    self.error(
                        shown,
                        "unknown-section",
                        f"文件夹 {entry.name}/ 不是 handbook.yaml 中定义的部分(已定义:{known})。"
                        "请把文件移到已有部分的文件夹,或在 handbook.yaml 的 sections 中添加这个部分。",
                    )
                else:
                    yield self.read(path, kind), entry.name

    # --- model ----------------------------------------------------------------------------------

    def model(self, cls: type, doc: Document, kind: str, refs: list[Ref]) -> Any:
        if self.valid.get(kind) is not doc:
            return None
        return build(cls, doc.data, doc, refs)

    def finish(
        self, policy: Policy, doc: Document, refs: list[Ref], roles: dict[str, Any]
    ) -> Policy:
        """Add what the loader knows: the source file and every role the policy names.

        A recipient or a step's actor may be an outside party; those are not roles.
        """
        people = frozenset(
            r.target
            for r in refs
            if r.kind in ("role", "recipient", "actor") and (r.target in roles or r.kind == "role")
        )
        # abspath, not resolve(): no system call per path component, a thousand times over
        source = Path(os.path.relpath(os.path.abspath(doc.path), self.repo_abs))
        policy = dataclasses.replace(policy, source=source, participants=people)
        parts.point_back(policy)
        return policy

    def markdown_fields(
        self, doc: Document, kind: str | None = None
    ) -> Iterator[tuple[tuple, str]]:
        """Every Markdown field of a document (the schemas mark them), with its path."""
        for pattern in _markdown_patterns(self.schemas, kind or self.kind_of(doc)):
            for path, text in values_at(doc.data, pattern):
                if isinstance(text, str):
                    yield path, text

    def kind_of(self, doc: Document) -> str:
        for kind in ROOT_FILES.values():
            if self.valid.get(kind) is doc:
                return kind
        settings = self.valid.get("handbook")
        folder = Path(doc.path).parent.name
        if settings is not None:
            return {s["id"]: s["kind"] for s in settings.data["sections"]}[folder]
        return folder


@lru_cache(maxsize=64)
def _markdown_patterns(schemas: SchemaSet, kind: str) -> tuple[tuple[str, ...], ...]:
    """Where a kind of document holds Markdown (contentMediaType text/markdown in its schema)."""
    return tuple(
        pattern
        for pattern, notes in field_index(schemas, kind).items()
        if notes.get("schema", {}).get("contentMediaType") == "text/markdown"
    )


CLIENTS = "clients"  # policies/clients/<id>/: one folder per client (clients.py)
PREFETCH_FROM = 500  # policy files; below this, forking workers costs more than it saves


def _count_files(root: Path, sections: dict[str, str]) -> int:
    """About how many policy files there are (a directory listing per section, nothing read)."""
    total = 0
    for name in sections:
        with contextlib.suppress(OSError):
            total += sum(1 for entry in os.scandir(root / name) if entry.name.endswith(".yaml"))
    return total
