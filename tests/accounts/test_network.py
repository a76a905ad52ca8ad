"""The client address behind a proxy: X-Forwarded-For counts only when the peer is a trusted proxy, and then
only its right-most untrusted entry; every throttle keys on that address."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings

from tests.accounts.conftest import startup_errors
from tests.conftest import PASSWORD
from zhifa import env
from zhifa.accounts.models import LoginFailure
from zhifa.accounts.network import client_ip
from zhifa.dispatch.models import Event

PROXY = "10.0.0.1"


def ip_of(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_ignored():
    assert ip_of("203.0.113.9", "1.2.3.4") == "203.0.113.9"


@override_settings(ZHIFA_TRUSTED_PROXIES=env.envnetworks("UNSET_IN_TESTS", "10.0.0.0/8, 2001:db8::/32"))
def test_forwarded_address_is_read_only_from_a_trusted_proxy():
    # An untrusted peer's header is its own invention.
    assert ip_of("203.0.113.9", "198.51.100.7") == "203.0.113.9"
    # Behind our proxy: the address the proxy saw, not what the client put in front of it.
    assert ip_of(PROXY, "1.2.3.4, 198.51.100.7") == "198.51.100.7"
    # Two of our proxies in a row: skip both.
    assert ip_of(PROXY, "1.2.3.4, 198.51.100.7, 10.0.0.2") == "198.51.100.7"
    # No header, or only proxies: the nearest proxy we reached.
    assert ip_of(PROXY) == PROXY
    assert ip_of(PROXY, "10.0.0.3, 10.0.0.2") == "10.0.0.3"
    # Garbage where a proxy would have written an address: stop at the last trusted hop.
    assert ip_of(PROXY, "198.51.100.7, not-an-ip, 10.0.0.2") == "10.0.0.2"
    # Ports, IPv6, IPv4 seen through a dual-stack socket.
    assert ip_of(PROXY, "198.51.100.7:5123") == "198.51.100.7"
    assert ip_of("2001:db8::1", "[2001:db9::5]:443") == "2001:db9::5"
    assert ip_of("::ffff:203.0.113.9") == "203.0.113.9"
    assert ip_of("unknown") is None


def test_bad_trusted_proxy_setting_stops_startup(monkeypatch):
    monkeypatch.setenv("X_PROXIES", "10.0.0.1, proxy.example")
    with pytest.raises(ImproperlyConfigured, match="'proxy.example' is not an IP address or network"):
        env.envnetworks("X_PROXIES")
    errors = startup_errors(ZHIFA_TRUSTED_PROXIES="10.0.0.0/33")
    assert "ZHIFA_TRUSTED_PROXIES: '10.0.0.0/33' is not an IP address or network" in errors


def test_spoofed_forwarded_for_does_not_reset_the_login_throttle(world):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(5):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong-pass"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"203.0.113.9"}
    res = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert res.status_code == 400 and "登录失败次数过多" in res.content.decode()


@override_settings(ZHIFA_TRUSTED_PROXIES=[PROXY])
def test_behind_the_proxy_each_client_has_its_own_login_count(world):
    proxy = Client(REMOTE_ADDR=PROXY)
    for _ in range(5):
        proxy.post(
            "/accounts/login/",
            {"username": "alice", "password": "x-wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"203.0.113.9"}
    res = proxy.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert res.status_code == 302


@pytest.fixture
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_public_report_limit_ignores_a_spoofed_header(district, _empty_cache):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(5):
        res = client.post(
            "/dispatch/report/", {"description": f"占道经营第{i}次"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        )
        assert res.status_code == 302
    res = client.post(
        "/dispatch/report/", {"description": "占道经营第6次"}, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert res.status_code == 429
    assert Event.objects.count() == 5


@override_settings(ZHIFA_TRUSTED_PROXIES=[PROXY])
def test_public_report_limit_counts_each_client_behind_the_proxy(district, _empty_cache):
    proxy = Client(REMOTE_ADDR=PROXY)
    for i in range(5):
        res = proxy.post(
            "/dispatch/report/", {"description": f"占道经营第{i}次"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert res.status_code == 302
    blocked = proxy.post("/dispatch/report/", {"description": "占道经营"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert blocked.status_code == 429
    other = proxy.post("/dispatch/report/", {"description": "占道经营"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 302
    assert Event.objects.count() == 6
