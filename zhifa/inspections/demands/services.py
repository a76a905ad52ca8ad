"""部门检查需求 — a district department asks for a subject to be checked in its domain within a window.

The request joins the subject's demands (zhifa.inspections.demands.selectors) and so the next 综合查一次 plan of its
subdistrict, which marks it planned; the visit's record marks it done. Who files: a department's liaison for
the department's own domain, the district command centre or an admin for any domain. Who sees: departments
their own unit's requests, district-wide roles all of them, a subdistrict the requests about its subjects.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.inspections.choices import RequestStatus
from zhifa.inspections.models import InspectionRequest
from zhifa.org.models import Domain
from zhifa.org.scope import scope_for
from zhifa.subjects.choices import SubjectStatus
from zhifa.subjects.models import Subject

ANY_DOMAIN_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND)
MAX_WINDOW_DAYS = 366


def can_request(user) -> bool:
    if not scope_for(user).can_write or user.unit_id is None:
        return False
    return (
        user.is_superuser
        or user.role in ANY_DOMAIN_ROLES
        or (user.role == Role.DEPARTMENT and user.unit.domain_id is not None)
    )


def request_domains(user) -> list[Domain]:
    """The domains `user` may file requests in: the department's own, or all for the district."""
    if not can_request(user):
        return []
    if user.is_superuser or user.role in ANY_DOMAIN_ROLES:
        return list(Domain.objects.order_by("sort", "code"))
    return [user.unit.domain]


def _fail(errors: list[dict]) -> None:
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors)


def _as_date(value, field: str, label: str, errors: list[dict]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.append({"field": field, "message": f"{label}格式应为 YYYY-MM-DD"})
        return None


def inspection_request_create(
    *, subject, domain, due_from, due_to, reason: str, items=(), by, today: date | None = None
) -> InspectionRequest:
    """提出检查需求 — validated as a whole (every problem in one answer); nothing is written on an error."""
    scope = scope_for(by)
    require_write(scope)
    if not can_request(by):
        raise PermissionError_("只有区级部门和区协调指挥中心可以提出检查需求")
    today = today or timezone.localdate()
    errors: list[dict] = []
    if not isinstance(subject, Subject):
        subject = Subject.objects.filter(pk=subject).first() if str(subject).isdigit() else None
    if subject is None or not scope.covers_path(subject.region_path):
        raise Http404("监管对象不存在或不在您的辖区内")
    if subject.status != SubjectStatus.ACTIVE:
        errors.append(
            {"field": "subject", "message": f"该对象状态为“{subject.get_status_display()}”，不能安排检查"}
        )
    code = domain.code if isinstance(domain, Domain) else str(domain or "").strip()
    allowed = {d.code: d for d in request_domains(by)}
    if code not in allowed:
        message = "请选择检查领域" if not code else f"不能提出“{code}”领域的检查需求（只能是本部门的领域）"
        errors.append({"field": "domain", "message": message})
    start = _as_date(due_from, "due_from", "最早检查日期", errors)
    end = _as_date(due_to, "due_to", "最迟检查日期", errors)
    if start and end:
        if end < start:
            errors.append({"field": "due_to", "message": "最迟检查日期不能早于最早检查日期"})
        elif end < today:
            errors.append({"field": "due_to", "message": "最迟检查日期已过"})
        elif (end - start).days >= MAX_WINDOW_DAYS:
            errors.append({"field": "due_to", "message": "检查时限最长一年"})
    reason = (reason or "").strip()
    if not reason:
        errors.append({"field": "reason", "message": "请填写检查事由"})
    elif len(reason) > 200:
        errors.append({"field": "reason", "message": "检查事由不能超过 200 字"})
    codes = sorted({str(c).strip().upper() for c in (items or ()) if str(c).strip()})
    found = {
        i.code: i
        for i in EnforcementItem.objects.filter(code__in=codes, status=ItemStatus.ACTIVE).select_related(
            "domain"
        )
    }
    for c in codes:
        if c not in found:
            errors.append({"field": "items", "message": f"执法事项 {c} 不存在或已废止"})
        elif code in allowed and found[c].domain.code != code:
            errors.append({"field": "items", "message": f"执法事项 {c} 不属于所选领域"})
    _fail(errors)
    with transaction.atomic():
        # The subject row orders concurrent requests about it: the duplicate check below then sees the other.
        Subject.objects.select_for_update().filter(pk=subject.pk).first()
        twin = InspectionRequest.objects.filter(
            unit_id=by.unit_id,
            subject=subject,
            domain__code=code,
            status__in=(RequestStatus.OPEN, RequestStatus.PLANNED),
            due_from__lte=end,
            due_to__gte=start,
        ).first()
        if twin is not None:
            raise Conflict(
                f"本单位已对该对象提出时限重叠的检查需求（{twin.due_from:%Y-%m-%d} 至 {twin.due_to:%Y-%m-%d}）"
            )
        made = InspectionRequest.objects.create(
            unit_id=by.unit_id,
            domain=allowed[code],
            subject=subject,
            due_from=start,
            due_to=end,
            reason=reason,
            status=RequestStatus.OPEN,
            region_path=subject.region_path,
            created_by=by,
            created_at=timezone.now(),
        )
        made.items.set(found.values())
        audit_record(
            actor=by,
            action="inspections.request_create",
            obj=made,
            after={"subject": subject.pk, "domain": code, "window": [str(start), str(end)], "items": codes},
        )
    return made


def inspection_request_cancel(*, request: InspectionRequest, reason: str, by) -> InspectionRequest:
    """撤销 — only an open request, by its own unit or the district command centre."""
    scope = scope_for(by)
    require_write(scope)
    if not (by.is_superuser or by.role in ANY_DOMAIN_ROLES or by.unit_id == request.unit_id):
        raise PermissionError_("只有提出单位或区协调指挥中心可以撤销检查需求")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写撤销理由", [{"field": "reason", "message": "请填写撤销理由"}])
    with transaction.atomic():
        changed = InspectionRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
            status=RequestStatus.CANCELLED
        )
        if not changed:
            current = InspectionRequest.objects.get(pk=request.pk)
            if current.status == RequestStatus.PLANNED:
                raise Conflict("该需求已排入综合查一次计划，请联系街道调整计划后再撤销")
            raise Conflict(f"该需求{current.get_status_display()}，不能撤销")
        audit_record(
            actor=by,
            action="inspections.request_cancel",
            obj=request,
            before={"status": RequestStatus.OPEN},
            after={"status": RequestStatus.CANCELLED, "reason": reason[:200]},
        )
    request.refresh_from_db()
    return request
