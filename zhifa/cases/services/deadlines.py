"""Keep every live case's stored next deadline right after the calendar or the rules change."""

from collections import defaultdict

from django.db import transaction

from zhifa.cases.choices import FINISHED_STAGES
from zhifa.cases.config import case_rules, district_calendar
from zhifa.cases.models import Case
from zhifa.cases.services.common import refresh_deadlines, today

BATCH = 1000
# What the clocks are computed from (case_dates), and the stored result: nothing else is read.
DATE_FIELDS = (
    "procedure",
    "stage",
    "filed_on",
    "extension_days",
    "notified_on",
    "party_done_on",
    "decided_on",
    "served_on",
    "fine_total",
    "offset_amount",
    "paid_on",
    "publish_required",
    "published_on",
    "next_due",
    "next_clock",
    "public_service__due_on",
    "public_service__completed_on",
    "public_service__failed",
)


def case_deadlines_refresh(*, batch: int = BATCH) -> int:
    """Recompute `next_due` of the cases still running (a holiday added, a rule tightened); returns how many
    changed. Each batch is its own transaction, so a long run never holds the table."""
    rules, cal, on = case_rules(), district_calendar(), today()
    changed, last = 0, 0
    while True:
        rows = list(
            Case.objects.exclude(stage__in=FINISHED_STAGES)
            .filter(pk__gt=last)
            .select_related("public_service")
            .only(*DATE_FIELDS)
            .order_by("pk")[:batch]
        )
        if not rows:
            return changed
        # The new values grouped: one UPDATE per (day, clock) rather than a CASE with a branch per row.
        dirty: dict[tuple, list[int]] = defaultdict(list)
        for case in rows:
            before = (case.next_due, case.next_clock)
            refresh_deadlines(case, rules=rules, cal=cal, on=on)
            if (case.next_due, case.next_clock) != before:
                dirty[(case.next_due, case.next_clock)].append(case.pk)
        with transaction.atomic():
            for (due, clock), ids in dirty.items():
                Case.objects.filter(pk__in=ids).update(next_due=due, next_clock=clock)
        changed += sum(len(ids) for ids in dirty.values())
        last = rows[-1].pk
