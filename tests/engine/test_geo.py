"""Point-in-region lookup over the demo layout: single and bulk lookups agree and resolve the hierarchy."""

from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import box

from zhifa.engine.geo import Location, RegionIndex
from zhifa.engine.layout import (
    DEMO_MICRO_GRIDS,
    RegionShape,
    build_district,
    load_outline,
    load_seed_points,
    sample_points_in,
)

DATA = Path(__file__).resolve().parents[2] / "zhifa" / "demo" / "data"


@pytest.fixture(scope="module")
def layout():
    subdistricts, hub = load_seed_points(DATA / "seed_points.csv")
    outline = load_outline(DATA / "shangcheng_outline.geojson")
    return build_district(outline, subdistricts, hub, seed=42, micro_grids=DEMO_MICRO_GRIDS)


@pytest.fixture(scope="module")
def index(layout):
    return RegionIndex.build(layout.regions)


def test_seed_points_locate_to_their_subdistricts(index):
    nanxing = index.locate(120.172, 30.222)
    assert nanxing is not None and nanxing.subdistrict_code == "330102008"
    assert nanxing.community_code.startswith("330102008") and nanxing.grid_code.startswith(
        nanxing.community_code
    )
    assert index.locate(120.275, 30.300).subdistrict_code == "330102018"


def test_far_away_point_is_none(index):
    assert index.locate(121.0, 31.0) is None
    assert index.locate_many([121.0], [31.0]) == [None]


def test_hub_is_a_functional_area_over_a_real_subdistrict(index, layout):
    found = index.locate(120.212, 30.291)
    assert "330102HUB" in found.functional_area_codes
    assert layout.get(found.subdistrict_code).level == "subdistrict"
    assert index.locate(120.172, 30.222).functional_area_codes == ()


def test_locate_many_agrees_with_locate(index, layout):
    rng = np.random.default_rng(11)
    minx, miny, maxx, maxy = layout.regions[0].geometry.buffer(0.01).bounds
    # Mostly anywhere around the district, some inside the hub so functional areas are exercised too.
    near_hub = np.array(sample_points_in(layout.get("330102HUB").geometry, 100, rng))
    lngs = np.concatenate([rng.uniform(minx, maxx, 1900), near_hub[:, 0]])
    lats = np.concatenate([rng.uniform(miny, maxy, 1900), near_hub[:, 1]])
    bulk = index.locate_many(lngs, lats)
    single = [index.locate(x, y) for x, y in zip(lngs, lats, strict=True)]
    assert bulk == single
    assert any(loc is None for loc in bulk) and any(loc is not None for loc in bulk)
    assert all("330102HUB" in loc.functional_area_codes for loc in bulk[1900:])


def test_points_in_sijiqing_have_micro_grids(index, layout):
    points = sample_points_in(layout.get("330102014").geometry, 300, np.random.default_rng(5))
    for loc in index.locate_many([p[0] for p in points], [p[1] for p in points]):
        assert loc.subdistrict_code == "330102014"
        assert loc.micro_grid_code is not None and loc.micro_grid_code.startswith(loc.grid_code)
    elsewhere = index.locate(120.172, 30.222)
    assert elsewhere.micro_grid_code is None


def _square(code, level, parent, x0, y0, size=1.0):
    return RegionShape(code, code, level, parent, box(x0, y0, x0 + size, y0 + size))


def test_shared_border_goes_to_the_lowest_code_and_any_shapes_work():
    shapes = [
        _square("S1", "subdistrict", None, 0, 0, 2),
        _square("C1", "community", "S1", 0, 0, 2),
        _square("G2", "grid", "C1", 1, 0),
        _square("G1", "grid", "C1", 0, 0),
        _square("M9", "micro_grid", "G2", 1, 0, 0.5),
        _square("FA", "functional_area", None, 0.5, 0, 1),
    ]
    index = RegionIndex.build(shapes)
    assert index.locate(1.0, 0.25) == Location("G1", "C1", "S1", None, ("FA",))
    assert index.locate_many([1.0], [0.25]) == [index.locate(1.0, 0.25)]
    # G2 is only partly covered by its micro-grid: the gap still resolves to the grid.
    assert index.locate(1.75, 0.75) == Location("G2", "C1", "S1", None, ())
    assert index.locate(1.25, 0.25).micro_grid_code == "M9"
    assert index.locate(5, 5) is None
