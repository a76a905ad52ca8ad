"""Settings read from the environment: bad values stop start-up with a clear message."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhifa import env


def test_envbool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.envbool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='perhaps' is not a boolean"):
        env.envbool("X_FLAG", False)


def test_envint_and_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "abc")
    with pytest.raises(ImproperlyConfigured, match="is not an integer"):
        env.envint("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="must be at least 1"):
        env.envint("X_NUM", 1, minimum=1)


def test_timezone_and_database(monkeypatch):
    monkeypatch.setenv("X_TZ", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured, match="not a known time zone"):
        env.envtimezone("X_TZ", "Asia/Shanghai")
    monkeypatch.setenv("X_DB", "mysql://root@localhost/x")
    with pytest.raises(ImproperlyConfigured, match="is not supported"):
        env.envdatabase("X_DB", "sqlite:///x")
    monkeypatch.setenv("X_DB", "postgres://postgres@127.0.0.1:5432/zhifa")
    assert env.envdatabase("X_DB", "sqlite:///x")["NAME"] == "zhifa"


def test_bad_setting_stops_startup():
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**os.environ, "DEBUG": "maybe"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in proc.stderr


def test_defaults_timezone_language_argon2():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
