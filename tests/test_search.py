"""Search quality as a tested property: realistic Chinese queries in the built site's own search box."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import foreign, search

from generator.search_index import RESULTS

pytestmark = [pytest.mark.slow, pytest.mark.browser]
QUERIES = yaml.safe_load(
    (Path(__file__).parent / "search" / "queries.yaml").read_text(encoding="utf-8")
)


def test_the_query_file_is_realistic() -> None:
    assert len(QUERIES) >= 30
    kinds = {q["why"] for q in QUERIES}
    assert {"句中词", "岗位名", "指标名", "法律术语", "中英混合", "别名"} <= kinds
    assert all(q["rank"] in (1, 3) and q["page"].startswith("/") for q in QUERIES)


@pytest.fixture(scope="module")
def searcher(browser, site_url: str):
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(site_url + "/")
    yield page
    context.close()


@pytest.mark.parametrize("case", QUERIES, ids=[q["query"] for q in QUERIES])
def test_query_finds_its_page(searcher, site_url: str, case: dict) -> None:
    results = search(searcher, case["query"])
    pages: list[str] = []
    for url in results:
        path = urlsplit(url).path
        if path not in pages:
            pages.append(path)
    assert case["page"] in pages[: case["rank"]], (case["query"], pages[:5])
    assert foreign(searcher.requests, site_url) == []


def test_a_result_shows_the_sentence_that_matched(searcher) -> None:
    search(searcher, "客户在群里提问多久要回复")
    first = searcher.locator(".md-search-result__item").first
    marked = first.locator("mark").all_inner_texts()
    assert {"客户", "回复"} <= set(marked), marked  # the query's words, not 多久 or 要
    teasers = first.locator("article p, article").all_inner_texts()
    assert any("回复" in t and len(t) <= 125 for t in teasers)  # a sentence, not the page
    assert searcher.locator(".md-search-result__item").count() <= RESULTS


def test_search_fetches_only_what_the_query_needs(browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda r: fetched.append(r.url))
    page.goto(site_url + "/")
    search(page, "巡检")
    index = [u for u in fetched if "/search/" in u]
    shards = [u for u in index if "/search/t/" in u]
    assert shards and len(shards) <= 2, index  # the shard of 巡; of 检 when it is another
    assert len([u for u in index if "/search/p/" in u]) <= RESULTS
    context.close()


QUESTIONS = yaml.safe_load(
    (Path(__file__).parent / "search" / "questions.yaml").read_text(encoding="utf-8")
)
# A floor the search work of issue 14 raises to its targets (first for 60%, within three for
# 90%): lower it never, raise it with every improvement. Before any tuning (2026-11-27) the
# search put the answer first for 14 of 36 and within three for 25; then question words were
# stripped, results holding every word ranked first and derived views (roles, checklists)
# ranked below the policies they gather from (22 and 32); then the handbook's own index
# (search_index.py): words weighed by where they stand, all words judged per page (27 and 33).
FIRST_AT_LEAST = 27  # of 36: 75%
TOP3_AT_LEAST = 33  # of 36: 92%


def test_the_question_file_is_realistic() -> None:
    assert len(QUESTIONS) >= 30
    asked = [q["question"] for q in QUESTIONS]
    assert len(set(asked)) == len(asked)
    keywords = {q["query"] for q in QUERIES}
    assert not keywords & set(asked)  # questions, not the keyword set again
    assert all(q["page"].startswith("/") for q in QUESTIONS)


def test_natural_questions_find_their_answer(searcher, site_url: str) -> None:
    first = top3 = 0
    misses = []
    for case in QUESTIONS:
        pages: list[str] = []
        for url in search(searcher, case["question"]):
            path = urlsplit(url).path
            if path not in pages:
                pages.append(path)
        answers = {case["page"], *case.get("also", [])}
        first += bool(pages[:1] and pages[0] in answers)
        hit = bool(answers & set(pages[:3]))
        top3 += hit
        if not (pages[:1] and pages[0] in answers):
            misses.append((case["question"], "top three" if hit else "missed", pages[:3]))
    print(f"\nquestions: first {first}/{len(QUESTIONS)}, top three {top3}/{len(QUESTIONS)}")
    print("\n".join(map(str, misses)))
    assert first >= FIRST_AT_LEAST and top3 >= TOP3_AT_LEAST, misses
    assert foreign(searcher.requests, site_url) == []


def test_the_worker_reads_a_character_beyond_u_ffff_as_one(browser, site_url: str) -> None:
    """A query starting with a Han character of CJK Extension B (two UTF-16 units) is Han."""
    from generator.search_index import HAN_RANGES
    from generator.search_site import WORKER

    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "/")  # the worker's code, run in a page of the site to call its parts
    page.add_script_tag(content=WORKER.read_text(encoding="utf-8"))
    page.evaluate("han => { settings = { han }; }", [list(r) for r in HAN_RANGES])
    assert page.evaluate("isHan('\U00020000\u4e00')") is True
    assert page.evaluate("runs('\U00020000\u4e00abc')") == ["\U00020000\u4e00", "abc"]
    assert page.evaluate("isHan('abc')") is False
    context.close()
