"""Schematic district layout: tiling, nesting, counts and determinism of the demo geometry."""

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from zhifa.engine.layout import (
    DEMO_MICRO_GRIDS,
    DistrictLayout,
    allocate_by_area,
    build_district,
    derive_outline,
    load_outline,
    load_seed_points,
    sample_points_in,
    to_geojson,
)

DATA = Path(__file__).resolve().parents[2] / "zhifa" / "demo" / "data"
SHARED_SOURCE = Path("/work/shared/data/hangzhou_pre2021_shangcheng_jianggan.geojson")
AREA_TOL = 1e-9  # in degrees², about 10 m²


def _build(seed: int) -> DistrictLayout:
    subdistricts, hub = load_seed_points(DATA / "seed_points.csv")
    return build_district(
        load_outline(DATA / "shangcheng_outline.geojson"),
        subdistricts,
        hub,
        seed=seed,
        micro_grids=DEMO_MICRO_GRIDS,
    )


@pytest.fixture(scope="module")
def layout() -> DistrictLayout:
    return _build(42)


def _no_overlap(geoms) -> bool:
    return sum(g.area for g in geoms) - shapely.union_all(geoms).area < AREA_TOL


def test_district_first_then_fourteen_subdistricts_and_the_hub(layout):
    assert (layout.regions[0].code, layout.regions[0].name, layout.regions[0].level) == (
        "330102",
        "上城区",
        "district",
    )
    subdistricts = layout.by_level("subdistrict")
    assert len(subdistricts) == 14
    assert all(s.parent_code == "330102" for s in subdistricts)
    hub = layout.get("330102HUB")
    assert hub.level == "functional_area"
    assert hub.geometry.area > 0


def test_subdistricts_tile_the_outline(layout):
    outline = layout.regions[0].geometry
    subdistricts = [s.geometry for s in layout.by_level("subdistrict")]
    assert shapely.union_all(subdistricts).symmetric_difference(outline).area < AREA_TOL
    assert _no_overlap(subdistricts)


@pytest.mark.parametrize("level", ["community", "grid", "micro_grid"])
def test_siblings_do_not_overlap(layout, level):
    assert _no_overlap([r.geometry for r in layout.by_level(level)])


def test_every_region_is_valid_and_inside_its_parent(layout):
    by_code = {r.code: r for r in layout.regions}
    for region in layout.regions:
        assert region.geometry.is_valid, region.code
        assert region.geometry.geom_type in {"Polygon", "MultiPolygon"}
        if region.parent_code:
            assert region.geometry.difference(by_code[region.parent_code].geometry).area < 1e-12, region.code


def test_every_grid_is_inside_its_subdistrict(layout):
    by_code = {r.code: r for r in layout.regions}
    for grid in layout.by_level("grid"):
        subdistrict = by_code[by_code[grid.parent_code].parent_code]
        assert subdistrict.level == "subdistrict"
        assert grid.geometry.difference(subdistrict.geometry).area < 1e-12


def test_codes_names_and_counts(layout):
    communities = layout.by_level("community")
    for sub in layout.by_level("subdistrict"):
        assert 8 <= len(layout.children(sub.code)) <= 14
    for community in communities:
        assert len(community.code) == 12 and community.code.startswith(community.parent_code)
        assert 3 <= len(layout.children(community.code)) <= 6
    grid = layout.get(communities[0].code + "01")
    assert grid.level == "grid" and grid.name == communities[0].name + "第1网格"
    nanxing_first = layout.get("330102008001")
    assert nanxing_first.name == "南星第1社区"
    assert len({r.code for r in layout.regions}) == len(layout.regions)


def test_sijiqing_has_exactly_102_micro_grids(layout):
    by_code = {r.code: r for r in layout.regions}
    micro = layout.by_level("micro_grid")
    in_sijiqing = [m for m in micro if by_code[by_code[m.parent_code].parent_code].parent_code == "330102014"]
    assert len(in_sijiqing) == len(micro) == 102
    assert all(len(m.code) == 16 for m in micro)


def test_seed_points_lie_in_their_own_subdistrict(layout):
    subdistricts, hub = load_seed_points(DATA / "seed_points.csv")
    for code, name, lng, lat in subdistricts:
        region = layout.get(code)
        assert region.name == name
        assert region.geometry.contains(Point(lng, lat)), code
    assert layout.get("330102HUB").geometry.contains(Point(hub[2], hub[3]))


def test_same_seed_is_identical_other_seed_differs(layout):
    again = _build(42)
    assert [(r.code, r.name, r.geometry.wkb) for r in again.regions] == [
        (r.code, r.name, r.geometry.wkb) for r in layout.regions
    ]
    other = _build(7)
    subs = [r.geometry.wkb for r in layout.by_level("subdistrict")]
    assert [r.geometry.wkb for r in other.by_level("subdistrict")] == subs
    assert [r.geometry.wkb for r in other.by_level("community")] != [
        r.geometry.wkb for r in layout.by_level("community")
    ]


def test_sample_points_in_stays_inside_and_is_reproducible(layout):
    polygon = layout.get("330102014").geometry
    points = sample_points_in(polygon, 500, np.random.default_rng(3))
    assert len(points) == 500
    assert all(polygon.contains(Point(p)) for p in points)
    assert points == sample_points_in(polygon, 500, np.random.default_rng(3))
    assert sample_points_in(polygon, 0, np.random.default_rng(3)) == []


def test_allocate_by_area_sums_exactly():
    counts = allocate_by_area([3.0, 1.0, 1.0, 0.01], 11)
    assert sum(counts) == 11 and min(counts) >= 1 and counts[0] == max(counts)
    with pytest.raises(ValueError):
        allocate_by_area([1.0, 1.0, 1.0], 2)


def test_to_geojson_round_trips(layout):
    geom = layout.get("330102008").geometry
    data = json.loads(json.dumps(to_geojson(geom)))
    assert shapely.geometry.shape(data).equals(geom)


def test_saved_outline_is_the_output_of_derive_outline():
    saved = json.loads((DATA / "shangcheng_outline.geojson").read_text(encoding="utf-8"))
    assert saved["properties"] == {"code": "330102", "name": "上城区"}
    outline = load_outline(DATA / "shangcheng_outline.geojson")
    assert outline.is_valid and outline.bounds[2] <= 120.30 + 1e-9
    if not SHARED_SOURCE.exists():
        pytest.skip("shared source data not available")
    assert derive_outline(json.loads(SHARED_SOURCE.read_text(encoding="utf-8"))) == saved


def test_seed_outside_the_outline_still_gets_a_nearby_subdistrict():
    subdistricts, hub = load_seed_points(DATA / "seed_points.csv")
    moved = [(c, n, 120.32, 30.30) if c == "330102018" else (c, n, x, y) for c, n, x, y in subdistricts]
    layout = build_district(
        load_outline(DATA / "shangcheng_outline.geojson"),
        moved,
        hub,
        seed=1,
        communities_per_subdistrict=(2, 2),
        grids_per_community=(1, 1),
    )
    jiubao = layout.get("330102018").geometry
    assert jiubao.area > 0 and jiubao.distance(Point(120.32, 30.30)) < 0.03
    assert _no_overlap([s.geometry for s in layout.by_level("subdistrict")])
