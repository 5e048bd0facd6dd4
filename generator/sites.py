"""`handbook sites`: every client's handbook, built in parallel processes on one machine.

Each client is one `build_site` (site.py) in a worker process: its own MkDocs run, its own
staging folder swapped in only when it succeeded, so one client's failure leaves the others'
sites built and its own previous site untouched. The worker's log is kept and printed under
the client's name, not interleaved with the others'.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import clients
from .errors import HandbookError


@dataclass(frozen=True)
class Built:
    """One client's build: where it went, how long it took, and what went wrong if it failed."""

    client: str
    site: Path
    seconds: float
    pages: int = 0
    error: str | None = None  # None: built
    log: str = ""  # MkDocs' warnings and errors during this build


def jobs(requested: int | None) -> int:
    """How many builds run at once: as asked, else one per core the process may use."""
    if requested is not None:
        if requested < 1:
            raise HandbookError(f"--jobs 应是正整数,现在是 {requested}")
        return requested
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_all(
    config: Path,
    policies: Path,
    *,
    edition: str = "client",
    preview: bool = False,
    workers: int | None = None,
) -> list[Built]:
    """Build every client's handbook (`edition` of it) with up to `workers` processes."""
    if edition not in clients.EDITIONS:
        raise HandbookError(clients.edition_refused(edition))
    ids = clients.client_ids(policies)
    for ident in ids:
        clients.check_id(policies, ident)  # a folder that is no id never names a site folder
    count = min(jobs(workers), max(len(ids), 1))
    tasks = [(config, ident, edition, preview) for ident in ids]
    if count == 1:
        return [_build_one(task) for task in tasks]
    # fork: a worker starts with the parent's imports (MkDocs, Material, jieba) already loaded.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        return list(pool.map(_build_one, tasks))


def _build_one(task: tuple[Path, str, str, bool]) -> Built:
    from .site import BuildFailed, build_site

    config, client, edition, preview = task
    site = clients.site_dir(client, edition)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING)
    mkdocs = logging.getLogger("mkdocs")
    mkdocs.addHandler(handler)
    mkdocs.setLevel(logging.WARNING)
    # The plugin dates a build from its handbook's newest change when SOURCE_DATE_EPOCH is not
    # set, and sets it: a worker building a second client must not inherit the first's date.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    started = time.perf_counter()
    try:
        build_site(config, site, edition=edition, preview=preview, client=client)
    except (BuildFailed, HandbookError) as exc:
        seconds = time.perf_counter() - started
        return Built(client, site, seconds, error=str(exc), log=buffer.getvalue())
    finally:
        mkdocs.removeHandler(handler)
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    pages = sum(1 for _ in site.rglob("*.html"))
    return Built(client, site, time.perf_counter() - started, pages, log=buffer.getvalue())
