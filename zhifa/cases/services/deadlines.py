"""Keep every live case's stored next deadline right after the calendar or the rules change."""

from django.db import transaction

from zhifa.cases.choices import FINISHED_STAGES
from zhifa.cases.models import Case
from zhifa.cases.services.common import refresh_deadlines

BATCH = 1000


def case_deadlines_refresh(*, batch: int = BATCH) -> int:
    """Recompute `next_due` of the cases still running (a holiday added, a rule tightened); returns how many
    changed. Each batch is its own transaction, so a long run never holds the table."""
    changed, last = 0, 0
    while True:
        rows = list(
            Case.objects.exclude(stage__in=FINISHED_STAGES)
            .filter(pk__gt=last)
            .select_related("public_service")
            .order_by("pk")[:batch]
        )
        if not rows:
            return changed
        dirty = []
        for case in rows:
            before = (case.next_due, case.next_clock)
            refresh_deadlines(case)
            if (case.next_due, case.next_clock) != before:
                dirty.append(case)
        with transaction.atomic():
            Case.objects.bulk_update(dirty, ["next_due", "next_clock"])
        changed += len(dirty)
        last = rows[-1].pk
