"""Login with throttling, argon2 hashing, CSRF, API tokens hashed at rest and revocable."""

import pytest
from django.test import Client, override_settings

from tests.conftest import PASSWORD
from zhifa.accounts.models import ApiToken, LoginFailure
from zhifa.accounts.services import api_token_create, api_token_revoke


def test_passwords_are_argon2(world):
    assert world.alice.password.startswith("argon2")


def test_login_success_and_wrong_password_message(world):
    client = Client()
    bad = client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    assert bad.status_code == 400
    assert "用户名或密码错误" in bad.content.decode()
    ok = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert ok.status_code == 302
    assert ok["Location"] == "/start/"
    assert LoginFailure.objects.filter(username="alice").count() == 0


@override_settings(LOGIN_MAX_FAILURES=3)
def test_login_is_throttled_after_repeated_failures(world):
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "alice", "password": "nope-nope"})
    # Even the right password is refused while throttled.
    res = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert res.status_code == 400
    assert "登录失败次数过多" in res.content.decode()
    # Another user from elsewhere is unaffected.
    other = Client(REMOTE_ADDR="10.0.0.9").post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert other.status_code == 302


def test_login_form_requires_csrf(world):
    client = Client(enforce_csrf_checks=True)
    res = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert res.status_code == 403


def test_open_redirect_is_refused(world):
    res = Client().post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert res["Location"] == "/start/"


def test_api_token_hashed_at_rest_and_revocable(world):
    token, raw = api_token_create(user=world.carol, name="12345 对接", by=world.carol)
    assert raw.startswith("zf_")
    assert raw not in token.digest
    assert not ApiToken.objects.filter(digest=raw).exists()
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/catalog/domains", **auth).status_code in (200, 404)
    res = client.get("/api/v1/org/regions", **auth)
    assert res.status_code == 200
    api_token_revoke(token=token, by=world.carol)
    res = client.get("/api/v1/org/regions", **auth)
    assert res.status_code == 401
    assert res.json()["message"] == "未登录或令牌无效"


def test_bad_token_and_no_auth_get_401_json(world):
    client = Client()
    assert client.get("/api/v1/org/regions").status_code == 401
    res = client.get("/api/v1/org/regions", HTTP_AUTHORIZATION="Bearer zf_not-a-token")
    assert res.status_code == 401
    assert res.json() == {"message": "未登录或令牌无效", "errors": []}


def test_token_page_creates_and_shows_once(clients, world):
    res = clients["alice"].post("/accounts/tokens/", {"name": "巡查终端"})
    assert res.status_code == 200
    token = ApiToken.objects.get(user=world.alice)
    assert token.prefix in res.content.decode()
    again = clients["alice"].get("/accounts/tokens/").content.decode()
    assert 'id="new-token"' not in again


def test_cannot_revoke_someone_elses_token(clients, world):
    token, _ = api_token_create(user=world.bob, name="九堡终端", by=world.bob)
    res = clients["alice"].post(f"/accounts/tokens/{token.pk}/revoke/")
    assert res.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("name", ["", "   "])
def test_token_needs_a_name(world, name):
    from zhifa.core.errors import ServiceError

    with pytest.raises(ServiceError, match="请填写令牌用途"):
        api_token_create(user=world.alice, name=name)
