"""Command-centre actions: intake, routing, the event workflow and SLA escalation. One function per action."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.accounts.models import token_digest
from zhifa.audit.services import audit_record
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.core.locks import transaction_lock
from zhifa.core.memo import ProcessMemo
from zhifa.dispatch.choices import OPEN_STATUSES, Channel, EventStatus, Priority, ResolutionMode, UnitRole
from zhifa.dispatch.directory import build_router, classifier, items_by_code, units_by_code
from zhifa.dispatch.models import Event, EventItem, EventStatusChange, EventUnit, Open311ApiKey, SlaPolicy
from zhifa.dispatch.places import place_of_report, place_resolve
from zhifa.engine.classify import Match
from zhifa.engine.routing import ItemRef, Place, items_to_route
from zhifa.org.choices import UnitKind
from zhifa.org.models import Unit
from zhifa.org.scope import scope_for

MAX_TEXT = 2000
MAX_EXTERNAL_NO = 64
CLASSIFY_TOP = 5

DEFAULT_SLA = {
    Priority.URGENT: dict(
        code="1315",
        name="1315（1 分钟响应、3 分钟联动、15 分钟到场）",
        respond_minutes=1,
        link_minutes=3,
        on_site_minutes=15,
        resolve_minutes=24 * 60,
        answer_minutes=48 * 60,
    ),
    Priority.NORMAL: dict(
        code="ordinary",
        name="一般事件",
        respond_minutes=30,
        link_minutes=120,
        on_site_minutes=24 * 60,
        resolve_minutes=5 * 24 * 60,
        answer_minutes=7 * 24 * 60,
    ),
}


def sla_for(priority: str) -> SlaPolicy:
    policy = _sla_memo.get().get(priority)
    if policy is None:
        policy, _ = SlaPolicy.objects.get_or_create(priority=priority, defaults=DEFAULT_SLA[priority])
    return policy


_sla_memo = ProcessMemo(
    "sla_policies",
    build=lambda: {p.priority: p for p in SlaPolicy.objects.all()},
    signature=lambda: tuple(SlaPolicy.objects.order_by("id").values_list()),
    watch=["dispatch.SlaPolicy"],
)


def _receipt_no(now: datetime) -> str:
    # Random, not sequential: the receipt number is what lets a member of the public read the event.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"{timezone.localtime(now):%Y%m%d}" + "".join(secrets.choice(alphabet) for _ in range(8))


def _validate_intake(
    description: str, lng, lat, channel: str, priority: str, external_no: str = ""
) -> list[dict]:
    errors = []
    if len(external_no) > MAX_EXTERNAL_NO:
        errors.append({"field": "external_no", "message": f"外部编号不能超过 {MAX_EXTERNAL_NO} 个字符"})
    if not description or not description.strip():
        errors.append({"field": "description", "message": "请填写诉求内容"})
    elif len(description) > MAX_TEXT:
        errors.append({"field": "description", "message": f"诉求内容不能超过 {MAX_TEXT} 字"})
    if (lng is None) != (lat is None):
        errors.append({"field": "lng", "message": "经度和纬度须同时填写"})
    elif lng is not None and not (-180 <= lng <= 180 and -90 <= lat <= 90):
        errors.append({"field": "lng", "message": "坐标超出范围"})
    if channel not in Channel.values:
        errors.append({"field": "channel", "message": f"未知的来源渠道：{channel}"})
    if priority not in Priority.values:
        errors.append({"field": "priority", "message": f"未知的优先级：{priority}"})
    return errors


# The channels a signed-in person's report may come through, by role: a person files as themselves, never as
# a citizen channel (a staff report shown in the public feed as a citizen's would mislead). The command centre
# and integrations may also feed 12345 orders and machine reports.
STAFF_CHANNELS = {
    Role.OFFICER: (Channel.PATROL,),
    Role.GRID_WORKER: (Channel.GRID,),
    Role.DEPARTMENT: (Channel.DEPARTMENT,),
    Role.SUBDISTRICT_COMMAND: (Channel.STAFF,),
    Role.DISTRICT_COMMAND: (Channel.STAFF, Channel.HOTLINE, Channel.API),
    Role.ADMIN: (Channel.STAFF, Channel.HOTLINE, Channel.API),
}


def intake_channels(by) -> tuple[str, ...]:
    """The channels `by` may file through (the first is their own); none for a read-only role."""
    if by.is_superuser:
        return STAFF_CHANNELS[Role.ADMIN]
    return STAFF_CHANNELS.get(by.role, ())


def _check_reporter(by, channel: str, place) -> None:
    """A signed-in reporter writes in their own name and their own area (the public doors pass by=None)."""
    scope = scope_for(by)
    require_write(scope)
    allowed = intake_channels(by)
    if channel not in allowed:
        names = "、".join(Channel(c).label for c in allowed) or "无"
        message = f"您的角色不能以“{Channel(channel).label}”渠道录入事件（可用：{names}）"
        raise PermissionError_(message, [{"field": "channel", "message": message}])
    if (
        by.role == Role.SUBDISTRICT_COMMAND
        and place.subdistrict
        and not scope.covers_path(place.subdistrict.path)
    ):
        message = f"不能录入辖区外（{place.subdistrict.name}）的事件"
        raise PermissionError_(message, [{"field": "subdistrict", "message": message}])


def _history(event: Event, frm: str, to: str, *, by=None, unit=None, note: str = "", at=None) -> None:
    EventStatusChange.objects.create(
        event=event,
        from_status=frm,
        to_status=to,
        at=at or timezone.now(),
        by=_user(by),
        unit=unit,
        note=note,
    )


def _user(by):
    return by if getattr(by, "pk", None) else None


def _route(event: Event, items: list[tuple[EnforcementItem, float]]) -> list[tuple[Unit, str]]:
    """Lead and assisting units for the event's items and place; sets lead_unit and the explanation."""
    place = Place(
        event.subdistrict.code if event.subdistrict_id else None, tuple(event.functional_area_codes)
    )
    refs = [ItemRef(i.code, i.domain.code, i.delegated, score) for i, score in items]
    decision = build_router().route(refs, place, assist_ratio=0.0)
    units = units_by_code()
    event.lead_unit = units.get(decision.lead)
    event.route_explanation = decision.explanation
    roles = [(decision.lead, UnitRole.LEAD)] + [(c, UnitRole.ASSIST) for c in decision.assisting]
    return [(units[code], role) for code, role in roles if code in units]


def _apply_route(event: Event, items: list[tuple[EnforcementItem, float]]) -> None:
    """Re-route a stored event: the new lead and assisting units become active, the others inactive."""
    routed = _route(event, items)
    EventUnit.objects.filter(event=event).update(active=False)
    for unit, role in routed:
        EventUnit.objects.update_or_create(event=event, unit=unit, defaults={"role": role, "active": True})


def event_intake(
    *,
    channel: str,
    description: str,
    title: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    lng: float | None = None,
    lat: float | None = None,
    address: str = "",
    subdistrict: str = "",
    priority: str = Priority.NORMAL,
    item_codes: list[str] | None = None,
    merge_duplicates: bool = True,
    external_no: str = "",
    by=None,
    now: datetime | None = None,
) -> Event:
    """Take one event from any channel: classify, place, route and dispatch it when the owner is clear.

    `external_no` is the number the source system gave it (a 12345 work order number): once per channel."""
    external_no = (external_no or "").strip()
    errors = _validate_intake(description, lng, lat, channel, priority, external_no)
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors)
    if external_no and Event.objects.filter(channel=channel, external_no=external_no).exists():
        message = f"外部编号“{external_no}”已受理过，不能重复受理"
        raise Conflict(message, [{"field": "external_no", "message": message}])
    now = now or timezone.now()
    description = description.strip()
    matches = classifier().classify(description, k=CLASSIFY_TOP)
    place = place_of_report(text=description, lng=lng, lat=lat, address=address, subdistrict=subdistrict)
    if _user(by) is not None:
        _check_reporter(by, channel, place)
    routed = items_to_route(matches)
    given = list(dict.fromkeys(item_codes or []))
    catalog = items_by_code()
    if given:
        # The reporter chose the items (e.g. an Open311 service code): they are routed as confirmed.
        unknown = [c for c in given if c not in catalog]
        if unknown:
            raise ServiceError(
                f"未知的执法事项：{'、'.join(unknown)}", [{"field": "item_codes", "message": "事项不存在"}]
            )
        routed = [Match(c, "", "", 1.0) for c in given]
    items = {m.code: catalog[m.code] for m in matches + routed if m.code in catalog}
    event = Event(
        receipt_no=_receipt_no(now),
        channel=channel,
        external_no=external_no,
        title=(title or description)[:120],
        description=description,
        reporter_name=reporter_name[:50],
        reporter_phone=reporter_phone[:20],
        reporter=_user(by),
        lng=lng,
        lat=lat,
        address=address[:200],
        region=place.grid,
        subdistrict=place.subdistrict,
        region_path=place.subdistrict.path if place.subdistrict else "",
        functional_area_codes=place.functional_area_codes,
        priority=priority,
        sla=sla_for(priority),
        received_at=now,
        classification=[
            {"code": m.code, "name": m.name, "domain": m.domain, "score": m.score, "matched": list(m.matched)}
            for m in matches
        ],
    )
    units = _route(event, [(items[m.code], m.score) for m in routed if m.code in items])
    confirmed = {m.code for m in routed} if given else set()
    suggested = {m.code: m.score for m in matches}
    with transaction.atomic():
        # Reports of one problem arriving at once: the duplicate key's lock makes the second wait until the
        # first is committed, then it finds the first and merges (checking before the lock lets both in).
        key = _duplicate_key(event, [m.code for m in routed]) if merge_duplicates else None
        master = None
        if key is not None:
            transaction_lock(key)
            master = _duplicate_of(event, [m.code for m in routed], now)
        if master is not None:
            # The same problem at the same place is already being worked: one event, both reporters kept.
            event.status, event.duplicate_of, event.lead_unit, units = (
                EventStatus.MERGED,
                master,
                master.lead_unit,
                [],
            )
        # Routed to a unit that works events: dispatched at once; to the command centre: a person dispatches it.
        auto = (
            master is None
            and event.lead_unit is not None
            and event.lead_unit.kind != UnitKind.DISTRICT_COMMAND
        )
        if auto:
            event.status, event.dispatched_at = EventStatus.DISPATCHED, now
        event.save(force_insert=True)
        EventItem.objects.bulk_create(
            [
                EventItem(
                    event=event, item=items[code], score=suggested.get(code, 1.0), confirmed=code in confirmed
                )
                for code in dict.fromkeys([*confirmed, *suggested])
                if code in items
            ]
        )
        EventUnit.objects.bulk_create([EventUnit(event=event, unit=u, role=r) for u, r in units])
        steps = [
            EventStatusChange(
                event=event,
                from_status="",
                to_status=EventStatus.RECEIVED,
                at=now,
                by=_user(by),
                note=f"{Channel(channel).label}；{place.how}",
            )
        ]
        if auto or master is not None:
            steps.append(
                EventStatusChange(
                    event=event,
                    from_status=EventStatus.RECEIVED,
                    to_status=event.status,
                    at=now,
                    unit=event.lead_unit,
                    note=f"与 {master.receipt_no} 同地同事项，合并办理" if master else "自动派发",
                )
            )
        EventStatusChange.objects.bulk_create(steps)
        audit_record(
            actor=by or f"intake:{channel}",
            action="dispatch.event_intake",
            obj=event,
            after={
                "receipt_no": event.receipt_no,
                **({"external_no": external_no} if external_no else {}),
                "lead_unit": event.lead_unit.code if event.lead_unit else None,
                "items": [m.code for m in routed],
                "duplicate_of": master.receipt_no if master else None,
            },
        )
    return event


def _primary_items(event: Event) -> set[str]:
    """What an event is about: its confirmed items, else its best-scored suggestion."""
    rows = sorted(event.event_items.all(), key=lambda ei: (not ei.confirmed, -ei.score))
    confirmed = {ei.item.code for ei in rows if ei.confirmed}
    return confirmed or ({rows[0].item.code} if rows else set())


def _duplicate_place(event: Event) -> Q | None:
    """Where a duplicate must be: the same grid, else the same subdistrict and address; None when imprecise."""
    if event.region_id:
        return Q(region_id=event.region_id)
    if event.subdistrict_id and event.address.strip():
        return Q(subdistrict_id=event.subdistrict_id, address=event.address.strip())
    return None


def _duplicate_key(event: Event, codes: list[str]) -> str | None:
    """The name of the lock two reports of one problem share: primary item and place."""
    if not codes or _duplicate_place(event) is None:
        return None
    place = f"g{event.region_id}" if event.region_id else f"s{event.subdistrict_id}:{event.address.strip()}"
    return f"dispatch.duplicate:{codes[0]}:{place}"


def _duplicate_of(event: Event, codes: list[str], now: datetime) -> Event | None:
    """An open event about the same item at the same place (grid, else subdistrict and address) recently."""
    place = _duplicate_place(event)
    if not codes or place is None:
        return None
    window = timedelta(hours=getattr(settings, "ZHIFA_DUPLICATE_WINDOW_HOURS", 24))
    candidates = (
        Event.objects.filter(place, status__in=OPEN_STATUSES, received_at__gte=now - window)
        .select_related("lead_unit")
        .prefetch_related("event_items__item")
        .order_by("received_at", "id")
    )
    primary = codes[0]
    return next((c for c in candidates if primary in _primary_items(c)), None)


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
