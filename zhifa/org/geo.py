"""Which grid, community and subdistrict a point lies in: the engine's RegionIndex over the stored Region shapes."""

import logging
from dataclasses import dataclass, field

from django.db.models import Count, Max
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from zhifa.core.memo import ProcessMemo
from zhifa.engine.geo import Location, RegionIndex
from zhifa.org.choices import RegionLevel
from zhifa.org.models import Region

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Shape:
    code: str
    level: str
    parent_code: str | None
    geometry: BaseGeometry


@dataclass
class _Cached:
    index: RegionIndex | None
    names: dict[str, str] = field(default_factory=dict)


def _signature() -> tuple:
    # A changed count or a new row means the tree changed under us (edits in place arrive by signals).
    agg = Region.objects.aggregate(n=Count("id"), last=Max("id"))
    return (agg["n"], agg["last"])


def _complete(shapes: list[_Shape]) -> list[_Shape]:
    """Drop grids and micro-grids whose community or subdistrict has no shape: the engine needs the chain."""
    by_code = {s.code: s for s in shapes}

    def has_ancestor(s: _Shape, level: str) -> bool:
        current = by_code.get(s.parent_code) if s.parent_code else None
        while current is not None:
            if current.level == level:
                return True
            current = by_code.get(current.parent_code) if current.parent_code else None
        return False

    kept = []
    for s in shapes:
        if s.level in (RegionLevel.GRID, RegionLevel.MICRO_GRID) and not (
            has_ancestor(s, RegionLevel.COMMUNITY) and has_ancestor(s, RegionLevel.SUBDISTRICT)
        ):
            logger.warning("region %s left out of the location index: incomplete parent chain", s.code)
            continue
        if s.level == RegionLevel.MICRO_GRID and not has_ancestor(s, RegionLevel.GRID):
            continue
        kept.append(s)
    return kept


def _build() -> _Cached:
    rows = Region.objects.order_by("path").values_list("code", "name", "level", "parent__code", "geometry")
    names: dict[str, str] = {}
    shapes: list[_Shape] = []
    for code, name, level, parent_code, geometry in rows:
        names[code] = name
        if not geometry:
            continue
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, KeyError, AttributeError):
            logger.warning("region %s has an unreadable geometry; left out of the location index", code)
            continue
        if geom.is_empty:
            continue
        shapes.append(_Shape(code, level, parent_code, geom))
    try:
        index = RegionIndex.build(_complete(shapes))
    except ValueError:
        # No grid has a shape yet (a fresh install before boundaries are loaded): nothing can be located.
        index = None
    return _Cached(index=index, names=names)


_memo = ProcessMemo("region_index", build=_build, signature=_signature, watch=["org.Region"])


def _current() -> _Cached:
    return _memo.get()


def region_index() -> RegionIndex | None:
    """The process-wide index, rebuilt when regions change; None when no grid has a shape."""
    return _current().index


def region_index_reset() -> None:
    """Forget the cached index, e.g. after boundaries were edited by a bulk update."""
    _memo.clear()


def _ref(code: str | None, names: dict[str, str]) -> dict | None:
    if not code:
        return None
    return {"code": code, "name": names.get(code, "")}


def location_as_dict(location: Location, names: dict[str, str]) -> dict:
    return {
        "grid": _ref(location.grid_code, names),
        "community": _ref(location.community_code, names),
        "subdistrict": _ref(location.subdistrict_code, names),
        "micro_grid": _ref(location.micro_grid_code, names),
        "functional_areas": [_ref(c, names) for c in location.functional_area_codes],
    }


def locate_point(lng: float, lat: float) -> dict | None:
    """Codes and names of the grid, community, subdistrict, micro-grid and functional areas at a point."""
    cached = _current()
    if cached.index is None:
        return None
    location = cached.index.locate(float(lng), float(lat))
    if location is None:
        return None
    return location_as_dict(location, cached.names)
