"""In a real browser at phone width: an officer attaches a photo to an event and sees it with its provenance;
the meeting pages render at phone and desktop width (screenshots in $ZHIFA_SCREENSHOTS when set)."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.dispatch.test_coordination import png_bytes
from zhifa.dispatch.coordination import services as coordination
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import Evidence

pytestmark = pytest.mark.e2e


@pytest.fixture
def shots(tmp_path) -> Path:
    path = Path(os.environ.get("ZHIFA_SCREENSHOTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # Each role lands on its own start page (officers 我的任务, command 指挥调度).
    page.wait_for_url(lambda url: "/accounts/login/" not in url and "/start/" not in url)


def test_officer_attaches_a_photo_on_the_phone(live_server, district, browser, settings, tmp_path, shots):  # noqa: F811
    w = district
    settings.MEDIA_ROOT = tmp_path / "media"
    event = event_intake(
        channel="12345",
        description="南星街道某小吃店油烟扰民，排烟管道直排",
        subdistrict="南星街道",
        by=w.carol,
    )
    assert event.lead_unit == w.nanxing_team
    photo = png_bytes(64, 48, (30, 120, 200))

    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    _login(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/dispatch/events/{event.pk}/")
    camera = page.locator("#id_photo")
    assert camera.get_attribute("accept") == "image/*" and camera.get_attribute("capture") == "environment"
    camera.set_input_files(files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": photo}])
    page.select_option("#id_method", "photo")
    page.fill("#id_description", "店内排烟管道直排，未安装油烟净化设施")
    page.click("#evidence-form button[type=submit]")
    page.wait_for_url("**/dispatch/events/*/#evidence-*")

    ev = Evidence.objects.get()
    card = page.locator(f"#evidence-{ev.pk}")
    expect(card).to_contain_text("来源：南星街道综合行政执法队 南星队员")
    expect(card).to_contain_text("现场拍照")
    expect(card).to_contain_text(hashlib.sha256(photo).hexdigest())
    # The thumbnail is the file itself, served through the checked view.
    card.locator("img").scroll_into_view_if_needed()
    expect(card.locator("img")).to_have_js_property("naturalWidth", 64)
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "coord-event-390.png"), full_page=True)
    page.click("text=召集会商 / 现场联席会")
    expect(page.locator("#id_participants_0")).to_be_checked()
    expect(page.locator("label:has(#id_participants_0)")).to_have_text(
        " 南星街道综合行政执法队"
    )  # the event's own units are proposed
    page.locator("#coordination").screenshot(path=str(shots / "coord-section-390.png"))

    # A meeting about the event, recorded, as the list and the meeting page show it.
    meeting = coordination.consultation_create(
        kind="joint_meeting",
        topic="南星某小吃店油烟直排现场联席会",
        held_at=timezone.now() - timedelta(hours=1),
        place="南星街道某小吃店门口",
        participants=[w.market_team, w.district_team],
        events=[event],
        follow_up_deadline=timezone.localdate() + timedelta(days=7),
        by=w.alice,
    )
    page.goto(f"{live_server.url}/dispatch/consultations/{meeting.pk}/")
    expect(page.locator("#record")).to_contain_text("到会情况")
    page.screenshot(path=str(shots / "coord-meeting-form-390.png"), full_page=True)
    page.fill("#id_decisions", "由南星街道综合行政执法队责令限期整改，区市场监管综合执法大队核查经营许可。")
    page.fill("#id_person_ST-330102008", "测试队员甲")
    page.click("#record button[type=submit]")
    expect(page.locator("h1 ~ span .st")).to_have_text("已召开")
    assert page.evaluate("document.documentElement.scrollWidth") <= 395
    page.screenshot(path=str(shots / "coord-meeting-390.png"), full_page=True)
    page.goto(f"{live_server.url}/dispatch/consultations/")
    expect(page.locator("#meetings-list")).to_contain_text("南星某小吃店油烟直排现场联席会")
    page.screenshot(path=str(shots / "coord-list-390.png"), full_page=True)

    page.set_viewport_size({"width": 1366, "height": 900})
    for name, url in (
        ("event", f"/dispatch/events/{event.pk}/"),
        ("meeting", f"/dispatch/consultations/{meeting.pk}/"),
        ("list", "/dispatch/consultations/"),
    ):
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=str(shots / f"coord-{name}-1366.png"), full_page=True)
    page.goto(f"{live_server.url}/dispatch/events/{event.pk}/")
    page.locator("#coordination").screenshot(path=str(shots / "coord-section-1366.png"))
