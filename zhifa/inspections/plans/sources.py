"""Why a plan visit is made (需求来源): the typed value, and the one reader and one writer of ``PlanVisit.sources``.

Stored shape: a list of ``{"source": <DemandSource value>, "request": <InspectionRequest id or null>}`` — the keys
a plan's unfitted demands use too. ``request`` is set for a department request and only for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhifa.inspections.choices import DemandSource


class BadVisitSources(ValueError):
    """A stored list that is not in the one shape: a corrupted row (or one the migration did not convert)."""


@dataclass(frozen=True)
class VisitSource:
    source: str  # a DemandSource value
    request_id: int | None = None

    def __post_init__(self):
        if self.source not in DemandSource.values:
            raise BadVisitSources(f"未知的需求来源：{self.source!r}")
        if self.source == DemandSource.REQUEST:
            if (
                not isinstance(self.request_id, int)
                or isinstance(self.request_id, bool)
                or self.request_id < 1
            ):
                raise BadVisitSources(f"部门需求来源须带需求编号：{self.request_id!r}")
        elif self.request_id is not None:
            raise BadVisitSources(f"只有部门需求来源带需求编号（{self.source} 带了 {self.request_id!r}）")

    @property
    def label(self) -> str:
        return DemandSource(self.source).label

    def to_json(self) -> dict:
        return {"source": self.source, "request": self.request_id}


def visit_sources(stored) -> list[VisitSource]:
    """The sources of a visit as stored in ``PlanVisit.sources``."""
    if not isinstance(stored, list):
        raise BadVisitSources(f"需求来源须为列表：{stored!r}")
    out = []
    for entry in stored:
        if not isinstance(entry, dict) or set(entry) != {"source", "request"}:
            raise BadVisitSources(f"需求来源格式有误：{entry!r}")
        out.append(VisitSource(entry["source"], entry["request"]))
    return out


def sources_json(sources: Iterable[VisitSource]) -> list[dict]:
    """What ``PlanVisit.sources`` stores for these sources."""
    return [s.to_json() for s in sources]


def sources_of_demands(demands) -> list[VisitSource]:
    """The distinct sources of a visit's demands (engine ``Demand``s), in the order met; a request by its id."""
    return list(
        dict.fromkeys(
            VisitSource(d.source, d.id if d.source == DemandSource.REQUEST else None) for d in demands
        )
    )


def sources_text(stored) -> str:
    """The sources in words for a table cell, each kind once: "赋码频次、部门需求"."""
    return "、".join(dict.fromkeys(s.label for s in visit_sources(stored)))


def request_ids(stored_lists: Iterable) -> set[int]:
    """The department requests named by these visits' stored sources."""
    return {s.request_id for stored in stored_lists for s in visit_sources(stored) if s.request_id}
