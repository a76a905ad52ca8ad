"""In a real browser with the Content-Security-Policy on: the pages that run scripts (charts, the dispatch map,
the checklist, the field report, the code check, the 12345 import with htmx) work and the browser reports no
violation — no inline handler or un-nonced script of ours is blocked. Screenshots at 1366 and 390 px."""

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_records import rec, start  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_script_pages_run_under_the_policy(live_server, rec, browser, tmp_path):  # noqa: F811
    shots = Path(os.environ.get("ZHIFA_SCREENSHOTS", tmp_path))
    w = rec
    record = start(w)
    violations: list[str] = []
    errors: list[str] = []
    for width, height in ((1366, 900), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        _login(page, live_server.url, "carol")
        for path, ready in [
            ("/", "main"),
            ("/dispatch/", "main"),
            (f"/inspections/records/{record.pk}/", "main"),
            ("/inspections/plan/", "main"),
            ("/dispatch/imports/hotline/", "#import-panel"),
            ("/c/", "main"),
        ]:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_selector(ready)
            page.wait_for_load_state("networkidle")
            name = path.strip("/").replace("/", "_") or "home"
            page.screenshot(path=str(shots / f"csp-{name}-{width}.png"), full_page=True)
        # The htmx import answers a bad file with its errors in place (data-swap-errors, no hx-on).
        page.goto(f"{live_server.url}/dispatch/imports/hotline/")
        page.set_input_files(
            "input[type=file]", files=[{"name": "x.csv", "mimeType": "text/csv", "buffer": b"a,b\n"}]
        )
        page.click("#import-panel button[type=submit]")
        page.wait_for_selector("#import-panel [role=alert]")
        page.close()
    assert not violations, violations
    assert not errors, errors
