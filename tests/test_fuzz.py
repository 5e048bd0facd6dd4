"""Schema-driven fuzzing: a payload in every free-text field, validated, built and driven in chromium.

The schemas say which fields are free text (tests/fuzz_schema.py); tests/fuzz_payloads.py holds
the attack shapes. Each payload placed gets a number N (alert(N), fzN), so a dialog, an attribute,
a request or a search-index entry names its case: payload, file and field.

1. Probe: one validate run holds every payload in every free-text field of every policy kind,
   roles.yaml and glossary.yaml (Markdown one payload per value, in extra policies and statements;
   plain text several per value, lists one per item); handbook.yaml's three introductions take
   three payloads per run, so a few more small runs cover it. A refusal must name file:line:column
   inside the refused value (exit 1, no traceback).
2. Build: what validated goes into one handbook, built once per edition (everything visible in
   every edition), the three builds in parallel.
3. Browser: every page and SVG of each edition in chromium; hover every element with a title,
   click every content link; no dialog, no javascript:/vbscript:/data: URL, no on* attribute, no
   live markup from a payload, no request to another host. The search index holds no live markup.
"""

from __future__ import annotations

import contextlib
import copy
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import BUILD_ENV, MINIMAL, REPO, SCHEMAS, TODAY, serve
from fuzz_payloads import PAYLOADS, Payload, marker_numbers
from fuzz_schema import (
    EDITIONS,
    ROOT_FILES,
    Field,
    Path_,
    Placement,
    Registry,
    Schemas,
    Writer,
    at,
    dump,
    load,
    spans,
)
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# Policy bodies start with the glossary's words, so every policy page also shows term tooltips.
BODY_PREFIX = "巡检看 GMV 和 DSR。\n\n"
ENV = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
DIAGNOSTIC = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.*)$"
)
Span = tuple[tuple[int, int], tuple[int, int]]


# --- the documents --------------------------------------------------------------------------------


@dataclass
class Doc:
    """One YAML file of a generated handbook."""

    file: str  # below policies/
    kind: str
    data: Any


def fixture_docs(schemas: Schemas) -> list[Doc]:
    """The minimal valid handbook the other tests use, as data."""
    handbook = load(MINIMAL / "handbook.yaml")
    kinds = {s["id"]: s["kind"] for s in handbook["sections"]}
    docs = [Doc(name, kind, load(MINIMAL / name)) for kind, name in ROOT_FILES.items()]
    for path in sorted(MINIMAL.glob("*/*.yaml")):
        docs.append(Doc(path.relative_to(MINIMAL).as_posix(), kinds[path.parent.name], load(path)))
    assert {d.kind for d in docs} == set(schemas.kinds), "the fixture must hold every file kind"
    return docs


@dataclass
class Written:
    """A generated handbook on disk: where each payload-holding value sits in its file."""

    root: Path
    values: dict[tuple[str, Path_], list[Placement]]
    spans: dict[tuple[str, Path_], Span]

    def at(self, file: str, line: int, column: int) -> list[tuple[str, Path_]]:
        """The payload-holding values of `file` whose text covers line:column."""
        return [
            key
            for key, ((l1, c1), (l2, c2)) in self.spans.items()
            if key[0] == file and (l1, c1) <= (line, column) <= (l2, c2)
        ]


def write(root: Path, docs: list[Doc], placements: list[Placement], *, site: bool) -> Written:
    """Write the documents under root/policies (with schemas, and for a build mkdocs.yml and docs/)."""
    shutil.copytree(SCHEMAS, root / "schemas")
    if site:
        shutil.copy(REPO / "mkdocs.yml", root)
        shutil.copytree(REPO / "docs", root / "docs")
    values: dict[tuple[str, Path_], list[Placement]] = defaultdict(list)
    for p in placements:
        values[(p.file, p.path)].append(p)
    located: dict[tuple[str, Path_], Span] = {}
    for doc in docs:
        text = dump(doc.data)
        target = root / "policies" / doc.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        paths = [path for file, path in values if file == doc.file]
        located.update({(doc.file, path): span for path, span in spans(text, paths).items()})
    return Written(root, dict(values), located)


# --- validation -------------------------------------------------------------------------------------


@dataclass
class Diagnostic:
    """One line of `handbook validate`: file:line:column: severity: message."""

    file: str  # below policies/
    line: int
    column: int
    severity: str
    message: str


@dataclass
class Validation:
    """What one `handbook validate` run said."""

    code: int
    output: str
    diagnostics: list[Diagnostic]
    unparsed: list[str]  # lines that look like errors but carry no file:line:column


def validate(root: Path) -> Validation:
    """Run `handbook validate` in a generated handbook, as a contributor would."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--today", TODAY.isoformat()],
        cwd=root,
        env=ENV,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    diagnostics, unparsed = [], []
    for line in proc.stdout.splitlines():
        m = DIAGNOSTIC.match(line)
        if m:
            file = m["file"].removeprefix("policies/")
            diagnostics.append(Diagnostic(file, int(m["line"]), int(m["col"]), m["sev"], m["msg"]))
        elif "error" in line.lower() or ("错误" in line and "个错误" not in line):
            unparsed.append(line)
    return Validation(proc.returncode, proc.stdout + proc.stderr, diagnostics, unparsed)


# --- the fuzzer ---------------------------------------------------------------------------------------


@dataclass
class Finding:
    """Something wrong, seen in validation, a build, a page or the search index."""

    where: str  # e.g. "validate", "staff /workflow/flow/"
    what: str
    numbers: tuple[int, ...] = ()


class Fuzz:
    """The generated handbooks, what validation said about each payload, and the built sites."""

    def __init__(self, tmp: Path) -> None:
        """Read the schemas and the fixture; put plain-text payloads in every field."""
        self.tmp = tmp
        self.schemas = Schemas(SCHEMAS)
        self.registry = Registry()
        self.writer = Writer(self.schemas, PAYLOADS, self.registry)
        self.fields: list[Field] = list(self.writer.fields.values())
        self.findings: list[Finding] = []
        self.refused: dict[int, str] = {}  # placement number -> the error that refused it
        self.validates: dict[tuple[str, tuple[str, ...], str], bool] = {}  # field, payload -> ok
        self.sites: dict[str, Path] = {}
        self.timings: dict[str, float] = {}
        self.notes: list[str] = []
        self.fixture = {d.file: d for d in fixture_docs(self.schemas)}
        # Every optional part that holds free text is added; every audience is every edition.
        self.filled = [Doc(d.file, d.kind, copy.deepcopy(d.data)) for d in self.fixture.values()]
        for doc in self.filled:
            self.writer.complete(doc.data, doc.kind)
            if doc.kind == "glossary":  # a plain word beside the payloads, so tooltips appear
                for term in doc.data["terms"]:
                    benign = term["id"].upper()
                    aliases = term.setdefault("aliases", [])
                    if benign not in aliases:
                        aliases.insert(0, benign)
        self.plain: list[Placement] = []
        for doc in self.filled:
            for group in self.writer.fill_plain(doc.data, doc.kind, doc.file):
                self.plain += group
        pairs = {(p.field.kind, p.field.path, p.payload.id) for p in self.plain}
        plain = [f for f in self.fields if f.free and not f.markdown]
        counts = [sum(k[:2] == (f.kind, f.path) for k in pairs) for f in plain]
        self.notes.append(
            f"plain text: {len(pairs)} of {sum(len(f.accepted) for f in plain)} (payload, field) "
            f"pairs placed, at least {min(counts)} payloads in each of {len(plain)} fields; "
            f"{sum(c < len(f.accepted) for c, f in zip(counts, plain, strict=True))} fields hold "
            "fewer than all that fit them (their values are few and short: payloads rotate)"
        )

    # -- helpers --

    def case(self, number: int) -> str:
        """The case a marker number names."""
        placement = self.registry.placements.get(number)
        return placement.case() if placement else f"#{number} (not a placement)"

    def markdown_fields(self, kind: str) -> list[Field]:
        """The Markdown fields of a file kind that payloads fit."""
        return self.writer.markdown_fields(kind)

    def slots(self, doc: Doc, f: Field, count: int) -> list[Path_]:
        """`count` values of a Markdown field in a document, adding list items (benign copies)."""
        if "[]" not in f.path:
            return [tuple(f.path)]
        last = len(f.path) - 1 - f.path[::-1].index("[]")
        head: Path_ = tuple(0 if p == "[]" else p for p in f.path[:last])
        tail: Path_ = tuple(0 if p == "[]" else p for p in f.path[last + 1 :])
        items = at(doc.data, head)
        benign = items[0]  # the fixture's own item where it has one, else the synthesised one
        if doc.file in self.fixture:
            with contextlib.suppress(KeyError, IndexError, TypeError):
                benign = at(self.fixture[doc.file].data, head)[0]
        while len(items) < count:
            twin = copy.deepcopy(benign)
            if isinstance(twin, dict) and "number" in twin:  # a clause number is unique per policy
                twin["number"] = f"9.{len(items)}"
            items.append(twin)
        return [(*head, i, *tail) for i in range(count)]

    def carrier(self, base: Doc, index: int, field: str) -> Doc:
        """A small extra policy of the same kind (required fields only) to hold one more value.

        Named after the field too: each top-level Markdown field (body, purpose) has carriers.
        """
        schema, name = self.schemas.root(base.kind)
        _, required, _ = self.schemas.object_properties(schema, name)
        source = self.fixture[base.file].data
        data = {k: copy.deepcopy(v) for k, v in source.items() if k in required}
        data["id"] = f"{source['id']}-{field.replace('_', '-')}{index}"
        data["title"] = f"{source['title']} {index}"
        data["audience"] = list(EDITIONS)
        folder = base.file.rsplit("/", 1)[0]
        return Doc(f"{folder}/{data['id']}.yaml", base.kind, data)

    # -- 1. the probe: what validation says about each payload in each field --

    def probe(self) -> None:
        """Validate every payload in every free-text field; record what was refused."""
        started = time.perf_counter()
        docs = [Doc(d.file, d.kind, copy.deepcopy(d.data)) for d in self.filled]
        markdown: list[Placement] = []
        extra: list[Doc] = []
        for doc in list(docs):
            if doc.kind in ROOT_FILES:
                continue
            for f in self.markdown_fields(doc.kind):
                if "[]" in f.path:  # Markdown inside a list: one item per payload
                    for path, payload in zip(
                        self.slots(doc, f, len(f.accepted)), f.accepted, strict=True
                    ):
                        markdown.append(self.writer.put(doc.data, doc.file, path, payload, f))
                    continue
                for i, payload in enumerate(f.accepted):  # one policy per payload
                    holder = doc if i == 0 else self.carrier(doc, i, f.path[0])
                    if i:
                        extra.append(holder)
                    prefix = BODY_PREFIX if f.path == ("body",) else ""
                    markdown.append(
                        self.writer.put(holder.data, holder.file, f.path, payload, f, prefix)
                    )
        docs += extra
        roots = [self.tmp / "probe"]
        written = [write(roots[0], docs, self.plain + markdown, site=False)]
        # handbook.yaml: three Markdown values per handbook; the rest of that handbook is the fixture
        intro_fields = self.markdown_fields("handbook")
        longest = max((len(f.accepted) for f in intro_fields), default=0)
        # run r gives field j the payload r * fields + j: every payload once, each field a third
        runs = [
            [
                (f, f.accepted[k])
                for j, f in enumerate(intro_fields)
                if (k := r * len(intro_fields) + j) < len(f.accepted)
            ]
            for r in range(-(-longest // max(len(intro_fields), 1)))
        ]
        for r, batch in enumerate(runs):
            root = self.tmp / f"probe-intro-{r}"
            intro_docs = [Doc(d.file, d.kind, copy.deepcopy(d.data)) for d in self.fixture.values()]
            handbook = next(d for d in intro_docs if d.kind == "handbook")
            self.writer.complete(handbook.data, "handbook")
            placed = [
                self.writer.put(handbook.data, handbook.file, f.path, payload, f)
                for f, payload in batch
            ]
            markdown += placed
            roots.append(root)
            written.append(write(root, intro_docs, placed, site=False))
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(validate, roots))
        for w, result in zip(written, results, strict=True):
            self.judge(w, result)
        for p in markdown:
            key = (p.field.kind, p.field.path, p.payload.id)
            self.validates[key] = self.validates.get(key, True) and p.number not in self.refused
        self.timings["probe"] = time.perf_counter() - started
        verdicts: dict[str, set[bool]] = defaultdict(set)
        for (_, _, payload), ok in self.validates.items():
            verdicts[payload].add(ok)
        self.notes.append(
            "Markdown payloads refused everywhere: "
            + ", ".join(p for p, v in verdicts.items() if v == {False})
        )
        self.notes.append(
            "Markdown payloads that validated (somewhere): "
            + ", ".join(p for p, v in verdicts.items() if True in v)
        )
        self.notes.append(
            f"probe: {len(roots)} validate runs, {len(self.plain)} plain-text and "
            f"{len(markdown)} Markdown placements, {len(self.refused)} refused"
        )

    def judge(self, w: Written, result: Validation) -> None:
        """Every refusal must sit inside a payload's value, with file:line:column; no crash."""
        where = f"validate {w.root.name}"
        errors = [d for d in result.diagnostics if d.severity == "error"]
        if result.code not in (0, 1) or "Traceback" in result.output:
            self.findings.append(
                Finding(where, f"exit {result.code} or a traceback:\n{result.output[-3000:]}")
            )
        elif result.code != (1 if errors else 0):
            self.findings.append(
                Finding(where, f"exit {result.code} with {len(errors)} positioned errors")
            )
        for line in result.unparsed:
            self.findings.append(Finding(where, f"a refusal without file:line:column: {line}"))
        for d in errors:
            keys = w.at(d.file, d.line, d.column)
            if not keys:
                self.findings.append(
                    Finding(
                        where,
                        f"an error outside every payload: {d.file}:{d.line}:{d.column}: {d.message}",
                    )
                )
            for key in keys:
                for p in w.values[key]:
                    self.refused.setdefault(p.number, f"{d.file}:{d.line}:{d.column}: {d.message}")

    # -- 2. the build: every payload that validated, in one handbook, built per edition --

    def build(self) -> None:
        """Build the payloads that validated into one handbook, once per edition."""
        started = time.perf_counter()
        docs = [Doc(d.file, d.kind, copy.deepcopy(d.data)) for d in self.filled]
        by_file = {d.file: d for d in docs}
        placements = [p for p in self.plain if p.number not in self.refused]
        for p in self.plain:  # a refused plain value is replaced, the rest of the file stays
            if p.number in self.refused:
                at(by_file[p.file].data, p.path[:-1])[p.path[-1]] = f"已移除{p.number}"
        policies = [d for d in docs if d.kind not in ROOT_FILES]
        kinds = [d.kind for d in policies]
        bodies: dict[str, list[Payload]] = defaultdict(list)
        for i, payload in enumerate(PAYLOADS):  # each body payload once, spread over the kinds
            for step in range(len(kinds)):
                kind = kinds[(i + step) % len(kinds)]
                if self.validates.get((kind, ("body",), payload.id)):
                    bodies[kind].append(payload)
                    break
        for doc in policies:
            for f in self.markdown_fields(doc.kind):
                ok = [p for p in f.accepted if self.validates.get((f.kind, f.path, p.id))]
                if "[]" in f.path:
                    for path, payload in zip(self.slots(doc, f, len(ok)), ok, strict=True):
                        placements.append(self.writer.put(doc.data, doc.file, path, payload, f))
                    continue
                ok = bodies[doc.kind] if f.path == ("body",) else ok[:1]
                for i, payload in enumerate(ok):
                    holder = doc if i == 0 else self.carrier(doc, i, f.path[0])
                    if i:
                        docs.append(holder)
                    prefix = BODY_PREFIX if f.path == ("body",) else ""
                    placements.append(
                        self.writer.put(holder.data, holder.file, f.path, payload, f, prefix)
                    )
        handbook = by_file["handbook.yaml"]
        used: set[str] = set()
        for f in self.markdown_fields("handbook"):  # one payload per introduction: in rotation
            ok = [p for p in f.accepted if self.validates.get((f.kind, f.path, p.id))]
            fresh = [p for p in ok if p.id not in used] or ok
            if fresh:
                used.add(fresh[0].id)
                placements.append(
                    self.writer.put(handbook.data, handbook.file, f.path, fresh[0], f)
                )
        root = self.tmp / "build"
        write(root, docs, placements, site=True)
        procs = {
            edition: subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "generator",
                    "build",
                    "--edition",
                    edition,
                    "--site-dir",
                    f"site-{edition}",
                ],
                cwd=root,
                env={**BUILD_ENV, **ENV, "HANDBOOK_TODAY": TODAY.isoformat()},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
            )
            for edition in EDITIONS
        }
        for edition, proc in procs.items():
            out, _ = proc.communicate(timeout=600)
            if proc.returncode == 0:
                self.sites[edition] = root / f"site-{edition}"
            else:
                self.findings.append(
                    Finding(
                        f"build {edition}",
                        f"a handbook that validated did not build:\n{out[-4000:]}",
                    )
                )
        self.timings["build"] = time.perf_counter() - started
        self.notes.append(
            f"build: {len(docs)} files, {len(placements)} placements "
            f"({len(placements) - len([p for p in placements if not p.field.markdown])} Markdown)"
        )


# --- the browser ------------------------------------------------------------------------------------

# Runs in every page and SVG before its own scripts: records every element and attribute that ever
# appears (tooltips come and go), and lets a click on a link run only javascript: (nothing else
# navigates, so one page serves all its clicks).
WATCH = r"""
(() => {
  if (!/^https?:$/.test(location.protocol)) return;  // a browser error page is not the site
  const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "poster",
    "background", "codebase", "cite", "ping", "srcset"]);
  const DANGER = new Set(["script", "iframe", "frame", "object", "embed", "form", "meta", "style",
    "base", "link", "img", "image", "svg", "button", "math", "input", "video", "audio", "source",
    "use", "animate", "set", "foreignobject"]);
  const QUIET = /^(alt|title|aria-.*|data-.*|value|placeholder|label|content|class|id)$/;
  const MARK = /(?:alert|msgbox)\(\d+\)|fz=?\d+/;
  const found = [];
  const seen = new Set();
  let hovered = null;  // the element under the mouse: a new tooltip is most likely its own
  addEventListener("mouseover", e => { hovered = e.target; }, true);
  const norm = v => String(v).replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+/, "").toLowerCase();
  const bad = v => /^(javascript|vbscript|data):/.test(norm(v));
  const path = (el, stop) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== stop && parts.length < 4; e = e.parentElement) {
      let s = e.localName;
      if (e.classList && e.classList.length) s += "." + [...e.classList].slice(0, 2).join(".");
      else if (e.id) s += "#" + e.id;
      parts.unshift(s);
    }
    return parts.join(" > ");
  };
  const hosts = new WeakMap();  // tooltip -> what it belongs to, fixed when first seen
  const where = el => {
    const tip = el.closest && el.closest(".md-tooltip2, .md-tooltip");
    if (!tip) return path(el);
    if (!hosts.has(tip)) {
      const host = (tip.id && document.querySelector(`[aria-describedby="${tip.id}"]`)) ||
        (hovered && (hovered.closest("[title], [aria-describedby]") || hovered));
      hosts.set(tip, host ? path(host) : "?");
    }
    return `tooltip of ${hosts.get(tip)}: ${path(el, tip)}`;
  };
  const report = (kind, el, name, value) => {
    const key = [kind, where(el), name, value].join("|");
    if (seen.has(key)) return;
    seen.add(key);
    const place = !el.closest ? "page" : el.closest(".md-tooltip2, .md-tooltip") ? "a tooltip"
      : el.closest(".md-content") ? "the content" : "the page chrome";
    const item = {kind, where: where(el), name, value: String(value).slice(0, 300), place,
      page: location.href};
    if (window.__fzReport) window.__fzReport(item); else found.push(item);
  };
  const check = el => {
    if (!el || el.nodeType !== 1) return;
    let flagged = false;
    const flag = (kind, a) => { flagged = true; report(kind, el, a.name, a.value); };
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on")) flag("event attribute", a);
      else if (URL_ATTRS.has(name) && bad(a.value)) flag("dangerous URL", a);
      else if (name === "fz" || name === "srcdoc") flag("live markup", a);
      else if (name === "style" && MARK.test(a.value)) flag("live style", a);
    }
    const tag = el.localName.toLowerCase();
    if (flagged || !DANGER.has(tag)) return;
    if (tag === "meta" && !el.hasAttribute("http-equiv")) return;
    const loud = Array.from(el.attributes).filter(a => !QUIET.test(a.name.toLowerCase()) ||
      (tag === "meta" && a.name.toLowerCase() === "content"));
    const text = (tag === "script" || tag === "style") ? el.textContent : "";
    const hit = loud.map(a => a.value).concat([text]).find(v => MARK.test(v));
    if (hit !== undefined) report("live element", el, "<" + tag + ">", (el.outerHTML || hit).slice(0, 300));
  };
  const scan = root => { check(root); if (root.querySelectorAll) root.querySelectorAll("*").forEach(check); };
  let tooltips = 0;
  new MutationObserver(records => {
    for (const r of records) {
      if (r.type === "attributes") check(r.target);
      else r.addedNodes.forEach(n => {
        if (n.nodeType !== 1) return;
        if (n.matches(".md-tooltip2, .md-tooltip")) tooltips++;
        scan(n);
      });
    }
  }).observe(document, {childList: true, subtree: true, attributes: true});
  addEventListener("click", e => {
    const a = e.target && e.target.closest && e.target.closest("a, area");
    if (!a) return;
    const href = a.getAttribute("href") ?? a.getAttribute("xlink:href") ?? "";
    if (!norm(href).startsWith("javascript:")) e.preventDefault();
  }, true);
  addEventListener("submit", e => {
    const url = (e.submitter && e.submitter.getAttribute("formaction")) || e.target.getAttribute("action") || "";
    if (!norm(url).startsWith("javascript:")) e.preventDefault();
  }, true);
  window.__fzScan = () => {
    found.splice(0).forEach(item => window.__fzReport(item));  // those seen before the binding
    document.querySelectorAll("*").forEach(check);
    return tooltips;
  };
})();
"""

# A list of elements the page keeps as window[name], and for each [mouse position, key]. The position is
# null when the element is not shown, "scroll" when it is below the window; the key (its title,
# or its markup) lets an element that looks like one already seen be skipped.
SPOTS = """([name, selector]) => {
  const els = selector ? (window[name] = Array.from(document.querySelectorAll(selector))) : window[name];
  return els.map(el => {
    const key = selector === "[title]" ? el.getAttribute("title") : el.outerHTML.slice(0, 1000);
    const r = el.getClientRects()[0];
    if (!r || !r.width || !r.height || getComputedStyle(el).visibility === "hidden") return [null, key];
    const x = r.x + r.width / 2, y = r.y + r.height / 2;
    return [x < 0 || y < 0 || x > innerWidth || y > innerHeight ? "scroll" : [x, y], key];
  });
}"""
SCROLL = """([name, i]) => { const el = window[name][i];
  if (!el || !el.isConnected) return null;
  el.scrollIntoView({block: "center", inline: "nearest"});
  const r = el.getClientRects()[0];
  return r ? [r.x + r.width / 2, r.y + r.height / 2] : null; }"""
# Whether Material shows a tooltip for element i (it points to the tooltip while it is shown).
SHOWN = """([name, i]) => { const el = window[name][i];
  return !!el && el.hasAttribute("aria-describedby"); }"""
# What a payload may have made in the content is clicked with the mouse; the rest by script.
CONTENT_LINKS = ".md-content a, .md-content area, .md-content form button, .md-content form input"
SUSPECT = r"""() => {
  const marked = el => /(?:alert|msgbox)\(\d+\)|fz=?\d+|x\d{4}|附件\d/.test(el.outerHTML);
  const all = window.__fzLinks = Array.from(document.querySelectorAll(`CONTENT_LINKS`));
  all.filter(el => !marked(el)).forEach(el => el.click());
  return all.map(marked);
}""".replace("CONTENT_LINKS", CONTENT_LINKS)
CLICK = "([name, i]) => { const el = window[name][i]; if (el && el.isConnected) el.click(); }"


@dataclass
class Visit:
    """What one edition's pages did in the browser."""

    dialogs: list[tuple[str, str]] = field(default_factory=list)
    requests: dict[str, str] = field(default_factory=dict)  # foreign URL -> page
    navigations: list[tuple[str, str]] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)  # hovered
    links: set[str] = field(default_factory=set)  # payload links clicked with the mouse
    tooltips: int = 0  # tooltips that appeared
    clicked_here: bool = False  # a payload link was clicked on the current page
    clicked: int = 0
    pages: int = 0


def drive(browser: Any, fuzz: Fuzz, edition: str, site: Path) -> Visit:
    """Open every page and SVG of a built edition; record what payloads did.

    Within an edition, an element whose title was hovered on an earlier page is not hovered again
    (the same title makes the same tooltip), nor is a payload link clicked twice; every page's DOM
    is checked all the same.
    """
    visit = Visit()
    pages = sorted(p for p in site.rglob("index.html") if not _redirect(p))
    paths = {"/" + p.relative_to(site).as_posix().removesuffix("index.html") for p in pages}
    paths |= {"/" + p.relative_to(site).as_posix() for p in (site / "assets").rglob("*.svg")}
    for missing in sorted(set(expected_pages(fuzz, edition)) - paths):
        fuzz.findings.append(
            Finding(edition, f"no {missing} in the build: a page kind went unseen")
        )
    svgs = sorted((site / "assets").rglob("*.svg"))
    found: list[dict[str, Any]] = []
    with serve(site) as url:
        local = urlsplit(url).netloc
        # A tall window: most pages fit, so one look finds where every element is.
        context = browser.new_context(viewport={"width": 1280, "height": 4000}, locale="zh-CN")
        current = ["(start)", ""]  # the page being driven, and its address

        def on_dialog(dialog: Any) -> None:
            visit.dialogs.append((current[0], f"{dialog.type}({dialog.message})"))
            dialog.dismiss()

        def on_route(route: Any) -> None:
            visit.requests.setdefault(route.request.url, current[0])
            if route.request.is_navigation_request():
                route.fulfill(status=204)  # "no content": the page stays, with its other payloads
            else:
                route.abort()

        def on_request(request: Any) -> None:
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https") and parts.netloc != local:
                visit.requests.setdefault(request.url, current[0])

        context.on("dialog", on_dialog)
        context.on("request", on_request)
        context.route(re.compile(rf"^(?!{re.escape(url)}/)(https?|wss?|ftp):"), on_route)
        # Findings reach Python as they happen: a page that navigates away keeps them.
        context.expose_binding("__fzReport", lambda source, item: found.append(item))
        context.add_init_script(WATCH)
        page = context.new_page()
        for target in [*pages, *svgs]:
            path = "/" + target.relative_to(site).as_posix().removesuffix("index.html")
            current[:] = [f"{edition} {path}", url + path]
            try:
                page.goto(url + path, wait_until="load", timeout=30_000)
                visit.pages += 1
                if target.suffix == ".html":
                    _hover_and_click(page, visit)
                if visit.clicked_here:  # a javascript: URL runs after the click returns
                    page.wait_for_timeout(100)
                visit.tooltips += page.evaluate("() => window.__fzScan ? window.__fzScan() : 0")
            except PlaywrightError as exc:  # a payload navigated away, or the page stalled
                fuzz.findings.append(Finding(current[0], f"could not drive the page: {exc}"))
            if page.url.split("#")[0] != current[1]:
                visit.navigations.append((current[0], page.url))
        page.wait_for_timeout(200)  # the last reports on their way to Python
        context.close()
    for item in found:
        where = f"{edition} {urlsplit(item['page']).path}"
        what = f"{item['kind']} in {item['place']} at {item['where']}: {item['name']}={item['value']!r}"
        fuzz.findings.append(Finding(where, what, tuple(marker_numbers(item["value"]))))
    for where, message in visit.dialogs:
        fuzz.findings.append(
            Finding(where, f"a dialog opened ({message})", tuple(marker_numbers(message)))
        )
    for where, address in visit.navigations:
        fuzz.findings.append(Finding(where, f"the page navigated away to {address}"))
    for request, where in visit.requests.items():
        fuzz.findings.append(
            Finding(where, f"a request to another host: {request}", tuple(marker_numbers(request)))
        )
    return visit


def expected_pages(fuzz: Fuzz, edition: str) -> list[str]:
    """A page of every kind the edition must have (staff has the operations pages too), and SVGs."""
    paths = ["/", "/glossary/", "/print/", "/roles/", "/checklists/", "/assets/org-chart.svg"]
    for doc in fuzz.filled:
        if doc.kind in ROOT_FILES:
            continue
        section = doc.file.split("/")[0]
        paths += [f"/{section}/", f"/{section}/{doc.data['id']}/"]
        paths += [f"/checklists/{c['id']}/" for c in doc.data.get("checklists", [])[:1]]
        paths += [f"/assets/flow/{p['id']}.svg" for p in doc.data.get("procedures", [])[:1]]
    roles = next(d for d in fuzz.filled if d.kind == "roles").data["roles"]
    paths.append(f"/roles/{roles[0]['id']}/")
    if edition == "staff":
        paths += ["/duties/daily/", "/reviews/", "/reference/", "/roles/matrix/"]
    return paths


def _redirect(page: Path) -> bool:
    """A page that only sends the reader on (an old policy address)."""
    head = page.read_text(encoding="utf-8", errors="ignore")[:2000]
    return 'http-equiv="refresh"' in head and "md-content" not in head


def _hover_and_click(page: Any, visit: Visit) -> None:
    """Hover every element with a title not hovered before (Material shows the title as a tooltip);
    click every content link, with the mouse where a payload may have made it."""
    visit.clicked_here = False
    page.mouse.move(0, 0)
    for i, (spot, title) in enumerate(page.evaluate(SPOTS, ["__fzTitled", "[title]"])):
        if title in visit.titles:  # the same title makes the same tooltip
            continue
        spot = page.evaluate(SCROLL, ["__fzTitled", i]) if spot == "scroll" else spot
        if not spot:
            continue
        visit.titles.add(title)
        page.mouse.move(*spot)
        if not page.evaluate(SHOWN, ["__fzTitled", i]):  # a dialog or a tooltip was in the way
            page.mouse.move(0, 0)
            page.wait_for_timeout(300)  # the tooltips shown go (Material waits 250 ms)
            page.mouse.move(*spot)
    page.mouse.move(0, 0)
    marked = page.evaluate(SUSPECT)
    visit.clicked += marked.count(False)
    spots = page.evaluate(SPOTS, ["__fzLinks", None])
    for i, ((spot, markup), suspect) in enumerate(zip(spots, marked, strict=True)):
        if not suspect or markup in visit.links:
            continue
        visit.links.add(markup)
        spot = page.evaluate(SCROLL, ["__fzLinks", i]) if spot == "scroll" else spot
        if spot:
            page.mouse.click(*spot)
        else:  # not shown: a script click still follows it
            page.evaluate(CLICK, ["__fzLinks", i])
        visit.clicked += 1
        visit.clicked_here = True
    page.mouse.move(0, 0)


# --- the search index -----------------------------------------------------------------------------


class _Markup(html.parser.HTMLParser):
    """Collects live markup in a search-index entry: risky tags, on* attributes, script URLs."""

    RISKY = {
        "script", "iframe", "frame", "object", "embed", "form", "button", "meta", "style", "base",
        "link", "img", "svg", "math", "input", "video", "audio", "source", "image", "use",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note a risky tag, an event attribute or a script URL."""
        why = [f"<{tag}>"] if tag in self.RISKY else []
        for name, value in attrs:
            scheme = re.sub(r"[\t\n\r]", "", value or "").lstrip().lower()
            if name.startswith("on") or name in ("fz", "srcdoc", "style"):
                why.append(f"attribute {name}")
            elif re.match(r"(javascript|vbscript|data):", scheme):
                why.append(f"{name}={value!r}")
        if why:
            self.found.append(f"{', '.join(why)}: {(self.get_starttag_text() or tag)[:200]}")


def search_index_findings(edition: str, site: Path) -> list[Finding]:
    """What the built search index holds: plain text only (the worker escapes it when it shows a
    result, see test_browser), no markup the page script would read from search_index.json."""
    from generator.search_index import read

    stub = site / "search" / "search_index.json"
    if not stub.is_file():
        return [Finding(f"{edition} search index", "search/search_index.json is missing")]
    out = []
    if json.loads(stub.read_text(encoding="utf-8"))["docs"]:
        out.append(Finding(f"{edition} search index", "documents in search_index.json"))
    docs, _ = read(site / "search")
    for doc in docs:
        if not isinstance(doc["u"], str) or doc["u"].startswith(("/", "javascript:", "http")):
            out.append(Finding(f"{edition} search index", f"address {doc['u']!r}"))
    return out


# --- the report -----------------------------------------------------------------------------------


def report(fuzz: Fuzz, findings: list[Finding]) -> str:
    """One line per case and problem, with the pages it was seen on."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in findings:
        what = re.sub(r"\d{4,}", "N", f.what) if f.numbers else f.what
        cases = [fuzz.case(n) for n in dict.fromkeys(f.numbers)] or ["(no marker)"]
        for case in cases:
            if f.where not in grouped[(case, what)]:
                grouped[(case, what)].append(f.where)
    lines = [f"{len(grouped)} problems ({len(findings)} observations):"]
    for (case, what), wheres in sorted(grouped.items()):
        shown = ", ".join(wheres[:4]) + (f" and {len(wheres) - 4} more" if len(wheres) > 4 else "")
        lines.append(f"- {case}: {what} — {shown}")
    return "\n".join(lines)


def skipped_fields(fuzz: Fuzz) -> str:
    """The string fields no payload goes into, grouped by reason."""
    why: dict[str, list[str]] = defaultdict(list)
    for f in fuzz.fields:
        if not f.free:
            why[f.skip].append(f.label())
    return "\n".join(f"- {reason}: {', '.join(labels)}" for reason, labels in sorted(why.items()))


# --- the tests ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    """The probe and the three builds, shared by the tests below."""
    started = time.perf_counter()
    fuzz = Fuzz(tmp_path_factory.mktemp("fuzz"))
    fuzz.probe()
    fuzz.build()
    fuzz.timings["setup"] = time.perf_counter() - started
    yield fuzz
    print("\n" + "\n".join(fuzz.notes))
    print("timings:", {k: round(v, 1) for k, v in fuzz.timings.items()})


def test_every_file_kind_has_free_text_and_every_payload_is_placed(fuzz: Fuzz) -> None:
    """The schema walk finds free text in every file kind; every payload and field is used."""
    free = {f.kind for f in fuzz.fields if f.free}
    assert free == set(fuzz.schemas.kinds), "a file kind with no free-text field"
    assert any(f.markdown for f in fuzz.fields)
    placed = {p.payload.id for p in fuzz.registry.placements.values()}
    assert placed == {p.id for p in PAYLOADS}
    assert len(PAYLOADS) >= 25
    empty = [
        f.label()
        for f in fuzz.fields
        if f.free and not any(p.field is f for p in fuzz.registry.placements.values())
    ]
    assert empty == [], "free-text fields no payload reached"
    print("\nskipped string fields:\n" + skipped_fields(fuzz))


def test_refusals_name_file_line_and_column(fuzz: Fuzz) -> None:
    """Validation refuses with file:line:column inside the payload, never crashes; all else builds."""
    findings = [f for f in fuzz.findings if f.where.startswith(("validate", "build"))]
    assert findings == [], report(fuzz, findings)


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_payload_runs_loads_or_goes_live(browser, fuzz: Fuzz, edition: str) -> None:
    """In chromium no payload runs, loads from another host or becomes live markup."""
    site = fuzz.sites.get(edition)
    assert site is not None, f"the {edition} edition did not build (see the build test)"
    before = len(fuzz.findings)
    started = time.perf_counter()
    visit = drive(browser, fuzz, edition, site)
    if visit.titles and visit.tooltips == 0:  # else the hovers prove nothing
        fuzz.findings.append(Finding(edition, "titles were hovered but no tooltip ever appeared"))
    fuzz.timings[f"browser {edition}"] = time.perf_counter() - started
    fuzz.notes.append(
        f"{edition}: {visit.pages} pages and SVGs, {len(visit.titles)} titles hovered, "
        f"{visit.tooltips} tooltips, {visit.clicked} clicks"
    )
    findings = fuzz.findings[before:] + search_index_findings(edition, site)
    assert findings == [], report(fuzz, findings)
