"""What Markdown fields may contain: allowed HTML, link schemes and attributes; and a sanitiser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Inline tags with no attributes cannot run script or load anything; everything else is refused.
ALLOWED_TAGS = frozenset(
    {"br", "sub", "sup", "kbd", "mark", "small", "b", "i", "u", "s", "strong", "em", "del", "ins"}
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
HANDBOOK_SCHEMES = frozenset({"policy", "term", "role"})

_FENCE = re.compile(
    r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^\1\2[`~]*[ \t]*$|\Z)", re.MULTILINE | re.DOTALL
)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?/?>|<!--.*?(?:-->|\Z)|<[!?][^>]*>", re.DOTALL
)
_LINK = re.compile(
    r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*)?\s*\)"
    r"|<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>"
)
_REFDEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_ATTRS = re.compile(r"\{:?[ \t]*[^{}\n]*=[^{}\n]*\}")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


@dataclass(frozen=True)
class Finding:
    """Something a Markdown field may not contain, at a character offset in the field."""

    offset: int
    end: int
    code: str
    message: str


@dataclass(frozen=True)
class HandbookLink:
    """A policy:, term: or role: link inside a Markdown field."""

    offset: int
    kind: str
    target: str


def mask_code(text: str) -> str:
    """Blank out fenced code and code spans (same length), where HTML and links are only text."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    return _CODE_SPAN.sub(blank, _FENCE.sub(blank, text))


def scan(text: str) -> tuple[list[Finding], list[HandbookLink]]:
    """Find what is not allowed in a Markdown field, and the handbook links it makes."""
    masked = mask_code(text)
    findings: list[Finding] = []
    links: list[HandbookLink] = []
    opened: set[str] = set()
    for m in _TAG.finditer(masked):
        name = (m.group(2) or "").lower()
        if name in ALLOWED_TAGS and not (m.group(3) or "").strip():
            continue
        closing = m.group(1) == "/"
        if closing and name in opened:
            findings.append(
                Finding(m.start(), m.end(), "raw-html-closing", "")
            )  # sanitised, not reported
            continue
        opened.add(name)
        shown = m.group()[:40]
        if m.group().startswith("<!--"):
            why = "不允许 HTML 注释(发布后仍留在网页源代码里)。编者备注请写成 YAML 的 # 注释。"
        else:
            allowed = "、".join(f"<{t}>" for t in sorted(ALLOWED_TAGS))
            why = f"不允许 HTML {shown}。正文用 Markdown 书写;只允许不带属性的 {allowed}。"
        findings.append(Finding(m.start(), m.end(), "raw-html", why))
    for m in _ATTRS.finditer(masked):
        findings.append(
            Finding(
                m.start(),
                m.end(),
                "raw-html",
                f"不允许用 {m.group()[:40]} 给元素设置属性(可能被用来插入脚本)。只能写 {{#锚点}} 或 {{.样式}}。",
            )
        )
    targets = []
    for m in _LINK.finditer(masked):
        if m.group(1):  # an image: the whole ![alt](src) is refused
            targets.append((m.start(), m.group(2), m.end()))
        elif m.group(2) is not None:
            targets.append((m.start(2), m.group(2), 0))
        else:
            targets.append((m.start(3), m.group(3), 0))
    targets += [(m.start(1), m.group(1), 0) for m in _REFDEF.finditer(masked)]
    for offset, target, image_end in sorted(targets):
        scheme_match = _SCHEME.match(target)
        scheme = scheme_match.group(1).lower() if scheme_match else ""
        end = offset + len(target)
        if image_end:
            findings.append(
                Finding(
                    offset,
                    image_end,
                    "image",
                    "正文中不能插入图片:外部图片会让读者的浏览器向其他主机发请求。请用文字说明,"
                    "或把图片作为站点资源加入 docs/ 后在手写页面中引用。",
                )
            )
        elif scheme in HANDBOOK_SCHEMES:
            links.append(HandbookLink(offset, scheme, target[len(scheme) + 1 :]))
        elif scheme in SAFE_SCHEMES or (not scheme and target.startswith("#")):
            continue
        elif scheme:
            findings.append(
                Finding(
                    offset,
                    end,
                    "unsafe-link",
                    f"不允许 {scheme}: 链接。链接只能用 https:、http:、mailto:、tel:,"
                    "或用 policy:、term:、role: 指向手册内容。",
                )
            )
        else:
            findings.append(
                Finding(
                    offset,
                    end,
                    "relative-link",
                    f"链接 {target or '(空)'} 不是手册内的链接写法:请用 [文字](policy:政策id)、"
                    "[文字](term:术语id) 或 [文字](role:角色id),页面地址由生成器计算。",
                )
            )
    return sorted(findings, key=lambda f: f.offset), links


def sanitize(text: str) -> str:
    """Neutralise anything `scan` refuses, for text that reaches the renderer unvalidated."""
    findings, _ = scan(text)
    out = text
    for finding in sorted(findings, key=lambda f: f.offset, reverse=True):
        piece = out[finding.offset : finding.end]
        if finding.code.startswith("raw-html"):
            piece = piece.replace("&", "&amp;").replace("<", "&lt;").replace("{", "&#123;")
        elif finding.code == "image":
            piece = "[图片已移除]"
        else:
            piece = "#"  # a refused link or image goes nowhere
        out = out[: finding.offset] + piece + out[finding.end :]
    return out


def handbook_links(text: str) -> Iterator[HandbookLink]:
    """Yield the policy:, term: and role: links of a Markdown field."""
    yield from scan(text)[1]
