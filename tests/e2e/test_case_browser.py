"""In a real browser: an officer on a phone (390 px) opens a case from an inspection's violation, starts the
investigation, uploads the required evidence and issues the notice; the party waives, the legal reviewer (not on
the case) passes it on a desktop; the officer decides and serves; the decision's PDF opens. Screenshots at 390
and 1280 px."""

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import cw  # noqa: F401 (fixture)
from tests.cases.test_pages import _finished_inspection
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.dispatch.test_coordination import png_bytes
from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.cases.models import Case

pytestmark = pytest.mark.e2e


def _act(page, name: str):
    box = page.locator(f"#action-{name}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 395


def test_a_case_from_a_violation_to_its_served_decision(live_server, cw, browser, shots):  # noqa: F811
    w = cw
    record = _finished_inspection(w)
    finding = record.findings.get()
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = phone.new_page()
    _login(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/inspections/records/{record.pk}/")
    page.click(f"a[href='/cases/new/?finding={finding.pk}']")
    page.wait_for_url("**/cases/new/?finding=*")
    expect(page.locator("input[name=items]")).to_have_value("ZH0101")
    page.check(f"#officer-choices input[value='{w.partner.pk}']")
    page.fill("textarea[name=facts]", "后厨油烟净化设施未开启，油烟直排")
    _no_overflow(page)
    page.screenshot(path=str(shots / "case-new-390.png"), full_page=True)
    page.click("button[value=open]")
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    expect(page.locator("#case-stage")).to_have_text("已立案")
    expect(page.locator("#case-clocks")).to_contain_text("作出处罚决定")

    _act(page, "investigate").locator("button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    for requirement, kind, name in (
        ("询问笔录", "party", "ask.png"),
        ("现场照片或视频", "audiovisual", "smoke.png"),
    ):
        box = _act(page, "evidence_upload")
        box.locator("select[name=kind]").select_option(kind)
        box.locator("select[name=requirement]").select_option(requirement)
        box.locator("input[name=description]").fill(requirement)
        box.locator("input[type=file]").set_input_files(
            files=[{"name": name, "mimeType": "image/png", "buffer": png_bytes(40 + len(name), 30)}]
        )
        box.locator("button[type=submit]").click()
        page.wait_for_url("**/cases/*/")
    expect(page.locator("#evidence-checklist .check-ok")).to_have_count(2)

    notify = _act(page, "notify")
    cause = case.causes.get().pk
    notify.locator(f"select[name=circumstance_{cause}]").select_option("较重")
    notify.locator(f"input[name=kinds_{cause}][value=fine]").check()
    notify.locator(f"input[name=fine_{cause}]").fill("12000")
    notify.locator("select[name=notice_kind]").select_option("statement")
    notify.locator("button[type=submit]").click()
    expect(page.locator("#case-error")).to_contain_text("应告知当事人有要求听证的权利")
    notify = _act(page, "notify")
    notify.locator(f"select[name=circumstance_{cause}]").select_option("较重")
    notify.locator(f"input[name=kinds_{cause}][value=fine]").check()
    notify.locator(f"input[name=fine_{cause}]").fill("12000")
    notify.locator("select[name=notice_kind]").select_option("hearing")
    notify.locator("button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    expect(page.locator("#case-stage")).to_have_text("已告知")
    respond = _act(page, "respond")
    respond.locator("select[name=kind]").select_option("waiver")
    respond.locator("button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    _act(page, "review").locator("button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    _no_overflow(page)
    page.screenshot(path=str(shots / "case-review-390.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    _login(desk, live_server.url, "rita")
    desk.goto(f"{live_server.url}/cases/{case.pk}/")
    opinion = _act(desk, "review_opinion")
    opinion.locator("select[name=passed]").select_option("1")
    opinion.locator("textarea[name=opinion]").fill("事实清楚，证据确实充分，裁量适当")
    opinion.locator("button[type=submit]").click()
    desk.wait_for_url("**/cases/*/")
    expect(desk.locator("#timeline")).to_contain_text("法制审核")

    page.reload()
    decide = _act(page, "decide")
    decide.locator("select[name=outcome]").select_option("penalty")
    decide.locator("button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    expect(page.locator("#case-stage")).to_have_text("已决定")
    serve = _act(page, "serve")
    serve.locator("select[name=method]").select_option("direct")
    pad = serve.locator("canvas.sig-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 90, steps=8)
    page.mouse.up()
    serve.locator("button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    expect(page.locator("#case-stage")).to_have_text("已送达")
    expect(page.locator("#case-clocks")).to_contain_text("缴纳罚款")
    _no_overflow(page)
    page.screenshot(path=str(shots / "case-served-390.png"), full_page=True)
    case.refresh_from_db()
    assert case.documents.get(kind="service_receipt").signature

    desk.goto(f"{live_server.url}/cases/{case.pk}/")
    desk.screenshot(path=str(shots / "case-served-1280.png"), full_page=True)
    href = desk.locator("#documents a:has-text('行政处罚决定书')").get_attribute("href")
    pdf = desk.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    desk.goto(f"{live_server.url}/cases/?due_within=30")
    expect(desk.locator("#cases")).to_contain_text(case.number)
    desk.screenshot(path=str(shots / "case-list-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/cases/on-spot/")
    _no_overflow(page)
    page.screenshot(path=str(shots / "case-on-spot-390.png"), full_page=True)
