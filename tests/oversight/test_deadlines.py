"""Deadlines of a warning sent to a unit: reminded before the due date, marked overdue after it, escalated to the
district command after the grace period; each step once per due date (re-runs change nothing), appended to the
history and audited; the unit and the district command see the notices on their pages."""

from datetime import date

import pytest

from tests.cases.conftest import at
from tests.conftest import client_for
from tests.oversight.test_handling import warned  # noqa: F401 (fixture)
from zhifa.audit.models import AuditRecord
from zhifa.jobs.tasks import run_periodic
from zhifa.oversight.choices import StepAction
from zhifa.oversight.deadlines import alert_deadlines_run, alert_notices
from zhifa.oversight.models import Alert
from zhifa.oversight.services import alert_answer, alert_assign, alert_verify


def actions(alert):
    return list(alert.steps.order_by("at", "id").values_list("action", flat=True))


@pytest.mark.django_db
def test_remind_overdue_escalate_once_each(warned, clock, settings):  # noqa: F811
    w = warned
    settings.ZHIFA_OVERSIGHT_REMIND_DAYS = 2
    settings.ZHIFA_OVERSIGHT_ESCALATE_AFTER_DAYS = 3
    alert_assign(alert=w.alert, unit=w.nanxing_team, due_on=date(2026, 3, 6), by=w.olga)
    assert alert_deadlines_run() == {"reminded": 0, "overdue": 0, "escalated": 0}  # 4 days left: not yet
    clock.move_to(at(2026, 3, 4))
    assert alert_deadlines_run() == {"reminded": 1, "overdue": 0, "escalated": 0}
    assert alert_deadlines_run() == {"reminded": 0, "overdue": 0, "escalated": 0}  # idempotent
    assert alert_notices(user=w.alice) == {"district": False, "due_soon": 1, "overdue": 0}
    page = client_for(w.alice).get("/oversight/").content.decode()
    assert "您单位有 <strong>1</strong> 条监督预警即将到期" in page
    clock.move_to(at(2026, 3, 7))
    assert alert_deadlines_run() == {"reminded": 0, "overdue": 1, "escalated": 0}
    assert "已超过整改期限" in client_for(w.nina).get("/oversight/").content.decode()
    clock.move_to(at(2026, 3, 9))  # 3 days late: still within the grace
    assert alert_deadlines_run() == {"reminded": 0, "overdue": 0, "escalated": 0}
    clock.move_to(at(2026, 3, 10))
    assert alert_deadlines_run() == {"reminded": 0, "overdue": 0, "escalated": 1}
    assert alert_deadlines_run() == {"reminded": 0, "overdue": 0, "escalated": 0}
    w.alert.refresh_from_db()
    assert w.alert.escalated_to == w.command and w.alert.escalated_for == date(2026, 3, 6)
    assert actions(w.alert)[-3:] == [StepAction.REMIND, StepAction.OVERDUE, StepAction.ESCALATE]
    assert (
        AuditRecord.objects.filter(action="oversight.alert_escalate", object_id=str(w.alert.pk)).count() == 1
    )
    carol = client_for(w.carol).get("/oversight/").content.decode()
    assert "有 <strong>1</strong> 条预警逾期未答复，已升级督办" in carol
    detail = client_for(w.olga).get(f"/oversight/warnings/{w.alert.pk}/").content.decode()
    assert "已升级至区协调指挥中心督办" in detail or f"已升级至{w.command.name}督办" in detail
    # The unit answers late; oversight sends it back with a new date: the steps start again for that date.
    alert_answer(alert=w.alert, text="已补录第二名执法人员", by=w.alice)
    alert_verify(
        alert=w.alert, passed=False, note="请补充执法记录仪视频", due_on=date(2026, 3, 11), by=w.olga
    )
    assert alert_deadlines_run() == {"reminded": 1, "overdue": 0, "escalated": 0}
    assert alert_notices(user=w.carol)["escalated"] == 0  # the escalation was for the old date


@pytest.mark.django_db
def test_periodic_body_scans_and_runs_deadlines(warned, clock):  # noqa: F811
    w = warned
    alert_assign(alert=w.alert, unit=w.nanxing_team, due_on=date(2026, 3, 3), by=w.olga)
    clock.move_to(at(2026, 3, 20))
    run_periodic("oversight_scan")
    # The standing problem is the same warning, not a new one; its deadline steps were taken.
    assert Alert.objects.filter(rule__code="too_few_officers").count() == 1
    w.alert.refresh_from_db()
    assert w.alert.overdue_for == w.alert.escalated_for == date(2026, 3, 3)
    assert actions(w.alert).count(StepAction.ESCALATE) == 1
