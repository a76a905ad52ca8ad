# ruff: noqa: F811  (pytest fixtures imported by name and requested by the test)
"""In a real browser: 南星's command room records a difficult-case discussion on a phone (390 px) — first with
nothing filled (the Chinese errors), then properly, with a PDF material — and sees the reminder of a warning
nearing its due date; oversight (1366 px) reads the trainings, the officers' hours, the board's charts and
generates the monthly PDF report as a background job. Screenshots at 1366 and 390 px."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from tests.oversight.conftest import clock, cw, district, open_case, ow, subjects, visit  # noqa: F401 (fixtures)
from zhifa.oversight.deadlines import alert_deadlines_run
from zhifa.oversight.models import Alert, Training
from zhifa.oversight.services import alert_assign, oversight_scan

pytestmark = pytest.mark.e2e


def test_training_record_reminder_and_pdf_report(live_server, ow, clock, browser, shots, settings, tmp_path):
    w = ow
    settings.ZHIFA_KEYS_DIR = tmp_path / "keys"
    case = open_case(w)
    w.today = date(2026, 3, 2)
    visit(w).officers.set([w.nanxing_officer_record])
    oversight_scan(codes=["too_few_officers"])
    alert = Alert.objects.get()
    alert_assign(alert=alert, unit=w.nanxing_team, due_on=date(2026, 3, 3), by=w.olga)
    alert_deadlines_run()
    material = tmp_path / "研讨课件.pdf"
    material.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    mobile = phone.new_page()
    _login(mobile, live_server.url, "nina")
    mobile.goto(f"{live_server.url}/oversight/")
    expect(mobile.locator("#alert-notices")).to_contain_text("条监督预警即将到期")
    mobile.screenshot(path=str(shots / "ovflow-notice-390.png"), full_page=True)
    mobile.goto(f"{live_server.url}/oversight/trainings/new/")
    mobile.fill("#id_hours", "")
    mobile.click("#training-form button[type=submit]")
    expect(mobile.locator("#training-form")).to_contain_text("请选择类型")
    expect(mobile.locator("#training-form")).to_contain_text("请填写学时（如 2 或 1.5）")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 395
    mobile.screenshot(path=str(shots / "ovflow-training-errors-390.png"), full_page=True)
    mobile.select_option("#id_kind", "discussion")
    mobile.fill("#id_topic", "餐饮油烟直排案件的证据固定")
    mobile.fill("#id_held_on", "2026-02-27")
    mobile.select_option("#id_organiser", str(w.nanxing_team.pk))
    mobile.fill("#id_hours", "2")
    mobile.select_option("#id_participants", [str(w.nanxing_officer_record.pk), str(w.partner.pk)])
    mobile.fill("#id_cases", case.number)
    mobile.fill("#id_summary", "讨论油烟直排的现场笔录与照片如何固定，明确检测报告的委托程序。")
    mobile.click("#training-form button[type=submit]")
    training = Training.objects.get()
    mobile.wait_for_url(f"**/oversight/trainings/{training.pk}/")
    mobile.set_input_files("#material-form input[type=file]", str(material))
    mobile.click("#material-form button[type=submit]")
    expect(mobile.locator("#training-materials")).to_contain_text("研讨课件.pdf")
    expect(mobile.locator("#training-cases")).to_contain_text(case.number)
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 395
    mobile.screenshot(path=str(shots / "ovflow-training-detail-390.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    _login(page, live_server.url, "olga")
    expect(page.locator("#chart-unit canvas")).to_have_count(1)
    expect(page.locator("#table-model")).to_contain_text("执法人员少于两人")
    # Models and units are horizontal bars, one row of room per name (names were cut and slanted on a phone).
    for chart in ("chart-model", "chart-unit"):
        axis = page.evaluate(
            f"echarts.getInstanceByDom(document.getElementById('{chart}')).getOption().yAxis[0]"
        )
        assert axis["type"] == "category" and axis["data"], chart  # names on the vertical axis, whole
    models = page.locator("#table-model tbody tr").count()
    assert page.evaluate("document.getElementById('chart-model').clientHeight") >= 34 * models
    page.screenshot(path=str(shots / "ovflow-board-1366.png"), full_page=True)
    page.goto(f"{live_server.url}/oversight/trainings/")
    expect(page.locator("#trainings")).to_contain_text("餐饮油烟直排案件的证据固定")
    expect(page.locator("#training-years")).to_contain_text("2026")
    page.screenshot(path=str(shots / "ovflow-trainings-1366.png"), full_page=True)
    page.goto(f"{live_server.url}/oversight/trainings/hours/")
    expect(page.locator("#hours-officers")).to_contain_text(w.partner.name)
    page.screenshot(path=str(shots / "ovflow-hours-1366.png"), full_page=True)
    page.goto(f"{live_server.url}/oversight/report/?month=2026-02")
    page.click("#report-generate button[type=submit]")
    page.wait_for_url("**/jobs/**")
    expect(page.locator(".job-status")).to_have_attribute("data-status", "succeeded", timeout=30000)
    expect(page.locator(".job-status")).to_contain_text("已生成 2026-02 月度报告")
    page.screenshot(path=str(shots / "ovflow-report-job-1366.png"), full_page=True)
    with page.expect_download() as got:
        page.click("text=下载 PDF（含图表）")
    assert got.value.suggested_filename == "执法监督月度报告-2026-02.pdf"
    assert got.value.path().read_bytes()[:5] == b"%PDF-"
