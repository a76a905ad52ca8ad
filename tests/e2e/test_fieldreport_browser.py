"""In a real browser on a phone: an officer on patrol lets the page read the phone's location, takes a photo
and reports; the event is placed by the coordinates and routed, the photo kept as evidence."""

import pytest
from playwright.sync_api import expect

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.dispatch.test_coordination import png_bytes
from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from zhifa.dispatch.models import Event, Evidence
from zhifa.org.services import region_create

pytestmark = pytest.mark.e2e


def test_patrol_report_with_location_and_photo(live_server, district, browser, settings, tmp_path, shots):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    # A grid of 九堡 with a shape, so the phone's coordinates place the report.
    square = {
        "type": "Polygon",
        "coordinates": [
            [[120.30, 30.30], [120.32, 30.30], [120.32, 30.32], [120.30, 30.32], [120.30, 30.30]]
        ],
    }
    district.jiubao.geometry = square
    district.jiubao.save()
    community = region_create(
        code="33010201801", name="九堡示例社区", level="community", parent=district.jiubao, geometry=square
    )
    region_create(code="3301020180101", name="九堡示例网格", level="grid", parent=community, geometry=square)

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": 120.31, "latitude": 30.31, "accuracy": 15},
        permissions=["geolocation"],
        locale="zh-CN",
    )
    page = context.new_page()
    _login(page, live_server.url, "bob")
    assert page.locator("nav a:has-text('现场上报')").count() == 1  # in the menu (folded on a phone)
    page.goto(f"{live_server.url}/dispatch/report-in/")
    expect(page.locator("#locate-status")).to_contain_text("已定位：120.310000, 30.310000（精度约 15 米）")
    page.fill("#id_description", "巡查发现某烧烤店油烟直排，周边居民反映强烈")
    page.locator("#id_photos").set_input_files(
        files=[{"name": "现场.png", "mimeType": "image/png", "buffer": png_bytes(32, 24)}]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "report-in-390.png"), full_page=True)
    page.click("#report-in button[type=submit]")
    page.wait_for_url("**/dispatch/events/*/")
    expect(page.locator("body")).to_contain_text("已上报，受理编号")

    event = Event.objects.get()
    assert event.channel == "patrol" and event.region.code == "3301020180101"
    assert event.lead_unit.code == "ST-330102018"
    evidence = Evidence.objects.get(event=event)
    assert "120.310000, 30.310000，精度约 15 米" in evidence.description
    context.close()
