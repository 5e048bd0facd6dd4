"""`make bench`: synthetic handbooks of 100, 1,000 and 10,000 policies, timed stage by stage.

For each size, as whole processes (GNU time for wall time and peak memory): a bare PyYAML C-loader
parse of the files, check-jsonschema on them, `handbook validate`, and `handbook build` (with our
stages timed inside), plus output and search-index bytes and the first search in chromium. Writes a
Markdown table (tests/bench/RESULTS.md by default) with the machine described.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
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
class Row:
    size: int
    bare: Run
    check_jsonschema: float
    validate: Run
    build: Run
    stages: dict[str, float] = field(default_factory=dict)
    site_bytes: int = 0
    index_bytes: int = 0
    html_pages: int = 0
    first_search_ms: float | None = None


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


def first_search(site: Path) -> float | None:
    """Milliseconds from typing a query in the search box to the first results (chromium)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import FLAGS, serve

    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page()
        page.goto(url + "/")
        box = page.locator("input.md-search__input")
        box.click()
        started = time.perf_counter()
        box.fill("巡检")
        box.press("End")
        page.wait_for_selector(".md-search-result__item", timeout=120_000)
        elapsed = (time.perf_counter() - started) * 1000
        browser.close()
    return elapsed


def bench(size: int, work: Path, browser: bool) -> Row:
    project = generate(work / str(size), size)
    bare = timed([sys.executable, "-c", BARE], project)
    cjs = check_jsonschema(project)
    validate = timed([str(BIN / "handbook"), "validate", "--format", "json", "--timings"], project)
    build = timed([str(BIN / "handbook"), "build", "--timings"], project)
    stages = json.loads(build.err.strip().splitlines()[-1]) if build.code == 0 else {}
    site = project / "site"
    row = Row(size, bare, cjs, validate, build, stages)
    if build.code == 0:
        row.site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        row.index_bytes = (site / "search" / "search_index.json").stat().st_size
        row.html_pages = sum(1 for _ in site.rglob("*.html"))
        row.first_search_ms = first_search(site) if browser else None
    return row


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


def table(rows: list[Row]) -> str:
    def mb(n: int) -> str:
        return f"{n / 1024 / 1024:.1f} MB"

    out = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Produced by `make bench` ({time.strftime('%Y-%m-%d')}); synthetic",
        "handbooks from `tests/bench/synth.py` (six sections, checklists, KPIs, playbooks, obligations,",
        "cross-references; ~2.9 KB per policy file). Times are whole processes (wall seconds), memory",
        "is peak RSS (GNU time).",
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
        "| policies | HTML pages | load | model | rules | render | MkDocs | total | per policy | ours / total | peak RSS | site | search index |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        s = r.stages
        ours = sum(s.get(k, 0.0) for k in ("load", "model", "rules", "render"))
        out.append(
            f"| {r.size:,} | {r.html_pages:,} | {s.get('load', 0):.1f} s | {s.get('model', 0):.1f} s | "
            f"{s.get('rules', 0):.1f} s | {s.get('render', 0):.1f} s | {s.get('mkdocs', 0):.1f} s | "
            f"{r.build.wall:.1f} s | {r.build.wall / r.size * 1000:.0f} ms | {ours / max(r.build.wall, 1e-9):.0%} | "
            f"{r.build.rss_mb:.0f} MB | {mb(r.site_bytes)} | {mb(r.index_bytes)} |"
        )
    out += [
        "",
        "## Search",
        "",
        "| policies | search index | first search (chromium, query 巡检) |",
        "| ---: | ---: | ---: |",
    ]
    for r in rows:
        first = f"{r.first_search_ms:.0f} ms" if r.first_search_ms is not None else "not measured"
        out.append(f"| {r.size:,} | {mb(r.index_bytes)} | {first} |")
    by_size = {r.size: r for r in rows}
    if 1000 in by_size and 10000 in by_size:
        small, big = by_size[1000], by_size[10000]
        ratio = (big.build.wall / big.size) / (small.build.wall / small.size)
        out += ["", f"Build cost per policy at 10,000 / at 1,000: {ratio:.2f} (target ≤ 1.5)."]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "bench" / "RESULTS.md")
    parser.add_argument(
        "--no-browser", action="store_true", help="skip the first-search measurement"
    )
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
        if row.build.code != 0:
            print(row.build.err[-3000:], file=sys.stderr)
            return 1
        rows.append(row)
    args.out.write_text(table(rows), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
