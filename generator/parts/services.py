"""Services: what the agency does for a client, what is included and excluded, who does it."""

from __future__ import annotations

from .. import model
from . import Part


def people(service: model.Service) -> tuple[set[str], set[str]]:
    return {service.owner, *service.performed_by}, set()


PART = Part(
    "services",
    "服务",
    model.Service,
    order=10,
    kinds=("scope",),
    namespace="service",
    people=people,
    on_role_page=lambda s, role: s.owner == role or role in s.performed_by,
)
