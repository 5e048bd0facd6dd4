"""The whole handbook as one PDF: the built print page, printed by the headless browser."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import HandbookError

CHROMIUM = Path(os.environ.get("HANDBOOK_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FOOTER = (
    '<div style="width:100%;font-size:8px;color:#555;text-align:center;font-family:sans-serif">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


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


def make_pdf(site: Path, out: Path) -> list[Path]:
    """Print the site's print page to an A4 PDF with page numbers and bookmarks (one per heading).

    A big handbook has one print page per section (print/<section>/): it then gets one PDF per
    section, named after `out` (handbook-workflow.pdf ...). Returns the PDFs written.
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
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError(
            "生成 PDF 需要 playwright(已在 requirements.lock 中):请先运行 make setup。"
        ) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    with _serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            for address, target in jobs:
                _print(browser, f"{url}/{address}", target)
        finally:
            browser.close()
    return [target for _, target in jobs]


def _print(browser: object, address: str, out: Path) -> None:
    partial = out.with_name(f".{out.name}.partial")
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(address, wait_until="networkidle")
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
    partial.replace(out)
