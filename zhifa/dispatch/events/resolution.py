"""The 721 mode of a resolved event after the fact: what a case opened from it came to (cases call this)."""

from django.db import transaction
from django.db.models import F

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, ServiceError
from zhifa.dispatch.choices import EventStatus, ResolutionMode
from zhifa.dispatch.events.services import acting_unit
from zhifa.dispatch.models import Event

RESOLVED = (EventStatus.RESOLVED, EventStatus.ANSWERED, EventStatus.CLOSED)


def event_resolution_mode_set(*, event: Event, mode: str, reason: str, by) -> Event:
    """处置方式调整 — a resolved event's mode follows what later became of it (a case opened from it ended
    without a penalty: management, not enforcement). The unit working the event sets it, with a reason."""
    if mode not in ResolutionMode.values:
        raise ServiceError(
            "请选择处置方式（服务、管理或执法）", [{"field": "mode", "message": "处置方式无效"}]
        )
    if not (reason or "").strip():
        raise ServiceError("请填写调整理由", [{"field": "reason", "message": "调整理由不能为空"}])
    acting_unit(event, by)
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.status not in RESOLVED:
            raise Conflict("事件尚未处置，不能调整处置方式")
        if current.resolution_mode != mode:
            Event.objects.filter(pk=current.pk).update(resolution_mode=mode, version=F("version") + 1)
            audit_record(
                actor=by,
                action="dispatch.event_resolution_mode_set",
                obj=current,
                before={"resolution_mode": current.resolution_mode},
                after={"resolution_mode": mode, "reason": reason.strip()},
            )
    event.refresh_from_db()
    return event
