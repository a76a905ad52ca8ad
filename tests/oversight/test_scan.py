"""The scan: each model triggers on a record that should, not on a near miss; a second scan adds nothing; a
fixed record closes its warning with the evidence; parameters take effect; a closed warning stays closed."""

from datetime import date

import pytest
from django.core.management import call_command

from tests.cases.conftest import at
from tests.oversight.conftest import open_case, scan, visit
from zhifa.audit.models import AuditRecord
from zhifa.cases import services as case_svc
from zhifa.cases.models import Case
from zhifa.codes.models import ActionCode
from zhifa.core.errors import PermissionError_
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.services import event_dispatch, event_return
from zhifa.dispatch.models import Event
from zhifa.inspections.models import Inspection, InspectorConflict
from zhifa.oversight.choices import AlertState, StepAction
from zhifa.oversight.models import Alert, AlertRule, AlertStep
from zhifa.oversight.services import alert_close, alert_rule_update, oversight_scan


def alerts(code: str):
    return Alert.objects.filter(rule__code=code)


@pytest.mark.django_db
def test_case_clock_near_then_overdue_then_fixed(ow, clock):
    w = ow
    case = open_case(w)
    case.refresh_from_db()
    due = case.next_due
    assert case.next_clock == "decision" and due == date(2026, 5, 31)  # 90 days from 2 March
    clock.move_to(at(2026, 5, 27))  # 4 days before: a near miss with warn_days 3
    assert scan("case_clock").created == 0
    clock.move_to(at(2026, 5, 28))  # 3 days before: a reminder
    run = scan("case_clock")
    assert run.created == 1
    a = alerts("case_clock").get()
    assert (a.severity, a.state, a.unit, a.key) == (
        "yellow",
        AlertState.NEW,
        w.nanxing_team,
        f"{case.pk}:decision",
    )
    assert "期限将至（2026-05-31）" in a.title and a.records == [
        {"type": "case", "id": case.pk, "label": f"案件 {case.number}"}
    ]
    # A second scan the same day: one warning, nothing written.
    again = scan("case_clock")
    assert (again.created, again.updated, again.resolved) == (0, 0, 0)
    assert alerts("case_clock").count() == 1 and AlertStep.objects.filter(alert=a).count() == 1
    clock.move_to(at(2026, 6, 1))  # past due: the same warning turns red
    assert scan("case_clock").updated == 1
    a.refresh_from_db()
    assert (
        a.severity == "red" and "已超期（期限 2026-05-31）" in a.title and alerts("case_clock").count() == 1
    )
    # Fixed: the case is withdrawn, no clock runs; the warning closes itself with the evidence.
    case_svc.case_withdraw(case=case, reason="违法事实不能成立", by=w.alice)
    run = scan("case_clock")
    a.refresh_from_db()
    assert run.resolved == 1 and a.state == AlertState.RESOLVED and "不再符合" in a.resolution
    assert list(a.steps.values_list("action", flat=True)) == [
        StepAction.OPEN,
        StepAction.UPDATE,
        StepAction.RESOLVE,
    ]
    assert AuditRecord.objects.filter(action="oversight.scan").count() == 3


@pytest.mark.django_db
def test_parameter_change_takes_effect_and_is_versioned(ow, clock):
    w = ow
    open_case(w)
    clock.move_to(at(2026, 5, 21))  # 10 days before the decision is due
    assert scan("case_clock").created == 0
    rule = AlertRule.objects.get(code="case_clock")
    rule = alert_rule_update(rule=rule, params={"warn_days": 10}, active=True, by=w.olga)
    assert rule.version == 2 and rule.params == {"warn_days": 10}
    assert scan("case_clock").created == 1
    assert alerts("case_clock").get().rule_version == 2
    # Out of bounds, not a number, unknown: refused with the parameter named, nothing changed.
    for params, message in (
        ({"warn_days": 31}, "提前提醒天数应在 0 至 30 之间"),
        ({"warn_days": "三"}, "提前提醒天数应为数字"),
        ({"warn_days": 2.5}, "提前提醒天数应为整数"),
        ({"bogus": 1}, "模型没有参数：bogus"),
    ):
        with pytest.raises(Exception) as exc:
            alert_rule_update(rule=rule, params=params, active=True, by=w.olga)
        assert message in exc.value.message
    # An officer may not tune the models; a stale version is a conflict.
    with pytest.raises(Exception) as exc:
        alert_rule_update(rule=rule, params={"warn_days": 5}, active=True, by=w.alice)
    assert exc.value.status == 403
    with pytest.raises(Exception) as exc:
        alert_rule_update(rule=rule, params={"warn_days": 5}, active=True, by=w.olga, version=1)
    assert exc.value.status == 409
    # Switched off: the model no longer runs.
    alert_rule_update(rule=rule, params={}, active=False, by=w.olga)
    assert "case_clock" not in scan().per_rule


@pytest.mark.django_db
def test_too_few_officers_and_conflict_of_interest(ow):
    w = ow
    w.today = date(2026, 3, 2)
    good = visit(w)
    guidance = visit(w, kind="guidance", officers=[w.nanxing_officer_record], subject=w.nanxing_shop)
    assert scan("too_few_officers").created == 0  # two officers; guidance by one is allowed
    # A record imported with one officer (the service refuses it; imports and old data do not).
    good.officers.set([w.nanxing_officer_record])
    scan("too_few_officers")
    a = alerts("too_few_officers").get()
    assert a.key == f"inspection:{good.pk}" and "仅 1 名执法人员" in a.title and a.severity == "red"
    assert a.unit == w.nanxing_team
    good.officers.clear()  # none at all is short too (the visit has no officer rows to count)
    assert scan("too_few_officers").updated == 1
    assert "仅 0 名执法人员" in alerts("too_few_officers").get().title
    good.officers.set([w.nanxing_officer_record, w.partner])
    assert scan("too_few_officers").resolved == 1
    assert guidance.pk
    # A case is held to the same: two officers pass, one does not; filed before the window is not looked at.
    case = open_case(w)
    assert scan("too_few_officers").created == 0
    case.case_officers.exclude(role="lead").delete()
    scan("too_few_officers")
    a = alerts("too_few_officers").get(state="new")
    label = f"案件 {case.number}" if case.number else f"案件 #{case.pk}"
    assert (a.key, a.title, a.unit_id) == (f"case:{case.pk}", f"{label} 仅 1 名办案人员", case.unit_id)
    assert a.records == [{"type": "case", "id": case.pk, "label": label}]
    Case.objects.filter(pk=case.pk).update(filed_on=date(2024, 1, 5))
    assert scan("too_few_officers").resolved == 1
    # 回避: the partner declares a conflict with the shop after the visit.
    assert scan("conflicted_officer").created == 0
    InspectorConflict.objects.create(
        officer=w.partner, subject=w.nanxing_shop, reason="亲属经营", declared_at=at(2026, 3, 1)
    )
    scan("conflicted_officer")
    a = alerts("conflicted_officer").get()
    assert a.key == f"{good.pk}:{w.partner.pk}" and "测试队员丙 已申报回避" in a.title
    assert scan("conflicted_officer").created == 0


@pytest.mark.django_db
def test_over_inspected_and_same_pair(ow, clock):
    w = ow
    for day in (2, 3, 4, 5):
        w.today = date(2026, 3, day)
        clock.move_to(at(2026, 3, day))
        visit(w)
    run = scan("over_inspected", "same_pair")
    assert run.per_rule["over_inspected"]["created"] == 0  # four visits: at the cap, not over it
    pair = alerts("same_pair").get()  # the same two officers four times (≥ 3)
    assert pair.title == "测试队员甲、测试队员丙 近 365 天 4 次同组检查 杭州示例0001小吃店"
    assert [r["type"] for r in pair.records] == ["subject"] + ["inspection"] * 4
    w.today = date(2026, 3, 6)
    clock.move_to(at(2026, 3, 6))
    fifth = visit(w)
    scan("over_inspected")
    a = alerts("over_inspected").get()
    assert a.title == "杭州示例0001小吃店 近 365 天被检查 5 次，超过上限 4 次" and a.severity == "yellow"
    assert {"type": "inspection", "id": fifth.pk, "label": "2026-03-06 检查 杭州示例0001小吃店"} in a.records
    # Raising the cap is a parameter change: the warning closes itself.
    alert_rule_update(rule=a.rule, params={"cap": 5}, active=True, by=w.olga)
    assert scan("over_inspected").resolved == 1


@pytest.mark.django_db
def test_unfinished_and_without_code(ow, clock):
    w = ow
    w.today = date(2026, 3, 2)
    v = visit(w)
    assert ActionCode.objects.filter(inspection=v).exists()
    clock.move_to(at(2026, 3, 5))  # 3 days: at the limit
    assert scan("unfinished_inspection").created == 0
    clock.move_to(at(2026, 3, 6))
    assert scan("unfinished_inspection").created == 1
    assert "开始后超过 3 天仍未完成" in alerts("unfinished_inspection").get().title
    Inspection.objects.filter(pk=v.pk).update(status="finished")
    assert scan("unfinished_inspection", "without_code").per_rule["unfinished_inspection"]["resolved"] == 1
    assert alerts("without_code").count() == 0  # finished with its code
    ActionCode.objects.filter(inspection=v).update(inspection=None)  # as if visited before codes existed
    scan("without_code")
    assert alerts("without_code").get().title == "2026-03-02 检查 杭州示例0001小吃店 未亮行政行为码"


@pytest.mark.django_db
def test_events_returned_twice_unanswered_low_rating(ow):
    w = ow
    e = event_intake(channel="web", description="示例路8号小吃店油烟直排，味道很大", reporter_name="测试群众",
                     reporter_phone="13800000000", subdistrict="南星街道", item_codes=["ZH0101"])  # fmt: skip
    assert e.lead_unit == w.nanxing_team
    event_return(event=e, reason="不属于本队职责", by=w.alice)
    event_dispatch(event=Event.objects.get(pk=e.pk), unit=w.nanxing_team, by=w.carol)
    assert scan("event_returned").created == 0  # once is a near miss
    event_return(event=Event.objects.get(pk=e.pk), reason="仍不属于本队职责", by=w.alice)
    scan("event_returned")
    a = alerts("event_returned").get()
    assert a.title == f"事件 {e.receipt_no} 被退单 2 次" and a.records[0]["type"] == "event"
    assert scan("event_returned").created == 0
    # Closed without an answer (an imported record: the service itself asks for the answer first).
    Event.objects.filter(pk=e.pk).update(status="closed", closed_at=at(2026, 3, 2), answer="", rating=2)
    scan("event_unanswered", "event_low_rating")
    assert alerts("event_unanswered").get().title == f"事件 {e.receipt_no} 已办结，未答复反映人"
    assert alerts("event_low_rating").get().title == f"事件 {e.receipt_no} 反映人评价 2 分"
    Event.objects.filter(pk=e.pk).update(answer="已责令整改", answered_at=at(2026, 3, 2), rating=3)
    run = scan("event_unanswered", "event_low_rating")
    assert run.resolved == 2


@pytest.mark.django_db
def test_closed_warning_stays_closed_and_resolved_one_reopens(ow):
    w = ow
    w.today = date(2026, 3, 2)
    v = visit(w)
    v.officers.set([w.partner])
    scan("too_few_officers")
    a = alerts("too_few_officers").get()
    alert_close(alert=a, note="补录遗漏，实际两人到场", by=w.olga)
    assert scan("too_few_officers").created == 0  # handled: not a new warning
    a.refresh_from_db()
    assert a.state == AlertState.CLOSED
    # Another record: fixed (resolved), then broken again — the same warning reopens.
    v2 = visit(w, subject=w.nanxing_shop)
    v2.officers.set([w.partner])
    scan("too_few_officers")
    b = alerts("too_few_officers").exclude(pk=a.pk).get()
    v2.officers.add(w.nanxing_officer_record)
    scan("too_few_officers")
    v2.officers.remove(w.nanxing_officer_record)
    run = scan("too_few_officers")
    b.refresh_from_db()
    assert run.reopened == 1 and b.state == AlertState.NEW and alerts("too_few_officers").count() == 2


@pytest.mark.django_db
def test_fine_models_and_review(ow):
    w = ow
    from tests.cases.conftest import notified_case

    case = notified_case(w, fine=2000)  # 一般: 500–5000
    assert scan("fine_outside_band").created == 0
    # Overridden after the notice (imported, or edited outside the workflow): 6000 in the 一般 band.
    case.causes.update(proposed_fine=6000)
    scan("fine_outside_band")
    a = alerts("fine_outside_band").get()
    assert "罚款 6000.00 元超出裁量基准（500.00–5000.00 元）且未经法制审核" in a.title
    case.causes.update(proposed_fine=5000)
    assert scan("fine_outside_band").resolved == 1


def test_command_prints_the_figures(ow, capsys):
    call_command("oversight_scan", "--model", "case_clock")
    out = capsys.readouterr().out
    assert "case_clock" in out and "合计：新增 0" in out
    with pytest.raises(Exception) as exc:
        call_command("oversight_scan", "--model", "nope")
    assert "未知的预警模型：nope" in str(exc.value)


@pytest.mark.django_db
def test_fine_peer_outlier_names_the_peers(ow):
    w = ow
    units = [w.nanxing_team, w.jiubao_team, w.market_team, w.hub_team]
    for unit, fine in zip(units, (500, 520, 480, 5000), strict=True):
        case = open_case(w)
        # Decided fines as the records hold them (the workflow to a decision is tested in cases).
        Case.objects.filter(pk=case.pk).update(
            unit=unit, decided_on=date(2026, 3, 2), stage="decided", outcome="penalty"
        )
        case.causes.update(decided_fine=fine, decided_kinds=["fine"])
    rule = AlertRule.objects.get_or_create(code="fine_peer_outlier", defaults={"name": "x"})[0]
    alert_rule_update(rule=rule, params={"min_cases": 1}, active=True, by=w.olga)
    scan("fine_peer_outlier")
    a = alerts("fine_peer_outlier").get()
    assert a.unit == w.hub_team and "罚款中位数 5000 元，明显高于同类单位（500 元）" in a.title
    assert "比较单位：" in a.detail and "南星街道综合行政执法队" in a.detail
    # A near miss: the fourth unit's fines in line with the others.
    cause = Case.objects.get(unit=w.hub_team).causes.get()
    cause.decided_fine = 530
    cause.save()
    assert scan("fine_peer_outlier").resolved == 1
    # With too few peers (min_peers 4 of 3 others) nothing is compared.
    cause.decided_fine = 5000
    cause.save()
    alert_rule_update(rule=rule, params={"min_cases": 1, "min_peers": 4}, active=True, by=w.olga)
    assert scan("fine_peer_outlier").reopened == 0


@pytest.mark.django_db
def test_new_warnings_and_their_first_steps_are_written_whole(ow):
    """The first scan's inserts (COPY on PostgreSQL): each new warning stored with every field as written and
    the state by its value, its records as JSON, one opening step by who ran the scan, one audit record for
    the model; a later warning takes an id after them (the sequence moved on)."""
    w = ow
    w.today = date(2026, 3, 2)
    v1, v2 = visit(w), visit(w)
    for v in (v1, v2):
        v.officers.set([w.partner])
    run = oversight_scan(by=w.olga, codes=["too_few_officers"])
    assert (run.created, run.updated, run.resolved) == (2, 0, 0)
    stored = {a.key: a for a in alerts("too_few_officers")}
    assert set(stored) == {f"inspection:{v1.pk}", f"inspection:{v2.pk}"}
    a = stored[f"inspection:{v1.pk}"]
    label = "2026-03-02 检查 杭州示例0001小吃店"
    assert (a.title, a.detail, a.severity, a.unit_id, a.region_path) == (
        f"{label} 仅 1 名执法人员",
        "执法人员不得少于 2 人。",
        "red",
        v1.created_by.unit_id,
        v1.region_path,
    )
    assert a.records == [{"type": "inspection", "id": v1.pk, "label": label}]
    assert (a.rule_version, a.version, a.resolution, a.answer, a.due_on, a.opened_at) == (
        1, 1, "", "", None, a.last_seen_at,
    )  # fmt: skip
    assert Alert.objects.filter(pk=a.pk, state="new").exists()  # the value, not the enum's name
    for alert in stored.values():
        step = alert.steps.get()
        assert (step.action, step.from_state, step.to_state, step.by, step.note, step.attachment.name) == (
            StepAction.OPEN, "", AlertState.NEW, w.olga, "", "",
        )  # fmt: skip
    audit = AuditRecord.objects.filter(action="oversight.scan").get()
    assert audit.after["created"] == 2 and sorted(audit.after["created_keys"]) == sorted(stored)
    v3 = visit(w)
    v3.officers.set([w.partner])
    assert oversight_scan(by=w.olga, codes=["too_few_officers"]).created == 1
    assert alerts("too_few_officers").get(key=f"inspection:{v3.pk}").pk > max(x.pk for x in stored.values())
    # A scan by a user nobody oversees is refused before anything is written.
    with pytest.raises(PermissionError_):
        oversight_scan(by=w.dora, codes=["too_few_officers"])


@pytest.mark.django_db
def test_scan_settings_hold_for_the_block_only():
    """On PostgreSQL the models read without JIT and with room to hash and sort in memory; the session's own
    settings come back afterwards, also when the block fails. Elsewhere the block just runs."""
    from django.db import connection

    from zhifa.oversight.scan_db import WORK_MEM, scan_settings

    if connection.vendor != "postgresql":
        with scan_settings():
            pass
        return

    def current():
        with connection.cursor() as cur:
            cur.execute("SELECT current_setting('jit'), current_setting('work_mem')")
            return cur.fetchone()

    with connection.cursor() as cur:
        cur.execute("SET work_mem = '5MB'")
    before = current()
    with scan_settings():
        assert current() == ("off", WORK_MEM)
    assert current() == before
    with pytest.raises(RuntimeError), scan_settings():
        raise RuntimeError("a model failed")
    assert current() == before == (before[0], "5MB")
