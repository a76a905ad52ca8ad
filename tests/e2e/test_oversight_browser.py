# ruff: noqa: F811  (pytest fixtures imported by name and requested by the test)
"""In a real browser: oversight lands on 监督预警, opens an overdue-case warning, follows it to the case, sends
it to 南星's team with a due date; 南星's command room answers on a phone (390 px); oversight verifies and the
warning is closed. Screenshots at 1366 and 390 px."""

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import at
from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from tests.oversight.conftest import clock, cw, district, open_case, ow, subjects  # noqa: F401 (fixtures)
from zhifa.oversight.models import Alert
from zhifa.oversight.services import oversight_scan

pytestmark = pytest.mark.e2e


def test_oversight_follows_a_warning_to_the_case_and_closes_it(
    live_server,
    ow,
    clock,
    browser,
    shots,
    settings,
    tmp_path,
):
    w = ow
    settings.ZHIFA_KEYS_DIR = tmp_path / "keys"
    case = open_case(w)
    clock.move_to(at(2026, 6, 2))
    oversight_scan(codes=["case_clock"])
    alert = Alert.objects.get()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    _login(page, live_server.url, "olga")
    assert page.url.endswith("/oversight/")
    expect(page.locator("#alerts")).to_contain_text("已超期（期限 2026-05-31）")
    page.screenshot(path=str(shots / "oversight-board-1366.png"), full_page=True)
    page.click(f"#alerts a[href='/oversight/warnings/{alert.pk}/']")
    expect(page.locator("#alert-state")).to_have_text("待下发")
    page.click(f"#alert-records a[href='/cases/{case.pk}/']")
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.locator("body")).to_contain_text(case.number)
    page.go_back()
    page.fill("#assign-due", "2026-06-09")
    page.fill("#form-assign textarea[name=note]", "请说明超期原因并尽快作出决定")
    page.click("#form-assign button[type=submit]")
    expect(page.locator("#alert-state")).to_have_text("待说明整改")
    page.screenshot(path=str(shots / "oversight-warning-1366.png"), full_page=True)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    mobile = phone.new_page()
    _login(mobile, live_server.url, "nina")
    mobile.goto(f"{live_server.url}/oversight/")
    mobile.click(f"#alerts a[href='/oversight/warnings/{alert.pk}/']")
    mobile.fill(
        "#form-answer textarea[name=text]", "当事人申请延期调查取证，已补齐证据，拟于 6 月 5 日前作出决定"
    )
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 395
    mobile.screenshot(path=str(shots / "oversight-answer-390.png"), full_page=True)
    mobile.click("#form-answer button[type=submit]")
    expect(mobile.locator("#alert-state")).to_have_text("待核查")

    page.reload()
    page.select_option("#form-verify select[name=passed]", "1")
    page.fill("#form-verify textarea[name=note]", "说明属实，跟踪决定作出")
    page.click("#form-verify button[type=submit]")
    expect(page.locator("#alert-state")).to_have_text("已办结")
    expect(page.locator("#alert-steps")).to_contain_text("核查通过")
    alert.refresh_from_db()
    assert alert.state == "closed"
