"""Writes of oversight: the scan that turns the models' findings into warnings (idempotent: a standing problem
is one warning, a fixed one closes itself), a model's parameters, and the handling of a warning —
assign → answer (explain or rectify, with an attachment) → verify → closed, or closed by oversight directly."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.dispatch.coordination.services import evidence_file_check
from zhifa.engine.oversight import Finding, Standing, keys_of, reconcile
from zhifa.org.models import Unit
from zhifa.org.scope import scope_for
from zhifa.oversight.choices import OPEN_STATES, AlertState, StepAction
from zhifa.oversight.models import Alert, AlertRule, AlertStep, ScanRun
from zhifa.oversight.rules import MODELS, MODELS_BY_CODE, merged_params
from zhifa.oversight.scan_db import insert_rows, scan_settings

OVERSIGHT_ROLES = (Role.OVERSIGHT, Role.ADMIN)
# Who answers for a unit's warning besides the unit's own people: the command room of the subdistrict it is in.
ANSWER_ROLES = (Role.SUBDISTRICT_COMMAND, Role.DEPARTMENT, Role.DISTRICT_COMMAND, Role.OFFICER, Role.ADMIN)
MAX_TEXT = 2000
MAX_DUE_DAYS = 180
# What the assign form offers until oversight picks another day: ten days to explain or rectify.
DEFAULT_DUE_DAYS = 10
BULK = 1000


def _fail(field: str, message: str, cls=ServiceError):
    raise cls(message, [{"field": field, "message": message}])


def is_oversight(user) -> bool:
    return bool(user.is_superuser or user.role in OVERSIGHT_ROLES)


def can_answer(user, alert: Alert) -> bool:
    """The responsible unit's people, or the command room of the subdistrict where the problem is."""
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role not in ANSWER_ROLES or alert.unit_id is None:
        return False
    if user.unit_id == alert.unit_id:
        return True
    scope = scope_for(user)
    return (
        user.role == Role.SUBDISTRICT_COMMAND
        and not scope.district_wide
        and scope.covers_path(alert.region_path)
    )


def _require_oversight(by) -> None:
    if not is_oversight(by):
        raise PermissionError_("只有执法监督人员可以办理此操作")


def _text(value, field: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and len(value) < 2:
        _fail(field, f"请填写{label}")
    if len(value) > MAX_TEXT:
        _fail(field, f"{label}不能超过 {MAX_TEXT} 字")
    return value


def default_due_on(today: date | None = None) -> date:
    """The 整改期限 the assign form starts from (the service still takes whatever valid day is sent)."""
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_DUE_DAYS)


def _due(value, *, today: date) -> date:
    if not isinstance(value, date):
        _fail("due_on", "请填写整改期限（年-月-日）")
    if value < today:
        _fail("due_on", "整改期限不能早于今天")
    if value > today + timedelta(days=MAX_DUE_DAYS):
        _fail("due_on", f"整改期限不能超过 {MAX_DUE_DAYS} 天")
    return value


# --- models and their parameters ---------------------------------------------------------------------------


def rules_sync() -> dict[str, AlertRule]:
    """The stored row of every model (made with its defaults the first time it is needed)."""
    rows = {r.code: r for r in AlertRule.objects.all()}
    missing = [AlertRule(code=m.code, name=m.name, params=m.defaults()) for m in MODELS if m.code not in rows]
    if missing:
        AlertRule.objects.bulk_create(missing, ignore_conflicts=True)
        rows = {r.code: r for r in AlertRule.objects.all()}
    return rows


def alert_rule_update(
    *, rule: AlertRule, params: dict, active: bool, by, version: int | None = None
) -> AlertRule:
    """A district tunes a model: every parameter checked against its bounds; each change is a new version."""
    if not (by.is_superuser or by.role in (Role.OVERSIGHT, Role.ADMIN, Role.DISTRICT_COMMAND)):
        raise PermissionError_("只有执法监督人员、区指挥中心或管理员可以调整预警模型")
    model = MODELS_BY_CODE.get(rule.code)
    if model is None:
        _fail("rule", "未知的预警模型")
    errors, clean = [], {}
    unknown = sorted(set(params or {}) - set(model.params))
    if unknown:
        errors.append({"field": unknown[0], "message": f"模型没有参数：{'、'.join(unknown)}"})
    for name, p in model.params.items():
        value = (params or {}).get(name, rule.params.get(name, p.default))
        try:
            clean[name] = p.clean(value)
        except ValueError as exc:
            errors.append({"field": name, "message": str(exc)})
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors)
    with transaction.atomic():
        current = AlertRule.objects.select_for_update().get(pk=rule.pk)
        if version is not None and current.version != version:
            _fail("version", "该模型已被他人修改，请刷新后重试", Conflict)
        if clean == merged_params(model, current.params) and bool(active) == current.active:
            return current
        before = {"params": current.params, "active": current.active, "version": current.version}
        current.params, current.active = clean, bool(active)
        current.version += 1
        current.updated_at, current.updated_by = timezone.now(), by
        current.save(update_fields=["params", "active", "version", "updated_at", "updated_by"])
        audit_record(
            actor=by,
            action="oversight.alert_rule_update",
            obj=current,
            before=before,
            after={"params": clean, "active": current.active, "version": current.version},
        )
    return current


# --- the scan ----------------------------------------------------------------------------------------------


def _alert_fields(f: Finding, fingerprint: str | None = None) -> dict:
    return {
        "title": f.title[:200],
        "detail": f.detail,
        "severity": f.severity,
        "unit_id": f.unit_id,
        "region_path": f.region_path or "",
        "records": [{"type": r.type, "id": r.id, "label": r.label} for r in f.records],
        "fingerprint": fingerprint or f.fingerprint(),
    }


def _scan_rule(rule: AlertRule, *, today: date, now, by) -> dict:
    model = MODELS_BY_CODE[rule.code]
    found = keys_of(model.find(merged_params(model, rule.params), today))
    prints = {key: f.fingerprint() for key, f in found.items()}
    with transaction.atomic():
        # One scan of a model at a time: a second one waits here and then sees the first one's warnings.
        AlertRule.objects.select_for_update().filter(pk=rule.pk).first()
        standing = {
            key: Standing(state, fp)
            for key, state, fp in Alert.objects.filter(rule=rule).values_list("key", "state", "fingerprint")
        }
        plan = reconcile(standing, prints)
        steps: list[AlertStep] = []
        if plan.create:
            fields = {"rule_id": rule.pk, "rule_version": rule.version, "opened_at": now, "last_seen_at": now}
            new = [
                {**fields, "key": key, "state": AlertState.NEW, **_alert_fields(found[key], prints[key])}
                for key in plan.create
            ]
            ids = insert_rows(Alert, new)
            by_id = getattr(by, "pk", None)
            opened = {"at": now, "by_id": by_id, "action": StepAction.OPEN, "to_state": AlertState.NEW}
            insert_rows(AlertStep, [{**opened, "alert_id": pk} for pk in ids])
        changed = plan.update + plan.reopen
        if changed:
            rows = {a.key: a for a in Alert.objects.filter(rule=rule, key__in=changed)}
            for key in changed:
                a = rows[key]
                for name, value in _alert_fields(found[key], prints[key]).items():
                    setattr(a, name, value)
                a.rule_version, a.last_seen_at, a.version = rule.version, now, a.version + 1
                if key in plan.reopen:
                    steps.append(
                        AlertStep(
                            alert=a,
                            at=now,
                            by=by,
                            action=StepAction.REOPEN,
                            from_state=a.state,
                            to_state=AlertState.NEW,
                            note=a.title,
                        )  # fmt: skip
                    )
                    a.state, a.resolved_at, a.resolution = AlertState.NEW, None, ""
                else:
                    steps.append(
                        AlertStep(
                            alert=a,
                            at=now,
                            by=by,
                            action=StepAction.UPDATE,
                            from_state=a.state,
                            to_state=a.state,
                            note=a.title,
                        )  # fmt: skip
                    )
            Alert.objects.bulk_update(
                rows.values(),
                [
                    *_alert_fields(found[changed[0]]).keys(),
                    "rule_version",
                    "last_seen_at",
                    "version",
                    "state",
                    "resolved_at",
                    "resolution",
                ],  # fmt: skip
                batch_size=BULK,
            )
        if plan.resolve:
            rows = list(Alert.objects.filter(rule=rule, key__in=plan.resolve))
            for a in rows:
                evidence = f"{now:%Y-%m-%d %H:%M} 扫描（模型 v{rule.version}）时关联记录已不再符合「{rule.name}」的条件。"
                steps.append(
                    AlertStep(
                        alert=a,
                        at=now,
                        by=by,
                        action=StepAction.RESOLVE,
                        from_state=a.state,
                        to_state=AlertState.RESOLVED,
                        note=evidence,
                    )  # fmt: skip
                )
                a.state, a.resolved_at, a.resolution = AlertState.RESOLVED, now, evidence
                a.last_seen_at, a.version = now, a.version + 1
            Alert.objects.bulk_update(
                rows, ["state", "resolved_at", "resolution", "last_seen_at", "version"], batch_size=BULK
            )
        if steps:
            AlertStep.objects.bulk_create(steps, batch_size=BULK)
        counts = {
            "found": len(found),
            "created": len(plan.create),
            "updated": len(plan.update),
            "reopened": len(plan.reopen),
            "resolved": len(plan.resolve),
        }
        if any(counts[k] for k in ("created", "updated", "reopened", "resolved")):
            audit_record(
                actor=by or "system",
                action="oversight.scan",
                object_type="oversight.alertrule",
                object_id=str(rule.pk),
                object_repr=f"预警扫描：{rule.name}",
                after={
                    **counts,
                    "version": rule.version,
                    "created_keys": plan.create[:50],
                    "resolved_keys": plan.resolve[:50],
                },  # fmt: skip
            )
    return counts


def oversight_scan(
    *, by=None, codes: list[str] | None = None, today: date | None = None, progress=None
) -> ScanRun:
    """Run the active models over the records and bring the warnings in line (see engine.oversight.reconcile).

    Plain and re-runnable: from `manage.py oversight_scan`, a scheduler, or oversight's page (`by` = the user;
    None = scheduled). Each model commits on its own, so one model's failure leaves the others' work.
    `progress(done, total)` hears after each model (the background job's progress bar)."""
    if by is not None:
        _require_oversight(by)
    started = time.perf_counter()
    now = timezone.now()
    today = today or timezone.localdate()
    rules = rules_sync()
    if codes:
        unknown = [c for c in codes if c not in rules]
        if unknown:
            _fail("codes", f"未知的预警模型：{'、'.join(unknown)}")
    run = ScanRun.objects.create(started_at=now, by=by)
    per_rule = {}
    todo = [m for m in MODELS if rules[m.code].active and not (codes and m.code not in codes)]
    with scan_settings():
        for done, model in enumerate(todo):
            if progress is not None:
                progress(done, len(todo))
            t0 = time.perf_counter()
            counts = _scan_rule(rules[model.code], today=today, now=now, by=by)
            per_rule[model.code] = {**counts, "seconds": round(time.perf_counter() - t0, 3)}
    for field in ("created", "updated", "reopened", "resolved"):
        setattr(run, field, sum(c[field] for c in per_rule.values()))
    run.per_rule = per_rule
    run.finished_at = timezone.now()
    run.seconds = round(time.perf_counter() - started, 3)
    run.save()
    return run


# --- handling a warning ------------------------------------------------------------------------------------


def _locked(alert: Alert, version: int | None) -> Alert:
    current = Alert.objects.select_for_update().get(pk=alert.pk)
    if version is not None and current.version != version:
        _fail("version", "该预警已被他人处理，请刷新后重试", Conflict)
    return current


def _step(
    alert: Alert, *, by, action: str, from_state: str, note: str = "", due_on=None, **extra
) -> AlertStep:
    step = AlertStep(
        alert=alert,
        at=timezone.now(),
        by=by,
        unit_id=getattr(by, "unit_id", None),
        action=action,
        from_state=from_state,
        to_state=alert.state,
        note=note,
        due_on=due_on,
        **extra,
    )
    step.save()
    return step


def _save(alert: Alert, fields: list[str]) -> None:
    alert.version += 1
    alert.save(update_fields=[*fields, "version"])


def alert_assign(*, alert: Alert, unit: Unit | None, due_on: date, note: str = "", by, version=None) -> Alert:
    """下发 — oversight sends a warning to the unit that answers for it, with a due date (or moves it to
    another unit, or gives a new date, while it is unanswered)."""
    _require_oversight(by)
    today = timezone.localdate()
    due_on = _due(due_on, today=today)
    note = _text(note, "note", "下发说明", required=False)
    with transaction.atomic():
        current = _locked(alert, version)
        unit = unit or current.unit
        if unit is None:
            _fail("unit", "请选择责任单位")
        if not unit.active:
            _fail("unit", "该单位已停用，请选择其他责任单位")
        if current.state not in (AlertState.NEW, AlertState.ASSIGNED):
            _fail("state", f"预警当前为「{current.get_state_display()}」，不能下发", Conflict)
        before = {"state": current.state, "unit": current.unit_id, "due_on": current.due_on}
        from_state = current.state
        current.state, current.unit, current.due_on = AlertState.ASSIGNED, unit, due_on
        current.assigned_at = timezone.now()
        _save(current, ["state", "unit", "due_on", "assigned_at"])
        _step(current, by=by, action=StepAction.ASSIGN, from_state=from_state,
              note=f"下发至 {unit.name}，期限 {due_on:%Y-%m-%d}" + (f"。{note}" if note else ""), due_on=due_on)  # fmt: skip
        audit_record(actor=by, action="oversight.alert_assign", obj=current, before=before,
                     after={"state": current.state, "unit": unit.pk, "due_on": due_on})  # fmt: skip
    return current


def alert_answer(*, alert: Alert, text: str, file=None, by, version=None) -> Alert:
    """说明或整改 — the responsible unit explains or reports what it rectified, optionally with a file (image
    or PDF). An answer after the due date is accepted and recorded as late."""
    if not can_answer(by, alert):
        raise PermissionError_("只有责任单位或所在街道指挥室可以答复此预警")
    text = _text(text, "text", "说明或整改情况")
    attachment = None
    if file is not None:
        _type, ext, digest, _size = evidence_file_check(file)
        file.seek(0)
        attachment = (
            ContentFile(file.read(), name=f"answer{ext}"),
            (getattr(file, "name", "") or "附件")[:200],
            digest,
        )
    with transaction.atomic():
        current = _locked(alert, version)
        if current.state != AlertState.ASSIGNED:
            _fail("state", f"预警当前为「{current.get_state_display()}」，不能答复", Conflict)
        late = current.due_on is not None and timezone.localdate() > current.due_on
        from_state = current.state
        current.state, current.answer, current.answered_at = AlertState.ANSWERED, text, timezone.now()
        _save(current, ["state", "answer", "answered_at"])
        extra = {}
        if attachment is not None:
            extra = {"attachment_name": attachment[1], "attachment_sha256": attachment[2]}
        step = AlertStep(
            alert=current, at=timezone.now(), by=by, unit_id=by.unit_id, action=StepAction.ANSWER,
            from_state=from_state, to_state=current.state,
            note=(f"（逾期 {(timezone.localdate() - current.due_on).days} 天答复）" if late else "") + text, **extra,
        )  # fmt: skip
        if attachment is not None:
            step.attachment.save(attachment[0].name, attachment[0], save=False)
        step.save()
        audit_record(actor=by, action="oversight.alert_answer", obj=current,
                     after={"state": current.state, "late": late, "attachment": extra.get("attachment_sha256", "")})  # fmt: skip
    return current


def alert_verify(
    *, alert: Alert, passed: bool, note: str, due_on: date | None = None, by, version=None
) -> Alert:
    """核查 — oversight checks the answer: accepted closes the warning; refused sends it back with a new due date."""
    _require_oversight(by)
    note = _text(note, "note", "核查意见")
    if not passed:
        due_on = _due(due_on, today=timezone.localdate())
    with transaction.atomic():
        current = _locked(alert, version)
        if current.state != AlertState.ANSWERED:
            _fail("state", f"预警当前为「{current.get_state_display()}」，没有待核查的答复", Conflict)
        from_state = current.state
        if passed:
            current.state, current.closed_at = AlertState.CLOSED, timezone.now()
            _save(current, ["state", "closed_at"])
            _step(current, by=by, action=StepAction.VERIFY_PASS, from_state=from_state, note=note)
        else:
            current.state, current.due_on, current.assigned_at = AlertState.ASSIGNED, due_on, timezone.now()
            _save(current, ["state", "due_on", "assigned_at"])
            _step(
                current, by=by, action=StepAction.VERIFY_FAIL, from_state=from_state, note=note, due_on=due_on
            )
        audit_record(actor=by, action="oversight.alert_verify", obj=current,
                     after={"passed": passed, "state": current.state, "note": note})  # fmt: skip
    return current


def alert_close(*, alert: Alert, note: str, by, version=None) -> Alert:
    """办结 — oversight closes a warning that needs no answer (a false alarm, or handled elsewhere), with why."""
    _require_oversight(by)
    note = _text(note, "note", "办结理由")
    with transaction.atomic():
        current = _locked(alert, version)
        if current.state not in OPEN_STATES:
            _fail("state", f"预警当前为「{current.get_state_display()}」，已无需办结", Conflict)
        from_state = current.state
        current.state, current.closed_at = AlertState.CLOSED, timezone.now()
        _save(current, ["state", "closed_at"])
        _step(current, by=by, action=StepAction.CLOSE, from_state=from_state, note=note)
        audit_record(actor=by, action="oversight.alert_close", obj=current, after={"note": note})
    return current


def unit_for_assign(pk) -> Unit:
    try:
        return Unit.objects.get(pk=int(pk), active=True)
    except (TypeError, ValueError, Unit.DoesNotExist):
        raise Http404("单位不存在") from None
