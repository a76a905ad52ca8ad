"""In a real browser on a phone (390 px): an officer starts an inspection from the subject page, fills the
checklist — a violation with its severity and a photo — and finishes it with an event; the finished record is
read-only with the colour change and the event. Screenshots at 390 and 1280 px."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.dispatch.test_coordination import png_bytes
from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from tests.inspections.test_records import rec  # noqa: F401 (fixture)
from tests.subjects.conftest import code, subjects  # noqa: F401 (fixture)
from zhifa.inspections.models import Inspection, InspectionPhoto
from zhifa.risk.models import SubjectRisk
from zhifa.subjects.models import Violation
from zhifa.subjects.services import subject_create

pytestmark = pytest.mark.e2e


def test_officer_fills_a_checklist_on_the_phone(live_server, rec, browser, settings, tmp_path, shots):  # noqa: F811
    w = rec
    settings.MEDIA_ROOT = tmp_path / "media"
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": 120.171, "latitude": 30.221, "accuracy": 10},
        permissions=["geolocation"],
        locale="zh-CN",
    )
    page = context.new_page()
    _login(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/subjects/{w.nanxing_shop.pk}/")
    page.click("#start-inspection")
    page.wait_for_url("**/inspections/records/new/?subject=*")
    # 测试队员甲 (alice herself) is in the squad already; her partner is added by the search.
    page.fill("#id_officer_q", "丙")
    page.press("#id_officer_q", "Enter")  # Enter in the search box searches; it does not start the inspection
    page.locator(f"#officer-results button[data-officer='{w.partner.pk}']").click()
    assert "/inspections/records/new/" in page.url
    expect(page.locator("#squad")).to_contain_text("测试队员丙")
    page.check("#domains input[value='comprehensive']")
    page.check("#domains input[value='market']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "record-new-390.png"), full_page=True)
    page.press("#id_visited_on", "Enter")  # Enter in any other field starts it, as 开始检查 does
    page.wait_for_url("**/inspections/records/*/")
    expect(page.locator("#progress")).to_contain_text("已填写 0 / 2 项")
    expect(page.locator("#locate-status")).to_contain_text("120.171000, 30.221000")

    oil = page.locator(".item[data-item='ZH0101']")
    expect(oil.locator(".sev")).to_be_hidden()
    oil.locator("label.r-violation").click()
    expect(oil.locator(".sev")).to_be_visible()
    oil.locator("select").select_option("serious")
    oil.locator("textarea").fill("排烟管道直排，未安装油烟净化设施")
    camera = oil.locator("input[type=file]")
    assert camera.get_attribute("accept") == "image/*" and camera.get_attribute("capture") == "environment"
    camera.set_input_files(files=[{"name": "油烟.png", "mimeType": "image/png", "buffer": png_bytes(64, 48)}])
    page.locator(".item[data-item='SJ0001'] label.r-compliant").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "record-checklist-390.png"), full_page=True)
    page.click("button[value=save]")
    page.wait_for_url("**/inspections/records/*/")
    expect(page.locator(".messages")).to_contain_text("已保存 2 项检查结果，照片 1 张")
    expect(page.locator(".item[data-item='ZH0101'] .thumbs img")).to_have_count(1)

    page.check("#id_start_event")
    page.click("#finish-btn")
    page.wait_for_url("**/inspections/records/*/")
    expect(page.locator(".messages")).to_contain_text("检查已完成，记录违法行为 1 项")
    expect(page.locator("#result")).to_contain_text("红码")
    i = Inspection.objects.get()
    expect(page.locator("#result")).to_contain_text(i.event.receipt_no)
    assert page.locator("input[type=radio]").count() == 0  # read-only now
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "record-finished-390.png"), full_page=True)
    assert SubjectRisk.objects.get(subject=w.nanxing_shop).colour == "red"
    assert Violation.objects.get().severity == "serious"
    photo = InspectionPhoto.objects.get()
    assert (photo.lng, photo.lat) == (120.171, 30.221)

    page.goto(f"{live_server.url}/inspections/records/")
    expect(page.locator("#records")).to_contain_text("已完成")
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "record-list-390.png"), full_page=True)
    new = subject_create(
        by=w.carol,
        name="杭州示例0041新开面馆",
        kind="individual",
        industry="H62",
        uscc=code(41, "2"),
        address="南星街道示例路41号",
        subdistrict="南星街道",
        opened_on=w.today - timedelta(days=12),
    )
    page.goto(f"{live_server.url}/inspections/guidance/")
    expect(page.locator("#guidance")).to_contain_text(new.name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "record-guidance-390.png"), full_page=True)
    page.click("#guidance a:has-text('开始体检')")
    page.wait_for_url("**/inspections/records/new/?subject=*")
    expect(page.locator("#id_kind")).to_have_value("guidance")
    context.close()

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(desk, live_server.url, "alice")
    desk.goto(f"{live_server.url}/inspections/records/{i.pk}/")
    expect(desk.locator("#violations")).to_contain_text("排烟管道直排")
    desk.screenshot(path=str(shots / "record-finished-1280.png"), full_page=True)
    desk.goto(f"{live_server.url}/inspections/records/")
    expect(desk.locator("#records")).to_contain_text(w.nanxing_shop.name)
    desk.screenshot(path=str(shots / "record-list-1280.png"), full_page=True)
    desk.close()
