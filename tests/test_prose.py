"""Markdown fields: one reading (Python-Markdown), judged by what it renders, sanitised by nh3."""

from __future__ import annotations

import random
import time

import markdown
import pytest

from generator import htmltree, prose
from generator.pagetree import PageExtension, PageOptions
from generator.sanitize import FIELD, PAGE, clean_page, url_scheme

# Every class of content the regex scanner of earlier versions read differently from the renderer.
REFUSED = [
    ("<script>alert(1)</script>", "raw-html"),
    ("<svg/onload=alert(1)>", "raw-html"),
    ("<b onclick=alert(1)>x</b>", "raw-html"),
    ("<b/onclick=alert(1)>x</b>", "raw-html"),
    ("<!-- 内部 -->", "raw-html"),
    ("<!--><script>alert(1)</script>", "raw-html"),
    ("<!DOCTYPE html>", "raw-html"),
    ("<img src=x onerror=alert(1)>", "raw-html"),
    ("[x](javascript:alert(1))", "unsafe-link"),
    ("[x](JavaScript:alert(1))", "unsafe-link"),
    ("[x](&#106;avascript:alert(1))", "unsafe-link"),
    ("[x](&#x6A;avascript:alert(1))", "unsafe-link"),
    ("[x](vbscript:msgbox(1))", "unsafe-link"),
    ("[x](data:text/html,hi)", "unsafe-link"),
    ("[规则 [附件]](javascript:alert(1))", "unsafe-link"),
    ("[x][r]\n\n[r]: javascript:alert(1)", "unsafe-link"),
    ("- 一项 [x][r]\n\n    [r]: javascript:alert(1)", "unsafe-link"),
    ("> [r]: javascript:alert(1)\n\n[x][r]", "unsafe-link"),
    ("!!! note\n    [x][r]\n\n    [r]: javascript:alert(1)", "unsafe-link"),
    ("```\ncode\n\n<script>alert(1)</script>", "raw-html"),
    ("`a\n\n<script>alert(1)</script>`", "raw-html"),
    ("    ```\n<script>alert(1)</script>", "raw-html"),
    ("![a](https://cdn.example.com/a.png)", "image"),
    ("[x](//203.0.113.1/x)", "relative-link"),
    ("[x](../other.md)", "relative-link"),
    ("!!! md-header\n    假的页头", "admonition-type"),
    ("<b>没有关闭", "html-rewritten"),
]

ALLOWED = [
    "普通文字 **加粗** <br> <sub>2</sub> `<script>` 在代码里",
    "```\n<script>alert(1)</script>\n[x](javascript:alert(1))\n```",
    "[x](#section) [y](https://www.gov.cn/) [z](mailto:a@b.cn) [t](tel:+861234)",
    "[x](policy:a) [y](term:b) [z](role:c)",
    '[x](https://a.example "&lt;img src=x onerror=alert(1)&gt;")',
    '## 要求 {: onclick="alert(1)" }',  # no attribute lists in fields: the braces are text
    '!!! warning "注意"\n    先截图。',
    "| a | b |\n| :-- | --: |\n| 1 | 2 |",
    "术语\n:   定义",
]


@pytest.mark.parametrize(("text", "code"), REFUSED)
def test_what_the_sanitiser_would_remove_is_reported(text: str, code: str) -> None:
    rendered = prose.render(text)
    assert code in [f.code for f in rendered.findings], rendered
    for danger in ("<script", "onload", "onclick", "onerror", "javascript:", "vbscript:", "<img"):
        assert danger not in rendered.html.lower(), rendered.html


@pytest.mark.parametrize("text", ALLOWED)
def test_a_field_that_passes_is_published_as_rendered(text: str) -> None:
    rendered = prose.render(text)
    assert rendered.findings == ()
    raw = markdown.Markdown(
        extensions=prose.EXTENSIONS, extension_configs=prose.EXTENSION_CONFIGS
    ).convert(text)
    assert htmltree.events(rendered.html) == htmltree.events(raw)


def test_attribute_lists_stay_text() -> None:
    html = prose.render('## 要求 {: onclick="alert(1)" }').html
    assert "onclick" in html and "onclick=" not in html.replace('onclick="alert', "")
    assert htmltree.parse(html).find("h2").attrib == {}


def test_positions_point_at_the_source() -> None:
    text = "第一行\n\n第二行 [x](javascript:alert(1))\n\n<script>x</script>"
    found = {f.code: f.offset for f in prose.render(text).findings}
    assert text[found["unsafe-link"] :].startswith("javascript:")
    assert text[found["raw-html"] :].startswith("<script")


def test_handbook_links_are_found_where_written() -> None:
    text = "见 [规则](policy:rules) 和 `[b](policy:in-code)`,[t][r]\n\n[r]: term:gmv"
    links = prose.render(text).links
    assert [(link.kind, link.target) for link in links] == [("policy", "rules"), ("term", "gmv")]
    assert text[links[0].offset :].startswith("policy:rules")
    assert text[links[1].offset :].startswith("term:gmv")


@pytest.mark.parametrize(
    "text",
    ["[a](" * 25_000, "[" * 20_000, "<a " * 20_000, "# a\n" * 20_000, "> " * 30_000],
    ids=["brackets", "open-brackets", "angles", "headings", "quotes"],
)
def test_costly_fields_are_refused_quickly(text: str) -> None:
    started = time.perf_counter()
    rendered = prose.render(text)
    assert time.perf_counter() - started < 5
    assert {f.code for f in rendered.findings} & {"markdown-too-complex", "markdown-too-deep"}
    assert "<a" not in rendered.html


def test_deep_lists_are_refused_not_crashed() -> None:
    text = "".join("    " * i + "- a\n" for i in range(400))
    rendered = prose.render(text)
    assert rendered.findings and rendered.findings[0].code in (
        "markdown-too-deep",
        "markdown-too-complex",
    )


def test_random_markup_never_publishes_what_validation_did_not_see() -> None:
    """Whatever the text, the published HTML is clean, and a field without findings is unchanged."""
    rng = random.Random(11)
    pieces = [
        "[", "]", "(", ")", "<", ">", "!", "`", "```\n", "\n\n", "\n", "    ", "> ", "- ",
        "javascript:", "policy:x", "https://a.cn", "&#106;", "<b>", "</b>", "<script>", "<!--",
        "-->", '"', "'", "onerror=", "{: #x}", "!!! note\n", "|", "文字", " ", "*", "_",
    ]  # fmt: skip
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        rendered = prose.render(text)
        assert FIELD.clean(rendered.html) == rendered.html or htmltree.events(
            FIELD.clean(rendered.html)
        ) == htmltree.events(rendered.html), text
        tree = htmltree.parse(rendered.html)
        assert tree.find(".//script") is None, text
        for element in tree.iter():
            for name, value in element.attrib.items():
                assert not name.startswith("on"), text
                assert url_scheme(value) not in ("javascript", "vbscript", "data"), text
        if not rendered.findings:
            raw = markdown.Markdown(
                extensions=prose.EXTENSIONS, extension_configs=prose.EXTENSION_CONFIGS
            ).convert(text.strip())
            assert htmltree.events(raw) == htmltree.events(rendered.html), text


def test_tokens_round_trip_and_cannot_close_early() -> None:
    fragment = "<p>a --> b <!-- c --!> &amp; &lt;x&gt;\n</p>"
    token = prose.token(fragment)
    assert token.count("-->") == 1 and "\n" not in token
    assert prose.from_token(token) == fragment
    assert prose.from_token("<!-- an ordinary comment -->") is None


def _page(markdown_text: str, options: PageOptions | None = None) -> str:
    extension = PageExtension()
    extension.options = options or PageOptions()
    md = markdown.Markdown(
        extensions=[
            "admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details",
            "pymdownx.superfences", "pymdownx.tasklist", extension,
        ],
        extension_configs={"toc": {"permalink": True}, "pymdownx.tasklist": {"custom_checkbox": True}},
    )  # fmt: skip
    return clean_page(md.convert(markdown_text))


def test_a_field_goes_into_the_page_as_elements() -> None:
    field = prose.render('## 要求 {: onclick=alert(1) }\n\n见 [x](https://a.cn "t")').html
    page = _page(f'# 标题\n\n{prose.token(field)}\n\n??? quote "模板"\n    {prose.token(field)}\n')
    tree = htmltree.parse(page)
    headings = list(tree.iter("h2"))
    assert len(headings) == 2 and all(
        h.get("id") for h in headings
    )  # the table of contents saw them
    assert "onclick=" not in page.replace("onclick=alert", "")
    assert all(a.get("href") == "https://a.cn" for a in tree.iter("a") if a.text == "x")
    assert "handbook-field" not in page


def test_glossary_marks_text_but_not_headings_links_or_placeholders() -> None:
    options = PageOptions(terms=[("618", "promo", 'A<b>"大促"</b>&'), ("店铺", "shop", "店")])
    page = _page("## 618 店铺\n\n[618](https://a.cn) &lt;x&gt; 店铺在 618 开门\n", options)
    tree = htmltree.parse(page)
    marks = [(a.text, a.get("title")) for a in tree.iter("abbr")]
    assert marks == [
        ("店铺", "店"),
        ("618", '&lt;b&gt;"大促"&lt;/b&gt;&amp;'.replace("&lt;b&gt;", "A&lt;b&gt;", 1)),
    ]
    assert "&lt;x&gt;" in page


def test_checkboxes_are_named_after_their_item() -> None:
    page = _page(
        "<div markdown>\n\n- [ ] 检查 **店铺** &lt;价格&gt; \\* [链接](https://a.cn)\n\n</div>\n"
    )
    box = next(htmltree.parse(page).iter("input"))
    assert box.get("aria-label") == "检查 店铺 <价格> * 链接"


def test_page_policy_removes_what_templates_never_make() -> None:
    dirty = (
        '<p onclick="x">a</p><a href="javascript:alert(1)">b</a><a href="//evil.example/">c</a>'
        '<a href="/\t/evil.example/">d</a><img src="https://evil.example/x.png"><iframe></iframe>'
        '<div style="color:red" data-review-due="2026-01-01">e</div><abbr title="<img src=x>">f</abbr>'
    )
    clean = clean_page(dirty)
    tree = htmltree.parse(clean)
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.startswith("on") and name != "style"
            assert "javascript" not in value and "evil" not in value
    assert tree.find("iframe") is None
    assert (
        next(tree.iter("abbr")).get("title") == "&lt;img src=x&gt;"
    )  # Material's tooltip shows text
    assert PAGE.allows_url("../x/") and not PAGE.allows_url("//x") and not PAGE.allows_url("\\\\x")


def test_content_cannot_take_the_themes_own_ids() -> None:
    # Material reads its settings from #__config: a heading "__config" must not take that id.
    page = _page("## __config\n\n[回到](#__config)\n")
    heading = next(htmltree.parse(page).iter("h2"))
    assert heading.get("id") == "h__config"
    assert 'href="#h__config"' in page and 'id="__config"' not in page


def test_table_of_contents_titles_are_as_safe_as_navigation() -> None:
    from mkdocs.structure.toc import AnchorLink

    from generator.plugin import _safe_toc

    entry = AnchorLink("&lt;img src=x onerror=alert(1)&gt; &amp; 指标", "__config", 2)
    _safe_toc([entry])
    assert entry.title == "＜img src=x onerror=alert(1)＞ ＆ 指标" and entry.id == "h__config"


def test_fields_rendered_ahead_in_workers_are_rendered_the_same() -> None:
    texts = [
        f"第 {n} 段 [x](policy:p{n}) <script>alert({n})</script>\n\n- 一\n- 二" for n in range(150)
    ]
    prefetch = prose.Prefetch.start()
    if prefetch is None:
        pytest.fail("this machine has one core or no fork: the benchmark machine has two")
    prefetch.submit(texts)
    prefetch.finish()
    assert all(text in prose._primed for text in texts)
    for text in texts:
        assert prose.render(text) == prose._render(text, 0)
    assert not any(text in prose._primed for text in texts)  # handed over once
