"""In a real browser: the phone checklist (390 px) from a planned visit — the squad shown, an officer added by
search, questions tapped with the progress moving before saving, saved, finished; the draw form's name pickers
(typing 餐饮 picks 餐饮业 H62); the manual event form's place picked on the map and found from the address.
Screenshots at 390 and 1366 px (ZHIFA_SCREENSHOTS=dir keeps them)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from tests.inspections.test_draws import pool  # noqa: F401 (fixture)
from tests.inspections.test_draws_api import item_pool  # noqa: F401 (fixture)
from tests.inspections.test_records import _plan_visit, rec  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.dispatch.models import Event
from zhifa.inspections.models import Finding, Inspection, RandomDraw
from zhifa.org.choices import RegionLevel
from zhifa.org.services import building_create, officer_create, region_create

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
DESK = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 5


def test_phone_checklist_from_a_planned_visit(live_server, rec, browser, shots):  # noqa: F811
    w = rec
    officer_create(
        name="测试区队队员戊",
        birth_date=date(1986, 1, 1),
        certificate_no="ZJ-TEST-0005",
        home_department=w.bureau,
        team=w.district_team,
        domains=[w.comprehensive],
    )
    visit = _plan_visit(w, ["ZH0101", "SJ0001"])
    context = browser.new_context(**PHONE)
    page = context.new_page()
    _login(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/inspections/records/new/?plan_visit={visit.pk}")
    squad = page.locator("#squad")
    expect(squad).to_contain_text("测试队员甲")
    expect(squad).to_contain_text("测试队员丙")
    assert page.locator("input[name=officers]").count() == 2  # the squad, not the whole team
    page.fill("#id_officer_q", "戊")
    page.locator("#officer-results button").first.click()
    expect(squad).to_contain_text("测试区队队员戊")
    expect(page.locator("#squad-rule")).to_be_hidden()
    page.check("#domains input[value='comprehensive']")
    _fits(page, 390)
    page.screenshot(path=str(shots / "forms-record-new-390.png"), full_page=True)
    page.click("#start-btn")
    page.wait_for_url("**/inspections/records/*/")
    i = Inspection.objects.get()
    assert {o.name for o in i.officers.all()} == {"测试队员甲", "测试队员丙", "测试区队队员戊"}

    expect(page.locator("#progress")).to_contain_text("已填写 0 / 2 项")
    licence = page.locator(".item[data-item='SJ0001']")
    expect(licence.locator(".q")).to_have_text("是否取得食品经营许可并在有效期内？")
    expect(licence.locator("details.basis p").first).to_be_hidden()
    licence.locator("details.basis summary").click()
    expect(licence.locator("details.basis")).to_contain_text("《中华人民共和国食品安全法》")
    licence.locator("label.r-compliant").click()
    expect(page.locator("#progress")).to_contain_text("已填写 1 / 2 项")  # before any save
    expect(page.locator("#progress-unsaved")).to_be_visible()
    oil = page.locator(".item[data-item='ZH0101']")
    oil.locator("label.r-violation").click()
    expect(oil.locator(".sev")).to_be_visible()
    oil.locator(".sev select").select_option("ordinary")
    expect(page.locator("#progress")).to_contain_text("已填写 2 / 2 项")
    _fits(page, 390)
    page.screenshot(path=str(shots / "forms-checklist-390.png"), full_page=True)
    page.click("button[value=save]")
    page.wait_for_url("**/inspections/records/*/")
    expect(page.locator(".messages")).to_contain_text("已保存 2 项检查结果")
    expect(page.locator("#progress")).to_contain_text("已填写 2 / 2 项")
    expect(page.locator("#progress-unsaved")).to_be_hidden()
    assert Finding.objects.count() == 2
    desk = browser.new_page(**DESK)  # the same open checklist on a desk screen
    _login(desk, live_server.url, "alice")
    desk.goto(f"{live_server.url}/inspections/records/{i.pk}/")
    expect(desk.locator("#progress")).to_contain_text("已填写 2 / 2 项")
    desk.locator(".item[data-item='ZH0101'] details.basis summary").click()
    desk.screenshot(path=str(shots / "forms-checklist-1366.png"), full_page=True)
    desk.close()
    page.click("#finish-btn")
    page.wait_for_url("**/inspections/records/*/")
    expect(page.locator(".messages")).to_contain_text("检查已完成，记录违法行为 1 项")
    page.screenshot(path=str(shots / "forms-record-finished-390.png"), full_page=True)
    context.close()

    desk = browser.new_page(**DESK)
    _login(desk, live_server.url, "alice")
    desk.goto(f"{live_server.url}/inspections/records/{i.pk}/")
    expect(desk.locator("body")).to_contain_text("是否安装油烟净化设施并正常使用、油烟达标排放？")
    desk.screenshot(path=str(shots / "forms-record-finished-1366.png"), full_page=True)
    desk.close()


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_draw_pickers_find_names(live_server, item_pool, browser, shots, size):  # noqa: F811
    context = browser.new_context(**(PHONE if size == "phone" else DESK))
    page = context.new_page()
    _login(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/inspections/draws/new/")
    page.fill("#id_name", "餐饮证照双随机")
    page.select_option("#id_domain", "market")
    industry = page.locator(".picker-search[aria-controls='id_industry']")
    industry.fill("餐饮")
    expect(page.locator("#id_industry")).to_have_value("H62")
    industry.fill("火箭")
    expect(page.locator("#id_industry")).to_have_value("")
    expect(page.locator("#id_industry ~ .picker-count").first).to_contain_text("未找到“火箭”")
    industry.fill("餐饮")
    page.locator(".picker-search[aria-controls='id_item']").fill("食品经营许可")
    expect(page.locator("#id_item")).to_have_value("SJ0001")
    page.fill("#id_count", "2")
    width = 390 if size == "phone" else 1366
    _fits(page, width)
    page.screenshot(path=str(shots / f"forms-draw-new-{width}.png"), full_page=True)
    page.click("button[type=submit]:has-text('抽取')")
    page.wait_for_url("**/inspections/draws/*/")
    expect(page.locator("body")).to_contain_text("行业 餐饮业（H62）")
    d = RandomDraw.objects.get()
    assert d.pool_filter["industry"] == "H62" and d.pool_filter["item"] == "SJ0001"
    context.close()


def _mapped(w):
    """A subdistrict with a shape, a community and a grid inside it, and a building: enough to pick and find."""
    square = {
        "type": "Polygon",
        "coordinates": [
            [[120.17, 30.20], [120.23, 30.20], [120.23, 30.26], [120.17, 30.26], [120.17, 30.20]]
        ],
    }
    sd = region_create(
        code="330102099", name="示例街道", level=RegionLevel.SUBDISTRICT, parent=w.district, geometry=square
    )
    community = region_create(
        code="330102099001", name="示例社区", level=RegionLevel.COMMUNITY, parent=sd, geometry=square
    )
    grid = region_create(
        code="33010209900101",
        name="示例社区第1网格",
        level=RegionLevel.GRID,
        parent=community,
        geometry=square,
    )
    building_create(code="B-SL-1", name="示例商务楼", region=grid, lng=120.21, lat=30.23)


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_event_place_on_the_map_or_by_address(live_server, district, browser, shots, size):  # noqa: F811
    w = district
    _mapped(w)
    context = browser.new_context(**(PHONE if size == "phone" else DESK))
    page = context.new_page()
    _login(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/dispatch/events/new/")
    page.fill("#id_description", "示例商务楼门口有人占道经营")
    page.fill("#id_address", "火星路1号")
    page.click("#geocode-btn")
    expect(page.locator("#place-status")).to_contain_text("未找到地址“火星路1号”")
    page.fill("#id_address", "示例商务楼东门")
    page.click("#geocode-btn")
    expect(page.locator("#place-status")).to_contain_text("已定位：按楼宇“示例商务楼”定位：示例街道")
    assert page.input_value("input[name=lng]") == "120.210000"
    # A click on the map moves the point and names the place.
    box = page.locator("#event-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#place-status")).to_contain_text("已选位置：示例街道 · 示例社区 · 示例社区第1网格")
    lng = float(page.input_value("input[name=lng]"))
    assert 120.17 < lng < 120.23
    width = 390 if size == "phone" else 1366
    _fits(page, width)
    page.screenshot(path=str(shots / f"forms-event-new-{width}.png"), full_page=True)
    page.click("#submit-event")
    page.wait_for_url("**/dispatch/events/*/")
    event = Event.objects.get()
    assert event.lng == lng and event.subdistrict.code == "330102099"
    context.close()
