"""录入事件 without typing coordinates: the place is picked on the district map or found from the address (按地址定位)
through the same name lookup the intake routes by — page (no JS) and API; coordinates stay optional."""

import pytest

from zhifa.dispatch.models import Event
from zhifa.org.choices import RegionLevel
from zhifa.org.services import building_create, region_create

NOT_FOUND = "未找到地址“火星路1号”：请写明楼宇、社区或街道名称，或在地图上点选位置"


def _square(x: float, y: float, d: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


@pytest.fixture
def places(district):
    w = district
    building_create(code="B-JB-1", name="九堡大厦", region=w.jiubao_grid, lng=120.27, lat=30.30)
    w.community = region_create(
        code="330102008001",
        name="示例望江社区",
        level=RegionLevel.COMMUNITY,
        parent=w.nanxing,
        geometry=_square(120.17, 30.22),
    )
    return w


def test_address_found_by_building_or_region_on_the_page_without_js(places, clients):
    carol = clients["carol"]
    page = carol.get("/dispatch/events/new/").content.decode()
    assert 'type="number"' not in page and "如 120.2758" not in page  # no coordinates to type
    assert 'name="lng"' in page and 'type="hidden"' in page and "按地址定位" in page
    res = carol.post(
        "/dispatch/events/new/",
        {
            "description": "大厦门口占道经营",
            "address": "九堡大厦东门",
            "priority": "normal",
            "action": "geocode",
        },
    )
    html = res.content.decode()
    assert res.status_code == 200 and not Event.objects.exists()
    assert "已定位：按楼宇“九堡大厦”定位：九堡街道（120.270000, 30.300000）" in html
    assert 'name="lng" value="120.270000"' in html and '<option value="330102018" selected>' in html
    assert "大厦门口占道经营" in html  # what was typed is kept
    res = carol.post(
        "/dispatch/events/new/",
        {
            "description": "社区门口垃圾堆放",
            "address": "示例望江社区北门",
            "priority": "normal",
            "action": "geocode",
        },
    )
    html = res.content.decode()
    assert "已定位：按“示例望江社区”定位（取其中心点）：南星街道" in html
    # Submit with the point found: the event carries it.
    res = carol.post(
        "/dispatch/events/new/",
        {
            "description": "大厦门口占道经营",
            "address": "九堡大厦东门",
            "subdistrict": "330102018",
            "lng": "120.270000",
            "lat": "30.300000",
            "priority": "normal",
            "action": "submit",
        },
    )
    event = Event.objects.get()
    assert res.status_code == 302 and (event.lng, event.lat) == (120.27, 30.3)


def test_unknown_address_is_said_in_chinese_and_coordinates_stay_optional(places, clients):
    carol = clients["carol"]
    base = {"description": "路边乱扔垃圾", "address": "火星路1号", "priority": "normal"}
    res = carol.post("/dispatch/events/new/", {**base, "action": "geocode"})
    assert res.status_code == 400 and NOT_FOUND in res.content.decode() and not Event.objects.exists()
    res = carol.post("/dispatch/events/new/", {**base, "address": "", "action": "geocode"})
    assert res.status_code == 400 and "请先填写地址" in res.content.decode()
    # No point at all: still accepted (unlocated), as before.
    res = carol.post("/dispatch/events/new/", {**base, "action": "submit"})
    event = Event.objects.get()
    assert res.status_code == 302 and event.lng is None and event.address == "火星路1号"
    # Half a point is refused by the service, in Chinese.
    res = carol.post("/dispatch/events/new/", {**base, "lng": "120.2", "action": "submit"})
    assert res.status_code == 400 and "经度和纬度须同时填写" in res.content.decode()


def test_geocode_api(places, clients, client):
    res = clients["carol"].get("/api/v1/dispatch/geocode", {"address": "九堡大厦3楼"})
    assert res.status_code == 200
    assert res.json() == {
        "lng": 120.27,
        "lat": 30.3,
        "how": "按楼宇“九堡大厦”定位",
        "subdistrict": {"code": "330102018", "name": "九堡街道"},
        "grid": {"code": "33010201800101", "name": "九堡第1社区第1网格"},
    }
    res = clients["carol"].get("/api/v1/dispatch/geocode", {"address": "火星路1号"})
    assert res.status_code == 400 and res.json()["errors"] == [{"field": "address", "message": NOT_FOUND}]
    assert clients["carol"].get("/api/v1/dispatch/geocode").status_code == 422
    assert client.get("/api/v1/dispatch/geocode", {"address": "九堡大厦"}).status_code == 401


def test_the_map_is_drawn_from_local_region_shapes(places, clients):
    w = places
    region_create(
        code="330102099",
        name="示例街道",
        level=RegionLevel.SUBDISTRICT,
        parent=w.district,
        geometry=_square(120.20, 30.25, 0.05),
    )
    page = clients["carol"].get("/dispatch/events/new/").content.decode()
    assert 'data-event-map="event-map-data"' in page and '"code": "330102099"' in page
    assert "/static/vendor/echarts.min.js" in page and "js/eventmap.js" in page
    assert "http://" not in page.split("<body", 1)[1].replace("http://www.w3.org", "")  # no online tiles
