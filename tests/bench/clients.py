"""`make bench`, clients: 200 clients over a 1,000-policy base handbook.

Times, as whole processes: `handbook validate` of the base alone and with every client (target:
the clients add at most 20%), one client's build against a build of the base's client edition
(target: no dearer at the same page count), and `handbook sites` building every client with one
process and with one per core (the speed-up). Writes tests/bench/RESULTS-clients.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, REPO, machine, median_of, timed  # noqa: E402
from synth import generate, generate_clients  # noqa: E402

LINE = re.compile(r"^site-(\S+)/:(\d+) 个 HTML 页面,用时 ([0-9.]+) 秒$", re.M)


def per_client(out: str) -> dict[str, tuple[int, float]]:
    """Pages and seconds of each client's build, from `handbook sites`' output."""
    return {m.group(1): (int(m.group(2)), float(m.group(3))) for m in LINE.finditer(out)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument(
        "--sequential",
        type=int,
        default=20,
        help="clients built one by one, the speed-up's base (default 20; 0: all of them)",
    )
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "bench" / "RESULTS-clients.md")
    args = parser.parse_args()
    handbook = str(BIN / "handbook")
    project = generate(args.work / f"clients-{args.policies}", args.policies)
    base = median_of([handbook, "validate"], project)
    ids = generate_clients(project, args.clients, args.policies)
    full = median_of([handbook, "validate"], project)
    for run in (base, full):
        if run.code != 0:
            print(run.out[-3000:], file=sys.stderr)
            return 1
    print(f"validate: base {base.wall:.2f}s, with {len(ids)} clients {full.wall:.2f}s", flush=True)
    edition = timed([handbook, "build", "--edition", "client", "--preview"], project)
    one = timed([handbook, "build", "--client", ids[0]], project)
    pages = {
        "base": sum(1 for _ in (project / "site-client").rglob("*.html")),
        "client": sum(1 for _ in (project / f"site-{ids[0]}").rglob("*.html")),
    }
    print(f"build: base client edition {edition.wall:.1f}s, client {one.wall:.1f}s", flush=True)
    cores = len(os.sched_getaffinity(0))
    parallel = timed([handbook, "sites", "--jobs", str(cores)], project, timeout=4 * 3600)
    if parallel.code != 0:
        print(parallel.out[-3000:], parallel.err[-3000:], file=sys.stderr)
        return 1
    built = per_client(parallel.out)
    # One process for the same clients (all, or the first N when asked): the speed-up's base.
    sequential_count = min(args.sequential or len(ids), len(ids))
    folder = project / "policies" / "clients"
    aside = project / "clients-aside"  # the clients not built one by one, meanwhile
    aside.mkdir()
    for ident in ids[sequential_count:]:
        (folder / ident).rename(aside / ident)
    sequential = timed([handbook, "sites", "--jobs", "1"], project, timeout=8 * 3600)
    for ident in ids[sequential_count:]:
        (aside / ident).rename(folder / ident)
    aside.rmdir()
    one_by_one = per_client(sequential.out)
    print(f"sites: {cores} processes {parallel.wall:.0f}s, one {sequential.wall:.0f}s", flush=True)
    seconds = [s for _, s in built.values()]
    share = sequential.wall / sequential_count * len(ids)
    lines = [
        f"# Benchmark: {len(ids)} clients over a {args.policies:,}-policy handbook",
        "",
        f"Machine: {machine()}. Command: `make bench` (tests/bench/clients.py); synthetic "
        "handbook and clients from tests/bench/synth.py (each client: a profile, overlays of five "
        "base policies, every fourth client a policy of its own).",
        "",
        "## Validation",
        "",
        "| `handbook validate` | wall | peak RSS |",
        "| --- | ---: | ---: |",
        f"| the base alone ({args.policies:,} policies) | {base.wall:.2f} s | {base.rss_mb:.0f} MB |",
        f"| the base and {len(ids)} clients ({len(ids)} profiles, "
        f"{sum(1 for _ in folder.rglob('*.yaml')) - len(ids)} other client files) | "
        f"{full.wall:.2f} s | {full.rss_mb:.0f} MB |",
        "",
        f"The clients add **{(full.wall - base.wall) / base.wall:.0%}** to validating the base "
        f"(target ≤ 20%), {(full.wall - base.wall) / len(ids) * 1000:.1f} ms per client.",
        "",
        "## Builds",
        "",
        "| build | pages | wall | peak RSS |",
        "| --- | ---: | ---: | ---: |",
        f"| the base's client edition | {pages['base']} | {edition.wall:.1f} s | {edition.rss_mb:.0f} MB |",
        f"| one client's handbook (`handbook build --client {ids[0]}`) | {pages['client']} | "
        f"{one.wall:.1f} s | {one.rss_mb:.0f} MB |",
        "",
        f"A client build costs **{one.wall / edition.wall:.2f}×** a base build of about the same "
        "page count (target ≤ 1).",
        "",
        "## Every client's site",
        "",
        "| `handbook sites` | clients | wall | per client (median, slowest) | peak RSS |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| {cores} processes (`--jobs {cores}`) | {len(built)} | {parallel.wall:.0f} s | "
        f"{statistics.median(seconds):.1f} s, {max(seconds):.1f} s | {parallel.rss_mb:.0f} MB |",
        f"| 1 process (`--jobs 1`) | {len(one_by_one)} | {sequential.wall:.0f} s | "
        f"{statistics.median(s for _, s in one_by_one.values()):.1f} s, "
        f"{max(s for _, s in one_by_one.values()):.1f} s | {sequential.rss_mb:.0f} MB |",
        "",
        f"Speed-up from {cores} processes: **{share / parallel.wall:.2f}×** "
        f"({len(ids)} clients one by one would take about {share:.0f} s"
        + (f", from {sequential_count} measured" if sequential_count < len(ids) else "")
        + "). Peak RSS is the largest single process (GNU time); the workers run side by side.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
