"""Risk colours from the subjects' records: features by a few aggregate queries, scores by the engine."""

import math
import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.dispatch.choices import COMPLAINT_CHANNELS
from zhifa.engine.risk import (
    COLOUR_LABELS,
    COLOURS,
    FACTOR_LABELS,
    RiskColumns,
    RiskPolicy,
    after_inspection,
    score_many,
    violation_load_many,
)
from zhifa.jobs.services import job_submit
from zhifa.org.scope import scope_for
from zhifa.risk.models import RiskColourChange, RiskPolicyVersion, SubjectRisk
from zhifa.risk.policy import policy_from_data, risk_policy_current
from zhifa.risk.sources import last_inspections
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


def _columns(ids: list[int], today, policy: RiskPolicy) -> RiskColumns:
    """Factor arrays for the subjects `ids`, in that order, from their records: a handful of aggregate
    queries per batch whatever its size (the batch recompute and the one-subject assessment share it)."""
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    rows = {
        sid: (credit, industry, opened)
        for sid, credit, industry, opened in Subject.objects.filter(id__in=ids).values_list(
            "id", "credit_class", "industry_code", "opened_on"
        )
    }
    complaints = np.zeros(n, dtype=np.int64)
    since = timezone.now() - timedelta(days=365)
    # Only complaints from the public: an inspection's own 巡查发现 event is not one.
    for sid, k in (
        SubjectEvent.objects.filter(
            subject_id__in=ids, event__received_at__gte=since, event__channel__in=COMPLAINT_CHANNELS
        )
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
    # Months since the last finished inspection; never inspected stays NaN (the engine scores it at the cap).
    inspected = np.full(n, math.nan)
    for sid, last in last_inspections(ids).items():
        inspected[index[sid]] = max((today - last).days, 0) / DAYS_PER_MONTH
    opened = np.array([(today - rows[s][2]).days if rows[s][2] else math.nan for s in ids], dtype=float)
    return RiskColumns(
        credit=np.array([rows[s][0] or "" for s in ids]),
        complaints_12m=complaints,
        violation_load=violation_load_many(np.array(owner), np.array(severity), np.array(ago), n, policy),
        months_since_inspection=inspected,
        industry=np.array([rows[s][1] or "" for s in ids]),
        months_open=_months(opened),
        scenarios=scenarios,
    )


def _reasons(result, i: int) -> list[dict]:
    """Every line the page and the API list, so that the score shown is their sum: the policy's base points
    first, then each factor, then (only when the 0–100 clip bit) the points the clip took or gave. Lines are
    rounded to 0.1 by largest remainder, so the rounded lines add up to the rounded score exactly."""
    explained = result.result(i).reasons
    raw = [float(result.policy.intercept)] + [float(r.points) for r in explained]
    score = float(result.score[i])
    clip = score - sum(raw)
    if abs(clip) > 1e-9:
        raw.append(clip)
    tenths = [math.floor(v * 10 + 1e-9) for v in raw]
    short = round(round(score, 1) * 10) - sum(tenths)  # the score is stored rounded to 0.1
    by_remainder = sorted(range(len(raw)), key=lambda k: -(raw[k] * 10 - tenths[k]))
    for k in by_remainder[: max(short, 0)]:
        tenths[k] += 1
    lines = [
        {
            "factor": "base",
            "factor_label": "基础分",
            "label": "每户的起点分（现行策略）",
            "value": None,
            "points": tenths[0] / 10,
        }
    ]
    lines += [
        {
            "factor": r.factor,
            "factor_label": FACTOR_LABELS.get(r.factor, r.factor),
            "label": r.label,
            "value": r.value,
            "points": tenths[k + 1] / 10,
        }
        for k, r in enumerate(explained)
    ]
    if len(raw) > len(explained) + 1:
        lines.append(
            {
                "factor": "clip",
                "factor_label": "计分范围",
                "label": "风险分限定在 0–100 分",
                "value": None,
                "points": tenths[-1] / 10,
            }
        )
    return lines


def _itemised(reasons) -> bool:
    """Reasons written since the base points are listed (older rows are rewritten at the next recompute)."""
    return bool(reasons) and reasons[0].get("factor") == "base"


def _score_one(subject_id: int, policy: RiskPolicy) -> tuple[str, float, list[dict]]:
    result = score_many(_columns([subject_id], timezone.localdate(), policy), policy)
    return str(result.colours()[0]), round(float(result.score[0]), 1), _reasons(result, 0)


def risk_recompute_all(*, batch_size: int = 5000, by="risk_recompute", progress=None) -> RecomputeReport:
    """Score every subject in batches with the policy in force; write only colours and scores that changed,
    with a history row for each colour change; one audit record for the run. Safe to run again.
    `progress(done, total)` is told after each batch (the background job's progress bar)."""
    started = time.perf_counter()
    report = RecomputeReport(counts={"green": 0, "yellow": 0, "red": 0})
    now = timezone.now()
    today = timezone.localdate()
    policy = risk_policy_current()
    ids_all = list(Subject.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids_all), batch_size):
        ids = ids_all[start : start + batch_size]
        result = score_many(_columns(ids, today, policy), policy)
        colours = result.colours()
        current = {r.subject_id: r for r in SubjectRisk.objects.filter(subject_id__in=ids)}
        new, changed, history = [], [], []
        for i, sid in enumerate(ids):
            colour, score = str(colours[i]), round(float(result.score[i]), 1)
            report.counts[colour] += 1
            old = current.get(sid)
            if old is not None and old.colour == colour and old.score == score and _itemised(old.reasons):
                continue
            previous = old.colour if old is not None else ""
            reasons = _reasons(result, i)
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
        if progress is not None:
            progress(report.subjects, len(ids_all))
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


RECOMPUTE_JOB = "risk.recompute"


def risk_recompute_job(job, progress) -> dict:
    """The background job's body (started from the risk page, or nightly by beat through risk_recompute_all)."""
    report = risk_recompute_all(by=job.created_by or "risk_recompute", progress=progress)
    counts = report.counts or {}
    return {
        "summary": f"已重算 {report.subjects} 户，{report.changed} 户赋码或分值有变化；"
        f"红码 {counts.get('red', 0)}、黄码 {counts.get('yellow', 0)}、绿码 {counts.get('green', 0)} 户。",
        "subjects": report.subjects,
        "changed": report.changed,
        "counts": counts,
        "seconds": round(report.seconds, 1),
    }


def risk_recompute_submit(*, by):
    """全部重算 from the page: district command or admin only; the worker runs it, the page shows progress."""
    if not (
        getattr(by, "is_superuser", False) or getattr(by, "role", None) in (Role.ADMIN, Role.DISTRICT_COMMAND)
    ):
        raise PermissionError_("只有区协调指挥中心或系统管理员可以重算全部赋码")
    require_write(scope_for(by))
    with transaction.atomic():
        job = job_submit(kind=RECOMPUTE_JOB, by=by)
        audit_record(
            actor=by, action="risk.recompute_submit", obj=job, object_repr="三色赋码全部重算（后台）"
        )
    return job


def risk_assess(*, subject: Subject, by) -> SubjectRisk:
    """重新评定 — score one subject now from its records with the policy in force (the same features as the
    batch); a colour change is kept in the history; audited."""
    scope = scope_for(by)
    require_write(scope)
    if not scope.covers_path(subject.region_path):
        raise Http404("监管对象不存在或不在您的辖区内")
    policy = risk_policy_current()
    now = timezone.now()
    colour, score, reasons = _score_one(subject.pk, policy)
    with transaction.atomic():
        risk = SubjectRisk.objects.select_for_update().filter(subject_id=subject.pk).first()
        previous = risk.colour if risk is not None else ""
        before = {"colour": previous, "score": risk.score} if risk is not None else None
        if risk is None:
            risk = SubjectRisk.objects.create(
                subject_id=subject.pk, score=score, colour=colour, reasons=reasons, computed_at=now
            )
        else:
            risk.score, risk.colour, risk.reasons, risk.computed_at = score, colour, reasons, now
            risk.save(update_fields=["score", "colour", "reasons", "computed_at"])
        if previous != colour:
            RiskColourChange.objects.create(
                subject_id=subject.pk,
                from_colour=previous,
                to_colour=colour,
                score=score,
                reason="重新评定" if previous else "首次赋码",
                at=now,
            )
        audit_record(
            actor=by,
            action="risk.assess",
            obj=subject,
            before=before,
            after={
                "colour": colour,
                "score": score,
                "top": [r["label"] for r in reasons if r["points"] > 0 and r["factor"] in FACTOR_LABELS][:3],
            },
        )
    return risk


def colour_label(colour: str) -> str:
    return COLOUR_LABELS.get(colour, colour)


def risk_after_inspection(*, subject: Subject, severities: list[str], by) -> SubjectRisk:
    """An inspection's findings change the colour at once (严重 → red; 一般 → at least yellow; clean → one step
    down, not below the score's colour), and the score and its reasons are computed again from the records as
    they now stand (the inspection finished, its violations recorded), so the page is current after a finish.
    The colour is never below the new score's colour. Kept in the history and audited. Call it once the
    inspection is saved as finished. `severities`: codes of the violations found."""
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
    policy = risk_policy_current()
    with transaction.atomic():
        risk = SubjectRisk.objects.select_for_update().filter(subject=subject).first()
        if risk is None:
            raise Conflict("该对象尚未赋码，请先运行三色赋码计算")
        score_colour, score, reasons = _score_one(subject.pk, policy)
        change = after_inspection(
            risk.colour, [SEVERITY_LABELS[s] for s in severities], score_colour=score_colour
        )
        colour, reason = change.colour, change.reason
        if COLOURS.index(score_colour) > COLOURS.index(colour):
            colour, reason = (
                score_colour,
                f"{reason}；重新计算风险分 {score:g}，赋{COLOUR_LABELS[score_colour]}",
            )
        previous, before = risk.colour, {"colour": risk.colour, "score": risk.score}
        risk.colour, risk.score, risk.reasons, risk.computed_at = colour, score, reasons, now
        risk.save(update_fields=["colour", "score", "reasons", "computed_at"])
        if colour != previous:
            RiskColourChange.objects.create(
                subject=subject,
                from_colour=previous,
                to_colour=colour,
                score=score,
                reason=reason[:200],
                at=now,
            )
        audit_record(
            actor=by,
            action="risk.after_inspection",
            obj=subject,
            before=before,
            after={"colour": colour, "score": score, "reason": reason, "found": severities},
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
    return {
        "rows": sorted(table.items()),
        "totals": totals,
        "total": sum(totals.values()),
        "policy": frequency_texts(),
    }


def frequency_texts() -> list[dict]:
    """What each colour means for inspections under the current policy, in words."""
    current = risk_policy_current()
    out = []
    for colour in ("green", "yellow", "red"):
        f = current.frequency[colour]
        text = (
            "仅在有投诉、抽查等事由时检查（无事不扰）"
            if f.on_cause_only
            else f"每年例行检查 {f.per_year:g} 次"
        )
        if f.targeted:
            text += "，另加专项检查"
        out.append({"colour": colour, "label": COLOUR_LABELS[colour], "text": text})
    return out


# --- the policy: thresholds, weights, frequency per colour ------------------------------------------------

POLICY_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND)


def can_publish_policy(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return scope_for(user).can_write and (user.is_superuser or user.role in POLICY_ROLES)


def risk_policy_publish(*, data: dict, note: str, by) -> RiskPolicyVersion:
    """发布风险赋码策略 — a new version (defaults for what `data` leaves out) becomes the only active one.
    District command and admins only: the policy sets how often every subject of the district is visited.
    Colours follow at the next recompute or reassessment."""
    require_write(scope_for(by))
    if not (by.is_superuser or by.role in POLICY_ROLES):
        raise PermissionError_("只有区协调指挥中心和系统管理员可以修改风险赋码策略")
    note = (note or "").strip()
    errors = []
    if not note:
        errors.append({"field": "note", "message": "请填写修改说明（如：依据某文件调整阈值）"})
    elif len(note) > 200:
        errors.append({"field": "note", "message": "修改说明不能超过 200 个字符"})
    try:
        policy = policy_from_data(data)
    except ServiceError as exc:
        errors.extend(exc.errors)
    if errors:
        raise ServiceError(errors[0]["message"] if len(errors) == 1 else f"有 {len(errors)} 处错误", errors)
    with transaction.atomic():
        old = RiskPolicyVersion.objects.select_for_update().filter(active=True).first()
        if old is not None:
            old.active = False
            old.save(update_fields=["active"])
        try:
            with transaction.atomic():
                version = RiskPolicyVersion.objects.create(
                    data=policy.to_dict(),
                    note=note,
                    created_by=by if getattr(by, "pk", None) else None,
                    created_at=timezone.now(),
                    active=True,
                )
        except IntegrityError:
            # Another first version was published at the same moment (no active row to lock before it).
            raise Conflict("风险赋码策略刚被他人发布，请刷新后重试") from None
        audit_record(
            actor=by,
            action="risk.policy_publish",
            obj=version,
            before=_policy_summary(old.data) if old is not None else None,
            after={**_policy_summary(version.data), "note": note},
        )
    return version


def _policy_summary(data: dict) -> dict:
    """What people change, for the audit record (the industry table is left out: hundreds of codes)."""
    return {k: v for k, v in data.items() if k != "industry_levels"}


def risk_policy_versions() -> list[RiskPolicyVersion]:
    return list(RiskPolicyVersion.objects.select_related("created_by").order_by("-created_at", "-id"))
