"""Deadlines of warnings sent to a unit: a reminder a few days before the due date, the overdue mark on the day
after it, and after a grace period the escalation to the district command (oversight sees it too). Each step is
appended to the warning's history and audited, once per due date: the periodic job may run as often as it likes.
The notices the pages show come from the same fields."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.org.choices import UnitKind
from zhifa.org.models import Unit
from zhifa.oversight.choices import AlertState, StepAction
from zhifa.oversight.models import Alert, AlertStep
from zhifa.oversight.selectors import alert_list_for_user

ACTOR = "oversight_deadlines"


def escalation_unit() -> Unit | None:
    """The district command centre (the oversight office where a district has none)."""
    for kind in (UnitKind.DISTRICT_COMMAND, UnitKind.OVERSIGHT_OFFICE):
        unit = Unit.objects.filter(kind=kind, active=True).order_by("code").first()
        if unit is not None:
            return unit
    return None


def _step(alert: Alert, action: str, note: str, now) -> AlertStep:
    return AlertStep(alert=alert, at=now, by=None, action=action, from_state=alert.state, to_state=alert.state,
                     note=note, due_on=alert.due_on)  # fmt: skip


def alert_deadlines_run(*, today: date | None = None) -> dict[str, int]:
    """提醒 → 逾期 → 升级 for every warning awaiting its unit's answer. Idempotent: a step already taken for the
    warning's current due date is not taken again. Each warning's step goes into its history; the audit chain
    gets one record per kind of step with every warning it touched (a backlog of thousands stays fast)."""
    today = today or timezone.localdate()
    now = timezone.now()
    remind_days = settings.ZHIFA_OVERSIGHT_REMIND_DAYS
    grace = settings.ZHIFA_OVERSIGHT_ESCALATE_AFTER_DAYS
    waiting = Alert.objects.filter(state=AlertState.ASSIGNED, due_on__isnull=False)
    target = escalation_unit()

    def remind_note(a: Alert) -> str:
        left = (a.due_on - today).days
        return (
            f"距整改期限 {a.due_on:%Y-%m-%d} 还有 {left} 天，请及时说明或整改"
            if left
            else "今天是整改期限，请及时说明或整改"
        )

    def escalate_note(a: Alert) -> str:
        to = f"升级至{target.name}" if target else "升级至区级"
        return f"逾期 {(today - a.due_on).days} 天仍未答复（宽限 {grace} 天），{to}督办"

    passes = (
        (StepAction.REMIND, "reminded", "reminded_for",
         waiting.filter(due_on__gte=today, due_on__lte=today + timedelta(days=remind_days)), remind_note, {}),
        (StepAction.OVERDUE, "overdue", "overdue_for", waiting.filter(due_on__lt=today),
         lambda a: f"整改期限 {a.due_on:%Y-%m-%d} 已过，责任单位尚未答复", {}),
        (StepAction.ESCALATE, "escalated", "escalated_for", waiting.filter(due_on__lt=today - timedelta(days=grace)),
         escalate_note, {"escalated_to": target, "escalated_at": now}),
    )  # fmt: skip
    counts = {}
    with transaction.atomic():
        for action, name, marker, qs, note_of, extra in passes:
            rows = list(qs.exclude(**{marker: F("due_on")}).select_for_update().order_by("pk"))
            steps = []
            for a in rows:
                setattr(a, marker, a.due_on)
                for field, value in extra.items():
                    setattr(a, field, value)
                a.version += 1
                steps.append(_step(a, action, note_of(a), now))
            # One statement: each row's marker is its own due date (rows are locked above).
            ids = [a.pk for a in rows]
            for chunk in range(0, len(ids), 1000):
                Alert.objects.filter(pk__in=ids[chunk : chunk + 1000]).update(
                    **{marker: F("due_on")}, **extra, version=F("version") + 1
                )
            AlertStep.objects.bulk_create(steps, batch_size=1000)
            if rows:
                audit_record(
                    actor=ACTOR, action=f"oversight.alert_{action}", object_type="oversight.alert",
                    object_id=str(rows[0].pk) if len(rows) == 1 else "",  # many: their ids are in `after`
                    object_repr=f"预警{StepAction(action).label}：{len(rows)} 条",
                    after={"alerts": [a.pk for a in rows], "today": today,
                           "escalated_to": getattr(extra.get("escalated_to"), "pk", None)},
                )  # fmt: skip
            counts[name] = len(rows)
    return counts


def alert_notices(*, user, today: date | None = None) -> dict:
    """What the pages tell a reader. A unit (and its subdistrict's command room): its warnings due within the
    reminder window and those overdue. The district command, oversight and administrators: the escalated ones
    still unanswered."""
    today = today or timezone.localdate()
    waiting = alert_list_for_user(user=user).filter(state=AlertState.ASSIGNED, due_on__isnull=False)
    if user.is_superuser or user.role in (Role.OVERSIGHT, Role.ADMIN, Role.DISTRICT_COMMAND):
        return {"district": True, "escalated": waiting.filter(escalated_for=F("due_on")).count(),
                "overdue": waiting.filter(due_on__lt=today).count()}  # fmt: skip
    return {
        "district": False,
        "due_soon": waiting.filter(reminded_for=F("due_on"), due_on__gte=today).count(),
        "overdue": waiting.filter(due_on__lt=today).count(),
    }
