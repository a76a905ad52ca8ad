"""大字模式 (适老化): a switch in the header for everyone, kept on the account when signed in and in a cookie for
anonymous visitors; the page's <html> carries the class that the stylesheet enlarges."""

from django.test import Client

from tests.conftest import client_for
from zhifa.accounts.display import LARGE_TEXT_COOKIE
from zhifa.accounts.models import User
from zhifa.accounts.services import user_display_set
from zhifa.audit.models import AuditRecord

LARGE = '<html lang="zh-hans" class="large-text">'


def test_anonymous_visitor_switches_with_a_cookie(db):
    client = Client()
    page = client.get("/dispatch/report/").content.decode()
    assert LARGE not in page and 'aria-pressed="false"' in page and "大字" in page
    res = client.post("/accounts/display/", {"large_text": "1", "next": "/dispatch/report/"})
    assert res.status_code == 302 and res["Location"] == "/dispatch/report/"
    cookie = res.cookies[LARGE_TEXT_COOKIE]
    assert cookie.value == "1" and cookie["max-age"] == 365 * 24 * 3600 and cookie["samesite"] == "Lax"
    page = client.get("/dispatch/report/").content.decode()
    assert LARGE in page and 'aria-pressed="true"' in page
    client.post("/accounts/display/", {"large_text": "0", "next": "/dispatch/track/"})
    assert LARGE not in client.get("/dispatch/track/").content.decode()
    assert not AuditRecord.objects.filter(action="accounts.display_set").exists()  # nobody to record


def test_signed_in_choice_is_kept_on_the_account_and_audited(world):
    alice = client_for(world.alice)
    res = alice.post("/accounts/display/", {"large_text": "1", "next": "/dispatch/tasks/"})
    assert res.status_code == 302 and res["Location"] == "/dispatch/tasks/"
    assert User.objects.get(pk=world.alice.pk).large_text is True
    # Another browser of the same user, without the cookie, gets the larger text too.
    assert LARGE in client_for(world.alice).get("/dispatch/tasks/").content.decode()
    record = AuditRecord.objects.get(action="accounts.display_set")
    assert record.before == {"large_text": False} and record.after == {"large_text": True}
    # Another user is not affected, whatever the cookie of this browser says.
    assert LARGE not in client_for(world.bob).get("/dispatch/tasks/").content.decode()
    # Setting the same value again writes nothing.
    user_display_set(user=world.alice, large_text=True)
    assert AuditRecord.objects.filter(action="accounts.display_set").count() == 1


def test_bad_value_and_foreign_next_are_refused(world):
    alice = client_for(world.alice)
    res = alice.post("/accounts/display/", {"large_text": "yes"})
    assert res.status_code == 400 and "取值应为 1（开启）或 0（关闭）" in res.content.decode()
    assert User.objects.get(pk=world.alice.pk).large_text is False
    res = alice.post("/accounts/display/", {"large_text": "1", "next": "https://evil.example/"})
    assert res.status_code == 302 and res["Location"] == "/"
    assert alice.get("/accounts/display/").status_code == 405


def test_a_user_with_a_temporary_password_may_still_switch(world):
    User.objects.filter(pk=world.bob.pk).update(must_change_password=True)
    bob = client_for(world.bob)
    res = bob.post("/accounts/display/", {"large_text": "1", "next": "/accounts/password/"})
    assert res.status_code == 302 and res["Location"] == "/accounts/password/"
    assert LARGE in bob.get("/accounts/password/").content.decode()


def test_the_api_reads_and_sets_the_same_choice_as_the_page(world):
    alice = client_for(world.alice)
    assert alice.get("/api/v1/accounts/me/display").json() == {"large_text": False}
    res = alice.put("/api/v1/accounts/me/display", {"large_text": True}, content_type="application/json")
    assert res.status_code == 200 and res.json() == {"large_text": True}
    assert LARGE in alice.get("/dispatch/tasks/").content.decode()  # the page shows what the API set
    assert AuditRecord.objects.filter(action="accounts.display_set", actor=world.alice).count() == 1
    # Malformed: a string is not a yes/no; nothing changes.
    res = alice.put("/api/v1/accounts/me/display", {"large_text": "yes"}, content_type="application/json")
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "large_text"
    assert User.objects.get(pk=world.alice.pk).large_text is True
    # Each user sees their own; without a login there is nothing to read.
    assert client_for(world.bob).get("/api/v1/accounts/me/display").json() == {"large_text": False}
    assert Client().get("/api/v1/accounts/me/display").status_code == 401
