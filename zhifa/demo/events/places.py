"""Where the demo events happen: points drawn inside the demo layout's shapes, located by the engine's index.

Subdistricts are weighted by their enforcement load (the size of their teams, 南星's raised: EVENT_LOAD); hub events fall inside the
杭州东站 hub; in 四季青 some events are at the office buildings of the demo organisation.
"""

from dataclasses import dataclass

import numpy as np
import shapely

from zhifa.demo.spec import HUB_CODE, SIJIQING, SUBDISTRICT_OFFICERS
from zhifa.engine.geo import Location, RegionIndex

BUILDING_SHARE = 0.3  # of 四季青's events, those reported at one of its office buildings
# Beyond its team's size: 南星's old lanes and small eateries draw more of the public's complaints (the reference
# district's plan counted 374 there in a year), so its weight is raised; the others keep their proportions.
EVENT_LOAD = {"330102008": 1.6}


@dataclass(frozen=True)
class EventPlace:
    lng: float
    lat: float
    location: Location
    building: str | None = None


def _points_in(geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points uniform inside geometry: vectorised rejection sampling from its bounding box."""
    minx, miny, maxx, maxy = geometry.bounds
    shapely.prepare(geometry)
    found: list[np.ndarray] = []
    have = 0
    while have < n:
        batch = max(64, int((n - have) * 1.8))
        x = rng.uniform(minx, maxx, batch)
        y = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(geometry, x, y)
        pts = np.column_stack([x[inside], y[inside]])
        found.append(pts)
        have += len(pts)
    return np.concatenate(found)[:n]


def place_events(
    hub_flags: list[bool],
    layout,
    index: RegionIndex,
    buildings: list[tuple[str, float, float]],
    rng: np.random.Generator,
) -> list[EventPlace]:
    """One place per event (in the order of hub_flags): subdistrict by weight, then a point inside it."""
    codes = sorted(SUBDISTRICT_OFFICERS)
    weights = np.array([SUBDISTRICT_OFFICERS[c] * EVENT_LOAD.get(c, 1.0) for c in codes], dtype=float)
    chosen = rng.choice(len(codes), size=len(hub_flags), p=weights / weights.sum())
    target = np.array([HUB_CODE if hub else codes[c] for hub, c in zip(hub_flags, chosen, strict=True)])
    lng = np.zeros(len(hub_flags))
    lat = np.zeros(len(hub_flags))
    for code in sorted(set(target.tolist())):
        rows = np.flatnonzero(target == code)
        pts = _points_in(layout.get(code).geometry, len(rows), rng)
        lng[rows], lat[rows] = pts[:, 0], pts[:, 1]
    at_building: dict[int, str] = {}
    if buildings:
        for row in np.flatnonzero(target == SIJIQING).tolist():
            if rng.random() < BUILDING_SHARE:
                name, b_lng, b_lat = buildings[int(rng.integers(len(buildings)))]
                lng[row], lat[row] = b_lng, b_lat
                at_building[row] = name
    # Rounded as stored (six decimals, ~0.1 m) before locating, so the stored point is in the stored grid.
    lng, lat = np.round(lng, 6), np.round(lat, 6)
    located = index.locate_many(lng, lat)
    places = []
    for row, loc in enumerate(located):
        if loc is None:  # a point on the outline's edge: rare; use the shape's own label point instead
            lng[row], lat[row] = (round(v, 6) for v in layout.get(str(target[row])).label_point())
            loc = index.locate(lng[row], lat[row])
        places.append(EventPlace(float(lng[row]), float(lat[row]), loc, at_building.get(row)))
    return places
