"""The whole handbook as one PDF: real Chinese text, a bookmark per section, page numbers; and
the printing browser runs no script and reaches nothing but the local server."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import REPO
from pypdf import PdfReader

from generator.pdf import make_pdf

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def print_pdf(site: Path, out: Path) -> subprocess.CompletedProcess[str]:
    # As a user runs it: a separate process (Playwright allows one sync session per process).
    return subprocess.run(
        [sys.executable, "-m", "generator", "pdf", "--site", str(site), "--out", str(out)],
        env={**os.environ, "PYTHONPATH": str(REPO), "HANDBOOK_TODAY": "2026-06-15"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def pdf(example_site: Path, tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    out = tmp_path_factory.mktemp("pdf") / "handbook.pdf"
    run = print_pdf(example_site, out)
    assert run.returncode == 0, run.stderr
    assert "已阻止" not in run.stderr  # the site asks for nothing beyond itself
    return PdfReader(out)


def text_of(reader: PdfReader, pages: range) -> str:
    # Noto CJK maps some ideographs to Kangxi radicals (U+2F00...) in its text layer: NFKC folds them.
    return unicodedata.normalize("NFKC", "\n".join(reader.pages[i].extract_text() for i in pages))


def test_pdf_holds_real_chinese_text(pdf: PdfReader) -> None:
    assert len(pdf.pages) > 50
    text = text_of(pdf, range(len(pdf.pages)))
    for phrase in (
        "运营管理中心手册",
        "店铺日常运营流程",
        "对照商品与价格清单检查上下架状态",
        "事件分级与升级",
        "处罚期【天数】",  # a statement template: a collapsed block, printed open without script
    ):
        assert phrase in "".join(text.split()), phrase


def test_pdf_has_a_bookmark_per_section(pdf: PdfReader) -> None:
    top = [item.title for item in pdf.outline if not isinstance(item, list)]
    for section in ("服务范围", "工作流程", "客户沟通", "数据与指标", "危机管理", "法律合规"):
        assert section in top
    nested = [item for item in pdf.outline if isinstance(item, list)]
    assert sum(len(group) for group in nested) >= 30  # the policies under their sections


def test_pdf_pages_are_numbered(pdf: PdfReader) -> None:
    total = len(pdf.pages)
    assert f"1 / {total}" in pdf.pages[0].extract_text()
    assert f"{total} / {total}" in pdf.pages[-1].extract_text()


def test_pdf_refuses_without_a_built_site(tmp_path: Path) -> None:
    from generator.pdf import PdfError

    with pytest.raises(PdfError, match="make site"):
        make_pdf(tmp_path, tmp_path / "x.pdf")


def test_pdf_refuses_without_a_chinese_font(tmp_path: Path, monkeypatch, capsys) -> None:
    from generator.cli import main

    (tmp_path / "site" / "print").mkdir(parents=True)
    (tmp_path / "site" / "print" / "index.html").write_text("<p>中文</p>", encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no fc-list: no font is known
    code = main(["pdf", "--site", str(tmp_path / "site"), "--out", str(tmp_path / "x.pdf")])
    assert code == 2
    assert "fonts-noto-cjk" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


class _Spy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"SPY-CONTENT")

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def spy(host: str) -> Iterator[tuple[str, list[str]]]:
    """A server standing for "elsewhere": it records every request that reaches it."""
    server = ThreadingHTTPServer((host, 0), _Spy)
    server.seen = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_address[1]}", server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


HOSTILE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>打印版</title>
<link rel="stylesheet" href="{other}/style.css">
<link rel="prefetch" href="{other}/prefetch">
<script src="{other}/script.js"></script>
</head><body>
<h1>干净的正文</h1>
<div class="admonition warning hb-overdue" data-review-due="2026-01-01" hidden="hidden">
<p class="admonition-title">复审已逾期</p></div>
<p>下次复审 <span class="hb-date hb-review" data-review-due="2026-06-20">2026-06-20</span></p>
<details class="quote"><summary>声明模板:折叠</summary><p>折叠起来的声明正文</p></details>
<p style="background-image: url('{other}/background.png')">背景</p>
<img src="http://203.0.113.1/x" alt="">
<img src="{other}/image.png" alt="">
<img src="{local_other}/same-host-other-port.png" alt="">
<iframe src="{other}/frame.html"></iframe>
<object data="{other}/object.html"></object>
<script>document.title='PWNED'; document.body.innerHTML='PWNED'</script>
<script>fetch('{other}/fetch'); navigator.serviceWorker.register('/sw.js')</script>
</body></html>
"""


def test_pdf_runs_no_script_and_reaches_only_the_local_server(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "print").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "assets" / "reviews.js").write_bytes((REPO / "docs/assets/reviews.js").read_bytes())
    out = tmp_path / "handbook.pdf"
    with spy("127.0.0.2") as (other, elsewhere), spy("127.0.0.1") as (local_other, beside):
        page = HOSTILE.format(other=other, local_other=local_other)
        (site / "print" / "index.html").write_text(page, encoding="utf-8")
        run = print_pdf(site, out)
    assert run.returncode == 0, run.stderr
    assert elsewhere == [] and beside == []  # nothing reached another host or another port
    blocked = set(re.findall(r"已阻止:(\S+)", run.stderr))
    assert (
        "http://203.0.113.1/x" in blocked and f"{local_other}/same-host-other-port.png" in blocked
    )
    assert f"{other}/image.png" in blocked and f"{other}/style.css" in blocked
    assert not any(url.endswith(("/fetch", "/sw.js")) for url in blocked)  # no script ran
    text = "".join(text_of(PdfReader(out), range(len(PdfReader(out).pages))).split())
    assert "PWNED" not in text and "SPY-CONTENT" not in text
    assert "干净的正文" in text
    assert "折叠起来的声明正文" in text  # the collapsed block printed open
    assert "复审已逾期" in text and "5天后到期" in text  # review marks as of HANDBOOK_TODAY
