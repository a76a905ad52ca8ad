"""The audit MAC keys from the environment or a key file: bad values stop start-up, production refuses the dev key."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhifa.env import envkeyring

A = "a" * 32
B = "b" * 40


def _ring(monkeypatch, value=None, file=None):
    monkeypatch.delenv("X_KEY", raising=False)
    monkeypatch.delenv("X_KEY_FILE", raising=False)
    if value is not None:
        monkeypatch.setenv("X_KEY", value)
    if file is not None:
        monkeypatch.setenv("X_KEY_FILE", str(file))
    return envkeyring("X_KEY", "X_KEY_FILE", "dev:" + "d" * 32)


def test_default_named_and_rotated_keys(monkeypatch):
    assert _ring(monkeypatch) == ({"dev": "d" * 32}, "dev")
    assert _ring(monkeypatch, f"k2027:{A}") == ({"k2027": A}, "k2027")
    assert _ring(monkeypatch, f"k2027:{A}, k2026:{B}") == ({"k2027": A, "k2026": B}, "k2027")


def test_a_bare_secret_gets_an_id_derived_from_it(monkeypatch):
    keys, current = _ring(monkeypatch, A)
    assert keys == {current: A} and current.startswith("k") and len(current) == 9
    assert _ring(monkeypatch, A)[1] == current and _ring(monkeypatch, B)[1] != current


def test_key_file_with_comments(monkeypatch, tmp_path):
    path = tmp_path / "audit.keys"
    path.write_text(f"# current first\nk2027:{A}\n\n# retired, still verifies\nk2026:{B}\n")
    assert _ring(monkeypatch, file=path) == ({"k2027": A, "k2026": B}, "k2027")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("k1:short", "key 'k1' must be at least 32 characters long"),
        (f"k1:{A},k1:{B}", "key id 'k1' appears twice"),
        (f"k1:{A},{B}", "with several keys each must be written id:secret"),
        (" , ", "holds no key"),
    ],
)
def test_bad_keys_stop_startup(monkeypatch, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        _ring(monkeypatch, value)


def test_key_and_file_together_or_unreadable_file(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="set X_KEY or X_KEY_FILE, not both"):
        _ring(monkeypatch, f"k1:{A}", tmp_path / "x")
    with pytest.raises(ImproperlyConfigured, match="X_KEY_FILE=.*cannot be read"):
        _ring(monkeypatch, file=tmp_path / "missing.keys")


def _check(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ZHIFA_AUDIT_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**base, "DEBUG": "0", "ZHIFA_REQUIRE_SECRET": "1", "SECRET_KEY": "s" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_development_audit_key():
    proc = _check()
    assert proc.returncode != 0
    assert "ZHIFA_AUDIT_KEY or ZHIFA_AUDIT_KEY_FILE must be set in production" in proc.stderr
    proc = _check(ZHIFA_AUDIT_KEY=f"k2027:{A}")
    assert proc.returncode == 0, proc.stderr
    assert "ZHIFA_AUDIT_KEY" not in proc.stderr
