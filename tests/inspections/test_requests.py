"""部门检查需求: filed by a department in its own domain, validated whole, scoped, cancelled only while open,
and taken into the subdistrict's demands and joint plan."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD, client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import code
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.inspections.choices import RequestStatus
from zhifa.inspections.demands.selectors import inspection_demands
from zhifa.inspections.demands.services import inspection_request_cancel, inspection_request_create
from zhifa.inspections.models import InspectionRequest
from zhifa.subjects.services import subject_create

TODAY = date(2026, 11, 27)


@pytest.fixture
def dept(district):  # noqa: F811
    w = district
    w.market_user = user_create(
        username="market_user", password=PASSWORD, role=Role.DEPARTMENT, unit=w.market_dept
    )
    w.shop = subject_create(
        by=w.carol,
        name="示例南星小吃店",
        kind="enterprise",
        industry="H62",
        uscc=code(501),
        subdistrict="南星街道",
    )
    w.jiubao_shop = subject_create(
        by=w.carol,
        name="示例九堡小吃店",
        kind="enterprise",
        industry="H62",
        uscc=code(502),
        subdistrict="九堡街道",
    )
    return w


def file(w, **kw):
    args = {
        "subject": w.shop,
        "domain": "market",
        "due_from": TODAY + timedelta(days=4),
        "due_to": TODAY + timedelta(days=60),
        "reason": "元旦春节食品安全专项检查",
        "items": ["SJ0001"],
        "by": w.market_user,
        "today": TODAY,
    }
    args.update(kw)
    return inspection_request_create(**args)


def test_a_department_files_a_request_in_its_domain_and_it_becomes_a_demand(dept):
    w = dept
    r = file(w)
    assert r.status == RequestStatus.OPEN and r.unit == w.market_dept and r.region_path == w.shop.region_path
    assert list(r.items.values_list("code", flat=True)) == ["SJ0001"]
    found = inspection_demands(
        region=w.nanxing,
        period_start=TODAY + timedelta(days=5),
        period_end=TODAY + timedelta(days=95),
    )
    (demand,) = [d for d in found.demands if d.source == "request"]
    assert (demand.subject, demand.domain, demand.id, demand.items) == (
        w.shop.pk,
        "market",
        r.pk,
        ("SJ0001",),
    )
    assert (demand.due_from, demand.due_to) == (TODAY + timedelta(days=5), TODAY + timedelta(days=60))


def test_every_problem_is_answered_at_once_and_nothing_is_written(dept):
    w = dept
    with pytest.raises(ServiceError) as err:
        file(
            w,
            domain="comprehensive",
            due_from=TODAY + timedelta(days=9),
            due_to=TODAY + timedelta(days=3),
            reason=" ",
            items=["SJ0001", "XX9999"],
        )
    messages = [e["message"] for e in err.value.errors]
    assert "不能提出“comprehensive”领域的检查需求（只能是本部门的领域）" in messages
    assert "最迟检查日期不能早于最早检查日期" in messages
    assert "请填写检查事由" in messages
    assert "执法事项 XX9999 不存在或已废止" in messages
    with pytest.raises(ServiceError, match="最迟检查日期已过"):
        file(w, due_from=TODAY - timedelta(days=30), due_to=TODAY - timedelta(days=1))
    with pytest.raises(ServiceError, match="执法事项 ZH0101 不属于所选领域"):
        file(w, items=["ZH0101"])
    with pytest.raises(ServiceError, match="最早检查日期格式应为 YYYY-MM-DD"):
        file(w, due_from="2026-13-01")
    assert not InspectionRequest.objects.exists()


def test_who_may_file_and_overlapping_twins(dept):
    w = dept
    with pytest.raises(PermissionError_, match="只有区级部门和区协调指挥中心可以提出检查需求"):
        file(w, by=w.alice)  # a subdistrict officer plans, it does not request
    with pytest.raises(PermissionError_):
        file(w, by=w.olga)  # oversight reads only
    file(w)
    with pytest.raises(Conflict, match="本单位已对该对象提出时限重叠的检查需求"):
        file(w, due_from=TODAY + timedelta(days=30), due_to=TODAY + timedelta(days=90))
    later = file(w, due_from=TODAY + timedelta(days=61), due_to=TODAY + timedelta(days=90))
    assert later.status == RequestStatus.OPEN
    # The district command centre may file in any domain.
    assert file(w, domain="comprehensive", items=[], by=w.carol).domain.code == "comprehensive"


def test_cancel_only_while_open_by_its_unit(dept):
    w = dept
    r = file(w)
    with pytest.raises(PermissionError_, match="只有提出单位或区协调指挥中心可以撤销"):
        inspection_request_cancel(request=r, reason="重复", by=w.alice)
    with pytest.raises(ServiceError, match="请填写撤销理由"):
        inspection_request_cancel(request=r, reason="", by=w.market_user)
    InspectionRequest.objects.filter(pk=r.pk).update(status=RequestStatus.PLANNED)
    with pytest.raises(Conflict, match="已排入综合查一次计划"):
        inspection_request_cancel(request=r, reason="重复", by=w.market_user)
    InspectionRequest.objects.filter(pk=r.pk).update(status=RequestStatus.OPEN)
    assert (
        inspection_request_cancel(request=r, reason="重复", by=w.market_user).status
        == RequestStatus.CANCELLED
    )
    with pytest.raises(Conflict, match="已撤销"):
        inspection_request_cancel(request=r, reason="重复", by=w.market_user)


def test_pages_and_api_are_scoped(dept):
    w = dept
    mine = file(w)
    other = file(w, subject=w.jiubao_shop, by=w.carol, items=[])
    market = client_for(w.market_user)
    page = market.get("/inspections/requests/").content.decode()
    assert "示例南星小吃店" in page and "示例九堡小吃店" not in page  # a department sees its own unit's
    alice = client_for(w.alice)  # 南星: the requests about its subjects
    page = alice.get("/inspections/requests/").content.decode()
    assert "示例南星小吃店" in page and "示例九堡小吃店" not in page
    assert alice.get("/inspections/requests/new/").status_code == 403
    assert alice.post(f"/inspections/requests/{other.pk}/cancel/", {"reason": "x"}).status_code == 404

    form = market.get(f"/inspections/requests/new/?subject={w.shop.pk}")
    assert form.status_code == 200 and "示例南星小吃店" in form.content.decode()
    bad = market.post(
        "/inspections/requests/new/", {"subject": w.shop.pk, "domain": "market", "due_to": "", "reason": ""}
    )
    assert bad.status_code == 400 and "请填写检查事由" in bad.content.decode()
    by_code = market.post(
        "/inspections/requests/new/",
        {"uscc": w.jiubao_shop.uscc, "domain": "market", "due_from": str(timezone.localdate()),
         "due_to": str(timezone.localdate() + timedelta(days=20)), "reason": "抽检复查", "item_codes": "SJ0005"},
    )  # fmt: skip
    assert by_code.status_code == 302
    assert InspectionRequest.objects.get(subject=w.jiubao_shop, unit=w.market_dept).reason == "抽检复查"

    listed = market.get("/api/v1/inspections/requests").json()
    assert listed["count"] == 2 and {r["subject_name"] for r in listed["results"]} == {
        "示例南星小吃店",
        "示例九堡小吃店",
    }
    assert (
        client_for(w.bob).get("/api/v1/inspections/requests").json()["count"] == 2
    )  # 九堡: carol's and market's
    made = market.post(
        "/api/v1/inspections/requests",
        {"subject_id": w.shop.pk, "domain": "market", "due_from": str(timezone.localdate() + timedelta(days=70)),
         "due_to": str(timezone.localdate() + timedelta(days=100)), "reason": "复查", "items": ["SJ0005"]},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["items"] == ["SJ0005"]
    refused = market.post(
        "/api/v1/inspections/requests",
        {
            "subject_id": w.shop.pk,
            "domain": "fire",
            "due_from": "2027-01-01",
            "due_to": "2027-01-31",
            "reason": "x",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and "只能是本部门的领域" in refused.json()["message"]
    cancelled = market.post(
        f"/api/v1/inspections/requests/{mine.pk}/cancel",
        {"reason": "已合并"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_the_form_keeps_what_was_typed_when_refused(dept):
    w = dept
    market = client_for(w.market_user)
    form = market.get(f"/inspections/requests/new/?subject={w.shop.pk}").content.decode()
    assert 'name="item_codes" value=""' in form
    refused = market.post(
        "/inspections/requests/new/",
        {"subject": w.shop.pk, "domain": "market", "due_from": "2026-12-01", "due_to": "2026-11-01",
         "reason": "复查", "item_codes": "SJ0001, SJ0005"},
    )  # fmt: skip
    html = refused.content.decode()
    assert refused.status_code == 400 and "最迟检查日期不能早于最早检查日期" in html
    assert 'value="SJ0001, SJ0005"' in html and 'value="复查"' in html
