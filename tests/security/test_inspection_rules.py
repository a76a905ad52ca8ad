"""Issue 10, finding 3 (inspections): the rules of an inspection record and of a 双随机 draw hold at both doors,
page and API, because they live in the services — a department records and draws only in its own domain,
and officers on a record come from a team answering for the subject's place (or the draw that sent them)."""

import json
from datetime import date

import pytest

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_draws import pool  # noqa: F401 (fixture)
from tests.inspections.test_records import rec  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.core.errors import ServiceError
from zhifa.inspections.draws.services import draw_create
from zhifa.inspections.models import Inspection, RandomDraw
from zhifa.inspections.records.services import inspection_start
from zhifa.org.services import officer_create
from zhifa.subjects.models import Subject

PASSWORD = "Zhifa-test-2026"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def dept(rec):  # noqa: F811
    """The market department's user, a district market team officer and a second 南星 officer."""
    w = rec
    w.mara = user_create(
        username="mara", password=PASSWORD, role=Role.DEPARTMENT, unit=w.market_dept, full_name="市场监管局"
    )
    w.market_officer = officer_create(
        name="测试队员丁",
        birth_date=date(1986, 2, 1),
        certificate_no="ZJ-TEST-0004",
        home_department=w.market_dept,
        team=w.market_team,
        domains=[w.market, w.comprehensive],
    )
    w.nanxing_second = officer_create(
        name="测试队员戊",
        birth_date=date(1992, 9, 1),
        certificate_no="ZJ-TEST-0005",
        home_department=w.bureau,
        team=w.nanxing_team,
        seconded=True,
        domains=[w.comprehensive, w.market],
    )
    return w


def _body(w, officers, domains):
    return {
        "subject": w.nanxing_shop.pk,
        "visited_on": w.today.isoformat(),
        "officers": officers,
        "domains": domains,
    }


def test_department_records_only_its_own_domain_api_and_page(dept):
    w = dept
    api = client_for(w.mara)
    # The probe: market_dept filed a 综合执法 record with 九堡 officers (201 before the fix).
    r = _post(
        api, "/api/v1/inspections/records", _body(w, ["ZJ-TEST-0002", "ZJ-TEST-0004"], ["comprehensive"])
    )
    assert r.status_code == 400
    messages = [e["message"] for e in r.json()["errors"]]
    assert "不能记录综合执法领域的检查（区级部门只能检查本部门的领域）" in messages
    assert "测试队员乙所在的九堡街道综合行政执法队不负责该对象所在区域，不能参加此次检查" in messages
    page = api.post(
        "/inspections/records/new/",
        {
            "subject": w.nanxing_shop.pk,
            "kind": "routine",
            "visited_on": w.today.isoformat(),
            "officers": [w.partner.pk, w.market_officer.pk],
            "domains": ["comprehensive"],
        },
    )
    assert page.status_code == 400
    assert "不能记录综合执法领域的检查（区级部门只能检查本部门的领域）" in page.content.decode()
    assert Inspection.objects.count() == 0
    # The page offers the department's own domain only.
    form = api.get(f"/inspections/records/new/?subject={w.nanxing_shop.pk}").content.decode()
    assert 'value="market"' in form and 'value="comprehensive"' not in form
    # Its own domain, with a district market team officer and 南星's partner: accepted.
    r = _post(api, "/api/v1/inspections/records", _body(w, ["ZJ-TEST-0003", "ZJ-TEST-0004"], ["market"]))
    assert r.status_code == 201, r.content
    assert Inspection.objects.get().domains.get().code == "market"


def test_officers_must_serve_the_subjects_place(dept):
    w = dept
    carol = client_for(w.carol)  # district command: any domain, but not any officer for any place
    r = _post(carol, "/api/v1/inspections/records", _body(w, ["ZJ-TEST-0002", "ZJ-TEST-0003"], ["market"]))
    assert r.status_code == 400
    assert (
        r.json()["message"] == "测试队员乙所在的九堡街道综合行政执法队不负责该对象所在区域，不能参加此次检查"
    )
    page = carol.post(
        "/inspections/records/new/",
        {
            "subject": w.nanxing_shop.pk,
            "kind": "routine",
            "visited_on": w.today.isoformat(),
            "officers": [w.jiubao_officer_record.pk, w.partner.pk],
            "domains": ["market"],
        },
    )
    assert page.status_code == 400
    assert "测试队员乙所在的九堡街道综合行政执法队不负责该对象所在区域" in page.content.decode()
    assert Inspection.objects.count() == 0
    # A district team serves every subdistrict.
    r = _post(carol, "/api/v1/inspections/records", _body(w, ["ZJ-TEST-0004", "ZJ-TEST-0003"], ["market"]))
    assert r.status_code == 201


@pytest.fixture
def dept_pool(pool):  # noqa: F811
    w = pool
    w.mara = user_create(
        username="mara", password=PASSWORD, role=Role.DEPARTMENT, unit=w.market_dept, full_name="市场监管局"
    )
    return w


def test_department_draws_only_in_its_own_domain_api_and_page(dept_pool):
    w = dept_pool
    api = client_for(w.mara)
    r = _post(api, "/api/v1/inspections/draws", {"name": "越权抽查", "domain": "comprehensive", "count": 2})
    assert r.status_code == 400
    assert r.json()["message"] == "不能组织综合执法领域的抽查（区级部门只能抽查本部门的领域）"
    r = _post(
        api,
        "/api/v1/inspections/draws",
        {"name": "越权抽查", "domain": "market", "count": 2, "item": "ZH0101"},
    )
    assert r.status_code == 400
    assert r.json()["message"] == "执法事项“ZH0101”属于综合执法领域，不是本部门的领域"
    page = api.post("/inspections/draws/new/", {"name": "越权抽查", "domain": "comprehensive", "count": "2"})
    assert page.status_code == 400
    assert "不能组织综合执法领域的抽查" in page.content.decode()
    assert not RandomDraw.objects.exists()
    form = api.get("/inspections/draws/new/").content.decode()
    assert '<option value="market"' in form and '<option value="comprehensive"' not in form
    r = _post(api, "/api/v1/inspections/draws", {"name": "餐饮食品抽查", "domain": "market", "count": 2})
    assert r.status_code == 201, r.content
    # The district command centre draws in any domain.
    assert draw_create(name="综合抽查", domain="comprehensive", count=1, by=w.carol).pk


def test_a_draw_sends_its_inspectors_wherever_it_drew_them(dept_pool):
    """A district-wide draw may send a 南星 inspector to 九堡: the record from that draw accepts the pair drawn
    for the subject, and no one else from outside the subject's subdistrict."""
    w = dept_pool
    d = draw_create(name="全区餐饮抽查", domain="market", ratio="1", by=w.carol)
    jiubao = {s.pk: s for s in Subject.objects.filter(subdistrict=w.jiubao)}
    drawn = {int(s): [int(i) for i in team] for s, team in d.record["assignments"] if int(s) in jiubao}
    subject_id, team = next((s, t) for s, t in drawn.items() if {o.pk for o in w.inspectors} & set(t))
    outsider = next(o for o in w.inspectors if o.pk not in team)
    with pytest.raises(ServiceError) as err:
        inspection_start(
            subject=jiubao[subject_id],
            kind="draw",
            visited_on=date.today(),
            officers=[team[0], outsider.pk],
            domains=["market"],
            draw=d,
            by=w.carol,
        )
    assert (
        err.value.message
        == f"{outsider.name}所在的南星街道综合行政执法队不负责该对象所在区域，不能参加此次检查"
    )
    made = inspection_start(
        subject=jiubao[subject_id],
        kind="draw",
        visited_on=date.today(),
        officers=team,
        domains=["market"],
        draw=d,
        by=w.carol,
    )
    assert made.draw_id == d.pk and sorted(made.officers.values_list("pk", flat=True)) == sorted(team)
