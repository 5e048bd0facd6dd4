"""Build the site with MkDocs into a staging folder; swap it in only when the build succeeded."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from .edition import EDITIONS
from .errors import HandbookError
from .paths import (
    MARKER,
    MARKER_TEXT,
    check_folder,
    check_replaceable,
    output_dir,
    tree_problems,
)

log = logging.getLogger("mkdocs.plugins.handbook")


class BuildFailed(HandbookError):
    """Raised by build_site when MkDocs stops (the reasons were logged); the old site is kept."""


def build_site(
    config_file: Path,
    site_dir: Path,
    *,
    edition: str = "staff",
    preview: bool = False,
    client: str = "",
) -> dict[str, float]:
    """Run a strict MkDocs build of one edition and replace `site_dir` with the result, atomically.

    With `client`, the handbook of that client (policies/clients/<client>/). A preview needs no site URL (see publish.py); a publishing build stops without one.
    Nothing is written to `site_dir` until the whole build has succeeded: a failed build leaves
    the previous site exactly as it was. A wrong config or output folder is a HandbookError (a
    usage error) raised before anything is built.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    if edition not in EDITIONS:
        raise HandbookError(f"未知的版本 {edition}:可选 {'、'.join(EDITIONS)}")
    config_file = Path(config_file)
    if not config_file.is_file():  # is_file(): a FIFO would block MkDocs reading it
        raise HandbookError(
            f"找不到 MkDocs 配置文件 {config_file}:请在仓库根目录运行,或用 --config 指定 mkdocs.yml。"
        )
    repo = config_file.resolve().parent
    shown = site_dir
    site_dir = output_dir(site_dir, repo)
    check_replaceable(site_dir, shown, site=True)
    names = ("HANDBOOK_EDITION", "HANDBOOK_PREVIEW", "HANDBOOK_CLIENT")
    previous = {name: os.environ.get(name) for name in names}
    os.environ["HANDBOOK_EDITION"] = edition
    os.environ["HANDBOOK_CLIENT"] = client  # a client's handbook (clients.py), or the base
    os.environ["HANDBOOK_PREVIEW"] = "1" if preview else "0"  # read by the plugin
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.", dir=site_dir.parent))
    try:
        try:
            config = load_config(str(config_file), site_dir=str(staging), strict=True)
        except ConfigurationError as exc:
            raise HandbookError(f"{config_file} 有错误:{exc}") from None
        # MkDocs follows links into folders before any plugin can look: refuse them first.
        check_folder(Path(config.docs_dir), repo, "docs/")
        refused = tree_problems(Path(config.docs_dir), repo)
        if refused:
            for problem in refused:
                log.error(str(problem))
            raise BuildFailed(
                f"站点没有生成,{site_dir.name}/ 保持原样:docs/ 中有 {len(refused)} 个文件不能发布(见上方)。"
            )
        config.plugins.on_startup(command="build", dirty=False)
        started = time.perf_counter()
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        plugin = config.plugins.get("handbook")
        timings = dict(getattr(plugin, "timings", {}))
        timings["total"] = time.perf_counter() - started
        ours = sum(v for k, v in timings.items() if k != "total")
        timings["mkdocs"] = timings["total"] - ours
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    except (Abort, ConfigurationError, SystemExit) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(f"站点没有生成,{site_dir.name}/ 保持原样:{exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    _swap(staging, site_dir)
    return timings


def _swap(staging: Path, site_dir: Path) -> None:
    old = site_dir.with_name(f".{site_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def show_build_log() -> None:
    """Send MkDocs' warnings and errors (the handbook's among them) to stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs = logging.getLogger("mkdocs")
    mkdocs.addHandler(handler)
    mkdocs.setLevel(logging.WARNING)  # content warnings (reviews due) are `handbook validate`'s job
