"""The handbook's search in a MkDocs build with Material: pages go into search_index.SearchIndex
instead of Material's index, and the site gets the worker that reads it (search_worker.js).

Material's search plugin stays: it puts the search box on every page and writes
search/search_index.json, here without documents, carrying the worker's settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from .search_index import RESULTS, SearchIndex, sections

WORKER = Path(__file__).parent / "search_worker.js"
MATERIAL_WORKERS = "assets/javascripts/workers/search.*.min.js"
BOOST_RANGE = (0.1, 10.0)  # what a page's `search: {boost: …}` may ask


def start(folder: Path) -> SearchIndex:
    try:
        import jieba
    except ImportError:
        raise PluginError(
            "搜索需要 jieba 切分中文:请安装 handbook 的 site 依赖(pip install -e '.[site]')。"
        ) from None
    return SearchIndex(folder / "search", jieba.lcut)


def add(index: SearchIndex, page: Any) -> None:
    """Index one page, then mark it excluded so that Material's plugin does not index it too."""
    search = page.meta.get("search")
    search = search if isinstance(search, dict) else {}
    if not search.get("exclude"):
        title = str(page.meta.get("title", page.title) or "")
        index.add(page.url, title, sections(page.content or ""), _boost(search.get("boost")))
    page.meta["search"] = {**search, "exclude": True}


def _boost(value: Any) -> float:
    try:
        boost = float(value) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0
    low, high = BOOST_RANGE
    return min(max(boost, low), high) if boost == boost else 1.0  # NaN is no boost


def finish(
    site: Path, index: SearchIndex, words: Iterable[str], synonyms: dict[str, list[str]]
) -> None:
    """Write the index, give Material's search_index.json the worker's settings and put the
    worker in place of Material's."""
    stub = site / "search" / "search_index.json"
    data = json.loads(stub.read_text(encoding="utf-8")) if stub.is_file() else {"config": {}}
    data["docs"] = []
    data["config"]["handbook"] = index.write(
        {
            "words": sorted(words),
            "synonyms": sorted((k.lower(), v) for k, v in synonyms.items()),
            "results": RESULTS,
        }
    )
    stub.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    code = WORKER.read_text(encoding="utf-8")
    for worker in site.glob(MATERIAL_WORKERS):
        worker.write_text(code, encoding="utf-8")
