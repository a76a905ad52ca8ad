"""Demo regions: the engine's schematic layout saved as the Region tree, level by level in bulk."""

import json

from zhifa.engine import layout as engine_layout
from zhifa.org.models import Region


def _geojson(geom) -> dict:
    # Six decimals (~0.1 m) keep the stored polygons small without visible loss.
    return json.loads(json.dumps(engine_layout.to_geojson(geom)), parse_float=lambda s: round(float(s), 6))


def build_layout(seed: int):
    return engine_layout.build_demo_district(seed=seed)


LEVEL_ORDER = ("district", "subdistrict", "functional_area", "community", "grid", "micro_grid")
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LNG_AT_30N = 111.320 * 0.8660  # cos(30°): good to a few per cent across the district


def save_regions(layout) -> dict[str, Region]:
    """Write every shape of the layout as a Region, level by level so each parent has its key first."""
    regions: dict[str, Region] = {}
    by_level: dict[str, list[Region]] = {level: [] for level in LEVEL_ORDER}
    for s in sorted(layout.regions, key=lambda s: LEVEL_ORDER.index(s.level)):
        parent = regions.get(s.parent_code) if s.parent_code else None
        point = s.geometry.representative_point()
        region = Region(
            code=s.code,
            name=s.name,
            level=s.level,
            parent=parent,
            path=(parent.path if parent else "/") + s.code + "/",
            geometry=_geojson(s.geometry),
            centroid_lng=round(point.x, 6),
            centroid_lat=round(point.y, 6),
            area_km2=round(s.geometry.area * KM_PER_DEG_LAT * KM_PER_DEG_LNG_AT_30N, 4),
        )
        regions[s.code] = region
        by_level[s.level].append(region)
    for level in LEVEL_ORDER:
        Region.objects.bulk_create(by_level[level], batch_size=500)
    return regions
