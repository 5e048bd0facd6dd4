"""Who may read what: the editions (staff, client, public) and what each may see."""

from __future__ import annotations

from collections.abc import Iterable

EDITIONS = ("staff", "client", "public")
NAMES = {"staff": "员工版", "client": "客户版", "public": "公众版"}


def visible(audience: Iterable[str], edition: str) -> bool:
    """Staff see everything; clients see what is for clients or the public; the public, its own."""
    audience = set(audience)
    if edition == "staff":
        return True
    if edition == "client":
        return bool(audience & {"client", "public"})
    return "public" in audience
