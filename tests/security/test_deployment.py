"""Issue 10, finding 9: a production start (DEBUG off) refuses the public development secrets with a clear
message, `manage.py check --deploy` is silent with the production defaults, and every page carries a
Content-Security-Policy that no template of ours breaks (no inline handler, every inline script nonced)."""

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_records import rec, start  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
DEV_SECRET = "zhifa-dev-only-insecure-secret-key-change-me-0123456789abcdef"


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process: a deployment never has it.
    dropped = ("DEBUG", "SECRET_KEY", "ZHIFA_AUDIT_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ZHIFA_AUDIT_KEY": f"k2026:{secrets.token_hex(32)}",
        "ALLOWED_HOSTS": "zhifa.example.gov.cn",
        **extra,
    }


def settings_error(monkeypatch, **environ: str) -> str:
    """Run the settings module afresh (in this process, without touching Django's loaded settings) under this
    environment; the start-up error it raises, or "" when it would start."""
    for name in ("DEBUG", "SECRET_KEY", "ZHIFA_AUDIT_KEY", "ZHIFA_AUDIT_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    try:
        runpy.run_path(str(ROOT / "zhifa" / "settings.py"))
    except ImproperlyConfigured as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DEBUG": "0"}, "SECRET_KEY must be set in production (DEBUG off)"),
        ({"DEBUG": "0", "SECRET_KEY": DEV_SECRET}, "SECRET_KEY must be set in production (DEBUG off)"),
        (
            {"DEBUG": "0", "SECRET_KEY": "x" * 40},
            "SECRET_KEY must be at least 50 characters long in production",
        ),
        (
            {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)},
            "ZHIFA_AUDIT_KEY or ZHIFA_AUDIT_KEY_FILE must be set in production (DEBUG off)",
        ),
    ],
    ids=["no-secret", "development-secret", "short-secret", "development-audit-key"],
)
def test_production_refuses_development_secrets(monkeypatch, environ, message):
    """Before: with DEBUG=0 the app started quietly on the public development SECRET_KEY."""
    assert message in settings_error(monkeypatch, **environ)
    # Development starts on the public secrets; production with its own.
    assert settings_error(monkeypatch, DEBUG="1") == ""
    assert settings_error(monkeypatch, **production()) == ""


def test_check_deploy_is_silent_and_production_settings_are_the_secure_ones():
    """One start as production behind a trusted proxy: `check --deploy` reports nothing, and the settings it
    ran with are the HTTPS ones (the manage.py start refuses development secrets the same way)."""
    done = manage(
        "shell",
        "-c",
        "from django.core.management import call_command; call_command('check', deploy=True); "
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
        "s.ZHIFA_KEYS_AUTOCREATE)",
        **production(ZHIFA_TRUSTED_PROXIES="10.0.0.5"),
    )
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stdout + done.stderr
    assert (
        done.stdout.strip().splitlines()[-1]
        == "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') False"
    )
    refused = manage("check", DEBUG="0")
    assert refused.returncode != 0 and "SECRET_KEY must be set in production (DEBUG off)" in refused.stderr


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_every_page_sends_a_content_security_policy(rec, client):  # noqa: F811
    w = rec
    login = client.get("/accounts/login/")
    policy = _policy(login)
    assert policy["default-src"] == "default-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["object-src"] == "object-src 'none'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    # A page with an inline script: the script carries the nonce of its own response's policy.
    page = client_for(w.alice).get("/dispatch/report-in/")
    assert page.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", _policy(page)["script-src"]).group(1)
    assert f'<script nonce="{nonce}">' in page.content.decode()
    # The API and the public pages carry it too.
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json")
    assert "Content-Security-Policy" in client.get("/dispatch/report/")


TEMPLATES = sorted((ROOT / "zhifa").rglob("templates/**/*.html"))


def test_no_template_needs_unsafe_inline_scripts():
    """Inline handlers (onclick=…), javascript: links and htmx's evaluated hx-on are refused by the policy: each
    page states its behaviour in data- attributes read by static/js/actions.js; inline blocks carry the nonce."""
    assert len(TEMPLATES) > 50
    problems = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        problems += [f"{name}: inline handler {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
        problems += [f"{name}: hx-on" for _ in re.findall(r"\shx-on[:\-]", text)]
        problems += [f"{name}: javascript: URL" for _ in re.findall(r"javascript:", text)]
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'nonce="{{ request.csp_nonce }}"' not in tag and "json" not in tag:
                problems.append(f"{name}: inline script without the nonce: {tag}")
    assert not problems, "\n".join(problems)


def test_a_nul_character_in_the_query_is_a_400_not_a_500(rec, client):  # noqa: F811
    """Found by the schemathesis probe on PostgreSQL (text cannot hold NUL): `?q=%00` gave 500 on searches."""
    api = client_for(rec.carol)
    r = api.get("/api/v1/org/officers?q=a%00b")
    assert r.status_code == 400 and r.json()["message"] == "请求中含有不允许的控制字符（NUL）"
    page = api.get("/subjects/?q=%00")
    assert page.status_code == 400 and "不允许的控制字符" in page.content.decode()
    assert api.get("/api/v1/org/officers?q=ab").status_code == 200
