"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/): active catalog items as services, public
events as service requests. Conversion to the spec's records and XML sits in the helpers; views stay thin.
"""

import json
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from zhifa.accounts.models import token_digest
from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import EnforcementItem
from zhifa.core.errors import ServiceError
from zhifa.dispatch.choices import Channel, EventStatus
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import Event, EventItem, Open311ApiKey

# GeoReport lists what the public reported. Events found by our own people (patrol, grid, staff, department
# transfers, internal API feeds) are enforcement leads, not public requests: publishing them could warn the
# subject of an inspection. So only the channels through which the public reports are exposed.
PUBLIC_CHANNELS = (Channel.OPEN311, Channel.WEB, Channel.HOTLINE)
# Answered means the reporter has had the answer: for the public the request is done. A merged duplicate is
# handled through the event it joined, so it will never change on its own.
CLOSED_STATUSES = (EventStatus.ANSWERED, EventStatus.CLOSED, EventStatus.MERGED)
MAX_REQUESTS = 1000
WINDOW = timedelta(days=90)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
SHORT_TEXT = 200
COARSE_DECIMALS = 2
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Characters XML 1.0 cannot carry at all; a pasted control character must not break a client's parser.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TIMESTAMPS = ("received_at", "dispatched_at", "accepted_at", "on_site_at", "resolved_at", "answered_at")


class Open311Error(Exception):
    """An error the spec reports as [{"code": …, "description": …}] with the same HTTP status."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


# --- conversion ----------------------------------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1] + "…"


def service_record(item: EnforcementItem) -> dict:
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": _short(item.legal_basis),
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(item.keywords or []),
        "group": item.domain.name,
    }


def service_definition_record(item: EnforcementItem) -> dict:
    # No extra questions per item yet: a report is the text, the place and the chosen item.
    return {"service_code": item.code, "attributes": []}


def _coarse(value: float | None) -> float | None:
    # Two decimals: about a kilometre, enough to see where problems cluster, not whose door it is.
    return None if value is None else round(value, COARSE_DECIMALS)


def request_record(event: Event, *, full: bool = False) -> dict:
    """The public view of an event: category, status, a coarse place and the public reply (FixMyStreet-style).
    Never the reporter, the receipt number (the reporter's key to rate and follow) or internal notes; the full
    text, address and pin only to holders of an api_key when the district requires keys for reading."""
    closed = event.status in CLOSED_STATUSES
    notes = event.answer
    if not notes and event.status == EventStatus.MERGED:
        notes = "与同一问题的其他诉求合并办理"
    updated = max(t for t in (getattr(event, f) for f in (*_TIMESTAMPS, "closed_at")) if t)
    expected = None if closed else event.received_at + timedelta(minutes=event.sla.resolve_minutes)
    place = event.subdistrict.name if event.subdistrict_id else None
    return {
        "service_request_id": event.public_id,
        "status": "closed" if closed else "open",
        "status_notes": notes or None,
        "service_name": event.o311_name,
        "service_code": event.o311_code,
        "description": event.description if full else event.o311_name,
        "agency_responsible": event.lead_unit.name if event.lead_unit else None,
        "service_notice": None,
        "requested_datetime": _iso(event.received_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(expected),
        "address": (event.address or place) if full else place,
        "address_id": None,
        "zipcode": None,
        "lat": event.lat if full else _coarse(event.lat),
        "long": event.lng if full else _coarse(event.lng),
        "media_url": None,
    }


def _xml_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _xml_fill(parent: ET.Element, record: dict) -> None:
    for key, value in record.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, list):
            # The only list in the spec's records is "attributes", one <attribute> per entry.
            for entry in value:
                _xml_fill(ET.SubElement(child, key.removesuffix("s")), entry)
        else:
            child.text = _xml_text(value)


def to_xml(root: str, item: str | None, data: list[dict] | dict) -> bytes:
    """<root><item>…</item>…</root> for a list, or <root>…</root> for one record."""
    element = ET.Element(root)
    if item is None:
        _xml_fill(element, data)
    else:
        for record in data:
            _xml_fill(ET.SubElement(element, item), record)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def render(fmt: str, data, *, root: str, item: str | None, status: int = 200) -> HttpResponse:
    body = to_xml(root, item, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, code: int, description: str) -> HttpResponse:
    return render(fmt, [{"code": code, "description": description}], root="errors", item="error", status=code)


# --- reads -----------------------------------------------------------------------------------------------


def active_items() -> QuerySet:
    return EnforcementItem.objects.filter(status=ItemStatus.ACTIVE).select_related("domain").order_by("code")


def active_item(code: str) -> EnforcementItem:
    item = active_items().filter(code=code).first()
    if item is None:
        raise Open311Error(404, f"unknown service_code: {code}")
    return item


def public_events() -> QuerySet:
    """Events of the public channels, each with the item it is shown under: the confirmed one, else the top."""
    first_item = EventItem.objects.filter(event=OuterRef("pk")).order_by("-confirmed", "-score", "id")
    return (
        Event.objects.filter(channel__in=PUBLIC_CHANNELS)
        .select_related("lead_unit", "sla", "subdistrict")
        .annotate(
            o311_code=Subquery(first_item.values("item__code")[:1]),
            o311_name=Subquery(first_item.values("item__name")[:1]),
        )
        .order_by("-received_at", "-id")
    )


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _moment(name: str, value: str) -> datetime:
    # A well-formed but impossible value (month 13, day 45, an offset of a day or more) raises ValueError.
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, f"{name} must be a W3C datetime, e.g. 2026-01-01T00:00:00+08:00")
    # Years far off would overflow the 90-day window or the database's own range: no event is there anyway.
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise Open311Error(400, f"{name} must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def request_list(params, *, now: datetime | None = None) -> list[Event]:
    """GET requests: the spec's filters; by default the last 90 days, newest first, at most 1000."""
    qs = public_events()
    ids = _split(params.get("service_request_id"))
    if ids:
        # The spec: service_request_id overrides every other filter.
        return list(qs.filter(public_id__in=[i.upper() for i in ids])[:MAX_REQUESTS])
    codes = _split(params.get("service_code"))
    if codes:
        qs = qs.filter(o311_code__in=codes)
    statuses = set(_split(params.get("status")))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    if statuses == {"open"}:
        qs = qs.exclude(status__in=CLOSED_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=CLOSED_STATUSES)
    start = _moment("start_date", params["start_date"]) if params.get("start_date") else None
    end = _moment("end_date", params["end_date"]) if params.get("end_date") else None
    if start and end and start > end:
        raise Open311Error(400, "start_date must not be after end_date")
    if start and end and end - start > WINDOW:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    if start is None:
        end = end or now or timezone.now()
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    return list(qs.filter(received_at__gte=start, received_at__lte=end)[:MAX_REQUESTS])


def request_get(public_id: str) -> Event:
    found = public_events().filter(public_id=public_id.strip().upper()).first()
    if found is None:
        raise Open311Error(404, f"unknown service_request_id: {public_id}")
    return found


# --- writes ----------------------------------------------------------------------------------------------


def api_key_valid(raw: str) -> bool:
    return bool(raw) and Open311ApiKey.objects.filter(digest=token_digest(raw), active=True).exists()


def _coordinate(name: str, value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise Open311Error(400, f"{name} must be a decimal number")
    return number


def _person(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    # 姓 (last_name) comes first in a Chinese name, with no space; Latin names keep the spec's order.
    if (first + last).isascii():
        return f"{first} {last}".strip()
    return last + first


def request_create(data) -> Event:
    """POST requests: the api_key, then the service and the place, then intake as a confirmed item."""
    if not api_key_valid(data.get("api_key", "")):
        raise Open311Error(403, "api_key is missing or not valid")
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    item = active_items().filter(code=code).first()
    if item is None:
        raise Open311Error(400, f"unknown service_code: {code}")
    lat, lng = _coordinate("lat", data.get("lat")), _coordinate("long", data.get("long"))
    address = data.get("address_string", "").strip()
    if (lat is None) != (lng is None):
        raise Open311Error(400, "lat and long must be given together")
    if lat is None and not address:
        raise Open311Error(400, "lat/long or address_string is required")
    description = data.get("description", "").strip()
    try:
        return event_intake(
            channel=Channel.OPEN311,
            # The spec makes the description optional; the chosen service then says what the report is.
            description=description or item.name,
            item_codes=[code],
            lng=lng,
            lat=lat,
            address=address,
            reporter_name=_person(data.get("first_name", ""), data.get("last_name", "")),
            reporter_phone=data.get("phone", "").strip(),
            by=None,
        )
    except ServiceError as exc:
        raise Open311Error(400, exc.message) from exc


def created_record(event: Event) -> dict:
    unit = event.lead_unit.name if event.lead_unit else "区协调指挥中心"
    # The receipt number goes only to whoever filed the request: it is their key to follow and rate it.
    return {
        "service_request_id": event.public_id,
        "service_notice": f"已受理，受理编号 {event.receipt_no}（凭此编号查询进度、评价答复，请勿公开），承办单位：{unit}",
        "account_id": None,
    }


# --- views -----------------------------------------------------------------------------------------------


def _read_access(request: HttpRequest) -> bool:
    """Whether this read may see full texts. Public mode: everyone reads the coarse view. Key mode
    (ZHIFA_OPEN311_READ=key): reading needs an api_key, and key holders read the full texts."""
    if settings.ZHIFA_OPEN311_READ != "key":
        return False
    if not api_key_valid(request.GET.get("api_key", "")):
        raise Open311Error(403, "api_key is missing or not valid")
    return True


def _endpoint(*methods: str) -> Callable:
    """Allowed methods, and any Open311Error as the spec's error document in the requested format."""

    def wrap(view):
        # Machine clients authenticate with the api_key in the form, not with a session: no CSRF token to
        # send. Exempting every endpoint also lets a wrong method get the spec's 405 rather than a CSRF page.
        @csrf_exempt
        @wraps(view)
        def inner(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = error_response(fmt, 405, f"method not allowed: {request.method}")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.code, exc.description)

        return inner

    return wrap


@_endpoint("GET")
def services_view(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, [service_record(i) for i in active_items()], root="services", item="service")


@_endpoint("GET")
def service_definition_view(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    record = service_definition_record(active_item(service_code))
    return render(fmt, record, root="service_definition", item=None)


@_endpoint("GET", "POST")
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        event = request_create(request.POST)
        return render(fmt, [created_record(event)], root="service_requests", item="request")
    full = _read_access(request)
    records = [request_record(e, full=full) for e in request_list(request.GET)]
    return render(fmt, records, root="service_requests", item="request")


@_endpoint("GET")
def request_view(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    full = _read_access(request)
    record = request_record(request_get(request_id), full=full)
    return render(fmt, [record], root="service_requests", item="request")
