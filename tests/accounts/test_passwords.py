"""Users change their own password; a system administrator resets someone else's outside /admin/ with a
one-time temporary password that must be changed at the next login. Both audited."""

import re

import pytest
from django.test import Client

from tests.conftest import PASSWORD, client_for
from zhifa.accounts.choices import Role
from zhifa.accounts.models import User
from zhifa.accounts.services import password_reset, user_create
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import audit_verify
from zhifa.core.errors import PermissionError_, ServiceError

NEW = "Xin-mima-2026!"


def change(client, old, new, again=None):
    return client.post(
        "/accounts/password/", {"old_password": old, "new_password": new, "new_password_again": again or new}
    )


def text(res) -> str:
    return res.content.decode()


# --- changing one's own ----------------------------------------------------------------------------------------


def test_user_changes_own_password_and_stays_signed_in(world):
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    other_device = client_for(world.alice)
    assert client.get("/accounts/password/").status_code == 200
    res = change(client, PASSWORD, NEW)
    assert res.status_code == 302 and res["Location"] == "/start/"
    alice = User.objects.get(username="alice")
    assert alice.check_password(NEW)
    record = AuditRecord.objects.filter(action="accounts.password_change").get()
    assert (
        record.actor == alice
        and record.object_id == str(alice.pk)
        and record.after == {"was_required": False}
    )
    assert NEW not in str(record.after) and alice.password not in str(record.after)
    assert client.get("/accounts/tokens/").status_code == 200  # this session carries on
    assert other_device.get("/accounts/tokens/").status_code == 302  # sessions with the old password end
    assert audit_verify().problems == []


def test_wrong_old_password_is_refused_with_its_message(world, clients):
    res = change(clients["alice"], "not-my-password", NEW)
    assert res.status_code == 400
    assert "原密码不正确" in text(res)
    assert User.objects.get(username="alice").check_password(PASSWORD)
    assert not AuditRecord.objects.filter(action="accounts.password_change").exists()


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        (NEW, NEW + "x", "两次输入的新密码不一致"),
        ("abc", "abc", "密码长度太短，至少需要 8 个字符。"),
        ("password", "password", "这个密码太常见了。"),
        (PASSWORD, PASSWORD, "新密码不能与原密码相同"),
    ],
)
def test_new_password_must_pass_the_validators(world, clients, new, again, message):
    res = change(clients["alice"], PASSWORD, new, again)
    assert res.status_code == 400 and message in text(res)
    assert User.objects.get(username="alice").check_password(PASSWORD)


def test_password_page_needs_login():
    res = Client().get("/accounts/password/")
    assert res.status_code == 302 and res["Location"].startswith("/accounts/login/")


# --- an administrator's reset -------------------------------------------------------------------------------


def test_admin_resets_a_password_and_the_user_must_change_it(world, clients):
    bob_elsewhere = client_for(world.bob)
    root = clients["root"]
    listing = root.get("/accounts/users/", {"q": "九堡"})
    assert listing.status_code == 200
    assert [u.username for u in listing.context["page"]] == ["bob"]
    assert root.get(f"/accounts/users/{world.bob.pk}/password-reset/").status_code == 200
    res = root.post(f"/accounts/users/{world.bob.pk}/password-reset/")
    assert res.status_code == 200 and "no-store" in res["Cache-Control"]
    temporary = re.search(r'id="temporary-password">([^<]+)<', text(res)).group(1)
    bob = User.objects.get(pk=world.bob.pk)
    assert bob.must_change_password and bob.check_password(temporary) and not bob.check_password(PASSWORD)
    record = AuditRecord.objects.filter(action="accounts.password_reset").get()
    assert record.actor == world.root and record.object_id == str(bob.pk)
    assert temporary not in str(record.after)
    # Shown once: the page again only offers to reset again.
    assert temporary not in text(root.get(f"/accounts/users/{world.bob.pk}/password-reset/"))
    # Bob's open sessions end; with the temporary password he reaches only the password page.
    assert bob_elsewhere.get("/accounts/tokens/").status_code == 302
    client = Client()
    res = client.post("/accounts/login/", {"username": "bob", "password": temporary})
    assert res.status_code == 302
    for path in ("/start/", "/dispatch/", "/admin/"):
        res = client.get(path)
        assert res.status_code == 302 and res["Location"] == "/accounts/password/", path
    api = client.get("/api/v1/org/regions")
    assert api.status_code == 403 and api.json() == {"message": "请先修改临时密码", "errors": []}
    assert "您正在使用管理员设置的临时密码" in text(client.get("/accounts/password/"))
    assert change(client, temporary, NEW).status_code == 302
    bob = User.objects.get(pk=world.bob.pk)
    assert not bob.must_change_password and bob.check_password(NEW)
    assert AuditRecord.objects.filter(action="accounts.password_change").get().after == {"was_required": True}
    assert client.get("/dispatch/").status_code == 200
    assert audit_verify().problems == []


@pytest.mark.parametrize("name", ["alice", "carol", "olga", "otto"])
def test_only_administrators_reach_the_user_list_and_reset(world, clients, name):
    assert clients[name].get("/accounts/users/").status_code == 403
    res = clients[name].post(f"/accounts/users/{world.bob.pk}/password-reset/")
    assert res.status_code == 403
    assert User.objects.get(pk=world.bob.pk).check_password(PASSWORD)
    assert not AuditRecord.objects.filter(action="accounts.password_reset").exists()


def test_reset_of_ones_own_password_is_refused(world, clients):
    res = clients["root"].post(f"/accounts/users/{world.root.pk}/password-reset/")
    assert res.status_code == 400 and "请在“修改密码”页面修改自己的密码" in text(res)
    assert User.objects.get(pk=world.root.pk).check_password(PASSWORD)


def test_an_administrator_who_is_not_a_superuser_cannot_reset_a_superuser(world):
    ada = user_create(
        username="ada", password=PASSWORD, role=Role.ADMIN, unit=world.command, full_name="管理员乙"
    )
    res = client_for(ada).post(f"/accounts/users/{world.root.pk}/password-reset/")
    assert res.status_code == 403
    assert User.objects.get(pk=world.root.pk).check_password(PASSWORD)
    # The same administrator resets an ordinary user.
    assert client_for(ada).post(f"/accounts/users/{world.alice.pk}/password-reset/").status_code == 200
    with pytest.raises(PermissionError_, match="超级管理员的密码只能由超级管理员重置"):
        password_reset(user=world.root, by=ada)
    with pytest.raises(ServiceError, match="只有系统管理员可以重置他人密码"):
        password_reset(user=world.bob, by=world.carol)


def test_reset_of_an_unknown_user_is_404(world, clients):
    assert clients["root"].post("/accounts/users/99999/password-reset/").status_code == 404


def test_account_pages_link_password_and_for_admins_the_user_list(world, clients):
    assert "/accounts/users/" not in text(clients["alice"].get("/accounts/tokens/"))
    assert "/accounts/password/" in text(clients["alice"].get("/accounts/tokens/"))
    assert "/accounts/users/" in text(clients["root"].get("/accounts/tokens/"))
