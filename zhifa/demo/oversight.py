"""The demo year's supervision (执法监督): the early-warning models run over the demo's own records — how many
warnings each gives is what the data gives — and oversight handles part of them through the real services:
sent to the responsible unit with a due date, explained or rectified, verified and closed; some closed
directly, some sent back, some left open or past their due date.

The services stamp the time they run; the demo then dates each warning and step into its own year (a warning
is opened the night after its latest record, handling follows at working pace), so the same seed and day
give the same warnings and the same handling."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.accounts.models import User
from zhifa.cases.models import Case
from zhifa.demo import asof
from zhifa.dispatch.models import Event
from zhifa.inspections.models import Inspection
from zhifa.oversight.choices import StepAction
from zhifa.oversight.models import Alert, AlertStep
from zhifa.oversight.services import alert_answer, alert_assign, alert_close, alert_verify, oversight_scan

# How many warnings the supervision office takes up in the year (the reference district handled 360 warnings
# in a year): the rest stay waiting to be sent out.
HANDLED = 150
DUE_DAYS = 15
ANSWERS = (
    "经核查，已对相关记录逐项更正，并对承办人员进行提醒谈话。",
    "情况属实，已完成整改：补齐相关材料并录入系统，整改材料附后。",
    "经查系系统录入遗漏，实际已按规定办理，现补录并说明。",
    "已组织本单位执法人员专题学习相关规定，举一反三开展自查。",
)
CLOSE_NOTES = ("经核实属数据同步延迟，非执法不规范，予以办结。", "该问题已在案卷评查中一并处理，予以办结。")
VERIFY_PASS = ("整改材料齐全，核查通过。", "说明合理，核查通过。")
VERIFY_FAIL = "整改材料不足以证明已纠正，请补充后重新答复。"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=asof.TZ)


def _record_days() -> dict[tuple[str, int], date]:
    """The day each record behind a warning last moved: what the night's scan would first have seen."""
    ids: dict[str, set[int]] = defaultdict(set)
    for records in Alert.objects.values_list("records", flat=True):
        for r in records:
            ids[r["type"]].add(r["id"])
    days: dict[tuple[str, int], date] = {}
    for pk, on in Inspection.objects.filter(pk__in=ids["inspection"]).values_list("pk", "visited_on"):
        days[("inspection", pk)] = on
    for pk, at in Event.objects.filter(pk__in=ids["event"]).values_list("pk", "received_at"):
        days[("event", pk)] = timezone.localtime(at, asof.TZ).date()
    for pk, *on in Case.objects.filter(pk__in=ids["case"]).values_list(
        "pk", "filed_on", "notified_on", "decided_on", "served_on", "created_at"
    ):
        dates = [d for d in on[:4] if d] or [timezone.localtime(on[4], asof.TZ).date()]
        days[("case", pk)] = max(dates)
    return days


def _plan_days(rng: random.Random, alerts: list[Alert], first: date, last: date) -> dict[int, date]:
    days = _record_days()
    opened = {}
    for a in alerts:
        seen = [days[(r["type"], r["id"])] for r in a.records if (r["type"], r["id"]) in days]
        seen = [d for d in seen if d]
        day = max(seen) + timedelta(days=1) if seen else last - timedelta(days=rng.randint(0, 60))
        opened[a.pk] = min(max(day, first), last)
    return opened


def build_oversight(*, seed: int) -> dict[str, int]:
    today = asof.as_of_date()
    last, first = today - timedelta(days=1), today - timedelta(days=365)
    run = oversight_scan(today=today)  # the nightly scan: no person
    rng = random.Random(seed * 31 + 7)
    # In the order of what they say, not of database ids: the same district gives the same order.
    alerts = list(
        Alert.objects.select_related("rule", "unit").order_by("rule__code", "title", "detail", "key")
    )
    opened = _plan_days(rng, alerts, first, last)
    officer = User.objects.get(username="oversight")
    admin = User.objects.get(username="admin")
    answerer = {}
    for u in User.objects.filter(role__in=(Role.OFFICER, Role.DEPARTMENT)).order_by("username"):
        answerer.setdefault(u.unit_id, u)
    # The office takes up warnings across the models and the year, those with a unit to send them to.
    pool = [a for a in alerts if a.unit_id is not None and a.unit.active]
    rng.shuffle(pool)
    taken = sorted(pool[:HANDLED], key=lambda a: (opened[a.pk], a.pk))
    real_due = timezone.localdate() + timedelta(days=DUE_DAYS)
    planned: dict[int, list[tuple[datetime, date | None]]] = {}
    fates: Counter = Counter()
    for a in taken:
        age = (today - opened[a.pk]).days
        roll = rng.random()
        start = opened[a.pk] + timedelta(days=rng.randint(1, 3))
        if age > 45 and roll < 0.10:
            when = _at(opened[a.pk] + timedelta(days=rng.randint(2, 10)), 10)
            alert_close(alert=a, note=rng.choice(CLOSE_NOTES), by=officer)
            planned[a.pk], fates["closed_directly"] = [(when, None)], fates["closed_directly"] + 1
            continue
        if start >= today:
            continue
        due = start + timedelta(days=DUE_DAYS)
        steps = [(_at(start, 9), due)]
        a = alert_assign(alert=a, unit=None, due_on=real_due, note="请核实情况，说明理由或整改", by=officer)
        answered = start + timedelta(days=rng.randint(3, 12))
        answers = (age > 45 and roll < 0.78) or (10 < age <= 45 and roll < 0.45)
        if answers and answered < today:
            by = answerer.get(a.unit_id, admin)
            a = alert_answer(alert=a, text=rng.choice(ANSWERS), by=by)
            steps.append((_at(answered, 15), None))
            checked = answered + timedelta(days=rng.randint(1, 5))
            if checked >= today:
                fates["answered"] += 1
            elif rng.random() < 0.1:
                a = alert_verify(alert=a, passed=False, note=VERIFY_FAIL, due_on=real_due, by=officer)
                steps.append((_at(checked, 10), checked + timedelta(days=10)))
                fates["sent_back"] += 1
            else:
                a = alert_verify(alert=a, passed=True, note=rng.choice(VERIFY_PASS), by=officer)
                steps.append((_at(checked, 10), None))
                fates["verified_closed"] += 1
        else:
            fates["overdue" if due < today else "assigned"] += 1
        planned[a.pk] = steps
    _redate(alerts, opened, planned, real_due, last)
    counts = {f"warnings_{code}": c["found"] for code, c in run.per_rule.items()}
    counts["warnings"] = len(alerts)
    counts.update({f"warnings_{k}": v for k, v in sorted(fates.items())})
    return counts


def _redate(alerts, opened, planned, real_due: date, last: date) -> None:
    """Put each warning and its steps on the demo's calendar: one update per opening day for the warnings and
    one for their opening steps, then the few handled ones row by row (the steps stay append-only for the
    application; only the builder dates them)."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for pk, day in opened.items():
        by_day[day].append(pk)
    night = _at(last, 2)
    for day, ids in sorted(by_day.items()):
        Alert.objects.filter(pk__in=ids).update(opened_at=_at(day, 2), last_seen_at=night)
    AlertStep.objects.filter(action=StepAction.OPEN).update(
        at=Subquery(Alert.objects.filter(pk=OuterRef("alert_id")).values("opened_at")[:1])
    )
    for pk, plan in planned.items():
        fields: dict = {}
        history = AlertStep.objects.filter(alert_id=pk).exclude(action=StepAction.OPEN).order_by("id")
        for step, (when, due) in zip(history, plan, strict=False):
            change: dict = {"at": when}
            if step.action == StepAction.ASSIGN:
                fields.update(assigned_at=when, due_on=due)
                change.update(due_on=due, note=step.note.replace(f"{real_due:%Y-%m-%d}", f"{due:%Y-%m-%d}"))
            elif step.action == StepAction.ANSWER:
                fields["answered_at"] = when
            elif step.action == StepAction.VERIFY_FAIL:
                fields.update(assigned_at=when, due_on=due)
                change["due_on"] = due
            elif step.action in (StepAction.VERIFY_PASS, StepAction.CLOSE):
                fields["closed_at"] = when
            AlertStep.objects.filter(pk=step.pk).update(**change)
        if fields:
            Alert.objects.filter(pk=pk).update(**fields)
