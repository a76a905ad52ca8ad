"""In a real browser: a big 12345 file goes to a background job; the page shows the job's card, and a running job's
progress bar polls until the result replaces it — at desktop and at phone width."""

import os
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_import_browser import GOOD, HEADER, _upload, catalog  # noqa: F401 - fixture
from zhifa.dispatch.models import Event
from zhifa.jobs.choices import JobStatus
from zhifa.jobs.models import Job
from zhifa.jobs.services import beat_key, progress_key

pytestmark = pytest.mark.e2e


def _login(page, url):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/dispatch/")


@pytest.mark.usefixtures("catalog")
def test_big_import_becomes_a_job_and_a_running_job_polls_to_its_result(
    live_server, world, browser, tmp_path, settings
):
    settings.ZHIFA_IMPORT_BACKGROUND_ROWS = 5
    shots = Path(os.environ.get("ZHIFA_SHOTS") or tmp_path)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/dispatch/imports/hotline/")
    rows = [HEADER] + [[f"25030108300{i:05d}", *GOOD[1:]] for i in range(12)]
    _upload(page, rows)
    card = page.locator(".job-status")
    expect(card).to_contain_text("12345 工单导入")
    expect(card).to_contain_text("已导入 12 张 12345 工单")  # no broker here: the job ran at once
    assert Event.objects.count() == 12
    page.screenshot(path=str(shots / "job-import-done-1366.png"), full_page=True)

    job = Job.objects.create(kind="dispatch.hotline_import", created_by=world.carol, status=JobStatus.RUNNING)
    cache.set(progress_key(job.pk), {"done": 340, "total": 1000, "at": time.time()})
    cache.set(beat_key(job.pk), time.time())
    for width, height in ((1366, 900), (390, 844)):
        phone = browser.new_page(viewport={"width": width, "height": height})
        _login(phone, live_server.url)
        phone.goto(f"{live_server.url}/jobs/{job.pk}/")
        expect(phone.locator(".job-status")).to_contain_text("已处理 340 / 1000（34%）")
        expect(phone.locator("progress")).to_have_attribute("value", "34")
        phone.screenshot(path=str(shots / f"job-running-{width}.png"), full_page=True)
        if width == 390:
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.SUCCEEDED,
                done=1000,
                total=1000,
                result={"summary": "已导入 1000 张 12345 工单。"},
            )
            expect(phone.locator(".job-status")).to_contain_text("已导入 1000 张 12345 工单。", timeout=5000)
            expect(phone.locator("progress")).to_have_count(0)
            phone.screenshot(path=str(shots / "job-done-390.png"), full_page=True)
        phone.close()
