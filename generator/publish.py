"""Where each edition is published: its site URL, and the permanent names derived from it.

The URL of an edition (`site_url` in handbook.yaml for the staff edition, `editions.<name>.
site_url` for the others; HANDBOOK_SITE_URL replaces it for one build) gives the sitemap its
addresses, the feed its absolute links, its id and self link, and the 404 page its stylesheet
under a sub-path. A publishing build needs it; a preview (`make serve`, `handbook build
--preview`) does without and says what it leaves out.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from .audience import NAMES
from .errors import HandbookError
from .model import Settings

ENV = "HANDBOOK_SITE_URL"
# As the schema's siteUrl: http(s), a host (ASCII: an IDN in its xn-- form), a path of plain
# characters; no quote, bracket or ampersand, since the address is written into every page.
_URL = re.compile(
    r"^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?$"
)


def configured(settings: Settings, edition: str) -> str | None:
    """The URL handbook.yaml gives an edition (None: it gives none)."""
    if edition == "staff":
        return settings.site_url
    return getattr(settings.editions, edition).site_url


def site_url(settings: Settings, edition: str, fallback: str | None = None) -> str | None:
    """The URL an edition is built for: $HANDBOOK_SITE_URL, handbook.yaml, or `fallback`
    (mkdocs.yml's site_url, for the staff edition only); always ending in "/".

    Raises HandbookError when the environment variable is not such a URL.
    """
    given = os.environ.get(ENV, "").strip()
    if given:
        if not _URL.match(given) or len(given) > 500:
            raise HandbookError(
                f"环境变量 {ENV} 的值 “{given[:80]}” 不是站点网址:请写 https:// 或 http:// 开头、"
                "不带 ? 和 # 的地址,例如 https://handbook.example.com/。"
            )
        url = given
    else:
        url = configured(settings, edition) or (fallback if edition == "staff" else None)
    if not url:
        return None
    return url if url.endswith("/") else url + "/"


def where(edition: str) -> str:
    """How to give an edition its URL."""
    key = "site_url" if edition == "staff" else f"editions.{edition}.site_url"
    return (
        f"在 policies/handbook.yaml 中写 {key}(例如 https://handbook.example.com/),"
        f"或构建时设置环境变量 {ENV}"
    )


def missing(edition: str) -> str:
    """What to do when a publishing build of `edition` has no URL."""
    return (
        f"发布{NAMES[edition]}需要站点网址:请{where(edition)}。站点地图、订阅(feed)的链接和 "
        "404 页面都要用到它。只在本机查看可以用 make serve,或 handbook build --preview。"
    )


def tag_authority(url: str | None) -> str:
    """The authority of tag: URIs (RFC 4151) for an edition: its site's host, which the
    organisation owns; `handbook.invalid` for a preview, which no reader subscribes to."""
    host = urlsplit(url).hostname if url else None
    return host or "handbook.invalid"
