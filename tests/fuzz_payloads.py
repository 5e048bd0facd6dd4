"""Payload shapes for the schema-driven fuzzer (tests/test_fuzz.py): script, links, markup, requests."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Every payload carries its placement's number N: in alert(N), msgbox(N), fzN or fz=N. A dialog,
# an attribute, a request or a search-index entry holding that number names the placement.
MARK = "{n}"
MARKER = re.compile(r"(?:alert|msgbox)\((\d+)\)|fz=?(\d+)")
# A host that is never the local server (TEST-NET-3, RFC 5737): any request to it is a leak.
FOREIGN = "203.0.113.1"


@dataclass(frozen=True)
class Payload:
    """One attack shape; `template` holds {n} where the placement's number goes."""

    id: str
    template: str
    why: str

    def text(self, number: int) -> str:
        """The payload with its placement number filled in."""
        return self.template.replace(MARK, str(number))


def marker_numbers(text: str) -> list[int]:
    """The placement numbers named in a piece of text (a dialog message, an attribute, a URL)."""
    return [int(a or b) for a, b in MARKER.findall(text)]


PAYLOADS: tuple[Payload, ...] = (
    Payload("script", "<script>alert({n})</script>", "a script element"),
    Payload("img-onerror", "<img src=x onerror=alert({n})>", "an event attribute on an image"),
    Payload("svg-onload", "<svg/onload=alert({n})>", "SVG with onload, slash for space"),
    Payload(
        "b-onclick", "<b/onclick=alert({n})>粗体{n}</b>", "an allowed tag with an event attribute"
    ),
    Payload("b-fz", "<b/fz={n}>", "an allowed tag with any attribute (short: fits tags)"),
    Payload("md-js", "[x{n}](javascript:alert({n}))", "a Markdown javascript: link"),
    Payload("md-js-case", "[x{n}](JaVaScRiPt:alert({n}))", "mixed-case scheme"),
    Payload("md-js-dec", "[x{n}](&#106;avascript:alert({n}))", "decimal entity in the scheme"),
    Payload("md-js-hex", "[x{n}](&#x6A;avascript:alert({n}))", "hex entity in the scheme"),
    Payload("md-js-tab", "[x{n}](java\tscript:alert({n}))", "a tab inside the scheme"),
    Payload(
        "md-js-nl", "[x{n}](java&#10;script:alert({n}))", "an encoded newline inside the scheme"
    ),
    Payload("md-js-space", "[x{n}]( javascript:alert({n}) )", "spaces around the destination"),
    Payload("md-vbscript", "[x{n}](vbscript:msgbox({n}))", "a vbscript: link"),
    Payload(
        "md-data",
        "[x{n}](data:text/html,%3Cscript%3Ealert({n})%3C/script%3E)",
        "a data:text/html link",
    ),
    Payload("md-nested", "[规则 [附件{n}]](javascript:alert({n}))", "nested brackets in the text"),
    Payload("md-angle", "[x{n}](<javascript:alert({n})>)", "an angle-bracketed destination"),
    Payload("refdef-top", "[x{n}][r{n}]\n\n[r{n}]: javascript:alert({n})", "reference definition"),
    Payload(
        "refdef-list",
        "- [x{n}][r{n}]\n\n    [r{n}]: javascript:alert({n})",
        "reference definition inside a list item",
    ),
    Payload(
        "refdef-quote",
        "> [x{n}][r{n}]\n>\n> [r{n}]: javascript:alert({n})",
        "reference definition inside a block quote",
    ),
    Payload(
        "refdef-admonition",
        '!!! note "注意"\n\n    [x{n}][r{n}]\n\n    [r{n}]: javascript:alert({n})',
        "reference definition inside an admonition",
    ),
    Payload("autolink-js", "<javascript:alert({n})>", "an autolink with a javascript: scheme"),
    Payload(
        "fence-unclosed", "```\n<img src=x onerror=alert({n})>\n", "an unclosed fence, raw HTML"
    ),
    Payload(
        "code-span-blank",
        "`x\n\n<img src=x onerror=alert({n})>\n\n`",
        "a code span across blank lines",
    ),
    Payload(
        "fence-indented",
        "   ```\n<img src=x onerror=alert({n})>\n```",
        "a fence indented by three spaces, closed without indent",
    ),
    Payload(
        "fence-tilde-mismatch",
        "~~~\n<img src=x onerror=alert({n})>\n```",
        "a tilde fence closed by backticks",
    ),
    Payload("comment", "<!-- <img src=x onerror=alert({n})> -->", "an HTML comment"),
    Payload("comment-abrupt", "<!--><script>alert({n})</script>", "an abruptly closed comment"),
    Payload(
        "md-title-markup",
        '[x{n}](https://a.example/{n} "&lt;img src=x onerror=alert({n})&gt;")',
        "a link title holding escaped markup (tooltips)",
    ),
    Payload("entity-img", "&lt;img src=x onerror=alert({n})&gt;", "entity-encoded markup"),
    Payload("attr-dq", '" onmouseover="alert({n})', "a double-quote attribute breakout"),
    Payload("attr-sq", "' onfocus='alert({n})' autofocus '", "a single-quote attribute breakout"),
    Payload("svg-breakout", '"><script>alert({n})</script>', "an attribute/SVG text breakout"),
    Payload(
        "attr-list-colon",
        '段落{n}\n{: onclick="alert({n})"}',
        "an attribute list {: ...} on a block",
    ),
    Payload(
        "attr-list-brace", "段落{n}\n{ onclick=alert({n}) }", "an attribute list { ... } on a block"
    ),
    Payload(
        "attr-list-inline",
        '[x{n}](https://a.example/{n}){: onclick="alert({n})"}',
        "an attribute list on a link",
    ),
    Payload("iframe", '<iframe src="javascript:alert({n})"></iframe>', "an iframe"),
    Payload("object", f'<object data="//{FOREIGN}/fz{{n}}.swf"></object>', "an object"),
    Payload(
        "form-formaction",
        "<form><button formaction=javascript:alert({n})>提交{n}</button></form>",
        "a form button with a javascript: formaction",
    ),
    Payload("a-href-js", '<a href="javascript:alert({n})">x{n}</a>', "a raw HTML javascript: link"),
    Payload(
        "style-element",
        f"<style>body{{background:url(//{FOREIGN}/fz{{n}}.png)}}</style>",
        "a style element loading from another host",
    ),
    Payload(
        "style-attr",
        f'<b style="background:url(//{FOREIGN}/fz{{n}}.png)">x{{n}}</b>',
        "a style attribute loading from another host",
    ),
    Payload(
        "meta-refresh",
        f'<meta http-equiv="refresh" content="0;url=http://{FOREIGN}/fz{{n}}">',
        "a meta refresh to another host",
    ),
    Payload(
        "img-protocol-relative", f"![x{{n}}](//{FOREIGN}/fz{{n}}.png)", "a protocol-relative image"
    ),
    Payload("link-protocol-relative", f"[x{{n}}](//{FOREIGN}/fz{{n}})", "a protocol-relative link"),
    Payload(
        "img-http", f"![x{{n}}](http://{FOREIGN}/fz{{n}}.png)", "a Markdown image from another host"
    ),
    Payload(
        "img-raw-protocol-relative",
        f"<img src=//{FOREIGN}/fz{{n}}.png>",
        "a raw protocol-relative image",
    ),
    # Shaped to pass the url pattern (https?://, no white space): they test href/SVG escaping.
    Payload("url-dq", 'https://a.example/"onmouseover="alert({n})"', "a URL breaking out of href"),
    Payload(
        "url-sq", "https://a.example/'onfocus='alert({n})'autofocus='", "a URL breaking out of '"
    ),
    Payload(
        "url-script", 'https://a.example/"><script>alert({n})</script>', "a URL closing the tag"
    ),
    Payload(
        "url-img", 'https://a.example/"><img/src=x/onerror=alert({n})>', "a URL opening an image"
    ),
)


def _unique() -> None:
    """Payload ids are unique and each payload shows its number."""
    ids = [p.id for p in PAYLOADS]
    assert len(ids) == len(set(ids)), "payload ids must be unique"
    for p in PAYLOADS:
        assert marker_numbers(p.text(4321)) and set(marker_numbers(p.text(4321))) == {4321}, p.id


_unique()
