"""SLA clocks of events and the escalation scan that raises overdue events to the level above."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.dispatch.choices import EventStatus
from zhifa.dispatch.models import Escalation, Event
from zhifa.engine.sla import ClockState, Policy, clock_states
from zhifa.org.choices import UnitKind
from zhifa.org.models import Unit

STOPPED_BY = {
    "respond": "dispatched_at",
    "link": "accepted_at",
    "on_site": "on_site_at",
    "resolve": "resolved_at",
    "answer": "answered_at",
}
FINISHED = (EventStatus.CLOSED, EventStatus.MERGED)


def _policy(event: Event) -> Policy:
    s = event.sla
    return Policy(
        s.code, s.respond_minutes, s.link_minutes, s.on_site_minutes, s.resolve_minutes, s.answer_minutes
    )


def event_clocks(event: Event, now: datetime | None = None) -> list[ClockState]:
    done = {clock: getattr(event, field) for clock, field in STOPPED_BY.items()}
    return clock_states(_policy(event), event.received_at, done, now or timezone.now())


def _level_above(event: Event, commands: dict[str, Unit], district_command: Unit | None) -> Unit | None:
    lead = event.lead_unit
    # A subdistrict's own team reports to its command room; everything else to the district command centre.
    if lead is not None and lead.kind == UnitKind.SUBDISTRICT_TEAM and event.subdistrict_id:
        return commands.get(event.subdistrict.code) or district_command
    return district_command


def sla_scan(*, now: datetime | None = None) -> int:
    """Escalate each overdue clock once; safe to run every minute (a clock already escalated is skipped)."""
    now = now or timezone.now()
    commands = {
        u.region.code: u
        for u in Unit.objects.filter(kind=UnitKind.SUBDISTRICT_COMMAND, active=True).select_related("region")
    }
    district_command = Unit.objects.filter(kind=UnitKind.DISTRICT_COMMAND, active=True).first()
    done = set(Escalation.objects.values_list("event_id", "clock"))
    raised = 0
    events = Event.objects.exclude(status__in=FINISHED).select_related("sla", "lead_unit", "subdistrict")
    for event in events.iterator(chunk_size=500):
        for state in event_clocks(event, now):
            if state.state != "overdue" or (event.pk, state.clock) in done:
                continue
            target = _level_above(event, commands, district_command)
            if target is None:
                continue
            try:
                with transaction.atomic():
                    Escalation.objects.create(
                        event=event, clock=state.clock, to_unit=target, due_at=state.due, at=now
                    )
                    audit_record(
                        actor="sla_scan",
                        action="dispatch.event_escalate",
                        obj=event,
                        after={"clock": state.clock, "to_unit": target.code, "due": state.due.isoformat()},
                    )
            except IntegrityError:
                continue  # another scan got there first
            raised += 1
    return raised


def sla_replay(*, until: datetime, by: str = "sla_scan") -> int:
    """The escalations the minute scan would have raised on history it never saw (records loaded in bulk: the demo's
    year, a migration from an earlier system): every clock of an event received before `until` that was done late, or
    is still overdue, is escalated once, dated the minute after it fell due, to the same level as `sla_scan` picks.
    Idempotent (a clock already escalated is skipped); one audit record for the whole replay."""
    commands = {
        u.region.code: u
        for u in Unit.objects.filter(kind=UnitKind.SUBDISTRICT_COMMAND, active=True).select_related("region")
    }
    district_command = Unit.objects.filter(kind=UnitKind.DISTRICT_COMMAND, active=True).first()
    done = set(Escalation.objects.values_list("event_id", "clock"))
    rows = []
    events = (
        Event.objects.filter(received_at__lt=until)
        .exclude(status=EventStatus.MERGED)
        .select_related("sla", "lead_unit", "subdistrict")
        .order_by("pk")
    )
    for event in events.iterator(chunk_size=1000):
        for state in event_clocks(event, until):
            if state.state not in ("late", "overdue") or (event.pk, state.clock) in done:
                continue
            target = _level_above(event, commands, district_command)
            if target is not None:
                at = min(state.due + timedelta(minutes=1), until)
                rows.append(
                    Escalation(event=event, clock=state.clock, to_unit=target, due_at=state.due, at=at)
                )
    with transaction.atomic():
        Escalation.objects.bulk_create(rows, batch_size=1000)
        if rows:
            audit_record(
                actor=by,
                action="dispatch.sla_replay",
                object_type="dispatch.escalation",
                object_id=until.isoformat(),
                object_repr=f"补记历史超时督办 {len(rows)} 条",
                after={"escalations": len(rows), "until": until.isoformat()},
            )
    return len(rows)
