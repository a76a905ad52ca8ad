"""Point lookup over stored Region shapes: right grid/community/subdistrict, outside is None/404, bad input 422."""

import pytest

from zhifa.org import geo
from zhifa.org.choices import RegionLevel
from zhifa.org.services import region_create

API = "/api/v1/org/locate"


def square(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@pytest.fixture(autouse=True)
def fresh_index():
    # Test databases reuse ids after rollback, so the count/max-id signature alone could see a stale tree.
    geo.region_index_reset()
    yield
    geo.region_index_reset()


@pytest.fixture
def squares(world):
    """Two subdistricts side by side; A's community has two grids, the right one split into two micro-grids;
    a functional area straddles the border. The world's own regions (no shapes) stay in the tree."""
    w = world
    a = region_create(
        code="GA",
        name="甲街道",
        level=RegionLevel.SUBDISTRICT,
        parent=w.district,
        geometry=square(120.0, 30.0, 120.1, 30.1),
    )
    b = region_create(
        code="GB",
        name="乙街道",
        level=RegionLevel.SUBDISTRICT,
        parent=w.district,
        geometry=square(120.1, 30.0, 120.2, 30.1),
    )
    a1 = region_create(
        code="GA01",
        name="甲一社区",
        level=RegionLevel.COMMUNITY,
        parent=a,
        geometry=square(120.0, 30.0, 120.1, 30.1),
    )
    b1 = region_create(
        code="GB01",
        name="乙一社区",
        level=RegionLevel.COMMUNITY,
        parent=b,
        geometry=square(120.1, 30.0, 120.2, 30.1),
    )
    region_create(
        code="GA0101",
        name="甲一网格",
        level=RegionLevel.GRID,
        parent=a1,
        geometry=square(120.0, 30.0, 120.05, 30.1),
    )
    a12 = region_create(
        code="GA0102",
        name="甲二网格",
        level=RegionLevel.GRID,
        parent=a1,
        geometry=square(120.05, 30.0, 120.1, 30.1),
    )
    region_create(
        code="GA010201",
        name="甲二网格南微网格",
        level=RegionLevel.MICRO_GRID,
        parent=a12,
        geometry=square(120.05, 30.0, 120.1, 30.05),
    )
    region_create(
        code="GA010202",
        name="甲二网格北微网格",
        level=RegionLevel.MICRO_GRID,
        parent=a12,
        geometry=square(120.05, 30.05, 120.1, 30.1),
    )
    region_create(
        code="GB0101",
        name="乙一网格",
        level=RegionLevel.GRID,
        parent=b1,
        geometry=square(120.1, 30.0, 120.2, 30.1),
    )
    region_create(
        code="GHUB",
        name="枢纽功能区",
        level=RegionLevel.FUNCTIONAL_AREA,
        parent=w.district,
        geometry=square(120.08, 30.0, 120.12, 30.03),
    )
    return w


def test_point_in_plain_grid(squares):
    found = geo.locate_point(120.02, 30.05)
    assert found == {
        "grid": {"code": "GA0101", "name": "甲一网格"},
        "community": {"code": "GA01", "name": "甲一社区"},
        "subdistrict": {"code": "GA", "name": "甲街道"},
        "micro_grid": None,
        "functional_areas": [],
    }


def test_point_in_micro_grid_and_functional_area(squares):
    found = geo.locate_point(120.09, 30.02)
    assert found["grid"]["code"] == "GA0102"
    assert found["micro_grid"] == {"code": "GA010201", "name": "甲二网格南微网格"}
    assert found["functional_areas"] == [{"code": "GHUB", "name": "枢纽功能区"}]
    other_side = geo.locate_point(120.15, 30.02)
    assert other_side["subdistrict"]["code"] == "GB"
    assert other_side["functional_areas"] == []
    assert geo.locate_point(120.15, 30.02 + 0.005)["functional_areas"] == []  # still outside the hub


def test_point_outside_is_none(squares):
    assert geo.locate_point(121.0, 31.0) is None
    assert geo.locate_point(120.05, 30.2) is None


def test_no_shapes_at_all_is_none(world):
    assert geo.region_index() is None
    assert geo.locate_point(120.02, 30.05) is None


@pytest.mark.django_db(transaction=True)
def test_index_is_cached_and_rebuilt_when_regions_change(squares):
    # Committed rows (not a test transaction): only then does the process keep the index it built.
    first = geo.region_index()
    assert geo.region_index() is first
    assert geo.locate_point(120.25, 30.05) is None
    c = region_create(
        code="GC",
        name="丙街道",
        level=RegionLevel.SUBDISTRICT,
        parent=squares.district,
        geometry=square(120.2, 30.0, 120.3, 30.1),
    )
    c1 = region_create(
        code="GC01", name="丙一社区", level=RegionLevel.COMMUNITY, parent=c, geometry=c.geometry
    )
    region_create(code="GC0101", name="丙一网格", level=RegionLevel.GRID, parent=c1, geometry=c.geometry)
    assert geo.region_index() is not first
    assert geo.locate_point(120.25, 30.05)["subdistrict"]["code"] == "GC"
    geo.region_index_reset()
    assert geo.locate_point(120.25, 30.05)["grid"]["code"] == "GC0101"


def test_grid_with_incomplete_chain_is_left_out(squares):
    # The world's 南星 grid hangs directly under its subdistrict (no community): it cannot be indexed, and
    # its presence must not break lookups elsewhere.
    region_create(
        code="GX",
        name="无社区网格",
        level=RegionLevel.GRID,
        parent=squares.nanxing,
        geometry=square(121.0, 31.0, 121.1, 31.1),
    )
    assert geo.locate_point(121.05, 31.05) is None
    assert geo.locate_point(120.02, 30.05)["grid"]["code"] == "GA0101"


def test_api_locate(clients, squares):
    res = clients["alice"].get(API, {"lng": "120.09", "lat": "30.07"})
    assert res.status_code == 200
    body = res.json()
    assert body["grid"] == {"code": "GA0102", "name": "甲二网格"}
    assert body["micro_grid"]["code"] == "GA010202"
    assert body["subdistrict"]["name"] == "甲街道"
    assert body["functional_areas"] == []


def test_api_locate_outside_is_404(clients, squares):
    res = clients["carol"].get(API, {"lng": 121.0, "lat": 31.0})
    assert res.status_code == 404
    assert res.json()["message"] == "该位置不在本区范围内"


@pytest.mark.parametrize(
    "params",
    [
        {"lng": "abc", "lat": "30.0"},
        {"lng": "120.0", "lat": ""},
        {"lng": "120.0"},
        {"lng": "181", "lat": "30"},
        {"lng": "120", "lat": "-90.5"},
        {"lng": "nan", "lat": "30"},
        {"lng": "inf", "lat": "30"},
    ],
)
def test_api_locate_rejects_bad_coordinates(clients, squares, params):
    res = clients["carol"].get(API, params)
    assert res.status_code == 422
    assert res.json()["message"] == "请求参数有误"
