"""The whole handbook as one PDF: the built print page, printed by the headless browser.

Policies are written by people the organisation may not fully trust and the PDF is made on a
build machine, so the browser runs no script and reaches nothing but the site's own local
server: what the page would otherwise do by script is done here, in Python, before printing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import HandbookError
from .pipeline import today_from_env

log = logging.getLogger(__name__)
CHROMIUM = Path(os.environ.get("HANDBOOK_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name resolves: nothing the page names can even be looked up (requests are blocked too).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
FOOTER = (
    '<div style="width:100%;font-size:8px;color:#555;text-align:center;font-family:sans-serif">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)
# What Material's script does for a printout, done by the PDF job's own code (the page's scripts
# stay off): open every collapsed block, and wrap each table as Material does, so it spans the page.
PREPARE = """() => {
  for (const block of document.querySelectorAll("details")) block.open = true;
  for (const table of document.querySelectorAll(".md-typeset table:not([class])")) {
    if (table.parentElement.classList.contains("md-typeset__table")) continue;
    const scroll = document.createElement("div");
    scroll.className = "md-typeset__scrollwrap";
    const wrap = document.createElement("div");
    wrap.className = "md-typeset__table";
    table.replaceWith(scroll);
    scroll.appendChild(wrap);
    wrap.appendChild(table);
  }
}"""
# assets/reviews.js marks reviews as of the reader's day; for a PDF it runs as of the print day
# (the day it reads from <html data-handbook-today>).
REVIEWS_JS = Path("assets") / "reviews.js"


def has_cjk_font() -> bool:
    """Whether fontconfig knows a font for Chinese (chromium prints with what fontconfig finds)."""
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        found = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(found.stdout.strip())


class PdfError(HandbookError):
    """Raised by make_pdf when the browser or the built site is missing."""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _serve(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def make_pdf(site: Path, out: Path, today: dt.date | None = None) -> list[Path]:
    """Print the site's print page to an A4 PDF with page numbers and bookmarks (one per heading).

    A big handbook has one print page per section (print/<section>/): it then gets one PDF per
    section, named after `out` (handbook-workflow.pdf ...). Review marks are those of `today`
    (default: HANDBOOK_TODAY or the date). Returns the PDFs written.
    """
    whole = site / "print" / "index.html"
    parts = (
        sorted(p.parent for p in (site / "print").glob("*/index.html"))
        if (site / "print").is_dir()
        else []
    )
    if whole.is_file():
        jobs = [("print/", out)]
    elif parts:
        jobs = [
            (f"print/{p.name}/", out.with_name(f"{out.stem}-{p.name}{out.suffix}")) for p in parts
        ]
    else:
        raise PdfError(f"{site}/print/ 不存在:请先运行 make site 生成站点。")
    if not CHROMIUM.exists():
        raise PdfError(
            f"找不到 {CHROMIUM}:请安装 Debian 的 chromium(apt-get install chromium fonts-noto-cjk)。"
        )
    if not has_cjk_font():
        raise PdfError(
            "系统里没有能显示中文的字体,打印出的 PDF 会没有中文:未写出 PDF。"
            "请安装 Noto CJK 字体(apt-get install fonts-noto-cjk)后再运行。"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError(
            "生成 PDF 需要 playwright(已在 requirements.lock 中):请先运行 make setup。"
        ) from None
    day = today or today_from_env()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            context = browser.new_context(java_script_enabled=False, service_workers="block")
            context.route("**/*", functools.partial(_guard, url, set()))
            failed: list[str] = []  # the site's own files that did not load (styles, images)
            context.on(
                "requestfailed", lambda r: failed.append(r.url) if _local(r.url, url) else None
            )
            for address, target in jobs:
                _print(context, f"{url}/{address}", target, failed, site, day)
        finally:
            browser.close()
    return [target for _, target in jobs]


def _guard(origin: str, blocked: set[str], route: Any) -> None:
    """Let the browser reach the local server only."""
    address = route.request.url
    if _local(address, origin):
        route.continue_()
    else:
        if address not in blocked:
            blocked.add(address)
            log.warning("打印页要访问本机以外的地址,已阻止:%s", address)
        route.abort("blockedbyclient")


def _local(address: str, origin: str) -> bool:
    """Whether a URL is on the local server (same scheme, host and port)."""
    return urlsplit(address)[:2] == urlsplit(origin)[:2]


def _print(
    context: Any, address: str, out: Path, failed: list[str], site: Path, day: dt.date
) -> None:
    partial = out.with_name(f".{out.name}.partial")
    page = context.new_page()
    try:
        page.goto(address, wait_until="networkidle")
        # Our own code, run by Playwright in a page whose scripts are off: content never runs.
        page.evaluate(PREPARE)
        reviews = site / REVIEWS_JS
        if reviews.is_file():
            page.evaluate(
                "day => document.documentElement.setAttribute('data-handbook-today', day)",
                day.isoformat(),
            )
            page.evaluate(reviews.read_text(encoding="utf-8"))
        page.emulate_media(media="print")
        page.pdf(
            path=str(partial),
            format="A4",
            print_background=True,
            outline=True,  # bookmarks from the headings: sections, then policies
            tagged=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=FOOTER,
            margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
        )
    finally:
        page.close()
    if failed:  # a PDF without its styles or images must not pass for the handbook
        partial.unlink(missing_ok=True)
        raise PdfError(f"打印页有 {len(failed)} 个文件没有载入,例如 {failed[0]}:未写出 PDF。")
    partial.replace(out)
