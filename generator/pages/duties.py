"""The duty pages: what is done daily, weekly, ... across the organisation, by group and role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import duties
from ..render import SEARCH_NONE, Page

if TYPE_CHECKING:
    from ..render import Renderer


def frequency_pages(r: Renderer) -> Iterator[Page]:
    """A page per frequency that has tasks in force."""
    grouped = dict(duties.grouped(r.tasks))
    for freq in r.duty_pages:
        yield r.page(
            "duties.md.jinja",
            f"duties/{freq}.md",
            None,
            duties.HEADINGS[freq],
            meta=SEARCH_NONE,
            heading=f"{duties.HEADINGS[freq]}要做的事",
            frequency=freq,
            groups=grouped.get(freq, []),
            by_role=duties.by_role(r.handbook, freq, r.tasks),
        )
