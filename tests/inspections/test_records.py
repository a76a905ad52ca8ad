"""监管一件事 records through the services: the checklist, starting, answering, finishing (violations, colour,
event), guidance visits (执法体检) and the guidance due list."""

from datetime import date, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import code, subjects  # noqa: F401 (fixture)
from zhifa.audit.models import AuditRecord
from zhifa.catalog.models import EnforcementItem, Scenario
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.dispatch.models import Event, EventItem
from zhifa.inspections.choices import InspectionKind, RequestStatus, VisitStatus
from zhifa.inspections.models import Finding, Inspection, InspectionRequest, JointPlan, PlanVisit, SquadDay
from zhifa.inspections.plans.sources import VisitSource, sources_json
from zhifa.inspections.records.checklist import checklist_items, inspection_checklist
from zhifa.inspections.records.selectors import guidance_due
from zhifa.inspections.records.services import inspection_answer, inspection_finish, inspection_start
from zhifa.org.services import officer_create
from zhifa.risk.models import RiskColourChange, SubjectRisk
from zhifa.risk.services import risk_after_inspection, risk_recompute_all
from zhifa.subjects.models import SubjectEvent, Violation
from zhifa.subjects.services import subject_create


@pytest.fixture
def rec(subjects):  # noqa: F811
    """南星's shop in scenario SC03 (油烟 + 食品经营许可), a second 南星 officer, colours computed."""
    w = subjects
    w.scenario.items.set(EnforcementItem.objects.filter(code__in=["ZH0101", "SJ0001"]))
    w.street = Scenario.objects.create(code="SC07", name="沿街商铺", description="沿街商铺一次检查")
    w.street.items.set(EnforcementItem.objects.filter(code__in=["ZH0018", "ZH0101"]))
    w.partner = officer_create(
        name="测试队员丙",
        birth_date=date(1988, 7, 1),
        certificate_no="ZJ-TEST-0003",
        home_department=w.market_dept,
        team=w.nanxing_team,
        seconded=True,
        domains=[w.comprehensive, w.market],
    )
    w.today = timezone.localdate()
    risk_recompute_all()
    return w


def start(w, **kw):
    values = {
        "subject": w.nanxing_shop,
        "kind": InspectionKind.ROUTINE,
        "visited_on": w.today,
        "officers": [w.nanxing_officer_record, w.partner],
        "domains": ["comprehensive", "market"],
        "by": w.alice,
    }
    values.update(kw)
    return inspection_start(**values)


def codes(items) -> list[str]:
    return [i.code for i in items]


def test_checklist_is_the_union_of_the_subjects_scenarios(rec):
    w = rec
    assert codes(checklist_items(w.nanxing_shop)) == ["ZH0101", "SJ0001"]  # by domain (综合执法 first)
    w.nanxing_shop.scenarios.add(w.street)
    assert codes(checklist_items(w.nanxing_shop)) == ["ZH0018", "ZH0101", "SJ0001"]  # ZH0101 once
    assert codes(checklist_items(w.nanxing_shop, ["market"])) == ["SJ0001"]
    # A retired item leaves the checklist.
    EnforcementItem.objects.filter(code="ZH0018").update(status="retired")
    assert codes(checklist_items(w.nanxing_shop)) == ["ZH0101", "SJ0001"]
    # No scenario: the domains' items that some scenario holds (SJ0005 is in none).
    assert codes(checklist_items(w.jiubao_firm)) == ["ZH0101", "SJ0001"]
    assert codes(checklist_items(w.jiubao_firm, ["market"])) == ["SJ0001"]
    # Once another firm of its industry (I64) is in a scenario, it is checked like that peer.
    EnforcementItem.objects.filter(code="ZH0018").update(status="active")
    subject_create(
        by=w.carol,
        name="杭州示例0003网络科技有限公司",
        kind="enterprise",
        industry="I64",
        uscc=code(3),
        subdistrict="九堡街道",
        scenarios=["SC07"],
    )
    assert codes(checklist_items(w.jiubao_firm)) == ["ZH0018", "ZH0101"]


def test_start_needs_two_qualified_officers_in_jurisdiction(rec):
    w = rec
    with pytest.raises(ServiceError) as err:
        start(w, officers=[w.nanxing_officer_record], domains=["comprehensive"])
    assert err.value.message == "执法检查的执法人员不得少于两人（《中华人民共和国行政处罚法》第四十二条）"
    with pytest.raises(ServiceError) as err:
        start(w, domains=["market"])  # 测试队员甲 holds 综合执法 only
    assert err.value.message == "测试队员甲不具备市场监管执法资格"
    with pytest.raises(ServiceError, match="执法证号“ZJ-NONE”不存在"):
        start(w, officers=["ZJ-TEST-0001", "ZJ-NONE"])
    with pytest.raises(ServiceError, match="检查日期不能晚于今天"):
        start(w, visited_on=w.today + timedelta(days=1))
    with pytest.raises(Http404):
        start(w, by=w.bob)  # 九堡's officer, 南星's subject
    with pytest.raises(PermissionError_):
        start(w, by=w.olga)
    assert Inspection.objects.count() == 0
    # Certificate numbers work as well as rows; a guidance visit may be made by one officer.
    made = start(w, officers=["ZJ-TEST-0001", "ZJ-TEST-0003"])
    assert sorted(made.officers.values_list("name", flat=True)) == ["测试队员丙", "测试队员甲"]
    assert made.region_path == w.nanxing_shop.region_path
    one = start(
        w, kind=InspectionKind.GUIDANCE, officers=[w.nanxing_officer_record], domains=["comprehensive"]
    )
    assert codes(inspection_checklist(one)) == ["ZH0101"]
    assert AuditRecord.objects.filter(action="inspections.inspection_start").count() == 2


def test_answers_are_checked_and_versioned(rec):
    w = rec
    i = start(w)
    with pytest.raises(ServiceError) as err:
        inspection_answer(
            inspection=i,
            answers=[
                {"item": "ZH0101", "result": "compliant"},
                {"item": "SJ0001", "result": "violation"},  # no severity
            ],
            version=1,
            by=w.alice,
        )
    assert "请选择情节" in err.value.message and err.value.errors[0]["field"] == "answers.1.severity"
    assert Finding.objects.count() == 0  # nothing half-written
    with pytest.raises(ServiceError, match="未认定违法，不应填写情节"):
        inspection_answer(
            inspection=i,
            answers=[{"item": "ZH0101", "result": "na", "severity": "minor"}],
            version=1,
            by=w.alice,
        )
    with pytest.raises(ServiceError, match="事项“SJ0005”不在本次检查清单中"):
        inspection_answer(
            inspection=i, answers=[{"item": "SJ0005", "result": "compliant"}], version=1, by=w.alice
        )
    with pytest.raises(ServiceError, match="请为“.*”选择合规、违法或不适用"):
        inspection_answer(inspection=i, answers=[{"item": "ZH0101", "result": "ok"}], version=1, by=w.alice)
    i = inspection_answer(
        inspection=i,
        answers=[{"item": "SJ0001", "result": "violation", "severity": "ordinary", "note": "未公示许可证"}],
        version=1,
        by=w.alice,
    )
    assert i.version == 2
    # Someone who still has version 1 on screen is refused.
    with pytest.raises(Conflict) as err:
        inspection_answer(
            inspection=i, answers=[{"item": "ZH0101", "result": "compliant"}], version=1, by=w.alice
        )
    assert err.value.status == 409
    # Answering again updates the line.
    i = inspection_answer(
        inspection=i, answers=[{"item": "SJ0001", "result": "compliant", "note": ""}], version=2, by=w.alice
    )
    f = Finding.objects.get(inspection=i)
    assert (f.result, f.severity, i.version) == ("compliant", "", 3)
    with pytest.raises(Http404):
        inspection_answer(
            inspection=i, answers=[{"item": "ZH0101", "result": "compliant"}], version=3, by=w.bob
        )


def test_finish_refuses_unanswered_items_by_name(rec):
    w = rec
    i = start(w)
    inspection_answer(
        inspection=i, answers=[{"item": "SJ0001", "result": "compliant"}], version=1, by=w.alice
    )
    with pytest.raises(ServiceError) as err:
        inspection_finish(inspection=i, summary="", by=w.alice)
    assert (
        err.value.message
        == "还有 1 项未填写检查结果：ZH0101 对餐饮服务业经营者超过排放标准排放油烟的行政处罚"
    )
    i.refresh_from_db()
    assert i.status == "open"


def test_serious_violation_turns_red_and_is_recorded(rec):
    w = rec
    before = SubjectRisk.objects.get(subject=w.nanxing_shop).colour
    assert before != "red"
    i = start(w)
    inspection_answer(
        inspection=i,
        answers=[
            {
                "item": "ZH0101",
                "result": "violation",
                "severity": "serious",
                "note": "油烟直排，未装净化设施",
            },
            {"item": "SJ0001", "result": "compliant"},
        ],
        version=1,
        by=w.alice,
    )
    outcome = inspection_finish(inspection=i, summary="", by=w.alice)
    assert (outcome.violations, outcome.colour_before, outcome.colour_after) == (1, before, "red")
    assert SubjectRisk.objects.get(subject=w.nanxing_shop).colour == "red"
    v = Violation.objects.get(subject=w.nanxing_shop)
    assert (v.item.code, v.severity, v.source, v.found_on) == ("ZH0101", "serious", "例行检查", w.today)
    change = RiskColourChange.objects.filter(subject=w.nanxing_shop).last()
    assert (change.from_colour, change.to_colour) == (before, "red")
    i.refresh_from_db()
    assert i.status == "finished" and i.summary == "发现违法行为 1 项" and i.event is None
    assert not Event.objects.exists()
    with pytest.raises(Conflict, match="该检查已完成"):
        inspection_answer(
            inspection=i, answers=[{"item": "SJ0001", "result": "na"}], version=i.version, by=w.alice
        )


def test_clean_inspection_steps_the_colour_down(rec):
    w = rec
    risk_after_inspection(subject=w.nanxing_shop, severities=["serious"], by=w.carol)
    i = start(w)
    inspection_answer(
        inspection=i,
        answers=[{"item": "ZH0101", "result": "compliant"}, {"item": "SJ0001", "result": "na"}],
        version=1,
        by=w.alice,
    )
    outcome = inspection_finish(inspection=i, summary="", by=w.alice)
    assert (outcome.colour_before, outcome.colour_after, outcome.violations) == ("red", "yellow", 0)
    assert SubjectRisk.objects.get(subject=w.nanxing_shop).colour == "yellow"
    assert not Violation.objects.exists()
    i.refresh_from_db()
    assert i.summary == "经检查未发现违法行为"


def test_guidance_gives_advice_only(rec):
    w = rec
    colour = SubjectRisk.objects.get(subject=w.nanxing_shop).colour
    changes = RiskColourChange.objects.count()
    i = start(w, kind=InspectionKind.GUIDANCE, officers=[w.partner])
    inspection_answer(
        inspection=i,
        answers=[
            {"item": "ZH0101", "result": "violation", "severity": "minor", "note": "建议加装油烟净化器"},
            {"item": "SJ0001", "result": "compliant"},
        ],
        version=1,
        by=w.alice,
    )
    with pytest.raises(ServiceError, match="执法体检为指导性检查，不生成事件"):
        inspection_finish(inspection=i, summary="", start_event=True, by=w.alice)
    outcome = inspection_finish(inspection=i, summary="油烟净化器一个月内加装到位", by=w.alice)
    assert outcome.violations == 0 and outcome.colour_after == ""
    assert not Violation.objects.exists()
    assert SubjectRisk.objects.get(subject=w.nanxing_shop).colour == colour
    assert RiskColourChange.objects.count() == changes
    i.refresh_from_db()
    assert i.summary == "指导意见：油烟净化器一个月内加装到位"


def test_start_event_routes_like_a_field_report_and_links(rec):
    w = rec
    i = start(w)
    inspection_answer(
        inspection=i,
        answers=[
            {"item": "ZH0101", "result": "violation", "severity": "ordinary", "note": "排烟管道直排"},
            {"item": "SJ0001", "result": "compliant"},
        ],
        version=1,
        by=w.alice,
    )
    outcome = inspection_finish(inspection=i, summary="责令整改", start_event=True, by=w.alice)
    event = Event.objects.get()
    assert outcome.event_receipt_no == event.receipt_no
    assert event.channel == "patrol"  # 巡查发现, as an officer's field report
    assert event.subdistrict == w.nanxing and event.lead_unit == w.nanxing_team  # delegated item, where it is
    assert event.reporter == w.alice
    assert list(
        EventItem.objects.filter(event=event, confirmed=True).values_list("item__code", flat=True)
    ) == ["ZH0101"]
    assert "排烟管道直排" in event.description
    assert SubjectEvent.objects.filter(subject=w.nanxing_shop, event=event).exists()
    i.refresh_from_db()
    assert i.event == event
    assert Violation.objects.get().event == event


def test_start_event_without_violations_starts_nothing(rec):
    w = rec
    i = start(w)
    inspection_answer(
        inspection=i,
        answers=[{"item": "ZH0101", "result": "compliant"}, {"item": "SJ0001", "result": "compliant"}],
        version=1,
        by=w.alice,
    )
    inspection_finish(inspection=i, summary="", start_event=True, by=w.alice)
    assert not Event.objects.exists()


def _plan_visit(w, items: list[str]) -> PlanVisit:
    # The district market team's officer joins the squad's 南星 officers (a 九堡 officer may not: wrong place).
    officer_create(
        name="测试队员庚",
        birth_date=date(1987, 4, 1),
        certificate_no="ZJ-TEST-0009",
        home_department=w.market_dept,
        team=w.market_team,
        domains=[w.market],
    )
    plan = JointPlan.objects.create(
        name="南星第四季度综合查一次",
        region=w.nanxing,
        region_path=w.nanxing.path,
        period_start=w.today,
        period_end=w.today + timedelta(days=30),
        seed="t",
        created_by=w.carol,
        created_at=timezone.now(),
    )
    day = SquadDay.objects.create(
        plan=plan, day=w.today, base_lng=120.17, base_lat=30.22, km=1.0, km_unordered=2.0, minutes=60
    )
    day.officers.set([w.nanxing_officer_record, w.partner])
    return PlanVisit.objects.create(
        plan=plan, squad_day=day, order=1, subject=w.nanxing_shop, domains=["market"], items=items
    )


def test_plan_visit_checklist_and_done(rec):
    w = rec
    visit = _plan_visit(w, ["SJ0005", "SJ0001"])
    i = start(
        w,
        kind=InspectionKind.JOINT,
        plan_visit=visit,
        domains=["market"],
        officers=[w.partner, "ZJ-TEST-0009"],
    )
    assert codes(inspection_checklist(i)) == ["SJ0001", "SJ0005"]  # the visit's items, not the scenarios'
    with pytest.raises(Conflict, match="不能重复检查"):
        start(
            w,
            kind=InspectionKind.JOINT,
            plan_visit=visit,
            domains=["market"],
            officers=[w.partner, "ZJ-TEST-0009"],
        )
    inspection_answer(
        inspection=i,
        answers=[{"item": "SJ0001", "result": "compliant"}, {"item": "SJ0005", "result": "compliant"}],
        version=1,
        by=w.alice,
    )
    inspection_finish(inspection=i, summary="", by=w.alice)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE


def test_a_finished_plan_visit_answers_the_department_requests_it_took_in(rec):
    w = rec

    def request(reason, status):
        return InspectionRequest.objects.create(
            unit=w.market_dept,
            domain=w.market,
            subject=w.nanxing_shop,
            due_from=w.today,
            due_to=w.today + timedelta(days=30),
            reason=reason,
            status=status,
            region_path=w.nanxing_shop.region_path,
            created_by=w.carol,
            created_at=timezone.now(),
        )

    taken_in = request("投诉较多", RequestStatus.PLANNED)
    withdrawn = request("已撤销的需求", RequestStatus.CANCELLED)
    elsewhere = request("另一计划的需求", RequestStatus.PLANNED)
    visit = _plan_visit(w, ["SJ0001"])
    visit.sources = sources_json(
        [VisitSource("policy"), VisitSource("request", taken_in.pk), VisitSource("request", withdrawn.pk)]
    )
    visit.save()
    i = start(
        w,
        kind=InspectionKind.JOINT,
        plan_visit=visit,
        domains=["market"],
        officers=[w.partner, "ZJ-TEST-0009"],
    )
    inspection_answer(
        inspection=i, answers=[{"item": "SJ0001", "result": "compliant"}], version=1, by=w.alice
    )
    taken_in.refresh_from_db()
    assert taken_in.status == RequestStatus.PLANNED  # not before the visit is finished
    inspection_finish(inspection=i, summary="", by=w.alice)
    statuses = dict(InspectionRequest.objects.values_list("pk", "status"))
    assert statuses == {
        taken_in.pk: RequestStatus.DONE,
        withdrawn.pk: RequestStatus.CANCELLED,
        elsewhere.pk: RequestStatus.PLANNED,
    }
    audit = AuditRecord.objects.get(action="inspections.inspection_finish", object_id=str(i.pk))
    assert audit.after["plan_visit_requests_done"] == [taken_in.pk]


def test_guidance_due_uses_the_configured_days(rec, settings):
    w = rec
    settings.ZHIFA_GUIDANCE_VISIT_DAYS = 10
    t = w.today

    def shop(n, opened, place="南星街道"):
        return subject_create(
            by=w.carol,
            name=f"杭州示例{n:04d}新开餐饮店",
            kind="individual",
            industry="H62",
            uscc=code(n, "2"),
            address=f"{place}示例路{n}号",
            subdistrict=place,
            opened_on=opened,
        )

    fresh = shop(11, t - timedelta(days=5))  # due in 5 days
    late = shop(12, t - timedelta(days=40))  # due 30 days ago: overdue
    shop(13, t - timedelta(days=200))  # due 190 days ago: past the 90-day window
    visited = shop(14, t - timedelta(days=3))
    elsewhere = shop(15, t - timedelta(days=2), place="九堡街道")
    g = start(
        w, subject=visited, kind=InspectionKind.GUIDANCE, officers=[w.partner], domains=["comprehensive"]
    )
    answers = [{"item": c, "result": "compliant"} for c in codes(inspection_checklist(g))]
    inspection_answer(inspection=g, answers=answers, version=1, by=w.alice)
    inspection_finish(inspection=g, summary="", by=w.alice)

    rows = guidance_due(user=w.alice, today=t)
    assert [(r.subject, r.due_on, r.overdue) for r in rows] == [
        (late, t - timedelta(days=30), True),
        (fresh, t + timedelta(days=5), False),
    ]
    assert elsewhere in [r.subject for r in guidance_due(user=w.carol, today=t)]
    settings.ZHIFA_GUIDANCE_VISIT_DAYS = 60  # with 60 days the old shop is due 140 days ago: still out
    assert [r.subject for r in guidance_due(user=w.alice, today=t)] == [late, fresh]
    # An inspection that is not a guidance visit does not take a shop off the list; a started one is shown.
    open_one = start(
        w, subject=fresh, kind=InspectionKind.GUIDANCE, officers=[w.partner], domains=["comprehensive"]
    )
    row = next(r for r in guidance_due(user=w.alice, today=t) if r.subject == fresh)
    assert row.open_inspection_id == open_one.pk


def test_complaint_check_keeps_its_event(rec):
    from zhifa.dispatch.events.intake import event_intake

    w = rec
    cause = event_intake(
        channel="12345",
        description="南星街道示例路8号小吃店油烟扰民，排烟管道直排",
        subdistrict="南星街道",
        by=w.carol,
    )
    with pytest.raises(Http404):
        start(w, kind=InspectionKind.COMPLAINT, event=cause, by=w.bob)  # 九堡 sees neither subject nor event
    i = start(w, kind=InspectionKind.COMPLAINT, event=cause)
    inspection_answer(
        inspection=i,
        answers=[
            {"item": "ZH0101", "result": "violation", "severity": "ordinary"},
            {"item": "SJ0001", "result": "compliant"},
        ],
        version=1,
        by=w.alice,
    )
    outcome = inspection_finish(inspection=i, summary="", start_event=True, by=w.alice)
    assert outcome.event_receipt_no == "" and Event.objects.count() == 1  # no second event
    v = Violation.objects.get()
    assert (v.event, v.source) == (cause, "投诉核查")
    i.refresh_from_db()
    assert i.event == cause
