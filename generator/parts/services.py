"""Services: what the agency does for a client, what is included and excluded, who does it."""

from __future__ import annotations

from dataclasses import dataclass

from .. import records
from . import Part


@dataclass(frozen=True)
class Deliverable:
    name: str
    frequency: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    summary: str
    includes: tuple[str, ...]
    owner: records.RoleId
    platforms: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    deliverables: tuple[Deliverable, ...] = ()
    performed_by: tuple[records.RoleId, ...] = ()


def people(service: Service) -> tuple[set[str], set[str]]:
    return {service.owner, *service.performed_by}, set()


PART = Part(
    "services",
    "服务",
    Service,
    order=10,
    kinds=("scope",),
    namespace="service",
    people=people,
    on_role_page=lambda s, role: s.owner == role or role in s.performed_by,
)
