"""Risk colours from the subjects' records: features by a few aggregate queries, scores by the engine."""

import math
import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, ServiceError, require_write
from zhifa.core.scope import scope_for
from zhifa.engine.risk import (
    COLOUR_LABELS,
    DEFAULT_POLICY,
    FACTOR_LABELS,
    RiskColumns,
    after_inspection,
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


def risk_after_inspection(*, subject: Subject, severities: list[str], by) -> SubjectRisk:
    """An inspection's findings change the colour at once (严重 → red; clean → one step down, not below the
    score's colour); the change is kept in the history and audited. `severities`: codes of the violations found."""
    scope = scope_for(by)
    require_write(scope)
    if not scope.covers_path(subject.region_path):
        raise Http404("监管对象不存在或不在您的辖区内")
    unknown = [s for s in severities if s not in SEVERITY_LABELS]
    if unknown:
        raise ServiceError(
            f"未知的违法情节：{unknown[0]}", [{"field": "severities", "message": "情节应为轻微、一般或严重"}]
        )
    now = timezone.now()
    with transaction.atomic():
        risk = SubjectRisk.objects.select_for_update().filter(subject=subject).first()
        if risk is None:
            raise Conflict("该对象尚未赋码，请先运行三色赋码计算")
        score_colour = DEFAULT_POLICY.colour_of(risk.score)
        change = after_inspection(
            risk.colour, [SEVERITY_LABELS[s] for s in severities], score_colour=score_colour
        )
        previous = risk.colour
        if change.colour != previous:
            risk.colour, risk.computed_at = change.colour, now
            risk.save(update_fields=["colour", "computed_at"])
            RiskColourChange.objects.create(
                subject=subject,
                from_colour=previous,
                to_colour=change.colour,
                score=risk.score,
                reason=change.reason[:200],
                at=now,
            )
        audit_record(
            actor=by,
            action="risk.after_inspection",
            obj=subject,
            before={"colour": previous},
            after={"colour": change.colour, "reason": change.reason, "found": severities},
        )
    return risk


def risk_overview(*, user) -> dict:
    """Counts per colour per subdistrict in the user's jurisdiction, and the frequency each colour sets."""
    scope = scope_for(user)
    rows = (
        scope.filter(SubjectRisk.objects.all(), "subject__region_path")
        .values_list("subject__subdistrict__name", "colour")
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict[str, dict[str, int]] = {}
    for name, colour, n in rows:
        table.setdefault(name or "未定位", {"green": 0, "yellow": 0, "red": 0})[colour] = n
    totals = {c: sum(r[c] for r in table.values()) for c in ("green", "yellow", "red")}
    policy = []
    for colour in ("green", "yellow", "red"):
        f = DEFAULT_POLICY.frequency[colour]
        text = (
            "仅在有投诉、抽查等事由时检查（无事不扰）"
            if f.on_cause_only
            else f"每年例行检查 {f.per_year:g} 次"
        )
        if f.targeted:
            text += "，另加专项检查"
        policy.append({"colour": colour, "label": COLOUR_LABELS[colour], "text": text})
    return {
        "rows": sorted(table.items()),
        "totals": totals,
        "total": sum(totals.values()),
        "policy": policy,
    }
