"""`make bench`: synthetic handbooks of 100, 1,000 and 10,000 policies, timed stage by stage.

For each size, as whole processes (GNU time for wall time and peak memory): a bare PyYAML C-loader
parse of the files, check-jsonschema on them, `handbook validate`, and `handbook build` (with our
stages timed inside), plus output and search-index bytes and the first search in chromium (also
with full-text search where the default indexes summaries). Then `make serve` on the example
handbook: seconds from saving a policy to the preview showing the change. Writes a Markdown table
(tests/bench/RESULTS.md by default) with the machine described.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import KINDS, generate  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "NO_MKDOCS_2_WARNING": "1",
    "HANDBOOK_TODAY": "2026-11-23",
    "PYTHONDONTWRITEBYTECODE": "1",
}
BARE = (
    "import glob, yaml\n"
    "for f in sorted(glob.glob('policies/**/*.yaml', recursive=True)):\n"
    "    yaml.load(open(f, encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)


@dataclass
class Run:
    wall: float
    rss_mb: float
    code: int
    out: str
    err: str


@dataclass
class Search:
    first_ms: float  # typing the first query on a freshly opened page -> first result shown
    first_bytes: int  # what the search fetched for it: settings, worker, shards, page texts
    later_ms: list[float]  # the next queries on the same page


@dataclass
class Row:
    size: int
    bare: Run
    check_jsonschema: float
    validate: Run
    build: Run
    stages: dict[str, float] = field(default_factory=dict)
    site_bytes: int = 0
    index_bytes: int = 0  # the whole search index on disk (what no reader downloads)
    index_files: int = 0
    html_pages: int = 0
    search: Search | None = None


def timed(command: list[str], cwd: Path, timeout: int = 7200) -> Run:
    """Run a whole process under GNU time: wall seconds and peak resident memory."""
    started = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    wall = time.perf_counter() - started
    lines = proc.stderr.strip().splitlines()
    rss = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else 0.0
    return Run(wall, rss, proc.returncode, proc.stdout, "\n".join(lines[:-1]))


def median_of(command: list[str], cwd: Path, runs: int = 3) -> Run:
    """The run with the median wall time of several: this machine's timings wander by ±20%."""
    done = sorted((timed(command, cwd) for _ in range(runs)), key=lambda r: r.wall)
    return done[len(done) // 2]


def check_jsonschema(project: Path) -> float:
    """check-jsonschema on the same files, one run per schema kind (it takes one schema a run)."""
    total = 0.0
    tool = BIN / "check-jsonschema"
    for kind in KINDS:
        files = sorted(str(p) for p in (project / "policies" / kind).glob("*.yaml"))
        if files:
            run = timed([str(tool), "--schemafile", f"schemas/{kind}.schema.json", *files], project)
            total += run.wall
    return total


# The first query, then later ones of different words (their shards are fetched too): words the
# synthetic handbooks hold, as keywords and as questions.
QUERIES = ("巡检", "断货怎么处理", "客服 响应", "数据泄露", "月报什么时候交", "差评")


def measure_search(site: Path) -> Search:
    """Type the queries into the search box of a freshly opened home page (chromium)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests"))
    from conftest import FLAGS, serve

    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page()
        fetched: list = []
        page.on("requestfinished", lambda request: fetched.append(request))
        page.goto(url + "/")
        page.wait_for_load_state("networkidle")
        first = _search(page, QUERIES[0])
        page.wait_for_load_state("networkidle")
        wanted = [r for r in fetched if "/search/" in r.url or "/workers/" in r.url]
        first_bytes = sum(r.sizes()["responseBodySize"] for r in wanted)
        later = [_search(page, query) for query in QUERIES[1:]]
        browser.close()
    return Search(first, first_bytes, later)


# Timed inside the page, from the key that sends the query to the first result in the list, so
# that the automation's own round trips (tens of milliseconds) are not counted.
TIMER = """() => {
  window.__shown = null;
  const box = document.querySelector("input.md-search__input");
  box.addEventListener("keyup", () => { window.__typed = performance.now(); }, { once: true });
  new MutationObserver((_, observer) => {
    if (document.querySelector(".md-search-result__item")) {
      window.__shown = performance.now();
      observer.disconnect();
    }
  }).observe(document.querySelector(".md-search-result__list"), { childList: true });
}"""


def _search(page, query: str) -> float:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press("End")
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')")
    page.evaluate(TIMER)
    box.fill(query)
    box.press("End")
    page.wait_for_function("() => window.__shown !== null", timeout=120_000)
    return page.evaluate("window.__shown - window.__typed")


def variant(project: Path, name: str, change) -> Path:
    """Write mkdocs-NAME.yml next to mkdocs.yml with `change` applied to its text."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, f"the {name} variant changed nothing in mkdocs.yml"
    config = project / f"mkdocs-{name}.yml"
    config.write_text(changed, encoding="utf-8")
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench(size: int, work: Path, browser: bool) -> Row:
    project = generate(work / str(size), size)
    bare = median_of([sys.executable, "-c", BARE], project)
    cjs = check_jsonschema(project)
    validate = median_of(
        [str(BIN / "handbook"), "validate", "--format", "json", "--timings"], project
    )
    build = timed([str(BIN / "handbook"), "build", "--timings"], project)
    stages = json.loads(build.err.strip().splitlines()[-1]) if build.code == 0 else {}
    site = project / "site"
    row = Row(size, bare, cjs, validate, build, stages)
    if build.code == 0:
        row.site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        index = [p for p in (site / "search").rglob("*") if p.is_file()]
        row.index_bytes = sum(p.stat().st_size for p in index)
        row.index_files = len(index)
        row.html_pages = sum(1 for _ in site.rglob("*.html"))
        row.search = measure_search(site) if browser else None
    return row


def serve_latency(work: Path, edits: int = 5) -> list[float]:
    """Seconds from saving a policy to `make serve` (mkdocs serve --dirty) serving the change."""
    project = work / "serve"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for name in ("policies", "schemas", "docs"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project)
    policy = sorted((project / "policies" / "workflow").glob("*.yaml"))[0]
    port = free_port()
    url = f"http://127.0.0.1:{port}/workflow/{policy.stem}/"
    log = (project / "serve.log").open("w")
    command = [str(BIN / "mkdocs"), "serve", "--no-strict", "--livereload", "--dirty"]
    server = subprocess.Popen(
        [*command, "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    latencies = []
    try:
        wait_until(url, lambda page: "</html>" in page, 300)
        for n in range(edits):
            marker = f"基准修改{n}号"
            text = policy.read_text(encoding="utf-8")
            text = re.sub(
                r"^(summary: .*?)(基准修改\d+号)?$", rf"\1{marker}", text, count=1, flags=re.M
            )
            started = time.perf_counter()
            policy.write_text(text, encoding="utf-8")
            wait_until(url, lambda page, m=marker: m in page, 120)
            latencies.append(time.perf_counter() - started)
            time.sleep(1.0)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return latencies


def wait_until(url: str, ready, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if ready(response.read().decode("utf-8")):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not change within {timeout} s")


def machine() -> str:
    cpu = "unknown CPU"
    info = Path("/proc/cpuinfo")
    if info.is_file():
        found = re.search(r"model name\s*:\s*(.+)", info.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kb = int(re.search(r"MemTotal:\s*(\d+)", meminfo.read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def table(rows: list[Row], serve: list[float]) -> str:
    def mb(n: int) -> str:
        return f"{n / 1024 / 1024:.1f} MB"

    def ms(value: float | None) -> str:
        return f"{value:,.0f} ms" if value is not None else "not measured"

    out = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Produced by `make bench` ({time.strftime('%Y-%m-%d')}); synthetic",
        "handbooks from `tests/bench/synth.py` (six sections, checklists, KPIs, playbooks, obligations,",
        "cross-references; ~2.9 KB per policy file, the example handbook's are ~6 KB). Times are whole",
        "processes (wall seconds; parse and validate: the median of three runs), memory is peak RSS",
        "(GNU time).",
        "",
        "## Validation",
        "",
        "| policies | bare C-loader parse | `handbook validate` | ratio (target ≤ 2) | check-jsonschema | ours faster by (target ≥ 3) | validate peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        out.append(
            f"| {r.size:,} | {r.bare.wall:.2f} s | {r.validate.wall:.2f} s | {r.validate.wall / r.bare.wall:.2f} | "
            f"{r.check_jsonschema:.2f} s | {r.check_jsonschema / r.validate.wall:.1f}× | {r.validate.rss_mb:.0f} MB |"
        )
    out += [
        "",
        "## Build (`handbook build`: validate, render, `mkdocs build --strict`)",
        "",
        "Stages inside the build: load = read and parse, schema = schema checks, model and rules =",
        "the model and the cross-file rules, render = Markdown pages, MkDocs = the rest of the build.",
        "",
        "| policies | HTML pages | load | schema | model | rules | render | MkDocs | total | per policy | ours / total (target ≤ 10%) | peak RSS (target < 1 GB) | site | per policy |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        s = r.stages
        ours = sum(s.get(k, 0.0) for k in ("load", "schema", "model", "rules", "render"))
        out.append(
            f"| {r.size:,} | {r.html_pages:,} | {s.get('load', 0):.1f} s | {s.get('schema', 0):.1f} s | "
            f"{s.get('model', 0):.1f} s | {s.get('rules', 0):.1f} s | {s.get('render', 0):.1f} s | "
            f"{s.get('mkdocs', 0):.1f} s | {r.build.wall:.1f} s | {r.build.wall / r.size * 1000:.0f} ms | "
            f"{ours / max(r.build.wall, 1e-9):.1%} | {r.build.rss_mb:,.0f} MB | {mb(r.site_bytes)} | "
            f"{r.site_bytes / r.size / 1024:.0f} KB |"
        )
    by_size = {r.size: r for r in rows}
    if 1000 in by_size and 10000 in by_size:
        small, big = by_size[1000], by_size[10000]
        ratio = (big.build.wall / big.size) / (small.build.wall / small.size)
        out += ["", f"Build cost per policy at 10,000 / at 1,000: **{ratio:.2f}** (target ≤ 1.5)."]
    out += [
        "",
        "## Search",
        "",
        "Full text of every page at every size. The build writes the index (search = the time the",
        "build spends on it, inside MkDocs' share). First search: chromium opens the home page, the",
        f"query {QUERIES[0]} is typed; the time runs from typing to the first result shown, the bytes",
        "are everything the search fetched for it (settings, worker, shards, the texts of the pages",
        f"listed). Later queries, on the same page: {'、'.join(QUERIES[1:])}.",
        "",
        "| policies | index on disk | files | build: search | build peak RSS | first search (target ≤ 1 s) | fetched for it (target ≤ 300 KB) | later queries, median / slowest (target < 100 ms) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        found = r.search
        searched = (
            f"{ms(found.first_ms)} | {found.first_bytes / 1024:.0f} KB | "
            f"{ms(statistics.median(found.later_ms))} / {ms(max(found.later_ms))}"
            if found
            else "not measured | | "
        )
        out.append(
            f"| {r.size:,} | {mb(r.index_bytes)} | {r.index_files:,} | "
            f"{r.stages.get('search', 0):.1f} s | {r.build.rss_mb:,.0f} MB | {searched} |"
        )
    if serve:
        out += [
            "",
            "## Live preview (`make serve` on the example handbook)",
            "",
            f"Seconds from saving a policy file to the preview serving the changed page, {len(serve)} edits:",
            f"median **{statistics.median(serve):.2f} s**, slowest {max(serve):.2f} s (target ≤ 2 s).",
        ]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "bench" / "RESULTS.md")
    parser.add_argument(
        "--no-browser", action="store_true", help="skip the first-search measurements"
    )
    parser.add_argument("--no-serve", action="store_true", help="skip the live-preview timing")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        row = bench(size, args.work, not args.no_browser)
        print(
            f"{size:>6} policies: parse {row.bare.wall:.2f}s, validate {row.validate.wall:.2f}s "
            f"({row.validate.rss_mb:.0f} MB), check-jsonschema {row.check_jsonschema:.2f}s, "
            f"build {row.build.wall:.1f}s ({row.build.rss_mb:.0f} MB, exit {row.build.code})",
            flush=True,
        )
        if row.build.code != 0 or row.validate.code != 0:
            print(row.validate.out[-3000:], row.build.err[-3000:], file=sys.stderr)
            return 1
        rows.append(row)
    serve = [] if args.no_serve else serve_latency(args.work)
    if serve:
        print(f"serve: {', '.join(f'{s:.2f}s' for s in serve)}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table(rows, serve), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
