"""In a real browser: the command centre opens a joint plan's calendar, clicks a squad day and sees its visits in
route order — at 1280 px and on a 390 px phone, where the month turns into a list of days; the officer sees
the day on the phone page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.e2e.test_coordination_browser import _login, shots  # noqa: F401 (fixture)
from tests.inspections.test_joint_plans import demands_for, make, town  # noqa: F401 (fixture)
from zhifa.inspections import plans
from zhifa.inspections.models import PlanVisit, SquadDay

pytestmark = pytest.mark.e2e


def test_calendar_at_desktop_and_phone_width(live_server, town, browser, shots):  # noqa: F811
    w = town
    today = timezone.localdate()
    period = (today, today + timedelta(days=40))
    plan = make(
        w,
        period_start=period[0],
        period_end=period[1],
        quiet_days=[],
        demands=demands_for(w, period, fire=True),
        max_visits_per_squad_day=4,
    )
    plans.joint_plan_publish(plan=plan, by=w.carol)
    first = SquadDay.objects.filter(plan=plan).order_by("day", "id").first()
    visits = list(PlanVisit.objects.filter(squad_day=first).order_by("order").select_related("subject"))
    url = f"{live_server.url}/inspections/joint-plans/{plan.pk}/"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, live_server.url, "carol")
    page.click("nav >> summary:has-text('监管')")
    page.click("nav >> text=综合查一次")
    page.wait_for_url("**/inspections/joint-plans/")
    page.click(f"text={plan.name}")
    page.wait_for_url(url)
    expect(page.locator("#figures")).to_contain_text(f"联合检查 {plan.figures['joint_visits']} 次")
    expect(page.locator("#figures")).to_contain_text("各部门单独 48 次")
    expect(page.locator("#unfitted")).to_contain_text("无具备资质的执法人员（消防）")
    page.click(f"#sd-{first.pk}")
    panel = page.locator("#squad-panel ol.visits > li")
    expect(panel).to_have_count(len(visits))
    for n, v in enumerate(visits):
        expect(panel.nth(n)).to_contain_text(v.subject.name)
    assert page.url == url  # the panel came by htmx, the page stayed
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(shots / "jointplan-1280.png"), full_page=True)
    page.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    _login(phone, live_server.url, "carol")
    phone.goto(url)
    expect(phone.locator("table.cal thead").first).to_be_hidden()
    expect(phone.locator(f"#sd-{first.pk}")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 395
    phone.locator(f"#sd-{first.pk}").tap()
    expect(phone.locator("#squad-panel ol.visits > li")).to_have_count(len(visits))
    phone.screenshot(path=str(shots / "jointplan-390.png"), full_page=True)

    officer = context.new_page()
    officer.context.clear_cookies()
    _login(officer, live_server.url, "alice")
    officer.goto(f"{live_server.url}/inspections/my-days/")
    mine = SquadDay.objects.filter(plan=plan, officers=w.nanxing_officer_record).count()
    expect(officer.locator("section.day-card")).to_have_count(mine)
    assert officer.evaluate("document.documentElement.scrollWidth") <= 395
    officer.screenshot(path=str(shots / "jointplan-mydays-390.png"), full_page=True)
    context.close()
