"""检查需求 on the demo district: gathered from colours, past checks, scenarios, complaints, requests; scoped page."""

from datetime import date

import pytest
from django.test import Client

from zhifa.accounts.models import User
from zhifa.engine.demands import summarise
from zhifa.inspections.choices import InspectionStatus, PlanStatus, RequestStatus
from zhifa.inspections.demands.selectors import inspection_demands, next_quarter, subject_domains
from zhifa.inspections.models import Inspection, InspectionRequest, JointPlan, PlanVisit
from zhifa.inspections.plans import joint_plan_withdraw
from zhifa.org.models import Domain, Region
from zhifa.risk.models import SubjectRisk
from zhifa.subjects.models import Subject

pytestmark = pytest.mark.django_db
SJQ = "330102014"
QUARTER = (date(2026, 12, 1), date(2027, 2, 28))


@pytest.fixture
def sjq_demands(demo_db):
    """The demands of 四季青's winter with the demo's published plan withdrawn (its requests open again)."""
    plan = JointPlan.objects.get(region__code=SJQ, status=PlanStatus.PUBLISHED)
    joint_plan_withdraw(plan=plan, by=User.objects.get(username="command"), reason="重新编制")
    region = Region.objects.get(code=SJQ)
    return inspection_demands(region=region, period_start=QUARTER[0], period_end=QUARTER[1])


def test_every_cause_is_present_and_green_is_only_checked_on_cause(sjq_demands):
    found = sjq_demands
    sources = {d.source for d in found.demands}
    assert sources == {"policy", "scenario", "complaint", "request", "guidance"}
    # 无事不扰: no routine (policy/scenario) check for a green subject.
    routine = {d.subject for d in found.demands if d.source in ("policy", "scenario")}
    assert routine and all(found.colours[s] in ("yellow", "red") for s in routine)
    # Every demand is for a subject of 四季青 and inside the quarter.
    ids = set(Subject.objects.filter(subdistrict__code=SJQ).values_list("id", flat=True))
    assert {d.subject for d in found.demands} <= ids
    assert all(QUARTER[0] <= d.due_from <= d.due_to <= QUARTER[1] for d in found.demands)


def test_a_yellow_subjects_domain_is_due_half_a_year_after_its_last_check(sjq_demands):
    found = sjq_demands
    policy = [d for d in found.demands if d.source == "policy"]
    checked = {}
    for sid, dom, day in Inspection.objects.filter(
        subject_id__in={d.subject for d in policy}, status=InspectionStatus.FINISHED
    ).values_list("subject_id", "domains__code", "visited_on"):
        checked[(sid, dom)] = max(day, checked.get((sid, dom), day))
    tested = 0
    for d in policy:
        last = checked.get((d.subject, d.domain))
        if found.colours[d.subject] != "yellow" or last is None:
            continue
        if d.due_from > QUARTER[0]:
            assert (d.due_from - last).days == 183  # ceil(365.25 / 2): not earlier than the clock allows
            tested += 1
        else:
            assert (d.due_from - last).days >= 183  # overdue: due from the first day, once
    assert tested > 10


def test_requests_and_scenario_items_reach_the_demands(sjq_demands):
    found = sjq_demands
    request = InspectionRequest.objects.filter(subject__subdistrict__code=SJQ).order_by("id").first()
    mine = [d for d in found.demands if d.source == "request" and d.id == request.pk]
    assert len(mine) == 1
    d = mine[0]
    assert d.domain == request.domain.code
    assert set(d.items) == set(request.items.values_list("code", flat=True))
    # A clothing wholesaler in the 沿街商铺 scenario is checked for the scenario's items of the domain.
    shop = Subject.objects.filter(subdistrict__code=SJQ, scenarios__code="SC11").order_by("id").first()
    market = [x for x in found.demands if x.subject == shop.pk and x.domain == "market"]
    for x in market:
        assert {"SJ0017", "SJ0018"} <= set(x.items)


def test_the_demo_winter_plan_took_in_the_departments_requests(demo_db):
    plan = JointPlan.objects.get(region__code=SJQ, status=PlanStatus.PUBLISHED)
    requests = InspectionRequest.objects.filter(subject__subdistrict__code=SJQ)
    assert requests.filter(status=RequestStatus.PLANNED).count() > 20
    # A request left open is one the plan could not fit, listed with its reason.
    unfitted = {(u["subject"], u["domain"]) for u in plan.unfitted if u["source"] == "request"}
    names = dict(Domain.objects.values_list("code", "name"))
    for r in requests.filter(status=RequestStatus.OPEN).select_related("domain"):
        assert (r.subject_id, r.domain.code) in unfitted or (r.subject_id, names[r.domain.code]) in unfitted
    request = requests.filter(status=RequestStatus.PLANNED).order_by("id").first()
    (visit,) = [
        v
        for v in PlanVisit.objects.filter(plan=plan, subject=request.subject)
        if {"source": "request", "request": request.pk} in v.sources
    ]
    assert request.domain.code in visit.domains
    assert plan.figures["visit_saving"] >= 0.5  # 综合查一次: at least half the visits of departments alone


def test_colour_change_changes_the_demands(sjq_demands):
    region = Region.objects.get(code=SJQ)
    green = next(
        s
        for s, c in sjq_demands.colours.items()
        if c == "green" and not any(d.subject == s for d in sjq_demands.demands)
    )
    SubjectRisk.objects.filter(subject_id=green).update(colour="red")
    again = inspection_demands(region=region, period_start=QUARTER[0], period_end=QUARTER[1])
    mine = [d for d in again.demands if d.subject == green]
    assert mine and {d.source for d in mine} <= {"policy", "scenario"}


def test_demand_page_summary_and_scope(demo_db):
    client = Client()
    command = User.objects.get(username="command")
    client.force_login(command)
    response = client.get(
        "/inspections/demands/", {"region": SJQ, "start": "2026-12-01", "end": "2027-02-28"}
    )
    assert response.status_code == 200
    overview = response.context["overview"]
    table = summarise(
        inspection_demands(
            region=Region.objects.get(code=SJQ), period_start=QUARTER[0], period_end=QUARTER[1]
        ).demands
    )
    assert overview.totals["total"] == sum(r["total"] for r in table.values())
    html = response.content.decode()
    assert "四季青街道" in html and "赋码频次" in html and "部门需求" in html

    bad = client.get("/inspections/demands/", {"region": SJQ, "start": "2027-03-01", "end": "2027-01-01"})
    assert bad.status_code == 400
    assert "结束日期早于开始日期" in bad.content.decode()
    malformed = client.get("/inspections/demands/", {"region": SJQ, "start": "2027-13-01"})
    assert malformed.status_code == 400 and "日期格式应为 YYYY-MM-DD" in malformed.content.decode()


def test_subdistrict_user_cannot_see_another_subdistricts_demands(demo_db):
    officer = User.objects.get(username="nanxing_officer")  # 南星
    client = Client()
    client.force_login(officer)
    assert client.get("/inspections/demands/", {"region": SJQ}).status_code == 404
    own = client.get("/inspections/demands/")
    assert own.status_code == 200 and own.context["region_code"] == "330102008"


def test_next_quarter():
    assert next_quarter(date(2026, 11, 27)) == (date(2027, 1, 1), date(2027, 3, 31))
    assert next_quarter(date(2027, 2, 1)) == (date(2027, 4, 1), date(2027, 6, 30))
    assert next_quarter(date(2027, 8, 31)) == (date(2027, 10, 1), date(2027, 12, 31))


def test_delegated_items_are_checked_under_the_comprehensive_domain(demo_db):
    grocery = Subject.objects.filter(scenarios__code="SC04").order_by("id").first()
    domains = subject_domains([grocery.pk])[grocery.pk]
    # 明码标价 (SJ0018) and 亮照经营 (SJ0017) are delegated to the subdistricts: the 综合执法 team checks them;
    # 过期食品 (SJ0005) stays with 市场监管.
    assert {"SJ0017", "SJ0018", "ZH0015"} <= domains["comprehensive"]
    assert "SJ0005" in domains["market"] and "SJ0018" not in domains["market"]


def test_industry_checklist_for_a_subject_in_no_scenario(demo_db):
    garment = Subject.objects.filter(industry_code="C18", scenarios__isnull=True).order_by("id").first()
    domains = subject_domains([garment.pk])[garment.pk]
    assert domains["market"] == {"SJ0033", "SJ0034", "SJ0059"}
    assert domains["emergency"] == {"YJ0004", "YJ0017"}
    assert "XF0004" in domains["fire"]


def test_record_checklist_is_what_the_demands_planned(demo_db):
    from zhifa.inspections.records.checklist import checklist_items

    garment = Subject.objects.filter(industry_code="C18", scenarios__isnull=True).order_by("id").first()
    planned = {c for codes in subject_domains([garment.pk])[garment.pk].values() for c in codes}
    assert {i.code for i in checklist_items(garment)} == planned
    grocery = Subject.objects.filter(scenarios__code="SC04").order_by("id").first()
    comprehensive = {i.code for i in checklist_items(grocery, ["comprehensive"])}
    assert (
        comprehensive == subject_domains([grocery.pk])[grocery.pk]["comprehensive"]
    )  # incl. delegated SJ0018


def test_demands_api_pages_and_scope(demo_db):
    client = Client()
    client.force_login(User.objects.get(username="command"))
    r = client.get(
        "/api/v1/inspections/demands",
        {"region": SJQ, "start": "2026-12-01", "end": "2027-02-28", "page_size": 20},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["region_name"] == "四季青街道"
    assert body["demands"] == sum(row["total"] for row in body["by_domain"])
    assert body["subjects"]["count"] == body["subjects_with_demands"] > 20
    assert len(body["subjects"]["results"]) == 20
    assert body["subjects"]["results"][0]["colour"] == "red"
    first = body["subjects"]["results"][0]["demands"][0]
    assert set(first) == {"domain", "due_from", "due_to", "source"}

    bad = client.get(
        "/api/v1/inspections/demands", {"region": SJQ, "start": "2027-03-01", "end": "2027-01-01"}
    )
    assert bad.status_code == 400 and bad.json()["message"] == "结束日期早于开始日期"
    officer = Client()
    officer.force_login(User.objects.get(username="nanxing_officer"))
    assert officer.get("/api/v1/inspections/demands", {"region": SJQ}).status_code == 404
    assert officer.get("/api/v1/inspections/demands", {"region": "330102008"}).status_code == 200
