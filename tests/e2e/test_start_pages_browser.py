"""Each role logs in and lands on its own start page, at phone (390 px) and desktop (1366 px) width: officers on
我的任务, grid workers on 现场上报 with their own reports, command rooms on the board, oversight on 监督预警. Screenshots go to tmp_path, or to ZHIFA_SCREENSHOT_DIR when set (to look at them)."""

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.dispatch.events.intake import event_intake
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create

pytestmark = pytest.mark.e2e

# (username, path landed on, text the page shows first)
LANDINGS = {
    "alice": ("/dispatch/tasks/", "我的任务"),
    "gina": ("/dispatch/report-in/", "我上报的事件"),
    "sam": ("/dispatch/", "按时到场率"),
    "olga": ("/oversight/", "监督预警"),
}


@pytest.fixture
def people(district):  # noqa: F811
    w = district
    user_create(
        username="gina", password=PASSWORD, role=Role.GRID_WORKER, unit=w.nanxing_team, full_name="网格员"
    )
    room = unit_create(
        code="SC-330102008", name="南星街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.nanxing
    )
    user_create(
        username="sam", password=PASSWORD, role=Role.SUBDISTRICT_COMMAND, unit=room, full_name="指挥员"
    )
    event_intake(channel="12345", description="南星街道某饭店油烟扰民", by=w.carol)
    return w


@pytest.mark.parametrize("who", sorted(LANDINGS))
def test_each_role_lands_on_its_start_page(live_server, people, browser, tmp_path, who):
    path, text = LANDINGS[who]
    shots = Path(os.environ.get("ZHIFA_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for width in (390, 1366):
        context = browser.new_context(viewport={"width": width, "height": 844 if width == 390 else 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", who)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}{path}")
        assert text in page.locator("main").inner_text()
        if width == 390:  # the phone page does not scroll sideways
            assert page.evaluate("document.documentElement.scrollWidth") <= 395
        page.screenshot(path=str(shots / f"start-{who}-{width}.png"), full_page=False)
        context.close()
