"""综合查一次 pages, xlsx and JSON API: the calendar and figures, scoping, the form's errors, the officer's days."""

import io
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_joint_plans import Q2, QUIET, demands_for, make, town  # noqa: F401 (fixture)
from zhifa.inspections import plans
from zhifa.inspections.choices import PlanStatus
from zhifa.inspections.models import JointPlan, PlanVisit, SquadDay


@pytest.fixture
def plan(town):  # noqa: F811
    return make(town, max_visits_per_squad_day=4)


def test_calendar_shows_squads_figures_and_unfitted(town, plan):  # noqa: F811
    w = town
    html = client_for(w.carol).get(f"/inspections/joint-plans/{plan.pk}/").content.decode()
    f = plan.figures
    assert f"联合检查 {f['joint_visits']} 次" in html and f"各部门单独 {f['separate_visits']} 次" in html
    assert "−50.0%" in html  # 24 visits instead of 48
    assert "2026 年 4 月" in html and "2026 年 6 月" in html and "免扰" in html
    first = SquadDay.objects.filter(plan=plan).order_by("day", "id").first()
    names = "、".join(o.name for o in first.officers.all())
    assert f'href="/inspections/joint-plans/{plan.pk}/days/{first.pk}/"' in html and names in html
    assert "全部需求均已排入" in html
    # The squad day as an htmx fragment (no page shell) and as a page of its own.
    url = f"/inspections/joint-plans/{plan.pk}/days/{first.pk}/"
    fragment = client_for(w.carol).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "检查组：" in fragment
    visits = list(PlanVisit.objects.filter(squad_day=first).order_by("order").select_related("subject"))
    positions = [fragment.index(v.subject.name) for v in visits]
    assert positions == sorted(positions)  # in route order
    assert "综合执法" in fragment and "市场监管" in fragment and "3 项检查事项" in fragment
    page = client_for(w.carol).get(url).content.decode()
    assert "<html" in page and visits[0].subject.address in page


def test_unfitted_are_listed_with_reasons_on_the_page(town):  # noqa: F811
    w = town
    plan = make(w, demands=demands_for(w, fire=True))
    html = client_for(w.carol).get(f"/inspections/joint-plans/{plan.pk}/").content.decode()
    assert "未排入的检查需求（8 项）" in html and "无具备资质的执法人员 8 项" in html
    assert "南星示例商户03" in html and "无具备资质的执法人员（消防）" in html


def test_pages_are_scoped(town, plan):  # noqa: F811
    w = town
    assert client_for(w.alice).get(f"/inspections/joint-plans/{plan.pk}/").status_code == 200
    assert client_for(w.bob).get(f"/inspections/joint-plans/{plan.pk}/").status_code == 404
    assert client_for(w.bob).get(f"/inspections/joint-plans/{plan.pk}.xlsx").status_code == 404
    assert client_for(w.bob).get(f"/inspections/joint-plans/{plan.pk}/days/1/").status_code == 404
    assert plan.name not in client_for(w.bob).get("/inspections/joint-plans/").content.decode()
    assert plan.name in client_for(w.alice).get("/inspections/joint-plans/").content.decode()
    assert client_for(w.olga).get(f"/inspections/joint-plans/{plan.pk}/").status_code == 200  # reads all
    r = client_for(w.olga).get("/inspections/joint-plans/new/")
    assert r.status_code == 403 and "您的角色不能编制综合查一次计划" in r.content.decode()
    r = client_for(w.olga).post(f"/inspections/joint-plans/{plan.pk}/publish/")
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    r = client_for(w.bob).post(f"/inspections/joint-plans/{plan.pk}/publish/")
    assert r.status_code == 404
    # Another subdistrict's region typed into the form: not found.
    r = client_for(w.nanxing_cmd).post(
        "/inspections/joint-plans/new/",
        {"region": "330102018", "period_start": "2026-04-01", "period_end": "2026-04-30"},
    )
    assert r.status_code == 404


def test_form_errors_in_chinese(town):  # noqa: F811
    w = town
    c = client_for(w.nanxing_cmd)
    form = c.get("/inspections/joint-plans/new/").content.decode()
    assert 'value="330102008"' in form and 'value="330102018"' not in form
    r = c.post(
        "/inspections/joint-plans/new/",
        {"region": "330102008", "period_start": "2026-04-01", "period_end": "2026-07-15"},
    )
    assert r.status_code == 400 and "计划期间最长 92 天（一个季度），当前为 106 天" in r.content.decode()
    r = c.post(
        "/inspections/joint-plans/new/",
        {"region": "330102008", "period_start": "2026-06-01", "period_end": "2026-04-01"},
    )
    assert r.status_code == 400 and "结束日期不能早于开始日期" in r.content.decode()
    r = c.post(
        "/inspections/joint-plans/new/",
        {
            "region": "330102008",
            "period_start": "2026-04-01",
            "period_end": "2026-04-30",
            "quiet_days": "2026-04-06，2026-05-01",
        },
    )
    assert r.status_code == 400 and "免扰日 2026-05-01 不在计划期间内" in r.content.decode()
    r = c.post(
        "/inspections/joint-plans/new/",
        {
            "region": "330102008",
            "period_start": "2026-04-01",
            "period_end": "2026-04-30",
            "max_visits_per_year": "x",
        },
    )
    assert r.status_code == 400 and "每户年度检查次数上限须为 1 到 52 的整数" in r.content.decode()
    assert not JointPlan.objects.exists()


# Committed for real: the page starts a background job, which with no broker runs as the request commits.
@pytest.mark.django_db(transaction=True)
def test_form_creates_a_plan_from_the_recorded_demands(town):  # noqa: F811
    """No demands passed: the plan takes them from the records (inspection_demands)."""
    w = town
    c = client_for(w.nanxing_cmd)
    r = c.post(
        "/inspections/joint-plans/new/",
        {
            "region": "330102008",
            "period_start": "2026-04-01",
            "period_end": "2026-06-30",
            "quiet_days": "2026-04-06 2026-05-01",
            "max_visits_per_year": "3",
        },
    )
    assert r.status_code == 302
    plan = JointPlan.objects.get()
    assert r["Location"] == f"/inspections/joint-plans/{plan.pk}/"
    assert (
        plan.limits["quiet_days"] == ["2026-04-06", "2026-05-01"] and plan.limits["max_visits_per_year"] == 3
    )
    assert plan.name == "南星街道综合查一次计划（2026-04-01 至 2026-06-30）"
    assert plan.figures["demands"] >= plan.figures["unfitted"]
    assert c.get(r["Location"]).status_code == 200


def test_xlsx_has_the_schedule_the_unfitted_and_the_figures(town):  # noqa: F811
    w = town
    plan = make(w, demands=demands_for(w, fire=True))
    r = client_for(w.carol).get(f"/inspections/joint-plans/{plan.pk}.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["日程", "未排入", "指标"]
    rows = list(book["日程"].iter_rows(values_only=True))
    assert rows[0][:6] == ("日期", "星期", "检查组", "检查组成员", "顺序", "监管对象")
    assert len(rows) - 1 == PlanVisit.objects.filter(plan=plan).count() == 24
    first = PlanVisit.objects.filter(plan=plan).order_by("squad_day__day", "squad_day_id", "order").first()
    assert rows[1][0].date() == first.squad_day.day and rows[1][4] == 1 and rows[1][5] == first.subject.name
    assert rows[1][9] == "综合执法、市场监管" and rows[1][10] == 3
    left = list(book["未排入"].iter_rows(values_only=True))
    assert len(left) == 1 + 8 and left[1][2] == "消防" and left[1][5] == "无具备资质的执法人员（消防）"
    figures = {row[0]: row[1:] for row in book["指标"].iter_rows(values_only=True) if row and row[0]}
    assert figures["检查次数"][:3] == (24, 48, -50.0)
    assert figures["未排入需求"][0] == 8 and figures["随机种子"][0] == "t"


def test_my_days_page_shows_only_the_officers_days(town):  # noqa: F811
    w = town
    today = timezone.localdate()
    period = (today, today + timedelta(days=30))
    plan = make(
        w,
        period_start=period[0],
        period_end=period[1],
        quiet_days=[],
        demands=demands_for(w, period),
        max_visits_per_squad_day=3,
    )
    plans.joint_plan_publish(plan=plan, by=w.carol)
    mine = SquadDay.objects.filter(plan=plan, officers=w.nanxing_officer_record)
    others = SquadDay.objects.filter(plan=plan).exclude(officers=w.nanxing_officer_record)
    assert mine.exists() and others.exists()
    html = client_for(w.alice).get("/inspections/my-days/").content.decode()
    assert "我的检查日程" in html
    for v in PlanVisit.objects.filter(squad_day__in=mine):
        assert f"/inspections/records/new/?plan_visit={v.pk}" in html
    for v in PlanVisit.objects.filter(squad_day__in=others):
        assert f'/inspections/records/new/?plan_visit={v.pk}"' not in html
    assert f'id="day-{mine.first().pk}"' in html and f'id="day-{others.first().pk}"' not in html
    # bob (九堡) has no days; carol is not an officer.
    assert "近期没有安排您的检查" in client_for(w.bob).get("/inspections/my-days/").content.decode()
    assert "未关联执法队员档案" in client_for(w.carol).get("/inspections/my-days/").content.decode()
    # Marking a visit missed from the phone page.
    visit = PlanVisit.objects.filter(squad_day__in=mine).first()
    r = client_for(w.alice).post(f"/inspections/joint-plans/visits/{visit.pk}/mark/", {"status": "missed"})
    assert r.status_code == 302 and r["Location"] == "/inspections/my-days/"
    visit.refresh_from_db()
    assert visit.status == "missed"
    assert (
        client_for(w.bob)
        .post(f"/inspections/joint-plans/visits/{visit.pk}/mark/", {"status": "missed"})
        .status_code
        == 404
    )


def test_api_list_detail_publish_and_errors(town, plan):  # noqa: F811
    w = town
    carol = client_for(w.carol)
    body = carol.get("/api/v1/inspections/joint-plans").json()
    assert body["count"] == 1 and body["results"][0]["id"] == plan.pk
    assert body["results"][0]["figures"]["joint_visits"] == 24
    assert client_for(w.bob).get("/api/v1/inspections/joint-plans").json()["count"] == 0
    assert client_for(w.bob).get(f"/api/v1/inspections/joint-plans/{plan.pk}").status_code == 404
    detail = carol.get(f"/api/v1/inspections/joint-plans/{plan.pk}").json()
    assert sum(len(sd["visits"]) for sd in detail["squad_days"]) == 24
    sd = detail["squad_days"][0]
    assert len(sd["officers"]) >= 2 and [v["order"] for v in sd["visits"]] == list(
        range(1, len(sd["visits"]) + 1)
    )
    assert detail["unfitted"] == [] and detail["status"] == "draft"
    r = client_for(w.olga).post(f"/api/v1/inspections/joint-plans/{plan.pk}/publish")
    assert r.status_code == 403 and r.json()["message"] == "您的角色为只读，不能进行此操作"
    r = carol.post(f"/api/v1/inspections/joint-plans/{plan.pk}/publish")
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = carol.post(f"/api/v1/inspections/joint-plans/{plan.pk}/publish")
    assert r.status_code == 409 and r.json()["message"] == "只有草稿状态的计划可以发布"
    bad = {"region": "330102008", "period_start": "2026-04-01", "period_end": "2026-12-31"}
    r = carol.post("/api/v1/inspections/joint-plans", json.dumps(bad), content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"] == [
        {"field": "period_end", "message": "计划期间最长 92 天（一个季度），当前为 275 天"}
    ]
    r = client_for(w.bob).post(
        "/api/v1/inspections/joint-plans",
        json.dumps({**bad, "period_end": "2026-04-30"}),
        content_type="application/json",
    )
    assert r.status_code == 404


def test_api_create_from_the_records(town):  # noqa: F811
    w = town
    payload = {
        "region": "330102008",
        "period_start": "2026-04-01",
        "period_end": "2026-06-30",
        "quiet_days": [d.isoformat() for d in QUIET],
        "max_visits_per_year": 4,
        "seed": "api",
    }
    r = client_for(w.carol).post(
        "/api/v1/inspections/joint-plans", json.dumps(payload), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["seed"] == "api" and body["limits"]["quiet_days"] == [d.isoformat() for d in QUIET]
    assert body["period_start"] == "2026-04-01" and body["status"] == "draft"
    assert all(date.fromisoformat(sd["day"]) not in QUIET for sd in body["squad_days"])
    assert Q2[0] <= date.fromisoformat(body["period_end"]) <= Q2[1]


def test_list_and_calendar_queries_do_not_grow_with_the_plan(town, django_assert_max_num_queries):  # noqa: F811
    w = town
    for n in range(3):
        make(w, name=f"计划{n}")
    plan = JointPlan.objects.order_by("-id").first()
    c = client_for(w.carol)
    with django_assert_max_num_queries(12):
        assert c.get("/inspections/joint-plans/").status_code == 200
    with django_assert_max_num_queries(14):
        assert c.get(f"/inspections/joint-plans/{plan.pk}/").status_code == 200


def test_overlap_is_said_at_once_on_page_and_api(town, plan):  # noqa: F811
    w = town
    plans.joint_plan_publish(plan=plan, by=w.carol)
    drafts = JointPlan.objects.count()
    form = {"region": "330102008", "period_start": Q2[0].isoformat(), "period_end": Q2[1].isoformat()}
    res = client_for(w.carol).post("/inspections/joint-plans/new/", form)
    assert res.status_code == 409 and "请先撤回该计划或另选期间" in res.content.decode()
    api = client_for(w.carol).post(
        "/api/v1/inspections/joint-plans", json.dumps(form), content_type="application/json"
    )
    assert api.status_code == 409 and "已有期间重叠的已发布计划" in api.json()["message"]
    assert JointPlan.objects.count() == drafts  # nothing built
    # Another subdistrict's officer cannot probe 南星's plans this way: refused as outside the jurisdiction.
    assert client_for(w.bob).post("/inspections/joint-plans/new/", form).status_code in (403, 404)
