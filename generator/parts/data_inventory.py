"""Data inventories: what a kind of record holds, where it is kept, who may see it, and, for
personal information, why it is processed, on what basis and for how long."""

from __future__ import annotations

from dataclasses import dataclass

from .. import records
from . import Part


@dataclass(frozen=True)
class DataField:
    name: str
    description: str
    personal: bool = False
    sensitive: bool = False
    purpose: str | None = None
    legal_basis: str | None = None
    retention: str | None = None


@dataclass(frozen=True)
class Dataset:
    id: str
    name: str
    owner: records.RoleId
    fields: tuple[DataField, ...]
    summary: str | None = None
    system: str | None = None
    access: tuple[records.RoleId, ...] = ()

    @property
    def personal(self) -> tuple[DataField, ...]:
        """The fields that are personal information."""
        return tuple(f for f in self.fields if f.personal)


def people(dataset: Dataset) -> tuple[set[str], set[str]]:
    return {dataset.owner}, set(dataset.access)


PART = Part(
    "data_inventory",
    "数据清单",
    Dataset,
    order=85,
    kinds=("data", "compliance"),
    namespace="dataset",
    people=people,
    on_role_page=lambda d, role: d.owner == role,
)
