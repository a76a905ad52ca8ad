"""The public verify page and API (no login, limited per address), the staff listing scoped like inspection
records (every role from the other side), revocation, and the code section of the record page."""

import json
from datetime import date, timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from tests.codes.test_tokens import flip
from tests.inspections.test_records import start
from zhifa.audit.models import AuditRecord
from zhifa.codes.models import ActionCode
from zhifa.codes.services import code_secret
from zhifa.org.services import officer_create


def test_public_page_of_a_valid_code(visit):
    w = visit
    response = Client().get(f"/c/{w.code.token}")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="valid"' in page and "行政检查码 · 有效" in page
    for shown in (
        "南星街道综合行政执法队",
        "测某",
        "ZJ-TEST-0001",
        "ZJ-TEST-0003",
        w.nanxing_shop.name,
        w.code.code_id,
    ):
        assert shown in page, shown
    assert "测试队员甲" not in page and "测试队员丙" not in page  # masked names only
    window = f"{timezone.localtime(w.code.not_before):%Y-%m-%d %H:%M} 至 {timezone.localtime(w.code.expires_at):%Y-%m-%d %H:%M}"
    assert window in page
    assert page.count("依据：") == 2  # each item with its legal basis
    assert "申请回避" in page and "陈述申辩" in page and 'href="/dispatch/report/"' in page
    assert 'id="rate"' not in page and "检查完成后，可凭评价码在本页评价" in page  # not before the end
    assert code_secret(w.code) not in page
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"


def test_public_page_statuses(visit):
    w = visit
    expect = {
        flip(w.code.token, 1, 5): ("tampered", "签名核验失败"),
        "not-a-code": ("malformed", "这不是一个行政行为码"),
    }
    for token, (status, text) in expect.items():
        page = Client().get(f"/c/{token}").content.decode()
        assert f'data-status="{status}"' in page and text in page
        assert "南星街道综合行政执法队" not in page  # nothing of an untrusted token is shown
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        page = Client().get(f"/c/{w.code.token}").content.decode()
        assert 'data-status="expired"' in page and "不能再凭此码入场检查" in page


def test_verify_api_is_public_and_says_why(visit):
    w = visit
    body = Client().get("/api/v1/codes/verify", {"token": w.code.token}).json()
    assert body["valid"] is True and body["status"] == "valid"
    assert body["payload"]["jti"] == w.code.code_id and body["payload"]["off"][0][1] == "ZJ-TEST-0003"
    bad = Client().get("/api/v1/codes/verify", {"token": flip(w.code.token, 1, 3)}).json()
    assert bad == {
        "valid": False,
        "status": "tampered",
        "status_label": "签名不符（已被篡改）",
        "message": bad["message"],
        "payload": None,
        "revoked": None,
        "result": None,
    }
    assert Client().get("/api/v1/codes/verify").status_code == 422  # the token is required


def test_verify_is_rate_limited_per_address_through_the_cache(visit, settings):
    w = visit
    settings.ZHIFA_CODE_VERIFY_PER_MINUTE = 3
    one, other = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.1.1.2")
    codes = [one.get("/api/v1/codes/verify", {"token": w.code.token}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # A forged X-Forwarded-For does not give a new allowance; another address has its own.
    spoof = Client(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert spoof.get("/api/v1/codes/verify", {"token": w.code.token}).status_code == 429
    assert other.get("/api/v1/codes/verify", {"token": w.code.token}).status_code == 200
    assert one.get(f"/c/{w.code.token}").status_code == 200  # the page has its own count
    from django.core.cache import cache

    assert cache.get("zhifa:throttle:verify:10.1.1.1")  # counted in Django's cache, not in a module dict


def test_staff_listing_is_scoped(visit, clients):
    w = visit
    listed = {}
    for name, client in clients.items():
        response = client.get("/api/v1/codes")
        assert response.status_code == 200, name
        listed[name] = [r["code_id"] for r in response.json()["results"]]
    assert listed["alice"] == listed["carol"] == listed["olga"] == listed["root"] == [w.code.code_id]
    assert listed["bob"] == [] and listed["otto"] == []  # another subdistrict's officer sees none of it
    row = clients["alice"].get("/api/v1/codes").json()["results"][0]
    assert row["token"] == w.code.token and row["unit"] == "南星街道综合行政执法队"
    assert clients["bob"].get(f"/api/v1/codes/{w.code.code_id}").status_code == 404
    assert Client().get("/api/v1/codes").status_code == 401
    # The page too, and a record started in 九堡 is bob's only.
    officer_create(  # a district team serves 九堡 too; 南星's officers do not
        name="测试队员庚",
        birth_date=date(1987, 4, 1),
        certificate_no="ZJ-TEST-0009",
        home_department=w.bureau,
        team=w.district_team,
        domains=[w.comprehensive],
    )
    jiubao = start(
        w,
        subject=w.jiubao_firm,
        officers=["ZJ-TEST-0002", "ZJ-TEST-0009"],
        domains=["comprehensive"],
        by=w.carol,
    )
    jiubao_code = ActionCode.objects.get(inspection=jiubao).code_id
    bob_page = clients["bob"].get("/codes/").content.decode()
    assert jiubao_code in bob_page and w.code.code_id not in bob_page
    alice_page = clients["alice"].get("/codes/").content.decode()
    assert w.code.code_id in alice_page and jiubao_code not in alice_page
    assert clients["otto"].get(f"/codes/{w.code.code_id}/").status_code == 404


def test_listing_query_budget(visit, clients, django_assert_max_num_queries):
    w = visit
    for _ in range(5):
        start(w)
    with django_assert_max_num_queries(12):
        assert len(clients["carol"].get("/api/v1/codes").json()["results"]) == 6


def test_revoke_by_role(visit, clients):
    w = visit
    url = f"/api/v1/codes/{w.code.code_id}/revoke"
    post = {"data": json.dumps({"reason": "人员有误"}), "content_type": "application/json"}
    assert clients["bob"].post(url, **post).status_code == 404
    assert clients["olga"].post(url, **post).status_code == 403  # oversight reads, does not write
    assert clients["otto"].post(url, **post).status_code == 404
    empty = clients["alice"].post(url, data=json.dumps({"reason": " "}), content_type="application/json")
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "reason"
    assert ActionCode.objects.get().revoked_at is None
    ok = clients["alice"].post(url, **post)
    assert ok.status_code == 200 and ok.json()["revoked_reason"] == "人员有误"
    assert clients["alice"].post(url, **post).status_code == 409
    assert AuditRecord.objects.filter(action="codes.code_revoke").count() == 1
    page = Client().get(f"/c/{w.code.token}").content.decode()
    assert 'data-status="revoked"' in page and "撤销原因：人员有误" in page


def test_revoke_on_the_page(visit, clients):
    w = visit
    response = clients["alice"].post(f"/codes/{w.code.code_id}/", {"reason": ""})
    assert response.status_code == 400
    response = clients["alice"].post(f"/codes/{w.code.code_id}/", {"reason": "检查取消"})
    assert response.status_code == 302
    assert ActionCode.objects.get().revoked_reason == "检查取消"


def test_record_page_shows_the_qr_and_the_secret_to_the_team(visit, clients):
    w = visit
    page = clients["alice"].get(f"/inspections/records/{w.inspection.pk}/").content.decode()
    assert 'id="action-code"' in page and "<svg" in page and w.code.code_id in page
    assert code_secret(w.code) in page
    oversight = clients["olga"].get(f"/inspections/records/{w.inspection.pk}/").content.decode()
    assert 'id="action-code"' in oversight and code_secret(w.code) not in oversight
    assert clients["bob"].get(f"/inspections/records/{w.inspection.pk}/").status_code == 404


def test_jwks_and_entry_page(visit):
    w = visit
    client = Client()
    assert client.get("/c/").status_code == 200
    pasted = client.get("/c/", {"token": f"  https://example.org/c/{w.code.token}  "})
    assert pasted.status_code == 302 and pasted["Location"] == f"/c/{w.code.token}"
    assert client.get("/c/", {"token": "hello"}).status_code == 400
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/c/"' in login


def test_verify_api_reads_one_row(visit, django_assert_num_queries):
    w = visit
    with django_assert_num_queries(
        1
    ):  # the code with its visit, subject and rating; the limit is in the cache
        assert Client().get("/api/v1/codes/verify", {"token": w.code.token}).json()["valid"] is True
