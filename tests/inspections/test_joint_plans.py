"""综合查一次 plans through the service: limits kept, squads qualified, unfitted listed, scoped, transitions."""

from datetime import date, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import code
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.audit.models import AuditRecord
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.engine.planning import REASON_CAP, REASON_QUALIFIED, Demand
from zhifa.inspections import plans
from zhifa.inspections.choices import InspectionKind, InspectionStatus, PlanStatus, RequestStatus, VisitStatus
from zhifa.inspections.models import Inspection, InspectionRequest, JointPlan, PlanVisit, SquadDay
from zhifa.org.choices import UnitKind
from zhifa.org.models import Building
from zhifa.org.services import domain_create, officer_create, unit_create
from zhifa.subjects.services import subject_create

Q2 = (date(2026, 4, 1), date(2026, 6, 30))
QUIET = [date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5)]
PASSWORD = "Zhifa-test-2026"


@pytest.fixture
def town(district):  # noqa: F811
    """南星 with 24 subjects (16 in two buildings), a local team that lacks 市场监管 and a district market team."""
    w = district
    w.fire = domain_create(code="fire", name="消防", sort=7)
    w.nanxing_cmd_unit = unit_create(
        code="SC-330102008",
        name="南星街道综合信息指挥室",
        kind=UnitKind.SUBDISTRICT_COMMAND,
        region=w.nanxing,
    )
    w.nanxing.centroid_lng, w.nanxing.centroid_lat = 120.170, 30.222
    w.nanxing.save()
    w.district.centroid_lng, w.district.centroid_lat = 120.20, 30.26
    w.district.save()

    def officer(n, team, domains, seconded=False):
        return officer_create(
            name=f"测试队员{n:02d}",
            birth_date=date(1988, 1, 1),
            certificate_no=f"ZJ-PLAN-{n:04d}",
            home_department=w.bureau,
            team=team,
            seconded=seconded,
            domains=domains,
        )

    w.local = [w.nanxing_officer_record] + [
        officer(n, w.nanxing_team, [w.comprehensive], seconded=True) for n in range(1, 4)
    ]
    w.helpers = [officer(n, w.market_team, [w.market]) for n in range(11, 14)]
    w.nanxing_cmd = user_create(
        username="nanxing_cmd", password=PASSWORD, role=Role.SUBDISTRICT_COMMAND, unit=w.nanxing_cmd_unit
    )
    w.market_user = user_create(
        username="market_user", password=PASSWORD, role=Role.DEPARTMENT, unit=w.market_dept
    )
    w.buildings = [
        Building.objects.create(
            code=f"NX-B{b:03d}",
            name=f"南星示例大厦{b}号",
            region=w.nanxing_grid,
            address=f"南星街道示例路{b * 10}号",
            lng=120.165 + 0.006 * b,
            lat=30.218 + 0.004 * b,
        )
        for b in (1, 2)
    ]
    w.subjects = []
    for n in range(24):
        extra = {}
        if n < 16:
            b = w.buildings[n % 2]
            extra = {"building": b.code, "lng": b.lng + 0.0001 * (n % 3), "lat": b.lat}
        else:
            extra = {"lng": 120.160 + 0.002 * n % 0.02, "lat": 30.215 + 0.0015 * (n - 16)}
        w.subjects.append(
            subject_create(
                by=w.carol,
                name=f"南星示例商户{n:02d}",
                kind="enterprise",
                industry="H62",
                uscc=code(300 + n),
                subdistrict="南星街道",
                address=f"南星街道示例街{n + 1}号",
                **extra,
            )
        )
    w.jiubao_shop = subject_create(
        by=w.carol,
        name="九堡示例商户",
        kind="enterprise",
        industry="H62",
        uscc=code(399),
        subdistrict="九堡街道",
        lng=120.26,
        lat=30.31,
    )
    return w


def demands_for(w, period=Q2, *, fire=False):
    """Each subject: 综合执法 and 市场监管 due in the period; every third also 消防 (nobody qualified)."""
    out = []
    for n, s in enumerate(w.subjects):
        out.append(Demand(s.pk, "comprehensive", period[0], period[1], ("ZH0101",), "policy"))
        out.append(Demand(s.pk, "market", period[0], period[1], ("SJ0001", "SJ0005"), "scenario"))
        if fire and n % 3 == 0:
            out.append(Demand(s.pk, "fire", period[0], period[1], ("XF0001",), "policy"))
    return out


def inspect(w, subject, on: date):
    return Inspection.objects.create(
        subject=subject,
        kind=InspectionKind.JOINT,
        visited_on=on,
        status=InspectionStatus.FINISHED,
        region_path=subject.region_path,
        created_by=w.carol,
        created_at=timezone.now(),
    )


def make(w, by=None, demands=None, **kw):
    args = {
        "region": "330102008",
        "period_start": Q2[0],
        "period_end": Q2[1],
        "quiet_days": QUIET,
        "seed": "t",
        "demands": demands_for(w) if demands is None else demands,
        "by": by or w.carol,
    }
    args.update(kw)
    return plans.joint_plan_create(**args)


def test_the_plan_keeps_every_limit_and_lists_what_did_not_fit(town):
    w = town
    capped = w.subjects[0]
    inspect(w, capped, date(2026, 2, 3))
    inspect(w, capped, date(2026, 3, 9))
    inspect(w, w.subjects[1], date(2025, 12, 20))  # last year: does not count
    request = InspectionRequest.objects.create(
        unit=w.market_dept,
        domain=w.market,
        subject=w.subjects[5],
        due_from=Q2[0],
        due_to=Q2[1],
        reason="投诉较多，请求检查",
        region_path=w.subjects[5].region_path,
        created_by=w.carol,
        created_at=timezone.now(),
    )
    demands = demands_for(w, fire=True)
    demands.append(Demand(w.subjects[5].pk, "market", Q2[0], Q2[1], ("SJ0005",), "request", request.pk))
    demands.append(Demand(w.jiubao_shop.pk, "market", Q2[0], Q2[1], ("SJ0001",), "policy"))
    plan = make(w, demands=demands, max_visits_per_year=2, max_visits_per_squad_day=3)

    assert plan.status == PlanStatus.DRAFT and plan.region_path == w.nanxing.path
    days = list(SquadDay.objects.filter(plan=plan).prefetch_related("officers__qualified_domains", "visits"))
    assert days
    local_ids = {o.pk for o in w.local} | {o.pk for o in w.helpers}
    for sd in days:
        assert sd.day.weekday() < 5 and sd.day not in QUIET and Q2[0] <= sd.day <= Q2[1]
        visits = list(sd.visits.all())
        assert 1 <= len(visits) <= 3
        officers = list(sd.officers.all())
        assert len(officers) >= 2 and {o.pk for o in officers} <= local_ids  # never 九堡's officer
        covered = {d.code for o in officers for d in o.qualified_domains.all()}
        for v in visits:
            assert set(v.domains) <= covered
        assert sorted(v.order for v in visits) == list(range(1, len(visits) + 1))
    # One joint visit per subject (all windows overlap): 23 subjects, the capped one not visited.
    visited = list(PlanVisit.objects.filter(plan=plan).values_list("subject_id", flat=True))
    assert len(visited) == len(set(visited)) == 23 and capped.pk not in visited
    assert set(PlanVisit.objects.get(plan=plan, subject=w.subjects[3]).domains) == {"comprehensive", "market"}
    assert plans.visit_sources(PlanVisit.objects.get(plan=plan, subject=w.subjects[5]).sources) == [
        plans.VisitSource("policy"),
        plans.VisitSource("scenario"),
        plans.VisitSource("request", request.pk),
    ]
    f = plan.figures
    assert (f["joint_visits"], f["separate_visits"]) == (23, 46)
    assert f["visit_saving"] == 0.5 and f["squad_days"] == len(days)
    assert f["officer_days"] == sum(sd.officers.count() for sd in days)
    assert f["km"] <= f["km_unordered"]
    assert plan.limits["helping_domains"] == ["market"] and plan.limits["quiet_days"][0] == "2026-04-06"
    assert plan.limits["max_visits_per_year"] == 2 and plan.limits["max_visits_per_squad_day"] == 3
    # Unfitted, each with the subject's name and the reason.
    reasons = {(u["subject_name"], u["domain"]): u["reason"] for u in plan.unfitted}
    assert reasons[("南星示例商户00", "market")].startswith(REASON_CAP)
    assert "本年已检查 2 次，上限 2 次" in reasons[("南星示例商户00", "market")]
    assert reasons[("南星示例商户03", "fire")] == f"{REASON_QUALIFIED}（消防）"
    assert reasons[("九堡示例商户", "market")] == plans.REASON_OUTSIDE
    assert f["unfitted"] == len(plan.unfitted) == 2 + 8 + 1
    request.refresh_from_db()
    assert request.status == RequestStatus.PLANNED
    assert AuditRecord.objects.filter(action="inspections.joint_plan_create", object_id=str(plan.pk)).exists()


def test_capacity_and_busy_officers(town):
    """Officers on a squad of another published plan are not available those days."""
    w = town
    first = make(w, period_start=date(2026, 4, 1), period_end=date(2026, 4, 3), quiet_days=[])
    plans.joint_plan_publish(plan=first, by=w.carol)
    busy = {
        (o, d)
        for o, d in SquadDay.officers.through.objects.filter(squadday__plan=first).values_list(
            "officer_id", "squadday__day"
        )
    }
    second = make(
        w, period_start=date(2026, 4, 1), period_end=date(2026, 4, 3), quiet_days=[], replaces_published=True
    )
    again = set(
        SquadDay.officers.through.objects.filter(squadday__plan=second).values_list(
            "officer_id", "squadday__day"
        )
    )
    assert busy and again and not busy & again
    # One day, 3 market officers so at most 3 squads of ≤ 2 visits: 6 of 24 subjects fit, the rest say why.
    day = make(
        w,
        period_start=date(2026, 4, 6),
        period_end=date(2026, 4, 6),
        quiet_days=[],
        max_visits_per_squad_day=2,
    )
    assert day.figures["joint_visits"] == 6 and day.figures["squad_days"] == 3
    assert [u["reason"] for u in day.unfitted] == ["期间内可用执法人员不足，未能排入"] * 36


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        (
            {"period_start": date(2026, 6, 30), "period_end": date(2026, 4, 1)},
            "period_end",
            "结束日期不能早于开始日期",
        ),
        ({"period_end": date(2026, 7, 1)}, "period_end", "计划期间最长 92 天（一个季度），当前为 92 天"),
        ({"period_end": date(2026, 7, 2)}, "period_end", "计划期间最长 92 天（一个季度），当前为 93 天"),
        ({"period_start": "2026-13-01"}, "period_start", "请填写开始日期（如 2026-04-01）"),
        ({"quiet_days": [date(2026, 8, 1)]}, "quiet_days", "免扰日 2026-08-01 不在计划期间内"),
        ({"quiet_days": ["2026-05-32"]}, "quiet_days", "免扰日“2026-05-32”不是有效日期"),
        ({"max_visits_per_year": 0}, "max_visits_per_year", "每户年度检查次数上限须为 1 到 52 的整数"),
        ({"region": ""}, "region", "请选择街道或功能区"),
        ({"region": "33010200800101"}, "region", "综合查一次计划按街道或功能区编制"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(town, kw, field, message):
    w = town
    if kw.get("period_end") == date(2026, 7, 1):
        # 1 April – 1 July is 92 days: allowed.
        assert make(w, **kw).pk
        return
    with pytest.raises(ServiceError) as err:
        make(w, **kw)
    assert err.value.errors[0]["field"] == field and message in err.value.message
    assert not JointPlan.objects.exists() and not SquadDay.objects.exists()


def test_who_may_plan_where(town):
    w = town
    assert make(w, by=w.nanxing_cmd).created_by == w.nanxing_cmd
    assert make(w, by=w.alice).created_by == w.alice  # the subdistrict's own team
    with pytest.raises(Http404):
        make(w, by=w.bob)  # 九堡's officer, 南星's region
    with pytest.raises(PermissionError_, match="只读"):
        make(w, by=w.olga)
    with pytest.raises(PermissionError_, match="只有区协调指挥中心、本街道指挥室和本街道执法队"):
        make(w, by=w.market_user)
    assert [r.code for r in plans.plan_regions_for(w.nanxing_cmd)] == ["330102008"]
    assert [r.code for r in plans.plan_regions_for(w.carol)] == ["330102008", "330102018", "330102HUB"]
    assert plans.plan_regions_for(w.olga) == [] and plans.plan_regions_for(w.market_user) == []
    assert JointPlan.objects.count() == 2


def test_publish_then_withdraw_only_in_that_order(town):
    w = town
    request = InspectionRequest.objects.create(
        unit=w.market_dept,
        domain=w.market,
        subject=w.subjects[2],
        due_from=Q2[0],
        due_to=Q2[1],
        reason="部门需求",
        region_path=w.subjects[2].region_path,
        created_by=w.carol,
        created_at=timezone.now(),
    )
    demands = [*demands_for(w), Demand(w.subjects[2].pk, "market", Q2[0], Q2[1], (), "request", request.pk)]
    plan = make(w, demands=demands)
    request.refresh_from_db()
    assert request.status == RequestStatus.PLANNED
    with pytest.raises(Conflict, match="只有已发布的计划可以撤回"):
        plans.joint_plan_withdraw(plan=plan, by=w.carol)
    with pytest.raises(Http404):
        plans.joint_plan_publish(plan=plan, by=w.bob)
    with pytest.raises(PermissionError_):
        plans.joint_plan_publish(plan=plan, by=w.olga)
    plan = plans.joint_plan_publish(plan=plan, by=w.nanxing_cmd)
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at is not None
    with pytest.raises(Conflict, match="只有草稿状态的计划可以发布"):
        plans.joint_plan_publish(plan=plan, by=w.carol)
    one = PlanVisit.objects.filter(plan=plan).exclude(subject=w.subjects[2]).first()
    plans.plan_visit_mark(visit=one, status=VisitStatus.MISSED, by=w.carol)
    plan = plans.joint_plan_withdraw(plan=plan, by=w.carol, reason="防汛抢险，检查延后")
    assert plan.status == PlanStatus.WITHDRAWN
    statuses = set(PlanVisit.objects.filter(plan=plan).values_list("status", flat=True))
    assert statuses == {VisitStatus.CANCELLED, VisitStatus.MISSED}
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    with pytest.raises(Conflict):
        plans.joint_plan_withdraw(plan=plan, by=w.carol)
    with pytest.raises(Conflict):
        plans.joint_plan_publish(plan=plan, by=w.carol)
    actions = list(
        AuditRecord.objects.filter(object_id=str(plan.pk), action__startswith="inspections.joint_plan")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "inspections.joint_plan_create",
        "inspections.joint_plan_publish",
        "inspections.joint_plan_withdraw",
    ]


def test_squad_members_mark_a_visit_missed_or_cancelled(town):
    w = town
    plan = make(w)
    visit = PlanVisit.objects.filter(plan=plan).select_related("squad_day").first()
    with pytest.raises(Conflict, match="计划未发布或已撤回"):
        plans.plan_visit_mark(visit=visit, status=VisitStatus.MISSED, by=w.carol)
    plans.joint_plan_publish(plan=plan, by=w.carol)
    member = visit.squad_day.officers.first()
    member_user = user_create(
        username="member", password=PASSWORD, role=Role.OFFICER, unit=member.team, officer=member
    )
    with pytest.raises(ServiceError, match="已检查由检查记录自动标记"):
        plans.plan_visit_mark(visit=visit, status=VisitStatus.DONE, by=member_user)
    with pytest.raises(Http404):
        plans.plan_visit_mark(visit=visit, status=VisitStatus.MISSED, by=w.bob)
    outsider = next(o for o in w.helpers + w.local if not visit.squad_day.officers.filter(pk=o.pk).exists())
    if outsider.team_id == w.market_team.pk:  # a district team officer, not in the squad: not allowed
        other = user_create(
            username="other", password=PASSWORD, role=Role.OFFICER, unit=outsider.team, officer=outsider
        )
        with pytest.raises(PermissionError_, match="只有本检查组成员或计划编制单位可以标记"):
            plans.plan_visit_mark(visit=visit, status=VisitStatus.MISSED, by=other)
    visit = plans.plan_visit_mark(visit=visit, status=VisitStatus.CANCELLED, by=member_user, note="商户停业")
    assert visit.status == VisitStatus.CANCELLED
    with pytest.raises(Conflict, match="已不是“待检查”状态"):
        plans.plan_visit_mark(visit=visit, status=VisitStatus.MISSED, by=member_user)
    started = PlanVisit.objects.filter(plan=plan, status=VisitStatus.PLANNED).first()
    record = inspect(w, started.subject, date(2026, 4, 2))
    record.plan_visit = started
    record.save()
    with pytest.raises(Conflict, match="该对象已开始检查，请在检查记录中完成"):
        plans.plan_visit_mark(visit=started, status=VisitStatus.MISSED, by=w.carol)
    plans.joint_plan_withdraw(plan=plan, by=w.carol)
    started.refresh_from_db()
    assert started.status == VisitStatus.PLANNED  # its record finishes it
    assert PlanVisit.objects.filter(plan=plan, status=VisitStatus.PLANNED).count() == 1


def test_a_subject_without_coordinates_is_listed_not_dropped(town):
    w = town
    bare = subject_create(
        by=w.carol,
        name="南星无坐标商户",
        kind="enterprise",
        industry="H62",
        uscc=code(398),
        subdistrict="南星街道",
    )
    plan = make(w, demands=[Demand(bare.pk, "comprehensive", Q2[0], Q2[1], (), "policy")])
    assert plan.unfitted == [
        {
            "subject": bare.pk,
            "subject_name": "南星无坐标商户",
            "domain": "comprehensive",
            "source": "policy",
            "request": None,
            "reason": plans.REASON_NO_PLACE,
        }
    ]
    assert plan.figures["joint_visits"] == 0 and plan.figures["demands"] == 1


def test_my_squad_days_lists_only_published_future_days_of_the_officer(town):
    w = town
    today = timezone.localdate()
    start = today - timedelta(days=7)
    period = (start, start + timedelta(days=40))
    due = (today, period[1])  # due from today: the squads' days are today or later, some of them alice's
    plan = make(
        w,
        period_start=period[0],
        period_end=period[1],
        quiet_days=[],
        demands=demands_for(w, due),
        max_visits_per_squad_day=3,
    )
    assert plans.my_squad_days(user=w.alice) == []  # draft
    plans.joint_plan_publish(plan=plan, by=w.carol)
    mine = plans.my_squad_days(user=w.alice)
    expected = list(
        SquadDay.objects.filter(plan=plan, officers=w.nanxing_officer_record, day__gte=today)
        .order_by("day", "id")
        .values_list("pk", flat=True)
    )
    assert [sd.pk for sd in mine] == expected and expected
    assert all(sd.day >= today for sd in mine)
    assert [v.order for v in mine[0].ordered_visits] == list(range(1, len(mine[0].ordered_visits) + 1))
    assert plans.my_squad_days(user=w.bob) == [] and plans.my_squad_days(user=w.carol) == []


def test_two_published_plans_of_a_region_may_not_overlap(town):
    w = town
    first = make(w)
    overlapping = {"period_start": Q2[1] - timedelta(days=10), "period_end": Q2[1] + timedelta(days=20)}
    second = make(w, **overlapping, quiet_days=())  # drafted while neither was published
    first = plans.joint_plan_publish(plan=first, by=w.carol)
    with pytest.raises(Conflict, match="该区域已有期间重叠的已发布计划"):
        plans.joint_plan_publish(plan=second, by=w.carol)
    second.refresh_from_db()
    assert second.status == PlanStatus.DRAFT
    # A new overlapping draft is refused before it is built (building takes seconds), and nothing is saved.
    drafts = JointPlan.objects.count()
    with pytest.raises(Conflict, match=f"“{first.name}”.*请先撤回该计划或另选期间；如要编制替换计划"):
        make(w, **overlapping, quiet_days=())
    assert JointPlan.objects.count() == drafts
    # On purpose, a replacement is drafted (and published once the old plan is withdrawn).
    replacement = make(w, **overlapping, quiet_days=(), replaces_published=True)
    assert replacement.status == PlanStatus.DRAFT
    # The next quarter, starting the day after, is fine.
    later = make(
        w, period_start=Q2[1] + timedelta(days=1), period_end=Q2[1] + timedelta(days=30), quiet_days=()
    )
    assert plans.joint_plan_publish(plan=later, by=w.carol).status == PlanStatus.PUBLISHED
    plans.joint_plan_withdraw(plan=first, by=w.carol)
    with pytest.raises(Conflict, match=later.name):  # still overlaps the later one
        plans.joint_plan_publish(plan=second, by=w.carol)
    plans.joint_plan_withdraw(plan=later, by=w.carol)
    assert plans.joint_plan_publish(plan=second, by=w.carol).status == PlanStatus.PUBLISHED
