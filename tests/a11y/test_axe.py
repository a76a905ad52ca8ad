"""Accessibility audit (WCAG 2.1 AA, axe-core through axe-playwright-python): every page of tests/a11y/pages.py as
the role that works on it, at 1366 and 390 px, with 0 critical and 0 serious violations. One browser, one live
server, one logged-in browser context per role; each page is opened once per width.

Set ZHIFA_A11Y_REPORT=<file> to write the table of pages audited and what axe found (rules, impacts, nodes)."""

import json
import os
import time

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from tests.a11y.pages import AUDITED, ROLES
from tests.e2e.conftest import ARGS, CHROMIUM
from zhifa.errors import server_error

pytestmark = [pytest.mark.e2e, pytest.mark.one_database]

WIDTHS = (1366, 390)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
# Headings and landmarks, as a screen reader lists them: one h1, no level skipped, a main and a banner.
OUTLINE = """() => {
  const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(h => h.checkVisibility());
  const levels = hs.map(h => +h.tagName[1]);
  const skips = [];
  levels.forEach((l, i) => { if (i && l > levels[i - 1] + 1) skips.push(hs[i - 1].tagName + '→' + hs[i].tagName + ' ' + hs[i].textContent.trim().slice(0, 20)); });
  return {h1: levels.filter(l => l === 1).length, first: levels[0] || 0, skips,
          main: document.querySelectorAll('main').length, banner: document.querySelectorAll('header').length,
          overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""
AXE_RUN = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']})"


def _session_cookie(user, url):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": url}


def _summary(results) -> dict:
    out = {}
    for kind in ("violations", "incomplete"):
        out[kind] = [
            {
                "id": v["id"],
                "impact": v.get("impact"),
                "nodes": len(v["nodes"]),
                "target": [n["target"] for n in v["nodes"][:3]],
            }
            for v in results[kind]
        ]
    return out


@pytest.fixture
def a11y_browser():
    import shutil

    if not shutil.which(CHROMIUM):
        if os.environ.get("ZHIFA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} not found but ZHIFA_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def test_every_page_has_no_serious_accessibility_violation(live_server, site, a11y_browser):
    w = site
    base = live_server.url
    users = {name: getattr(w, name) for name in ROLES if name}
    error_500 = server_error(RequestFactory().get("/__error_500__/")).content
    tabs = {}
    for role in ROLES:
        context = a11y_browser.new_context(locale="zh-CN")
        context.add_init_script(AXE_SCRIPT)
        if role:
            context.add_cookies([_session_cookie(users[role], base)])
        context.route(
            f"{base}/__error_500__/",
            lambda route: route.fulfill(status=500, body=error_500, content_type="text/html; charset=utf-8"),
        )
        tabs[role] = context.new_page()

    started = time.perf_counter()
    rows, failures = [], []
    for width in WIDTHS:
        for tab in tabs.values():
            tab.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
        for entry in AUDITED:
            tab = tabs[entry.role]
            url = base + entry.path(w)
            opened = time.perf_counter()
            response = tab.goto(url, wait_until="domcontentloaded")
            for selector, value in entry.fill.items():
                tab.fill(selector, value)
            if entry.submit:
                with tab.expect_navigation(wait_until="domcontentloaded") as nav:
                    tab.click(entry.submit)
                response = nav.value
            status = response.status if response else None
            loaded = time.perf_counter()
            results = tab.evaluate(AXE_RUN, TAGS)
            outline = tab.evaluate(OUTLINE)
            found = _summary(results)
            blocking = [v for v in found["violations"] if v["impact"] in BLOCKING]
            row = {
                "page": entry.label,
                "name": entry.name,
                "role": ROLES[entry.role],
                "width": width,
                "path": entry.path(w),
                "status": status,
                "load_seconds": round(loaded - opened, 2),
                "axe_seconds": round(time.perf_counter() - loaded, 2),
                "outline": outline,
                **found,
            }
            rows.append(row)
            if outline["h1"] != 1 or outline["skips"] or outline["main"] != 1 or outline["banner"] < 1:
                failures.append(f"{entry.label} @{width}: headings or landmarks out of order {outline}")
            if outline["overflow"] > 0:
                failures.append(
                    f"{entry.label} @{width}: the page scrolls sideways by {outline['overflow']} px"
                )
            if status != entry.status:
                failures.append(f"{entry.label} @{width}: HTTP {status}, expected {entry.status}")
            for v in blocking:
                failures.append(
                    f"{entry.label} ({entry.path(w)}) @{width}: {v['impact']} {v['id']} × {v['nodes']} {v['target']}"
                )
    seconds = time.perf_counter() - started
    report = os.environ.get("ZHIFA_A11Y_REPORT")
    if report:
        with open(report, "w", encoding="utf-8") as fh:
            json.dump({"seconds": round(seconds, 1), "rows": rows}, fh, ensure_ascii=False, indent=1)
    assert len(rows) == len(AUDITED) * len(WIDTHS)
    assert not failures, f"{len(failures)} problems on {len(rows)} page audits:\n" + "\n".join(failures)
