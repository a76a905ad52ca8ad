"""Point-in-region lookup: which grid, community, subdistrict (and micro-grid, functional areas) a point is in.
Accepts any region shapes with code/level/parent_code/geometry, so surveyed boundaries can replace the demo."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry


class RegionLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def parent_code(self) -> str | None: ...
    @property
    def geometry(self) -> BaseGeometry: ...


@dataclass(frozen=True)
class Location:
    grid_code: str
    community_code: str
    subdistrict_code: str
    micro_grid_code: str | None = None
    functional_area_codes: tuple[str, ...] = ()


class _Layer:
    """One STRtree over shapes ordered by code, so the lowest tree index is the lowest code."""

    def __init__(self, shapes: Sequence[RegionLike]):
        ordered = sorted(shapes, key=lambda s: s.code)
        self.codes = [s.code for s in ordered]
        self.tree = STRtree([s.geometry for s in ordered])
        # A plain-float bounds test is far cheaper than a tree query, and most points miss small layers.
        self.bounds = tuple(shapely.total_bounds([s.geometry for s in ordered])) if ordered else None

    def __len__(self) -> int:
        return len(self.codes)

    def covers_box(self, lng: float, lat: float) -> bool:
        if self.bounds is None:
            return False
        minx, miny, maxx, maxy = self.bounds
        return minx <= lng <= maxx and miny <= lat <= maxy

    def in_box(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.bounds is None:
            return np.zeros(len(x), dtype=bool)
        minx, miny, maxx, maxy = self.bounds
        return (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)

    def first_hit(self, point: BaseGeometry) -> int:
        hits = self.tree.query(point, predicate="intersects").tolist()
        return min(hits) if hits else -1

    def all_hits(self, point: BaseGeometry) -> tuple[int, ...]:
        return tuple(sorted(self.tree.query(point, predicate="intersects").tolist()))

    def first_hits(self, points: np.ndarray) -> np.ndarray:
        """Lowest hit per point, -1 where none; points on a shared border hit several shapes."""
        point_idx, tree_idx = self.tree.query(points, predicate="intersects")
        best = np.full(len(points), len(self), dtype=np.intp)
        np.minimum.at(best, point_idx, tree_idx)
        best[best == len(self)] = -1
        return best


def _ancestor_at(code: str, level: str, parents: dict[str, str | None], levels: dict[str, str]) -> str:
    current: str | None = code
    while current is not None:
        if levels.get(current) == level:
            return current
        current = parents.get(current)
    raise ValueError(f"region {code} has no {level} ancestor")


@dataclass(frozen=True, eq=False)
class RegionIndex:
    """Build once with RegionIndex.build(shapes); lookups are read-only and safe to share."""

    _leaves: _Layer  # micro-grids, plus grids that have none: each point has exactly one (borders aside)
    _fallback: _Layer  # grids split into micro-grids, for points in a gap their micro-grids leave
    _fallback_offset: int
    _bases: tuple[Location, ...]  # per leaf index (leaves, then fallback), without functional areas
    _table: np.ndarray  # _bases as an object array with a trailing None, for vectorised indexing
    _areas: _Layer
    _cache: dict[tuple[int, tuple[int, ...]], Location]

    @classmethod
    def build(cls, shapes: Iterable[RegionLike]) -> RegionIndex:
        shapes = [s for s in shapes if s.geometry is not None and not s.geometry.is_empty]
        parents = {s.code: s.parent_code for s in shapes}
        levels = {s.code: s.level for s in shapes}
        micro = [s for s in shapes if s.level == "micro_grid"]
        split_grids = {s.parent_code for s in micro}
        grids = [s for s in shapes if s.level == "grid"]
        if not grids:
            raise ValueError("no grid shapes to index")
        leaves = _Layer(micro + [g for g in grids if g.code not in split_grids])
        fallback = _Layer([g for g in grids if g.code in split_grids])
        bases = tuple(_base_location(code, parents, levels) for code in leaves.codes + fallback.codes)
        table = np.empty(len(bases) + 1, dtype=object)
        for i, base in enumerate(bases):
            table[i] = base
        areas = _Layer([s for s in shapes if s.level == "functional_area"])
        return cls(leaves, fallback, len(leaves), bases, table, areas, {})

    def locate(self, lng: float, lat: float) -> Location | None:
        if not self._leaves.covers_box(lng, lat) and not self._fallback.covers_box(lng, lat):
            return None
        point = shapely.Point(lng, lat)
        leaf = self._leaves.first_hit(point)
        if leaf < 0 and self._fallback.covers_box(lng, lat):
            hit = self._fallback.first_hit(point)
            leaf = hit + self._fallback_offset if hit >= 0 else -1
        if leaf < 0:
            return None
        areas = self._areas.all_hits(point) if self._areas.covers_box(lng, lat) else ()
        return self._location(leaf, areas)

    def locate_many(self, lngs: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray) -> list:
        """Same answers as locate, one per point (list[Location | None]), using one bulk tree query."""
        x = np.asarray(lngs, dtype=float)
        y = np.asarray(lats, dtype=float)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError("lngs and lats must be 1-d and of equal length")
        points = shapely.points(x, y)
        leaf = self._leaves.first_hits(points)
        missed = np.flatnonzero(leaf < 0)
        if missed.size and len(self._fallback):
            hit = self._fallback.first_hits(points[missed])
            leaf[missed] = np.where(hit >= 0, hit + self._fallback_offset, -1)
        # Index -1 picks the trailing None: points outside every grid.
        result = self._table[leaf].tolist()
        near = np.flatnonzero(self._areas.in_box(x, y) & (leaf >= 0))
        if near.size:
            self._add_areas(result, points[near], near, leaf)
        return result

    def _add_areas(self, result: list, points: np.ndarray, positions: np.ndarray, leaf: np.ndarray) -> None:
        point_idx, area_idx = self._areas.tree.query(points, predicate="intersects")
        point_idx = positions[point_idx]
        order = np.lexsort((area_idx, point_idx))
        grouped: dict[int, list[int]] = {}
        for p, a in zip(point_idx[order].tolist(), area_idx[order].tolist(), strict=True):
            grouped.setdefault(p, []).append(a)
        for p, hits in grouped.items():
            result[p] = self._location(int(leaf[p]), tuple(hits))

    def _location(self, leaf: int, areas: tuple[int, ...]) -> Location:
        # Few distinct (leaf, areas) pairs exist, so sharing immutable Locations saves building one per point.
        if not areas:
            return self._bases[leaf]
        key = (leaf, areas)
        found = self._cache.get(key)
        if found is None:
            base = self._bases[leaf]
            codes = tuple(self._areas.codes[a] for a in areas)
            found = Location(
                base.grid_code, base.community_code, base.subdistrict_code, base.micro_grid_code, codes
            )
            self._cache[key] = found
        return found

    def __len__(self) -> int:
        return len(self._bases)


def _base_location(code: str, parents: dict[str, str | None], levels: dict[str, str]) -> Location:
    micro = code if levels[code] == "micro_grid" else None
    grid = _ancestor_at(code, "grid", parents, levels)
    return Location(
        grid_code=grid,
        community_code=_ancestor_at(grid, "community", parents, levels),
        subdistrict_code=_ancestor_at(grid, "subdistrict", parents, levels),
        micro_grid_code=micro,
    )
