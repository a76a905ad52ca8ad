"""In a real browser: log in, open the dashboard, search the catalog for 油烟, open the item."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from zhifa.catalog.services import release_apply, release_import

pytestmark = pytest.mark.e2e

CSV = (
    "code,name,domain,kind,legal_basis,penalty_basis,delegated,delegated_from,keywords,required_evidence,"
    "high_frequency,scenes\n"
    "ZH0001,对餐饮服务业经营者超过排放标准排放油烟的行政处罚,comprehensive,行政处罚,"
    "《中华人民共和国大气污染防治法》第八十一条第一款,《中华人民共和国大气污染防治法》第一百一十八条第一款,"
    "是,2022-06-01,油烟|油烟扰民|排烟,现场检查笔录|现场照片,是,吃\n"
    "ZH0002,对擅自占用城市道路从事经营活动的行政处罚,comprehensive,行政处罚,"
    "《城市道路管理条例》,《城市道路管理条例》,是,2022-06-01,占道经营|摆摊,,否,\n"
    "SJ0001,对未取得食品生产经营许可从事食品生产经营活动的行政处罚,market,行政处罚,"
    "《中华人民共和国食品安全法》第三十五条,《中华人民共和国食品安全法》第一百二十二条,否,,无证经营|无证小吃,,否,吃\n"
)


@pytest.fixture
def catalog(world):
    release = release_import(content=CSV.encode(), filename="items.csv", version="e2e-1", by=world.root)
    release_apply(release=release, by=world.root)


def test_login_dashboard_search_and_open_item(live_server, world, catalog, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url

    page.fill("#id_username", "alice")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "用户名或密码错误"

    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # An officer lands on 我的任务.
    page.wait_for_url(f"{live_server.url}/dispatch/tasks/")
    assert page.locator("h1").first.inner_text() != ""
    assert "南星街道" in page.locator(".scope").inner_text()

    page.click("nav >> summary:has-text('办案')")
    page.click("nav >> text=执法事项")
    page.fill("input[name=q]", "油烟")
    page.keyboard.press("Enter")
    # The unfiltered list also shows the item: wait for the filtered result, not just for the text.
    rows = page.locator("table.list tr:has(td)")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("对餐饮服务业经营者超过排放标准排放油烟的行政处罚")
    assert "占道" not in page.locator("table.list").inner_text()

    page.click("text=对餐饮服务业经营者超过排放标准排放油烟的行政处罚")
    page.wait_for_url("**/catalog/items/ZH0001/")
    body = page.locator("main").inner_text()
    assert "《中华人民共和国大气污染防治法》第八十一条第一款" in body
    assert "现场检查笔录" in body
    page.screenshot(path=str(tmp_path / "item.png"), full_page=True)

    # At phone width the item page is still readable: no horizontal scroll of the page itself.
    page.set_viewport_size({"width": 375, "height": 800})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 380
