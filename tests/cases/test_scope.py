"""Jurisdiction from the other side: a case belongs to its handling unit; a subdistrict sees its own, a district
team or department its domain, oversight and the district command everything (oversight writes nothing);
another subdistrict and the unbound get nothing. Numbers stay unique under concurrent 立案 (PostgreSQL)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.http import Http404

from tests.cases.conftest import PNG, open_case, photo, printed
from tests.conftest import PASSWORD, client_for
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.cases import services as svc
from zhifa.cases.models import Case
from zhifa.cases.selectors import case_get_for_user, case_list_for_user
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.engine.idcard import id_make
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create


def _visible(user) -> set[int]:
    return set(case_list_for_user(user=user).values_list("pk", flat=True))


@pytest.fixture
def two(cw):
    w = cw
    w.nx_case = open_case(w)
    w.sj_case = open_case(w, causes=[{"item": "SJ0001"}], officers=[w.market_a, w.market_b], by=w.mia)
    command = unit_create(
        code="SC-NX", name="南星街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.nanxing
    )
    w.sam = user_create(username="sam", password=PASSWORD, role=Role.SUBDISTRICT_COMMAND, unit=command)
    jb = unit_create(code="SC-JB", name="九堡街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.jiubao)
    w.jim = user_create(username="jim", password=PASSWORD, role=Role.SUBDISTRICT_COMMAND, unit=jb)
    w.mark = user_create(username="mark", password=PASSWORD, role=Role.DEPARTMENT, unit=w.market_dept)
    return w


def test_who_sees_which_case(two):
    w = two
    nx, sj = w.nx_case.pk, w.sj_case.pk
    assert _visible(w.alice) == {nx} and _visible(w.sam) == {nx}
    assert _visible(w.bob) == set() and _visible(w.jim) == set() and _visible(w.otto) == set()
    assert _visible(w.mia) == {sj} and _visible(w.mark) == {
        sj
    }  # the market team and department: their domain
    assert _visible(w.rita) == {nx}  # 区综合行政执法局: the 综合执法 domain, delegated items included
    assert _visible(w.carol) == _visible(w.olga) == _visible(w.root) == {nx, sj}
    for user in (w.bob, w.jim, w.mia, w.otto):
        with pytest.raises(Http404):
            case_get_for_user(user=user, pk=nx)


def test_pages_and_api_from_the_other_side(two):
    w = two
    nx = w.nx_case
    for user, page, api in ((w.jim, 404, 404), (w.mark, 404, 404), (w.sam, 200, 200), (w.olga, 200, 200)):
        assert client_for(user).get(f"/cases/{nx.pk}/").status_code == page
        assert client_for(user).get(f"/api/v1/cases/{nx.pk}").status_code == api
    # The subdistrict command room reads its subdistrict's cases but does not handle them.
    with pytest.raises(PermissionError_, match="只有办案单位可以办理该案件"):
        svc.case_investigate(case=nx, by=w.sam)


def test_read_only_oversight_is_refused_every_write_through_the_services(two):
    w = two
    nx = w.nx_case
    calls = [
        lambda: svc.case_investigate(case=nx, by=w.olga),
        lambda: svc.case_withdraw(case=nx, reason="x", by=w.olga),
        lambda: svc.case_transfer(case=nx, to_unit=w.market_team, reason="x", by=w.olga),
        lambda: svc.case_extend(case=nx, days=5, reason="x", approver=w.rita, by=w.olga),
        lambda: svc.case_evidence_upload(
            case=nx, file=photo(), kind="audiovisual", description="x", by=w.olga
        ),
        lambda: open_case(w, by=w.olga),
    ]
    for call in calls:
        with pytest.raises(PermissionError_, match="您的角色为只读"):
            call()


def _party():
    return {"kind": "person", "name": "赵六", "id_number": id_make(born=date(1995, 5, 5), sequence=3)}


def _spot(w, **kw):
    values = {
        "party": _party(),
        "item": "ZH0018",
        "circumstance": "一般",
        "penalty": "fine",
        "fine": 100,
        "facts": "占道设摊",
        "place": "示例路口",
        "officers": [w.nanxing_officer_record, w.partner],
        "photo": photo(),
        "signature": PNG,
        "by": w.alice,
    }
    values.update(kw)
    return svc.case_decide_on_spot(**values)


def test_simple_procedure_limits_for_a_person_and_an_organisation(cw):
    w = cw
    with pytest.raises(ServiceError, match="简易程序对公民罚款不得超过 200 元，201 元须按普通程序办理"):
        _spot(w, fine=201, circumstance="较重")
    org = {"kind": "organisation", "name": "九堡示例公司", "uscc": w.jiubao_firm.uscc}
    with pytest.raises(ServiceError, match="简易程序对法人或者其他组织罚款不得超过 3000 元"):
        _spot(w, party=org, fine=3001, circumstance="较重")
    with pytest.raises(ServiceError, match="超出裁量基准（较重：200–2,000 元）"):
        _spot(w, party=org, fine=2500, circumstance="较重")
    with pytest.raises(ServiceError, match="简易程序只能给予警告或罚款"):
        _spot(w, penalty="close")
    with pytest.raises(ServiceError, match="请当事人签名，或注明当事人拒绝签名的情况"):
        _spot(w, signature=None)
    with pytest.raises(ServiceError, match="请拍摄现场照片"):
        _spot(w, photo=None)
    assert not Case.objects.exists()
    made = _spot(w, party=org, fine=2000, circumstance="较重")
    assert (made.stage, made.fine_total, made.next_clock) == ("served", 2000, "payment")
    warning = _spot(w, penalty="warning", fine=0, signature=None, signature_refused="当事人拒绝签名，已注明")
    assert warning.fine_total == 0 and warning.next_due is None
    text = printed(warning.documents.get(kind="on_spot_decision"))
    assert "当罚决字〔2026〕" in text and "警告" in text and "身份证件号码" in text
    assert svc.case_close(case=warning, summary="警告已交付", by=w.alice).stage == "closed"


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_get_distinct_numbers(cw):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (SQLite serialises writers)")
    w = cw
    n = 6
    barrier = threading.Barrier(n)
    numbers, errors = [], []

    def run():
        try:
            barrier.wait()
            numbers.append(open_case(w).serial)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, n + 1))
    assert Case.objects.values("number").distinct().count() == n
