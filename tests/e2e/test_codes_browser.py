"""In real browsers on 390 px phones: the officer starts a visit and the 行政行为码 appears before entering; the
party's phone opens what the QR holds and sees who is coming and why; after the visit the party rates it once
with the secret the officer handed over; oversight reads it. Screenshots at each step."""

import re

import pytest
from playwright.sync_api import expect

from tests.codes.conftest import _keys_in_tmp  # noqa: F401 (autouse fixture: keys in a tmp folder)
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from tests.inspections.test_records import rec  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.codes.models import ActionCode, CodeRating
from zhifa.codes.qr import qr_svg
from zhifa.codes.services import code_secret

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 395


def test_visit_code_on_the_phone_verified_and_rated_by_the_party(live_server, rec, browser, shots):  # noqa: F811
    w = rec
    officer = browser.new_context(**PHONE).new_page()
    _login(officer, live_server.url, "alice")
    officer.goto(f"{live_server.url}/subjects/{w.nanxing_shop.pk}/")
    officer.click("#start-inspection")
    officer.wait_for_url("**/inspections/records/new/?subject=*")
    officer.fill("#id_officer_q", "丙")  # alice is in the squad; her partner is added by the search
    officer.locator(f"#officer-results button[data-officer='{w.partner.pk}']").click()
    officer.check("#domains input[value='comprehensive']")
    officer.check("#domains input[value='market']")
    officer.click("#start-btn")
    officer.wait_for_url("**/inspections/records/*/")

    # The code is on the record page before the checklist: a QR as wide as the phone allows, and the secret.
    card = officer.locator("#action-code")
    expect(card).to_be_visible()
    qr_box = officer.locator("#code-qr").bounding_box()
    assert qr_box["width"] >= 280 and qr_box["y"] < officer.locator("#checklist").bounding_box()["y"]
    code = ActionCode.objects.get()
    expect(officer.locator("#rating-secret .secret")).to_have_text(code_secret(code))
    fits(officer)
    officer.screenshot(path=str(shots / "code-officer-390.png"), full_page=True)

    # What the QR holds is the public page of this code (the SVG is the QR of that address).
    href = officer.locator("#code-qr").get_attribute("href")
    assert href == f"{live_server.url}/c/{code.token}"
    modules = officer.locator("#code-qr svg path.qrline").get_attribute("d")
    assert modules and modules in str(qr_svg(href))

    party = browser.new_context(**PHONE).new_page()  # the shopkeeper's phone: no login
    party.goto(href)
    expect(party.locator("#verdict")).to_have_attribute("data-status", "valid")
    expect(party.locator("#verdict")).to_contain_text("有效")
    expect(party.locator("#who")).to_contain_text("南星街道综合行政执法队")
    expect(party.locator("#who")).to_contain_text("ZJ-TEST-0001")
    expect(party.locator("#who")).not_to_contain_text("测试队员甲")
    expect(party.locator("#items li")).to_have_count(2)
    expect(party.locator("#rights")).to_contain_text("申请回避")
    assert party.locator("#rate").count() == 0  # rating opens after the visit
    fits(party)
    party.screenshot(path=str(shots / "code-party-verify-390.png"), full_page=True)

    # The visit goes on and finishes.
    for item in ("ZH0101", "SJ0001"):
        officer.locator(f".item[data-item='{item}'] label.r-compliant").click()
    officer.click("#finish-btn")
    officer.wait_for_url("**/inspections/records/*/")
    expect(officer.locator(".messages")).to_contain_text("检查已完成")
    expect(officer.locator("#rating-secret")).to_be_visible()  # still there to hand over at the end
    officer.screenshot(path=str(shots / "code-officer-finished-390.png"), full_page=True)

    party.reload()
    expect(party.locator("#result")).to_contain_text("未发现问题")
    party.fill("#id_secret", "AAAA-AAAA")  # a passer-by who only saw the QR
    party.locator("#rate input[name=score][value='2']").check()
    party.click("#rate button[type=submit]")
    expect(party.locator("#rate .errorlist")).to_contain_text("评价码不正确")
    assert CodeRating.objects.count() == 0
    party.fill("#id_secret", code_secret(code).lower())
    party.locator("#rate input[name=score][value='2']").check()
    party.locator("#rate input[name=problems][value='disruption']").check()
    party.fill("#id_comment", "检查时间过长，影响午市")
    fits(party)
    party.screenshot(path=str(shots / "code-party-rate-390.png"), full_page=True)
    party.click("#rate button[type=submit]")
    expect(party.locator(".messages")).to_contain_text("感谢您的评价")
    assert party.locator("#rate").count() == 0  # once
    party.screenshot(path=str(shots / "code-party-rated-390.png"), full_page=True)
    rating = CodeRating.objects.get()
    assert (rating.score, rating.problems) == (2, ["disruption"])

    # The officer's pages say nothing of it; oversight reads it on the desk.
    officer.reload()
    assert "影响午市" not in officer.content()
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(desk, live_server.url, "olga")
    desk.goto(f"{live_server.url}/codes/ratings/")
    expect(desk.locator("#low-ratings")).to_contain_text("影响午市")
    expect(desk.locator("#kpi-share")).to_contain_text("100.0%")
    desk.screenshot(path=str(shots / "code-oversight-1280.png"), full_page=True)
    desk.close()

    # The paste page from the login page, on the phone.
    party.goto(f"{live_server.url}/accounts/login/")
    party.click("a:has-text('核验行政行为码')")
    party.fill("#id_token", f"扫码得到：{href}")
    party.click("#paste-form button[type=submit]")
    expect(party).to_have_url(re.compile(r"/c/eyJ"))
    expect(party.locator("#verdict")).to_contain_text("有效")


def test_shop_code_printed_and_opened(live_server, rec, browser, shots):  # noqa: F811
    w = rec
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(desk, live_server.url, "alice")
    desk.goto(f"{live_server.url}/subjects/{w.nanxing_shop.pk}/")
    desk.click("#shop-code")
    desk.click("#make-shop-code")
    expect(desk.locator("#door svg")).to_be_visible()
    desk.screenshot(path=str(shots / "shop-print-1280.png"), full_page=True)
    url = desk.locator("#door .muted").inner_text().strip()
    desk.close()
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(url)
    expect(phone.locator("#shop-head")).to_contain_text(w.nanxing_shop.name)
    expect(phone.locator("#rules")).to_contain_text("依据")
    fits(phone)
    phone.screenshot(path=str(shots / "shop-public-390.png"), full_page=True)
    phone.click("#report-link")
    expect(phone.locator("textarea[name=description]")).to_have_value(f"关于“{w.nanxing_shop.name}”：")
