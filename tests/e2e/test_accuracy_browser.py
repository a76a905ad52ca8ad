"""In a real browser: the 智能分类准确率 page at desktop and phone width, and the event page's classification
basis (screenshots in $ZHIFA_SCREENSHOTS when set)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.dispatch.test_accuracy import corrected  # noqa: F401 (fixture)
from tests.e2e.test_coordination_browser import _login

pytestmark = pytest.mark.e2e


def test_accuracy_page_and_basis_on_desktop_and_phone(live_server, corrected, browser, tmp_path):  # noqa: F811
    w = corrected
    shots = Path(os.environ.get("ZHIFA_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for width, height, name in ((1366, 800, "desktop"), (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        _login(page, live_server.url, "carol")
        page.goto(f"{live_server.url}/dispatch/accuracy/")
        expect(page.locator("h1")).to_have_text("智能分类准确率")
        expect(page.locator("table.acc tbody tr").first).to_contain_text("综合执法")
        expect(page.locator("table.acc")).to_contain_text("50%")
        page.screenshot(path=str(shots / f"accuracy-{name}.png"), full_page=True)
        page.goto(f"{live_server.url}/dispatch/events/{w.nx_fumes.pk}/")
        section = page.locator("section[aria-label=智能分类]")
        expect(section).to_contain_text("餐饮服务业经营者超过排放标准排放油烟")
        section.screenshot(path=str(shots / f"basis-{name}.png"))
        context.close()
