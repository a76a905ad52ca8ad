"""Event intake: validation, the reporter's channel and jurisdiction, classification, routing to the unit that
owns the item in that place, the SLA clocks, and merging duplicates under a lock. One function per action."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.core.locks import transaction_lock
from zhifa.core.memo import ProcessMemo
from zhifa.dispatch.choices import OPEN_STATUSES, Channel, EventStatus, Priority, UnitRole
from zhifa.dispatch.directory import build_router, classifier, items_by_code, units_by_code
from zhifa.dispatch.models import Event, EventItem, EventStatusChange, EventUnit, SlaPolicy
from zhifa.dispatch.places import place_of_report
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
    # A delegation counts from its effective date: before it the department's team handles the item.
    today = timezone.localdate()
    refs = [ItemRef(i.code, i.domain.code, i.delegated_on(today), score) for i, score in items]
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
    keep_rows: bool = False,
) -> Event:
    """Take one event from any channel: classify, place, route and dispatch it when the owner is clear.

    `external_no` is the number the source system gave it (a 12345 work order number): once per channel.
    `keep_rows`: the returned event carries its history, units and items as prefetched rows, for a caller that
    only reads it (the API's answer); others leave it off, so a later change is never hidden behind them."""
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
        event_items = EventItem.objects.bulk_create(
            [
                EventItem(
                    event=event, item=items[code], score=suggested.get(code, 1.0), confirmed=code in confirmed
                )
                for code in dict.fromkeys([*confirmed, *suggested])
                if code in items
            ]
        )
        event_units = EventUnit.objects.bulk_create(
            [EventUnit(event=event, unit=u, role=r) for u, r in units]
        )
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
        if keep_rows:  # the caller answers with the event's detail at once: from these rows, not read back
            _hand_over(event, history=steps, event_units=event_units, event_items=event_items)
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


def _hand_over(event: Event, **rows: list) -> None:
    """Set the related rows just written as `event`'s prefetched ones (as prefetch_related would)."""
    cache = event.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, values in rows.items():
        qs = getattr(event, name).get_queryset()
        qs._result_cache, qs._prefetch_done = list(values), True
        cache[name] = qs


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
