"""Channels: where the client and the team talk (groups, e-mail, tickets), for what, when."""

from __future__ import annotations

from dataclasses import dataclass

from .. import records
from . import Part


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    purpose: str
    hours: str | None = None
    owner: records.RoleId | None = None


PART = Part(
    "channels",
    "沟通渠道",
    Channel,
    order=40,
    kinds=("communication",),
    namespace="channel",
    anchored=False,
)
