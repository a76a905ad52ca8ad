"""One login throttle for every path (the app's page and /admin/login/): failures per account + address with
growing, capped delays, and per address across accounts; nobody locks a user out from another address."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from tests.accounts.conftest import startup_errors
from tests.conftest import PASSWORD
from zhifa.accounts.models import LoginFailure
from zhifa.accounts.throttle import backoff_seconds, login_wait_seconds

ATTACKER, OFFICE = "203.0.113.9", "198.51.100.7"


def app_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def admin_login(client, username, password):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})


def test_backoff_doubles_from_the_threshold_and_stops_at_the_cap():
    waits = [backoff_seconds(n, free=5, base=15, cap=600) for n in range(4, 13)]
    assert waits == [0, 15, 30, 60, 120, 240, 480, 600, 600]
    assert backoff_seconds(10_000, free=5, base=15, cap=600) == 600


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_BACKOFF_SECONDS=10, LOGIN_BACKOFF_MAX_SECONDS=40)
def test_each_further_failure_doubles_the_wait_up_to_the_cap(world):
    client = Client(REMOTE_ADDR=ATTACKER)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            assert "用户名或密码错误" in app_login(client, "alice", "wrong-one").content.decode()
        res = app_login(client, "alice", PASSWORD)  # even the right password waits
        assert res.status_code == 400 and "登录失败次数过多，请 10 秒后再试" in res.content.decode()
        assert LoginFailure.objects.filter(username="alice").count() == 3  # a refused attempt is not counted
        clock.shift(timedelta(seconds=11))
        assert "用户名或密码错误" in app_login(client, "alice", "wrong-two").content.decode()
        assert "请 20 秒后再试" in app_login(client, "alice", PASSWORD).content.decode()
        clock.shift(timedelta(seconds=21))
        app_login(client, "alice", "wrong-three")
        assert "请 40 秒后再试" in app_login(client, "alice", PASSWORD).content.decode()
        clock.shift(timedelta(seconds=41))
        app_login(client, "alice", "wrong-four")
        assert "请 40 秒后再试" in app_login(client, "alice", PASSWORD).content.decode()  # capped
        clock.shift(timedelta(seconds=41))
        res = app_login(client, "alice", PASSWORD)
        assert res.status_code == 302
    assert not LoginFailure.objects.filter(username="alice", ip=ATTACKER).exists()


def test_an_attacker_cannot_lock_the_user_out_from_another_address(world):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for i in range(12):
        app_login(attacker, "alice", f"guess-{i}")
    assert "登录失败次数过多" in app_login(attacker, "alice", PASSWORD).content.decode()
    # The real alice, at her office, logs in at once.
    res = app_login(Client(REMOTE_ADDR=OFFICE), "alice", PASSWORD)
    assert res.status_code == 302
    # Her success does not give the attacker a fresh start.
    assert LoginFailure.objects.filter(username="alice", ip=ATTACKER).count() == 5
    assert login_wait_seconds(username="alice", ip=ATTACKER) > 0


@override_settings(LOGIN_ADDRESS_MAX_FAILURES=4)
def test_one_address_guessing_many_accounts_is_slowed(world):
    client = Client(REMOTE_ADDR=ATTACKER)
    for name in ("alice", "bob", "carol", "olga"):
        assert app_login(client, name, "wrong-pass").status_code == 400
    res = app_login(client, "otto", PASSWORD)
    assert res.status_code == 400 and "登录失败次数过多" in res.content.decode()
    assert app_login(Client(REMOTE_ADDR=OFFICE), "otto", PASSWORD).status_code == 302


def test_failures_older_than_the_window_are_forgotten(world, settings):
    client = Client(REMOTE_ADDR=ATTACKER)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for i in range(5):
            app_login(client, "alice", f"guess-{i}")
        assert "登录失败次数过多" in app_login(client, "alice", PASSWORD).content.decode()
        clock.shift(timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1))
        app_login(client, "bob", "wrong-pass")  # the next failure sweeps the old rows away
        assert LoginFailure.objects.filter(username="alice").count() == 0
        assert app_login(client, "alice", PASSWORD).status_code == 302


def test_admin_login_is_throttled_and_counted_like_the_app_login(world):
    client = Client(REMOTE_ADDR=ATTACKER)
    responses = [admin_login(client, "root", f"guess-{i}") for i in range(12)]
    assert [r.status_code for r in responses] == [200] * 12  # the admin shows its form again, never logs in
    bodies = [r.content.decode() for r in responses]
    assert all("用户名或密码错误" in body for body in bodies[:5])
    assert all("登录失败次数过多" in body for body in bodies[5:])
    assert LoginFailure.objects.filter(username="root", ip=ATTACKER).count() == 5
    # The right password waits too, on the admin and on the app login alike.
    assert "登录失败次数过多" in admin_login(client, "root", PASSWORD).content.decode()
    assert "登录失败次数过多" in app_login(client, "root", PASSWORD).content.decode()
    assert "_auth_user_id" not in client.session


def test_app_login_failures_lock_the_admin_login_too(world):
    client = Client(REMOTE_ADDR=ATTACKER)
    for i in range(5):
        app_login(client, "root", f"guess-{i}")
    res = admin_login(client, "root", PASSWORD)
    assert res.status_code == 200 and "登录失败次数过多" in res.content.decode()


def test_admin_login_with_the_right_password(world):
    client = Client(REMOTE_ADDR=OFFICE)
    admin_login(client, "root", "guess-1")
    res = admin_login(client, "root", PASSWORD)
    assert res.status_code == 302 and res["Location"] == "/admin/"
    assert not LoginFailure.objects.filter(username="root").exists()
    # A correct password of a non-staff user still does not open the admin.
    res = admin_login(Client(REMOTE_ADDR=OFFICE), "alice", PASSWORD)
    assert res.status_code == 200 and "请输入一个正确的" in res.content.decode()


@pytest.mark.parametrize("name", ["LOGIN_BACKOFF_MAX_SECONDS", "LOGIN_BACKOFF_SECONDS"])
def test_inconsistent_throttle_settings_stop_startup(name):
    environ = {"LOGIN_FAILURE_WINDOW_SECONDS": "300", "LOGIN_BACKOFF_MAX_SECONDS": "200", name: "1000"}
    assert f"{name}=1000 must not exceed" in startup_errors(**environ)
    assert startup_errors(LOGIN_FAILURE_WINDOW_SECONDS="300", LOGIN_BACKOFF_MAX_SECONDS="300") == ""
