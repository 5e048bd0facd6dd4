"""The whole handbook as one PDF: real Chinese text, a bookmark per section, page numbers."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO
from pypdf import PdfReader

from generator.pdf import make_pdf

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def pdf(example_site: Path, tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    # As a user runs it: a separate process (Playwright allows one sync session per process).
    out = tmp_path_factory.mktemp("pdf") / "handbook.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "generator", "pdf", "--site", str(example_site), "--out", str(out)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
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
