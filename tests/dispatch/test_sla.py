"""SLA clocks with frozen time and the escalation scan."""

from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.events.services import event_accept
from zhifa.dispatch.models import Escalation
from zhifa.dispatch.sla import event_clocks, sla_replay, sla_scan
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create

T0 = timezone.datetime(2026, 7, 1, 9, 0, tzinfo=timezone.get_current_timezone())


def _jiubao_command_room(district):
    return unit_create(
        code="SC-330102018",
        name="九堡街道综合信息指挥室",
        kind=UnitKind.SUBDISTRICT_COMMAND,
        region=district.jiubao,
    )


def test_1315_clocks_and_escalation_once(district):
    command_room = _jiubao_command_room(district)
    with time_machine.travel(T0, tick=False):
        event = event_intake(
            channel="staff", description="九堡街道饭店油烟着火", priority="urgent", by=district.carol
        )
    clocks = {c.clock: c for c in event_clocks(event, T0 + timedelta(seconds=30))}
    assert clocks["respond"].state == "met"  # dispatched automatically at intake
    assert clocks["link"].due == T0 + timedelta(minutes=3)
    assert clocks["on_site"].due == T0 + timedelta(minutes=15)
    assert clocks["link"].state == "running"

    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        event_accept(event=event, by=district.bob)
        assert sla_scan() == 0
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        assert sla_scan() == 1
        assert sla_scan() == 0  # safe to run every minute
        esc = Escalation.objects.get(event=event)
        assert (esc.clock, esc.to_unit, esc.due_at) == ("on_site", command_room, T0 + timedelta(minutes=15))


def test_unplaced_event_escalates_to_district_command(district):
    with time_machine.travel(T0, tick=False):
        event = event_intake(channel="12345", description="有家饭店油烟很大")
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        call_command("sla_scan")
    esc = Escalation.objects.get(event=event, clock="respond")
    assert esc.to_unit == district.command


def test_replay_escalates_the_late_clocks_of_history_once(district):
    """History loaded in bulk (the scan never ran): a clock done late is escalated the minute after it fell due, to the
    level the scan would pick; a clock met in time is not; a second replay adds nothing; an event received after
    `until` is left out."""
    command_room = _jiubao_command_room(district)
    with time_machine.travel(T0, tick=False):
        late = event_intake(
            channel="staff", description="九堡街道饭店油烟着火", priority="urgent", by=district.carol
        )
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        on_time = event_intake(
            channel="staff", description="九堡街道饭店油烟很大", priority="urgent", by=district.carol
        )
        event_accept(event=on_time, by=district.bob)
    with time_machine.travel(T0 + timedelta(minutes=9), tick=False):
        event_accept(event=late, by=district.bob)  # linked 9 minutes in: the 3-minute clock was missed
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        future = event_intake(
            channel="staff", description="九堡街道饭店油烟扰民", priority="urgent", by=district.carol
        )
    until = T0 + timedelta(hours=1)
    raised = sla_replay(until=until)
    by_event = {(e.event_id, e.clock): e for e in Escalation.objects.all()}
    link = by_event[(late.pk, "link")]
    assert (link.to_unit, link.due_at, link.at) == (
        command_room,
        T0 + timedelta(minutes=3),
        T0 + timedelta(minutes=4),
    )
    assert (on_time.pk, "link") not in by_event
    assert not Escalation.objects.filter(event=future).exists()
    assert raised == len(by_event) and {e.event_id for e in by_event.values()} <= {late.pk, on_time.pk}
    assert sla_replay(until=until) == 0
    assert AuditRecord.objects.filter(action="dispatch.sla_replay").count() == 1
    with time_machine.travel(until, tick=False):
        assert sla_scan() == 0  # what the replay raised, the minute scan does not raise again
