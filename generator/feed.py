"""An Atom feed of policy changes, for readers who subscribe instead of checking the site."""

from __future__ import annotations

from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from .model import Handbook, Policy
from .publish import tag_authority
from .views import recent_changes

LIMIT = 50  # the newest change-log entries in the feed


def permanent_key(policy: Policy) -> str:
    """A name for a policy that survives renames: its first id (the oldest of `former_ids`, which
    are listed oldest first), without a former section."""
    return policy.former_ids[0].rsplit("/", 1)[-1] if policy.former_ids else policy.id


def atom(
    handbook: Handbook, site_url: str | None, page_urls: dict[str, str], edition: str = "staff"
) -> bytes:
    """Return an Atom document of the newest change-log entries; dates come from the content.

    The feed's id and self link are the edition's own address; an entry's id is a tag: URI
    (RFC 4151) under that address's host, named by the policy's permanent key, the entry's
    version and date: a renamed policy's old entries keep their ids, so readers do not show
    them again. Without an address (a preview) links are relative and ids say handbook.invalid.
    """
    base = (site_url or "").rstrip("/") + "/" if site_url else ""
    entries = [(c.date, c.policy, c.entry) for c in recent_changes(handbook, LIMIT)]
    title = handbook.settings.title
    updated = f"{entries[0][0].isoformat()}T00:00:00Z" if entries else "2000-01-01T00:00:00Z"
    authority = tag_authority(site_url)
    feed_id = base or f"tag:{authority},2000:{edition}"
    roles = handbook.roles
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"  <title>{escape(title)} 更新</title>",
        f"  <id>{escape(feed_id)}</id>",
        f"  <updated>{updated}</updated>",
        f"  <author><name>{escape(handbook.settings.organisation)}</name></author>",
    ]
    if base:
        lines.append(f'  <link rel="alternate" href={quoteattr(base)}/>')
        lines.append(f'  <link rel="self" href={quoteattr(urljoin(base, "feed.xml"))}/>')
    for day, policy, entry in entries:
        href = urljoin(base, page_urls[policy.id]) if base else page_urls[policy.id]
        author = (
            roles[entry.author].name if entry.author in roles else handbook.settings.organisation
        )
        lines += [
            "  <entry>",
            f"    <title>《{escape(policy.title)}》{escape(entry.version)}</title>",
            f"    <id>tag:{authority},{day.isoformat()}:policy/{permanent_key(policy)}/"
            f"{escape(entry.version)}</id>",
            f"    <updated>{day.isoformat()}T00:00:00Z</updated>",
            f'    <link rel="alternate" href={quoteattr(href)}/>',
            f"    <author><name>{escape(author)}</name></author>",
            f"    <summary>{escape(entry.summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")
