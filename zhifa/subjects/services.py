"""Writes on regulated subjects: create, update, import a file, record a violation, link an event. Each one
checks jurisdiction, runs in a transaction and leaves an audit record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, ServiceError, require_write
from zhifa.core.snapshot import snapshot
from zhifa.org.scope import scope_for
from zhifa.subjects.choices import Severity
from zhifa.subjects.importing import HEADERS, Lookups, clean_values, parse_file
from zhifa.subjects.models import Subject, SubjectEvent, Violation

EDITABLE = (
    "uscc",
    "name",
    "kind",
    "industry",
    "address",
    "lng",
    "lat",
    "subdistrict",
    "building",
    "opened_on",
    "credit_class",
    "status",
    "scenarios",
)


def _user_or_none(by):
    return by if getattr(by, "pk", None) else None


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "|".join(str(v) for v in value)
    return str(value).strip()


def _raise_field_errors(errors: list[tuple[str, str]]) -> None:
    if errors:
        details = [{"field": key, "message": message} for key, message in errors]
        raise ServiceError(errors[0][1] if len(errors) == 1 else f"有 {len(errors)} 处错误", errors=details)


def _uscc_taken(code: str, exclude_pk: int | None = None) -> bool:
    qs = Subject.objects.filter(uscc=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return bool(code) and qs.exists()


def _snapshot(subject: Subject) -> dict:
    return snapshot(subject)


def subject_create(*, by, name: str, kind: str, industry: str, uscc: str = "", **extra) -> Subject:
    """Register one subject; the place comes from coordinates, building, address or the named subdistrict."""
    scope = scope_for(by)
    require_write(scope)
    unknown = set(extra) - set(EDITABLE)
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    values = {"name": name, "kind": kind, "industry": industry, "uscc": uscc, **extra}
    row = clean_values({k: _as_text(v) for k, v in values.items()}, lookups=Lookups.load(), scope=scope)
    _raise_field_errors(row.errors)
    with transaction.atomic():
        if _uscc_taken(row.data["uscc"]):
            message = f"统一社会信用代码“{row.data['uscc']}”已登记"
            raise Conflict(message, errors=[{"field": "uscc", "message": message}])
        try:
            with transaction.atomic():
                subject = Subject.objects.create(**row.data)
        except IntegrityError:
            message = f"统一社会信用代码“{row.data['uscc']}”已登记"
            raise Conflict(message, errors=[{"field": "uscc", "message": message}]) from None
        subject.scenarios.set(row.scenario_ids)
        audit_record(actor=by, action="subject.create", obj=subject, after=_snapshot(subject))
    return subject


def _current_values(subject: Subject) -> dict:
    return {
        "uscc": subject.uscc,
        "name": subject.name,
        "kind": subject.kind,
        "industry": subject.industry_code,
        "address": subject.address,
        "lng": subject.lng,
        "lat": subject.lat,
        "subdistrict": subject.subdistrict.code,
        "building": subject.building.code if subject.building_id else "",
        "opened_on": subject.opened_on,
        "credit_class": subject.credit_class,
        "status": subject.status,
        "scenarios": sorted(subject.scenarios.values_list("code", flat=True)),
    }


def subject_update(*, subject: Subject, by, version: int | None = None, **changes) -> Subject:
    """Change fields of a subject; with `version`, refuse if someone else saved it in between (409)."""
    scope = scope_for(by)
    require_write(scope)
    if not scope.covers_path(subject.region_path):
        raise Http404("记录不存在或不在您的辖区内")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        current = (
            Subject.objects.select_for_update(of=("self",))
            .select_related("subdistrict", "building")
            .get(pk=subject.pk)
        )
        if version is not None and current.version != version:
            raise Conflict("该对象已被他人修改，请刷新后重试")
        values = _current_values(current)
        if ("lng" in changes or "lat" in changes or "building" in changes or "address" in changes) and (
            "subdistrict" not in changes
        ):
            values["subdistrict"] = ""  # the new place decides the subdistrict
        if "building" in changes and "lng" not in changes:
            values["lng"] = values["lat"] = None
        values.update(changes)
        row = clean_values({k: _as_text(v) for k, v in values.items()}, lookups=Lookups.load(), scope=scope)
        _raise_field_errors(row.errors)
        if _uscc_taken(row.data["uscc"], exclude_pk=current.pk):
            message = f"统一社会信用代码“{row.data['uscc']}”已登记"
            raise Conflict(message, errors=[{"field": "uscc", "message": message}])
        before = _snapshot(current)
        for key, value in row.data.items():
            setattr(current, key, value)
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        current.scenarios.set(row.scenario_ids)
        audit_record(actor=by, action="subject.update", obj=current, before=before, after=_snapshot(current))
    return current


@dataclass
class ImportResult:
    created: int
    filename: str


def _existing_uscc(codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 900):  # under SQLite's variable limit on old builds
        chunk = codes[start : start + 900]
        found.update(Subject.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    return found


def subject_import(*, content: bytes, filename: str, by) -> ImportResult:
    """Import subjects from an xlsx or csv file: every row valid or nothing is imported."""
    scope = scope_for(by)
    require_write(scope)
    parsed = parse_file(
        content=content,
        filename=filename,
        lookups=Lookups.load(),
        scope=scope,
        existing_uscc=_existing_uscc,
    )
    with transaction.atomic():
        subjects = [Subject(**row.data) for _, row in parsed.rows]
        try:
            with transaction.atomic():
                Subject.objects.bulk_create(subjects, batch_size=500)
        except IntegrityError:
            # Another import registered one of these codes after the check above.
            raise Conflict("导入失败：文件中有统一社会信用代码刚被他人登记，请重新导入") from None
        if any(s.pk is None for s in subjects):  # backends that do not return keys from bulk inserts
            by_uscc = dict(
                Subject.objects.filter(uscc__in=[s.uscc for s in subjects]).values_list("uscc", "pk")
            )
            for s in subjects:
                s.pk = by_uscc.get(s.uscc)
        through = Subject.scenarios.through
        through.objects.bulk_create(
            [
                through(subject_id=s.pk, scenario_id=sid)
                for s, (_, row) in zip(subjects, parsed.rows, strict=True)
                for sid in row.scenario_ids
            ],
            batch_size=1000,
        )
        ids = [s.pk for s in subjects]
        audit_record(
            actor=by,
            action="subject.import",
            object_type="subjects.subject",
            object_id=f"{min(ids)}-{max(ids)}",
            object_repr=f"导入监管对象 {len(subjects)} 个（{filename}）"[:200],
            after={
                "filename": filename,
                "count": len(subjects),
                "ids": ids,
                "columns": list(HEADERS.values()),
            },
        )
    return ImportResult(created=len(subjects), filename=filename)


def violation_record(
    *, subject: Subject, item, found_on: date, severity: str, source: str, by, event=None
) -> Violation:
    """Record a violation found at a subject (from an inspection, a complaint check or a case)."""
    scope = scope_for(by)
    require_write(scope)
    if not scope.covers_path(subject.region_path):
        raise Http404("记录不存在或不在您的辖区内")
    errors = []
    if severity not in Severity.values:
        errors.append({"field": "severity", "message": f"情节应为{'、'.join(Severity.labels)}之一"})
    source = (source or "").strip()
    if not source:
        errors.append({"field": "source", "message": "请填写来源（如：日常检查、投诉核查）"})
    elif len(source) > 200:
        errors.append({"field": "source", "message": "来源不能超过 200 个字符"})
    if found_on is None or found_on > timezone.localdate():
        errors.append({"field": "found_on", "message": "发现日期不能为空，也不能晚于今天"})
    if errors:
        raise ServiceError(errors[0]["message"], errors=errors)
    with transaction.atomic():
        violation = Violation.objects.create(
            subject=subject,
            item=item,
            found_on=found_on,
            severity=severity,
            source=source,
            event=event,
            recorded_by=_user_or_none(by),
        )
        audit_record(
            actor=by,
            action="subject.violation_record",
            obj=violation,
            after={
                "subject": subject.pk,
                "item": item.code,
                "found_on": found_on,
                "severity": severity,
                "source": source,
                "event": event.pk if event else None,
            },
        )
    return violation


def subject_link_event(*, subject: Subject, event, by) -> SubjectEvent:
    """Record that a complaint or report (an Event) concerns this subject; linking twice is refused."""
    scope = scope_for(by)
    require_write(scope)
    if not scope.covers_path(subject.region_path):
        raise Http404("记录不存在或不在您的辖区内")
    from zhifa.dispatch.events.selectors import event_list_for_user

    if not event_list_for_user(user=by).filter(pk=event.pk).exists():
        raise Http404("事件不存在或不在您的辖区内")
    with transaction.atomic():
        if SubjectEvent.objects.filter(subject=subject, event=event).exists():
            raise Conflict(f"事件 {event.receipt_no} 已关联到该对象")
        link = SubjectEvent.objects.create(subject=subject, event=event, linked_by=_user_or_none(by))
        audit_record(
            actor=by,
            action="subject.link_event",
            obj=subject,
            after={"event": event.pk, "receipt_no": event.receipt_no},
        )
    return link
