"""Demo coordination: 会商 and 现场联席会 about events several units worked on, held and recorded through the
coordination services; and the year's escalations: the late clocks of its history, then the open work as of the
demo's day.

Built after the events, from its own random stream, so the rest of the demo is drawn as without it.
"""

import random
from datetime import datetime, time, timedelta

from zhifa.accounts.models import User
from zhifa.demo.asof import TZ, as_of, as_of_date
from zhifa.dispatch.choices import ConsultationKind, UnitRole
from zhifa.dispatch.coordination.services import consultation_create, consultation_record
from zhifa.dispatch.models import Consultation, Event, EventUnit
from zhifa.dispatch.sla import sla_replay, sla_scan

MEETINGS = {ConsultationKind.CONSULTATION: 14, ConsultationKind.JOINT_MEETING: 8}
DECISIONS = {
    ConsultationKind.CONSULTATION: "经会商，明确由{lead}牵头办理，{others}配合取证并于三个工作日内反馈处置情况。",
    ConsultationKind.JOINT_MEETING: "现场联席会议定：{lead}当场责令整改，{others}同步开展联合检查，整改情况由街道指挥室跟踪销号。",
}


def build_coordination(*, seed: int) -> dict[str, int]:
    rng = random.Random(f"zhifa-demo-coordination-{seed}")
    convener = User.objects.get(username="command")
    since = as_of() - timedelta(days=330)
    # Events worked by more than one unit: the ones worth a meeting.
    several = sorted(
        set(
            EventUnit.objects.filter(
                role=UnitRole.ASSIST,
                event__received_at__gte=since,
                event__received_at__lt=as_of() - timedelta(days=3),
            ).values_list("event_id", flat=True)
        )
    )
    chosen = rng.sample(several, min(len(several), sum(MEETINGS.values())))
    kinds = [k for k, n in MEETINGS.items() for _ in range(n)]
    made = 0
    for kind, event_id in zip(kinds, sorted(chosen), strict=False):
        event = Event.objects.select_related("lead_unit").get(pk=event_id)
        units = [eu.unit for eu in EventUnit.objects.filter(event=event, active=True).select_related("unit")]
        day = (event.received_at.astimezone(TZ) + timedelta(days=1)).date()
        if day >= as_of_date():
            continue
        held_at = datetime.combine(day, time(15 if kind == ConsultationKind.CONSULTATION else 10), tzinfo=TZ)
        place = event.address or "区协调指挥中心会商室"
        meeting = consultation_create(
            kind=kind,
            topic=f"{event.title}（{event.receipt_no}）",
            held_at=held_at,
            place=place if kind == ConsultationKind.JOINT_MEETING else "区协调指挥中心会商室",
            participants=units,
            events=[event],
            by=convener,
        )
        lead = event.lead_unit.name if event.lead_unit else units[0].name
        others = "、".join(u.name for u in units if u.name != lead) or "相关单位"
        consultation_record(
            consultation=meeting,
            decisions=DECISIONS[kind].format(lead=lead, others=others),
            attendance={u.code: (True, "") for u in units} | {convener.unit.code: (True, "")},
            follow_up_deadline=day + timedelta(days=5),
            by=convener,
        )
        # Initiated the day before it was held, recorded the same day: the demo's own dates.
        Consultation.objects.filter(pk=meeting.pk).update(
            created_at=held_at - timedelta(days=1), recorded_at=held_at + timedelta(hours=2)
        )
        made += 1
    # The year's late clocks, escalated when they fell due (the minute scan never saw the bulk-loaded history), then
    # the open work as of the demo's day.
    escalations = sla_replay(until=as_of()) + sla_scan(now=as_of())
    return {"consultations": made, "escalations": escalations}
