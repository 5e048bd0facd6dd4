"""Channels: where the client and the team talk (groups, e-mail, tickets), for what, when."""

from __future__ import annotations

from .. import model
from . import Part

PART = Part(
    "channels",
    "沟通渠道",
    model.Channel,
    order=40,
    kinds=("communication",),
    namespace="channel",
    anchored=False,
)
