"""`handbook sites`: every client's handbook, built in parallel processes on one machine.

Each client is one `build_site` (site.py) in a process forked for it: its own MkDocs run, its
own staging folder swapped in only when it succeeded, so one client's failure leaves the others'
sites built and its own previous site untouched. The worker's log is kept and printed under
the client's name, not interleaved with the others'.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

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
    if os.name != "posix":  # no fork: one build after another in this process
        return [_build_one(task) for task in tasks]
    return _forked(tasks, count)


def _forked(tasks: list[tuple[Path, str, str, bool]], count: int) -> list[Built]:
    """Each build in a process of its own, forked from this one, `count` at a time.

    A fresh fork per client starts with the imports (MkDocs, Material, jieba) already loaded,
    and ends with everything one build made: a worker reused for the next client would keep
    the previous model (the plugin freezes it out of the collector) and grow with every build.
    """
    context = multiprocessing.get_context("fork")
    pending = list(tasks)
    running: dict[Any, tuple[Any, tuple]] = {}  # reading end -> (process, task)
    done: dict[str, Built] = {}
    while pending or running:
        while pending and len(running) < count:
            task = pending.pop(0)
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(task, writer))
            process.start()
            writer.close()
            running[reader] = (process, task)
        for reader in wait(list(running)):
            process, task = running.pop(reader)
            try:
                built = reader.recv()
            except EOFError:  # the process died before it could answer (killed, out of memory)
                _, client, edition, _ = task
                built = Built(
                    client, clients.site_dir(client, edition), 0.0, error="生成进程意外退出"
                )
            reader.close()
            process.join()
            done[built.client] = built
    return [done[client] for _, client, _, _ in tasks]


def _child(task: tuple[Path, str, str, bool], writer: Any) -> None:
    writer.send(_build_one(task))
    writer.close()


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
