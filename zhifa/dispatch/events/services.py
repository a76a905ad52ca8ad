"""Command-centre actions on an event after intake (intake.py): the workflow, dispatch, corrections, merging,
rating, and Open311 keys. One function per action."""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.accounts.models import token_digest
from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.dispatch.choices import EventStatus, ResolutionMode, UnitRole
from zhifa.dispatch.directory import items_by_code
from zhifa.dispatch.events.intake import _apply_route, _history, _primary_items
from zhifa.dispatch.models import Event, EventItem, EventUnit, Open311ApiKey
from zhifa.dispatch.places import place_resolve
from zhifa.org.choices import UnitKind
from zhifa.org.models import Unit
from zhifa.org.scope import scope_for

# --- workflow ------------------------------------------------------------------------------------------


def acting_unit(event: Event, by) -> Unit | None:
    """The unit `by` acts for on this event, or PermissionError_ when `by` may not act on it."""
    scope = scope_for(by)
    if not scope.can_write:
        raise PermissionError_("您的角色为只读，不能处理事件")
    if by.is_superuser or by.role in (Role.ADMIN, Role.DISTRICT_COMMAND):
        return by.unit
    unit_ids = set(EventUnit.objects.filter(event=event, active=True).values_list("unit_id", flat=True))
    if by.unit_id in unit_ids:
        return by.unit
    if by.role == Role.SUBDISTRICT_COMMAND and _commands(scope, event):
        return by.unit
    raise PermissionError_("该事件不由您所在单位承办")


def _commands(scope, event: Event) -> bool:
    """A subdistrict command room commands the events inside its subdistrict and those sent to one of its
    units (an unlocated event sent to its team): visibility and command follow the handling unit too."""
    if event.region_path and scope.covers_path(event.region_path):
        return True
    return (
        scope.region_path is not None
        and EventUnit.objects.filter(
            event=event, active=True, unit__region__path__startswith=scope.region_path
        ).exists()
    )


def _transition(event: Event, *, frm: tuple[str, ...], to: str, by, note: str = "", **fields) -> Event:
    """Move the event from one of `frm` to `to` with a conditional update: of two concurrent actions one wins."""
    unit = acting_unit(event, by)
    now = timezone.now()
    with transaction.atomic():
        changed = Event.objects.filter(pk=event.pk, status__in=frm, version=event.version).update(
            status=to, version=F("version") + 1, **{k: (now if v is _NOW else v) for k, v in fields.items()}
        )
        if not changed:
            current = Event.objects.filter(pk=event.pk).values_list("status", flat=True).first()
            label = EventStatus(current).label if current else "不存在"
            raise Conflict(f"事件状态已变化（当前为“{label}”），请刷新后重试")
        _history(event, event.status, to, by=by, unit=unit, note=note, at=now)
        audit_record(
            actor=by,
            action=f"dispatch.event_{to}",
            obj=event,
            before={"status": event.status},
            after={"status": to, "note": note},
        )
    event.refresh_from_db()
    return event


_NOW = object()


def event_accept(*, event: Event, by) -> Event:
    """签收 — the lead unit takes the event; partners are linked at the same time."""
    event = _transition(
        event, frm=(EventStatus.DISPATCHED,), to=EventStatus.ACCEPTED, by=by, accepted_at=_NOW
    )
    EventUnit.objects.filter(event=event, active=True, linked_at__isnull=True).update(
        linked_at=event.accepted_at
    )
    return event


def event_arrive(*, event: Event, by) -> Event:
    return _transition(event, frm=(EventStatus.ACCEPTED,), to=EventStatus.ON_SITE, by=by, on_site_at=_NOW)


def event_resolve(*, event: Event, mode: str, result: str, by) -> Event:
    if mode not in ResolutionMode.values:
        raise ServiceError(
            "请选择处置方式（服务、管理或执法）", [{"field": "mode", "message": "处置方式无效"}]
        )
    if not result or not result.strip():
        raise ServiceError("请填写处置结果", [{"field": "result", "message": "处置结果不能为空"}])
    return _transition(
        event,
        frm=(EventStatus.ACCEPTED, EventStatus.ON_SITE),
        to=EventStatus.RESOLVED,
        by=by,
        resolved_at=_NOW,
        resolution_mode=mode,
        result=result.strip(),
    )


def event_answer(*, event: Event, answer: str, by) -> Event:
    if not answer or not answer.strip():
        raise ServiceError("请填写答复内容", [{"field": "answer", "message": "答复内容不能为空"}])
    return _transition(
        event,
        frm=(EventStatus.RESOLVED,),
        to=EventStatus.ANSWERED,
        by=by,
        answered_at=_NOW,
        answer=answer.strip(),
    )


def event_close(*, event: Event, by) -> Event:
    return _transition(event, frm=(EventStatus.ANSWERED,), to=EventStatus.CLOSED, by=by, closed_at=_NOW)


def event_return(*, event: Event, reason: str, by) -> Event:
    """退单 — the unit hands the event back to the command centre with a reason, for re-dispatch."""
    if not reason or not reason.strip():
        raise ServiceError("退单须说明理由", [{"field": "reason", "message": "请填写退单理由"}])
    return _transition(
        event,
        frm=(EventStatus.DISPATCHED, EventStatus.ACCEPTED),
        to=EventStatus.RETURNED,
        by=by,
        note=reason.strip(),
    )


def event_dispatch(*, event: Event, unit: Unit, by) -> Event:
    """派发 / 改派 — the command centre sends a received or returned event to a team in its jurisdiction."""
    if not (by.is_superuser or by.role in (Role.ADMIN, Role.DISTRICT_COMMAND, Role.SUBDISTRICT_COMMAND)):
        raise PermissionError_("只有指挥中心可以派发事件")
    scope = scope_for(by)
    require_write(scope)
    if not (unit.active and unit.is_team):
        message = f"“{unit.name}”不是在用的执法队伍"
        raise ServiceError(message, [{"field": "unit", "message": message}])
    if not scope.covers_path(unit.region.path):
        message = f"不能派往辖区外的队伍：{unit.name}"
        raise PermissionError_(message, [{"field": "unit", "message": message}])
    with transaction.atomic():
        event = _transition(
            event,
            frm=(EventStatus.RECEIVED, EventStatus.RETURNED),
            to=EventStatus.DISPATCHED,
            by=by,
            note=f"派往{unit.name}",
            dispatched_at=_NOW,
            lead_unit=unit,
        )
        EventUnit.objects.filter(event=event, role=UnitRole.LEAD).update(active=False)
        EventUnit.objects.update_or_create(
            event=event, unit=unit, defaults={"role": UnitRole.LEAD, "active": True}
        )
    return event


def _require_command(by, event: Event) -> None:
    scope = scope_for(by)
    if not scope.can_write:
        raise PermissionError_("您的角色为只读，不能处理事件")
    if by.is_superuser or by.role in (Role.ADMIN, Role.DISTRICT_COMMAND):
        return
    if by.role == Role.SUBDISTRICT_COMMAND and _commands(scope, event):
        return
    raise PermissionError_("只有指挥中心可以更正或合并事件")


REROUTABLE = (EventStatus.RECEIVED, EventStatus.DISPATCHED, EventStatus.RETURNED)
CORRECTABLE = (*REROUTABLE, EventStatus.ACCEPTED, EventStatus.ON_SITE, EventStatus.RESOLVED)


def event_correct(
    *,
    event: Event,
    by,
    item_codes: list[str] | None = None,
    subdistrict: str = "",
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
) -> Event:
    """更正 — a person confirms or changes the items and/or the place; an event not yet taken is re-routed.

    The confirmed items are what the classifier learns from. Before the lead unit has accepted the event it is
    routed anew, and sent to the new lead unit when that changed; afterwards only the record is corrected.
    """
    _require_command(by, event)
    if event.status not in CORRECTABLE:
        raise Conflict(f"事件当前为“{EventStatus(event.status).label}”，不能更正")
    codes = list(dict.fromkeys(c.strip() for c in (item_codes or []) if c and c.strip()))
    new_place = any(v not in (None, "") for v in (subdistrict, address, lng, lat))
    if not codes and not new_place:
        raise ServiceError("请至少更正事项或地点之一", [{"field": "item_codes", "message": "请选择执法事项"}])
    catalog = items_by_code()
    unknown = [c for c in codes if c not in catalog]
    if unknown:
        raise ServiceError(
            f"未知的执法事项：{'、'.join(unknown)}", [{"field": "item_codes", "message": "事项不存在"}]
        )
    if (lng is None) != (lat is None):
        raise ServiceError("经度和纬度须同时填写", [{"field": "lng", "message": "经度和纬度须同时填写"}])
    before = {
        "items": sorted(_primary_items(event)),
        "subdistrict": event.subdistrict.code if event.subdistrict_id else None,
        "lead_unit": event.lead_unit.code if event.lead_unit_id else None,
    }
    place = place_resolve(lng=lng, lat=lat, address=address, subdistrict=subdistrict) if new_place else None
    if place is not None and place.subdistrict is None and not place.functional_area_codes:
        raise ServiceError("无法确定该地点所在街道", [{"field": "subdistrict", "message": "请选择街道"}])
    now = timezone.now()
    with transaction.atomic():
        changed = Event.objects.filter(pk=event.pk, version=event.version, status=event.status).update(
            version=F("version") + 1
        )
        if not changed:
            raise Conflict("事件已被他人更新，请刷新后重试")
        event.refresh_from_db()
        if place is not None:
            event.lng, event.lat = lng, lat
            event.address = (address or event.address)[:200]
            event.region, event.subdistrict = place.grid, place.subdistrict
            event.region_path = place.subdistrict.path if place.subdistrict else ""
            event.functional_area_codes = place.functional_area_codes
        if codes:
            EventItem.objects.filter(event=event).exclude(item__code__in=codes).update(confirmed=False)
            for code in codes:
                EventItem.objects.update_or_create(
                    event=event, item=catalog[code], defaults={"confirmed": True}
                )
        routed = [catalog[c] for c in codes] or [
            catalog[c] for c in sorted(_primary_items(event)) if c in catalog
        ]
        old_lead = event.lead_unit_id
        if event.status in REROUTABLE:
            _apply_route(event, [(item, 1.0) for item in routed])
            if event.lead_unit_id != old_lead or event.status != EventStatus.DISPATCHED:
                frm = event.status
                working = event.lead_unit is not None and event.lead_unit.kind != UnitKind.DISTRICT_COMMAND
                event.status = EventStatus.DISPATCHED if working else EventStatus.RECEIVED
                event.dispatched_at = now if working else None
                if frm != event.status or event.lead_unit_id != old_lead:
                    _history(
                        event,
                        frm,
                        event.status,
                        by=by,
                        unit=event.lead_unit,
                        note=f"更正后派往{event.lead_unit.name}" if working else "更正后待人工派发",
                        at=now,
                    )
        event.save()
        audit_record(
            actor=by,
            action="dispatch.event_correct",
            obj=event,
            before=before,
            after={
                "items": codes or before["items"],
                "subdistrict": event.subdistrict.code if event.subdistrict_id else None,
                "lead_unit": event.lead_unit.code if event.lead_unit_id else None,
            },
        )
    event.refresh_from_db()
    return event


def event_merge(*, event: Event, into: Event, by) -> Event:
    """合并 — a person merges a duplicate into the event that carries the work; both reporters are kept."""
    _require_command(by, event)
    _require_command(by, into)
    if event.pk == into.pk:
        raise ServiceError("不能与自身合并", [{"field": "into", "message": "请选择另一事件"}])
    if into.status == EventStatus.MERGED or into.duplicate_of_id:
        raise ServiceError(
            f"{into.receipt_no} 本身已合并，请合并至 {into.duplicate_of.receipt_no}",
            [{"field": "into", "message": "目标事件已合并"}],
        )
    if into.status == EventStatus.CLOSED:
        raise ServiceError(
            f"{into.receipt_no} 已办结，不能再合并", [{"field": "into", "message": "目标事件已办结"}]
        )
    if event.duplicates.exists():
        raise ServiceError(
            "该事件已有合并进来的诉求，请反向合并", [{"field": "into", "message": "请反向合并"}]
        )
    event = _transition(
        event,
        frm=(*REROUTABLE, EventStatus.ACCEPTED, EventStatus.ON_SITE),
        to=EventStatus.MERGED,
        by=by,
        note=f"合并至 {into.receipt_no}",
        duplicate_of=into,
    )
    EventUnit.objects.filter(event=event).update(active=False)
    return event


def event_rate(*, event: Event, rating: int, by=None) -> Event:
    """评价 — the reporter rates the answer (1–5) once it has been answered."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ServiceError("评价须为 1 到 5 星", [{"field": "rating", "message": "评价须为 1 到 5 星"}])
    answered = (EventStatus.ANSWERED, EventStatus.CLOSED)
    with transaction.atomic():
        # A merged report is rated once the event that carried its work has been answered.
        ready = Q(status__in=answered) | Q(status=EventStatus.MERGED, duplicate_of__status__in=answered)
        changed = Event.objects.filter(ready, pk=event.pk, rating__isnull=True).update(
            rating=rating, version=F("version") + 1
        )
        if not changed:
            raise Conflict("该事件尚未答复或已评价")
        audit_record(
            actor=by or f"public:{event.receipt_no}",
            action="dispatch.event_rate",
            obj=event,
            after={"rating": rating},
        )
    event.refresh_from_db()
    return event


def open311_key_create(*, name: str, raw_key: str, by) -> Open311ApiKey:
    """Register an Open311 client's API key (stored as a SHA-256 digest)."""
    if not name.strip() or len(raw_key) < 8:
        raise ServiceError("请填写接入方名称，密钥至少 8 个字符")
    with transaction.atomic():
        key, _ = Open311ApiKey.objects.update_or_create(
            digest=token_digest(raw_key), defaults={"name": name.strip(), "active": True}
        )
        audit_record(actor=by, action="dispatch.open311_key_create", obj=key, after={"name": key.name})
    return key
