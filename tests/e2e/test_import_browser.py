"""In a real browser: the command centre uploads a 12345 export with bad rows, sees every row error and nothing
imported, then uploads the corrected file and sees the orders routed — at desktop and at phone width."""

import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from zhifa.catalog.services import release_apply, release_import
from zhifa.dispatch.models import Event

pytestmark = pytest.mark.e2e

CATALOG = (
    "code,name,domain,kind,legal_basis,penalty_basis,delegated,delegated_from,keywords,required_evidence,"
    "high_frequency,scenes\n"
    "ZH0101,对餐饮服务业经营者超过排放标准排放油烟的行政处罚,comprehensive,行政处罚,"
    "《中华人民共和国大气污染防治法》第八十一条,《中华人民共和国大气污染防治法》第一百一十八条,"
    "是,2022-06-01,油烟|油烟扰民|排烟,,否,吃\n"
)
HEADER = ["工单编号", "受理时间", "诉求内容", "所属街道", "紧急程度"]
GOOD = ["2503010830000001", "2025-03-01 08:30", "某某路一家饭店油烟扰民，每天晚上排烟", "九堡街道", "一般"]


@pytest.fixture
def catalog(world):
    release = release_import(content=CATALOG.encode(), filename="items.csv", version="e2e-imp", by=world.root)
    release_apply(release=release, by=world.root)


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(page, rows, name="12345工单.xlsx"):
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": mime, "buffer": _xlsx(rows)}])
    page.click("text=校验并导入")


def test_upload_shows_row_errors_then_imports_the_corrected_file(
    live_server, world, catalog, browser, tmp_path
):
    shots = Path(os.environ.get("ZHIFA_SHOTS") or tmp_path)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dispatch/")  # the command centre lands on 指挥调度
    page.click("nav >> summary:has-text('指挥')")
    page.click("nav >> text=12345 导入")
    page.wait_for_url("**/dispatch/imports/hotline/")

    bad = [
        HEADER,
        GOOD,
        ["2503010830000002", "2025-02-30 09:00", "小区门口有人占道经营", "九堡街道", "一般"],
        ["", "2025-03-01 10:00", "", "南星街道", "很急"],
    ]
    _upload(page, bad)
    rows = page.locator("#import-errors tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("[role=alert]")).to_contain_text("导入失败：2 行共 4 处错误，未导入任何工单")
    expect(rows.nth(0)).to_contain_text("第 3 行")
    expect(rows.nth(0)).to_contain_text("受理时间“2025-02-30 09:00”不是有效的日期时间")
    expect(rows.nth(1)).to_contain_text("工单编号不能为空")
    expect(rows.nth(3)).to_contain_text("紧急程度“很急”无效")
    assert Event.objects.count() == 0
    page.screenshot(path=str(shots / "import-errors-1366.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "import-errors-390.png"), full_page=True)

    page.set_viewport_size({"width": 1366, "height": 900})
    _upload(page, [HEADER, GOOD])
    expect(page.locator("[role=status]")).to_contain_text("已导入 1 张 12345 工单：自动派发 1 张")
    created = page.locator("#import-created tbody tr")
    expect(created).to_have_count(1)
    expect(created.first).to_contain_text("九堡街道综合行政执法队")
    expect(created.first).to_contain_text("2503010830000001")
    page.screenshot(path=str(shots / "import-done-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "import-done-390.png"), full_page=True)

    page.click("#import-created a")
    page.wait_for_url("**/dispatch/events/*/")
    expect(page.locator("main")).to_contain_text("2503010830000001")
