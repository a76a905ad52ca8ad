"""Risk colours from the subjects' records: features by a few aggregate queries, scores by the engine."""

import math
import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.engine.risk import (
    COLOUR_LABELS,
    DEFAULT_POLICY,
    FACTOR_LABELS,
    RiskColumns,
    score_many,
    violation_load_many,
)
from zhifa.risk.models import RiskColourChange, SubjectRisk
from zhifa.subjects.choices import Severity
from zhifa.subjects.models import Subject, SubjectEvent, Violation

DAYS_PER_MONTH = 30.4375
SEVERITY_LABELS = dict(Severity.choices)


@dataclass
class RecomputeReport:
    subjects: int = 0
    changed: int = 0
    seconds: float = 0.0
    counts: dict | None = None


def _months(days: np.ndarray) -> np.ndarray:
    return days / DAYS_PER_MONTH


def _columns(ids: list[int], rows: dict[int, tuple], today) -> RiskColumns:
    """Factor arrays for the subjects `ids` (rows: id → (credit, industry, opened_on)), from their records."""
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    complaints = np.zeros(n, dtype=np.int64)
    since = timezone.now() - timedelta(days=365)
    for sid, k in (
        SubjectEvent.objects.filter(subject_id__in=ids, event__received_at__gte=since)
        .values_list("subject_id")
        .annotate(k=Count("id"))
        .order_by()
    ):
        complaints[index[sid]] = k
    owner, severity, ago = [], [], []
    for sid, sev, found in Violation.objects.filter(subject_id__in=ids).values_list(
        "subject_id", "severity", "found_on"
    ):
        owner.append(index[sid])
        severity.append(SEVERITY_LABELS.get(sev, sev))  # stored as codes, the engine speaks 轻微/一般/严重
        ago.append((today - found).days / DAYS_PER_MONTH)
    scenarios = np.zeros(n, dtype=np.int64)
    through = Subject.scenarios.through
    for sid, k in (
        through.objects.filter(subject_id__in=ids)
        .values_list("subject_id")
        .annotate(k=Count("id"))
        .order_by()
    ):
        scenarios[index[sid]] = k
    opened = np.array([(today - rows[s][2]).days if rows[s][2] else math.nan for s in ids], dtype=float)
    return RiskColumns(
        credit=np.array([rows[s][0] or "" for s in ids]),
        complaints_12m=complaints,
        violation_load=violation_load_many(np.array(owner), np.array(severity), np.array(ago), n),
        months_since_inspection=np.full(n, math.nan),  # no inspection records yet: never inspected
        industry=np.array([rows[s][1] or "" for s in ids]),
        months_open=_months(opened),
        scenarios=scenarios,
    )


def risk_recompute_all(*, batch_size: int = 5000, by="risk_recompute") -> RecomputeReport:
    """Score every subject in batches; write only colours and scores that changed, with a history row for
    each colour change; one audit record for the run. Safe to run again."""
    started = time.perf_counter()
    report = RecomputeReport(counts={"green": 0, "yellow": 0, "red": 0})
    now = timezone.now()
    today = timezone.localdate()
    ids_all = list(Subject.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids_all), batch_size):
        ids = ids_all[start : start + batch_size]
        rows = {
            sid: (credit, industry, opened)
            for sid, credit, industry, opened in Subject.objects.filter(id__in=ids).values_list(
                "id", "credit_class", "industry_code", "opened_on"
            )
        }
        result = score_many(_columns(ids, rows, today), DEFAULT_POLICY)
        colours = result.colours()
        current = {r.subject_id: r for r in SubjectRisk.objects.filter(subject_id__in=ids)}
        new, changed, history = [], [], []
        for i, sid in enumerate(ids):
            colour, score = str(colours[i]), round(float(result.score[i]), 1)
            report.counts[colour] += 1
            old = current.get(sid)
            if old is not None and old.colour == colour and old.score == score:
                continue
            previous = old.colour if old is not None else ""
            reasons = [
                {
                    "factor": r.factor,
                    "factor_label": FACTOR_LABELS.get(r.factor, r.factor),
                    "label": r.label,
                    "value": r.value,
                    "points": round(float(r.points), 1),
                }
                for r in result.result(i).reasons
            ]
            if old is None:
                new.append(
                    SubjectRisk(subject_id=sid, score=score, colour=colour, reasons=reasons, computed_at=now)
                )
            else:
                old.score, old.colour, old.reasons, old.computed_at = score, colour, reasons, now
                changed.append(old)
            if previous != colour:
                history.append(
                    RiskColourChange(
                        subject_id=sid,
                        from_colour=previous,
                        to_colour=colour,
                        score=score,
                        reason="重新评分" if previous else "首次赋码",
                        at=now,
                    )
                )
        with transaction.atomic():
            SubjectRisk.objects.bulk_create(new, batch_size=1000)
            SubjectRisk.objects.bulk_update(
                changed, ["score", "colour", "reasons", "computed_at"], batch_size=1000
            )
            RiskColourChange.objects.bulk_create(history, batch_size=1000)
        report.changed += len(new) + len(changed)
        report.subjects += len(ids)
    report.seconds = time.perf_counter() - started
    with transaction.atomic():
        audit_record(
            actor=by,
            action="risk.recompute",
            object_type="risk",
            object_id=now.strftime("%Y%m%d%H%M%S"),
            object_repr=f"三色赋码重算 {report.subjects} 户",
            after={"subjects": report.subjects, "changed": report.changed, **report.counts},
        )
    return report


def colour_label(colour: str) -> str:
    return COLOUR_LABELS.get(colour, colour)
