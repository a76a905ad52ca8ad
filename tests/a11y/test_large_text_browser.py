"""In a real browser: the 大字 switch on the public report page (a visitor, kept in a cookie) and on an officer's
task page (kept on the account) at 390 px — body text ≥ 18 px, touch targets ≥ 44 px, no sideways scrolling —
and the public report and tracking pages at 200 % zoom (a 1366 px screen is then 683 CSS px wide; 1280 → 640)
without horizontal scrolling. Set ZHIFA_SCREENSHOTS=<dir> to keep the screenshots."""

import pytest

from tests.a11y.test_axe import a11y_browser  # noqa: F401 (fixture)
from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from zhifa.accounts.models import User

pytestmark = pytest.mark.e2e

# Targets smaller than 44 × 44 CSS px among the visible controls (links inside running text are exempt, WCAG
# 2.5.5 "inline"), the body's font size, and how far the page scrolls sideways.
MEASURE = """() => {
  const small = [];
  for (const el of document.querySelectorAll('button, .btn, input:not([type=hidden]), select, textarea, summary, .navmenu a, .pager a')) {
    if (!el.checkVisibility()) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;  // visually hidden (the menu switch behind its ☰ label)
    const box = (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('label') || el).getBoundingClientRect() : r;
    if (box.height < 44 - 0.5 || box.width < 24) small.push((el.textContent || el.name || el.type).trim().slice(0, 20) + ' ' + Math.round(box.width) + '×' + Math.round(box.height));
  }
  return {body: parseFloat(getComputedStyle(document.body).fontSize),
          overflow: document.documentElement.scrollWidth - window.innerWidth, small};
}"""


def _switch_on(page):
    page.click(".display-switch button")
    page.wait_for_selector("html.large-text")


def test_larger_text_on_the_public_report_page_at_390(live_server, site, a11y_browser, shots):  # noqa: F811
    context = a11y_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/dispatch/report/")
    assert page.evaluate(MEASURE)["body"] == 14
    _switch_on(page)
    assert page.url == f"{live_server.url}/dispatch/report/"
    assert page.get_attribute(".display-switch button", "aria-pressed") == "true"
    found = page.evaluate(MEASURE)
    assert found["body"] >= 18 and found["overflow"] <= 0 and found["small"] == []
    page.screenshot(path=str(shots / "a11y-report-large-390.png"), full_page=True)
    # The visitor's choice holds on the next page (a cookie), and is undone by the same switch.
    page.goto(f"{live_server.url}/dispatch/track/{site.event.receipt_no}/")
    assert page.evaluate("document.documentElement.className") == "large-text"
    assert page.evaluate(MEASURE)["overflow"] <= 0
    page.screenshot(path=str(shots / "a11y-track-large-390.png"), full_page=True)
    page.click(".display-switch button")
    page.wait_for_selector("html:not(.large-text)")


def test_larger_text_on_an_officers_task_page_at_390(live_server, site, a11y_browser, shots):  # noqa: F811
    context = a11y_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    _login(page, live_server.url, "alice")
    assert page.url.endswith("/dispatch/tasks/")
    _switch_on(page)
    assert User.objects.get(username="alice").large_text is True
    page.click("label.nav-burger")  # the menu opened, its entries are large targets too
    found = page.evaluate(MEASURE)
    assert found["body"] >= 18 and found["overflow"] <= 0 and found["small"] == [], found
    page.screenshot(path=str(shots / "a11y-tasks-large-390.png"), full_page=True)


def test_public_report_and_tracking_pages_at_200_percent_zoom(live_server, site, a11y_browser, shots):  # noqa: F811
    pages = (
        ("report", "/dispatch/report/"),
        ("track", f"/dispatch/track/{site.event.receipt_no}/"),
        ("track-form", "/dispatch/track/"),
    )
    for width in (683, 640):
        # 200 % zoom halves the CSS viewport; the doubled device scale factor gives the pixels the zoom gives.
        context = a11y_browser.new_context(viewport={"width": width, "height": 384}, device_scale_factor=2)
        page = context.new_page()
        for name, path in pages:
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, (
                name,
                width,
            )
            if width == 683:
                page.screenshot(path=str(shots / f"a11y-{name}-zoom200.png"), full_page=True)
        context.close()
