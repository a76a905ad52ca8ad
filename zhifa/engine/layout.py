"""Deterministic schematic geometry for the demo district: subdistricts, communities, grids and micro-grids
drawn as nested Voronoi partitions of the district outline, plus the 杭州东站 hub as a functional area."""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

LEVELS = ("district", "subdistrict", "functional_area", "community", "grid", "micro_grid")
DISTRICT_CODE = "330102"
DISTRICT_NAME = "上城区"
HUB_CODE = "330102HUB"
DEMO_HUB_RADIUS_M = 700.0
DEMO_MICRO_GRIDS = {"330102014": 102}
DEMO_DATA_DIR = Path(__file__).resolve().parents[1] / "demo" / "data"

# About 1 m² at this latitude: anything smaller is an artefact of floating-point overlay, not a region.
SLIVER_AREA_DEG2 = 1e-10
METRES_PER_DEG_LAT = 111_320.0
# Shared borders are found by buffering a fragment this far (~1 mm) so inexact overlay vertices still touch.
_TOUCH_EPS_DEG = 1e-8
_MAX_SPLIT_ATTEMPTS = 10

SubdistrictSeed = tuple[str, str, float, float]
HubSeed = tuple[str, str, float, float, float]


@dataclass(frozen=True)
class RegionShape:
    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: BaseGeometry

    def label_point(self) -> tuple[float, float]:
        # representative_point, unlike centroid, is always inside (concave or multi-part shapes).
        point = self.geometry.representative_point()
        return point.x, point.y


@dataclass
class DistrictLayout:
    regions: list[RegionShape] = field(default_factory=list)

    def by_level(self, level: str) -> list[RegionShape]:
        return [r for r in self.regions if r.level == level]

    def get(self, code: str) -> RegionShape:
        for region in self.regions:
            if region.code == code:
                return region
        raise KeyError(code)

    def children(self, code: str) -> list[RegionShape]:
        return [r for r in self.regions if r.parent_code == code]

    def counts(self) -> dict[str, int]:
        counter = Counter(r.level for r in self.regions)
        return {level: counter[level] for level in LEVELS if counter[level]}

    def to_feature_collection(self, levels: Iterable[str] | None = None) -> dict:
        wanted = set(levels) if levels is not None else set(LEVELS)
        features = [
            {
                "type": "Feature",
                "properties": {
                    "code": r.code,
                    "name": r.name,
                    "level": r.level,
                    "parent_code": r.parent_code,
                },
                "geometry": to_geojson(r.geometry),
            }
            for r in self.regions
            if r.level in wanted
        ]
        return {"type": "FeatureCollection", "features": features}


def to_geojson(geom: BaseGeometry) -> dict:
    """GeoJSON geometry dict with lists (not tuples), ready for json.dumps or a JSONField."""
    return json.loads(shapely.to_geojson(geom))


# --- data derivation and loading -------------------------------------------------------------------------


def derive_outline(geojson_dict: dict, east_limit: float = 120.30, max_vertices: int = 5000) -> dict:
    """Today's 上城区 from the pre-2021 outlines: union of 上城 and 江干, minus what went to 钱塘 (east of the limit).

    Returns the GeoJSON Feature saved as zhifa/demo/data/shangcheng_outline.geojson.
    """
    geoms = [shape(f["geometry"]) for f in geojson_dict["features"]]
    merged = shapely.union_all([_clean(g) for g in geoms])
    minx, miny, _, maxy = merged.bounds
    clipped = _clean(merged.intersection(box(minx - 1, miny - 1, east_limit, maxy + 1)))
    if shapely.get_num_coordinates(clipped) > max_vertices:
        clipped = _clean(clipped.simplify(1e-5, preserve_topology=True))
    # Snapping to 1e-6° (~0.1 m) keeps the file small and lets the saved text reproduce the geometry exactly.
    clipped = _clean(shapely.set_precision(clipped, 1e-6))
    return {
        "type": "Feature",
        "properties": {"code": DISTRICT_CODE, "name": DISTRICT_NAME},
        "geometry": _round_coords(mapping(clipped), 6),
    }


def _round_coords(obj, digits: int):
    if isinstance(obj, dict):
        return {k: _round_coords(v, digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_round_coords(v, digits) for v in obj]
    if isinstance(obj, float):
        return round(obj, digits)
    return obj


def load_outline(path: Path | str = DEMO_DATA_DIR / "shangcheng_outline.geojson") -> BaseGeometry:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        data = data["features"][0]
    return _clean(shape(data["geometry"] if data.get("type") == "Feature" else data))


def load_seed_points(
    path: Path | str = DEMO_DATA_DIR / "seed_points.csv", hub_radius_m: float = DEMO_HUB_RADIUS_M
) -> tuple[list[SubdistrictSeed], HubSeed]:
    """Subdistrict seeds (rows with a numeric code) and the hub (the one row without)."""
    subdistricts: list[SubdistrictSeed] = []
    hub: HubSeed | None = None
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code, name, lng, lat = row["code"].strip(), row["name"], float(row["lng"]), float(row["lat"])
            if code.isdigit():
                subdistricts.append((code, name, lng, lat))
            elif hub is None:
                hub = (code or HUB_CODE, name, lng, lat, hub_radius_m)
    if hub is None:
        raise ValueError(f"{path} has no hub row")
    return subdistricts, hub


def build_demo_district(seed: int = 42, data_dir: Path | str = DEMO_DATA_DIR) -> DistrictLayout:
    data_dir = Path(data_dir)
    subdistricts, hub = load_seed_points(data_dir / "seed_points.csv")
    outline = load_outline(data_dir / "shangcheng_outline.geojson")
    return build_district(outline, subdistricts, hub, seed=seed, micro_grids=DEMO_MICRO_GRIDS)


# --- geometry helpers ------------------------------------------------------------------------------------


def _polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygon_parts(g)]
    return []


def _clean(geom: BaseGeometry | None) -> Polygon | MultiPolygon:
    """Valid polygonal geometry only: overlay can leave invalid rings, stray lines and points, and slivers."""
    if geom is None or geom.is_empty:
        return Polygon()
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [p for p in _polygon_parts(geom) if p.area > SLIVER_AREA_DEG2]
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def sample_points_in(polygon: BaseGeometry, n: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """n points uniformly inside polygon (strictly, so none sits on a border), by vectorised rejection sampling."""
    if n <= 0:
        return []
    if polygon.is_empty or polygon.area <= 0:
        raise ValueError("cannot sample points in an empty polygon")
    minx, miny, maxx, maxy = polygon.bounds
    fill = polygon.area / ((maxx - minx) * (maxy - miny))
    shapely.prepare(polygon)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    found = 0
    while found < n:
        # Oversample by the expected rejection rate so one or two rounds usually suffice.
        batch = int((n - found) / max(fill, 0.01) * 1.25) + 16
        x = rng.uniform(minx, maxx, batch)
        y = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(polygon, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        found += int(inside.sum())
    x_all = np.concatenate(xs)[:n]
    y_all = np.concatenate(ys)[:n]
    return list(zip(x_all.tolist(), y_all.tolist(), strict=True))


def _rng(seed: int, code: str, purpose: str) -> np.random.Generator:
    # Keyed by code, so a region's children do not depend on how many regions were drawn before it.
    digest = hashlib.blake2b(f"{purpose}:{code}".encode(), digest_size=8).digest()
    return np.random.default_rng([seed, int.from_bytes(digest, "big")])


def _pull_inside(lng: float, lat: float, area: BaseGeometry) -> tuple[float, float]:
    """A seed outside the outline (the seed points are approximate) is moved just inside it."""
    if area.contains(Point(lng, lat)):
        return lng, lat
    nearest = nearest_points(area, Point(lng, lat))[0]
    pocket = _clean(area.intersection(nearest.buffer(0.002)))
    target = pocket if not pocket.is_empty else area
    point = target.representative_point()
    return point.x, point.y


def _shared_border(fragment_zone: BaseGeometry, cell: BaseGeometry) -> float:
    if cell.is_empty or not fragment_zone.intersects(cell):
        return 0.0
    return fragment_zone.intersection(cell.boundary).length


def _absorb_fragments(cells: list[BaseGeometry], sites: np.ndarray) -> list[BaseGeometry]:
    """Clipping a convex Voronoi cell to a concave parent can leave detached pieces; give each piece to the
    sibling it shares the longest border with, so every region stays one piece where the parent allows it."""
    parts: list[list[Polygon]] = []
    fragments: list[tuple[int, Polygon]] = []
    for i, cell in enumerate(cells):
        pieces = _polygon_parts(cell)
        site = Point(sites[i])
        main = [p for p in pieces if p.intersects(site)] or sorted(pieces, key=lambda p: -p.area)[:1]
        parts.append(main)
        fragments.extend((i, p) for p in pieces if not any(p is m for m in main))
    pending = fragments
    while pending:
        left: list[tuple[int, Polygon]] = []
        for origin, fragment in pending:
            zone = fragment.buffer(_TOUCH_EPS_DEG)
            borders = [sum(_shared_border(zone, p) for p in cell_parts) for cell_parts in parts]
            best = int(np.argmax(borders))
            if borders[best] > 10 * _TOUCH_EPS_DEG:
                parts[best].append(fragment)
            else:
                left.append((origin, fragment))
        if len(left) == len(pending):
            # Islands of the parent touch no sibling: they stay with the cell that covered them.
            for origin, fragment in left:
                parts[origin].append(fragment)
            break
        pending = left
    return [_clean(shapely.union_all(p)) if len(p) > 1 else _clean(p[0]) if p else Polygon() for p in parts]


def voronoi_partition(parent: BaseGeometry, sites: Sequence[tuple[float, float]]) -> list[BaseGeometry]:
    """Voronoi cells of sites clipped to parent, one per site in input order; they tile the parent."""
    if len(sites) == 1:
        return [parent]
    coords = np.asarray(sites, dtype=float)
    cells = shapely.voronoi_polygons(shapely.multipoints(coords), extend_to=parent, ordered=True)
    cell_list = list(shapely.get_parts(cells))
    if len(cell_list) != len(coords):
        raise ValueError("Voronoi sites must be distinct")
    clipped = [_clean(shapely.intersection(cell, parent)) for cell in cell_list]
    return _absorb_fragments(clipped, coords)


def _hub_area(hub: HubSeed, outline: BaseGeometry) -> BaseGeometry:
    _, _, lng, lat, radius_m = hub
    # A metric circle is an ellipse in degrees: a degree of longitude shrinks with cos(latitude).
    dlat = radius_m / METRES_PER_DEG_LAT
    dlng = dlat / math.cos(math.radians(lat))
    circle = affinity.scale(
        Point(lng, lat).buffer(1.0, quad_segs=32), xfact=dlng, yfact=dlat, origin=(lng, lat)
    )
    return _clean(circle.intersection(outline))


# --- layout ----------------------------------------------------------------------------------------------


def _short_name(subdistrict_name: str) -> str:
    return subdistrict_name.removesuffix("街道")


def _split(
    parent: RegionShape,
    count: int,
    rng: np.random.Generator,
    level: str,
    digits: int,
    name_of: Callable[[int], str],
) -> list[RegionShape]:
    """Split parent into count children; redraw in the (astronomically rare) case a child degenerates."""
    if count >= 10**digits:
        raise ValueError(f"{count} children do not fit in {digits} code digits under {parent.code}")
    for _ in range(_MAX_SPLIT_ATTEMPTS):
        sites = sample_points_in(parent.geometry, count, rng)
        cells = voronoi_partition(parent.geometry, sites)
        if all(not c.is_empty for c in cells):
            return [
                RegionShape(f"{parent.code}{i:0{digits}d}", name_of(i), level, parent.code, cell)
                for i, cell in enumerate(cells, start=1)
            ]
    raise RuntimeError(f"could not split {parent.code} into {count} regions")


def _subdistricts(
    outline: BaseGeometry, seeds: list[SubdistrictSeed], district_code: str
) -> list[RegionShape]:
    sites = [_pull_inside(lng, lat, outline) for _, _, lng, lat in seeds]
    cells = voronoi_partition(outline, sites)
    return [
        RegionShape(code, name, "subdistrict", district_code, cell)
        for (code, name, _, _), cell in zip(seeds, cells, strict=True)
    ]


def _communities(sub: RegionShape, seed: int, count_range: tuple[int, int]) -> list[RegionShape]:
    rng = _rng(seed, sub.code, "community")
    count = int(rng.integers(count_range[0], count_range[1] + 1))
    short = _short_name(sub.name)
    return _split(sub, count, rng, "community", 3, lambda i: f"{short}第{i}社区")


def _grids(community: RegionShape, seed: int, count_range: tuple[int, int]) -> list[RegionShape]:
    rng = _rng(seed, community.code, "grid")
    count = int(rng.integers(count_range[0], count_range[1] + 1))
    return _split(community, count, rng, "grid", 2, lambda i: f"{community.name}第{i}网格")


def allocate_by_area(areas: Sequence[float], total: int) -> list[int]:
    """Integers ≥ 1 summing to total, proportional to area (largest remainder; ties to the earlier item)."""
    if total < len(areas):
        raise ValueError(f"cannot give {len(areas)} grids at least one micro-grid each out of {total}")
    weights = np.asarray(areas, dtype=float)
    extra = (total - len(areas)) * weights / weights.sum()
    counts = np.floor(extra).astype(int)
    remainder = extra - counts
    short = (total - len(areas)) - int(counts.sum())
    order = np.argsort(-remainder, kind="stable")
    counts[order[:short]] += 1
    return (counts + 1).tolist()


def _micro_grids(grids: list[RegionShape], total: int, seed: int) -> list[RegionShape]:
    counts = allocate_by_area([g.geometry.area for g in grids], total)
    micro: list[RegionShape] = []
    for grid, count in zip(grids, counts, strict=True):
        rng = _rng(seed, grid.code, "micro_grid")
        micro.extend(_split(grid, count, rng, "micro_grid", 2, lambda i, g=grid: f"{g.name}第{i}微网格"))
    return micro


def build_district(
    outline: BaseGeometry,
    subdistrict_seeds: Sequence[SubdistrictSeed],
    hub: HubSeed,
    *,
    seed: int,
    communities_per_subdistrict: tuple[int, int] = (8, 14),
    grids_per_community: tuple[int, int] = (3, 6),
    micro_grids: dict[str, int] | None = None,
    district_code: str = DISTRICT_CODE,
    district_name: str = DISTRICT_NAME,
) -> DistrictLayout:
    """The whole region tree, district first, then level by level (children in code order).

    Same inputs and seed give bit-identical geometry; each region's children depend only on the seed and
    the region's code.
    """
    outline = _clean(outline)
    if outline.is_empty:
        raise ValueError("outline has no area")
    seeds = sorted(subdistrict_seeds, key=lambda s: s[0])
    subdistricts = _subdistricts(outline, seeds, district_code)
    hub_code, hub_name = hub[0], hub[1]
    hub_shape = RegionShape(hub_code, hub_name, "functional_area", district_code, _hub_area(hub, outline))

    communities = [c for s in subdistricts for c in _communities(s, seed, communities_per_subdistrict)]
    grids = [g for c in communities for g in _grids(c, seed, grids_per_community)]
    micro: list[RegionShape] = []
    for sub_code, total in sorted((micro_grids or {}).items()):
        if sub_code not in {s.code for s in subdistricts}:
            raise ValueError(f"micro_grids names unknown subdistrict {sub_code}")
        community_codes = {c.code for c in communities if c.parent_code == sub_code}
        sub_grids = [g for g in grids if g.parent_code in community_codes]
        micro.extend(_micro_grids(sub_grids, total, seed))

    district = RegionShape(district_code, district_name, "district", None, outline)
    return DistrictLayout([district, *subdistricts, hub_shape, *communities, *grids, *micro])
