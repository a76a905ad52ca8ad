"""Write the demo year of command-centre events in bulk: events, items, units and the full status history.

Routing is the real one: the catalog classifier suggests the items of each phrase, the router and rule table
of zhifa.dispatch place the lead and assisting units exactly as intake does (_apply_route). No service call
per event and one audit record for the whole year, so that the demo builds in seconds.
"""

import gc
import random
from datetime import UTC
from itertools import accumulate

import numpy as np

from zhifa.audit.services import audit_record
from zhifa.catalog.models import EnforcementItem
from zhifa.demo.events import bulk, calendar, lifecycle, places, routes, texts
from zhifa.demo.names import NameMaker
from zhifa.demo.spec import HUB_CODE
from zhifa.dispatch.choices import Channel, EventStatus, Priority, UnitRole
from zhifa.dispatch.events.intake import DEFAULT_SLA, sla_for
from zhifa.dispatch.models import Event, EventItem, EventStatusChange, EventUnit
from zhifa.engine.geo import RegionIndex
from zhifa.engine.routing import Place
from zhifa.org.choices import WorkerRole
from zhifa.org.models import Building, GridWorker, Region, Unit

# 12345 hotline 45%, grid 网格吹哨 25%, patrol 15%, web 8%, department transfer 4%, Open311 / API 3%.
CHANNEL_MIX = {"12345": 45, "grid": 25, "patrol": 15, "web": 8, "department": 4, "open311": 2, "api": 1}
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CONFIRMED_STATUSES = frozenset({EventStatus.RESOLVED, EventStatus.ANSWERED, EventStatus.CLOSED})
TIME_FIELDS = ("dispatched_at", "accepted_at", "on_site_at", "resolved_at", "answered_at", "closed_at")
EVENT_FIELDS = [
    "receipt_no",
    "public_id",
    "channel",
    "external_no",
    "title",
    "description",
    "reporter_name",
    "reporter_phone",
    "lng",
    "lat",
    "address",
    "region",
    "subdistrict",
    "region_path",
    "functional_area_codes",
    "priority",
    "sla",
    "status",
    "lead_unit",
    "route_explanation",
    "classification",
    "received_at",
    *TIME_FIELDS,
    "resolution_mode",
    "result",
    "answer",
    "rating",
    "version",
]
OPEN = frozenset({EventStatus.DISPATCHED, EventStatus.ACCEPTED, EventStatus.ON_SITE})


def _channel_tables(first_person_share: float) -> tuple[list[str], list[float], list[float]]:
    """Cumulative channel weights for first-person phrases (public channels only) and for the others, such
    that the overall mix is CHANNEL_MIX."""
    names = list(CHANNEL_MIX)
    total = sum(CHANNEL_MIX.values())
    q = [CHANNEL_MIX[c] / total for c in names]
    public = sum(x for c, x in zip(names, q, strict=True) if c in lifecycle.PUBLIC)
    f = min(first_person_share, public * 0.95)
    own = [x / public if c in lifecycle.PUBLIC else 0.0 for c, x in zip(names, q, strict=True)]
    other = [
        x * (1 - f / public) / (1 - f) if c in lifecycle.PUBLIC else x / (1 - f)
        for c, x in zip(names, q, strict=True)
    ]
    return names, list(accumulate(own)), list(accumulate(other))


def _receipt(rng: random.Random, event_day: str, taken: set[str], length: int = 8) -> str:
    while True:
        receipt = event_day + "".join(rng.choices(RECEIPT_ALPHABET, k=length))
        if receipt not in taken:
            taken.add(receipt)
            return receipt


def demo_events_build(*, seed: int, layout, regions: dict[str, Region], by) -> dict[str, int]:
    """Create the demo year of events; returns the counts (also written to one audit record)."""
    # Hundreds of thousands of small objects live at once: the cyclic collector would rescan them all
    # many times over (a third of the build) and there are no cycles to find.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(seed=seed, layout=layout, regions=regions, by=by)
    finally:
        if was_enabled:
            gc.enable()


def _build(*, seed: int, layout, regions: dict[str, Region], by) -> dict[str, int]:
    rng = random.Random(f"zhifa-demo-events-{seed}")
    np_rng = np.random.default_rng([seed, 2025_12_01])
    names = NameMaker(random.Random(f"zhifa-demo-reporters-{seed}"))
    # Public ids from their own stream, so adding them left the rest of the demo as it was.
    public_rng, public_taken = random.Random(f"zhifa-demo-public-ids-{seed}"), set()
    names.serial = 5000  # reporters' serials apart from the organisation's people
    phrases = texts.load_phrases()
    # Plain rows: loading the items as models would decode their JSON fields for nothing.
    items = {
        code: routes.Item(pk, domain, delegated)
        for code, pk, domain, delegated in EnforcementItem.objects.values_list(
            "code", "pk", "domain__code", "delegated"
        )
    }
    missing = sorted({c for p in phrases for c in p.items} - set(items))
    if missing:
        raise ValueError(f"complaint phrases name unknown catalog items: {missing}")
    router = routes.Routes()
    hub_ok = [p.hub or (HUB_CODE, p.items[0]) in router.router.layers for p in phrases]
    phrase_routes = routes.phrase_routes(phrases, items)

    planned = calendar.plan_year(rng, phrases, hub_ok)
    as_of_utc = calendar.AS_OF.astimezone(UTC)  # the demo's now (zhifa.demo.asof)
    buildings = list(Building.objects.order_by("code").values_list("name", "lng", "lat"))
    index = RegionIndex.build(layout.regions)
    where = places.place_events([p.hub for p in planned], layout, index, buildings, np_rng)

    units = {u.code: u for u in Unit.objects.all()}
    command = units[router.router.district_command]
    policies = {p: sla_for(p) for p in (Priority.URGENT, Priority.NORMAL)}
    limits = {
        p: {k.removesuffix("_minutes"): v for k, v in DEFAULT_SLA[p].items() if k.endswith("_minutes")}
        for p in policies
    }
    workers = dict(GridWorker.objects.filter(role=WorkerRole.GRID_WORKER).values_list("region__code", "name"))
    first_person = sum(phrases[p.phrase].first_person for p in planned) / max(1, len(planned))
    channel_names, own_w, other_w = _channel_tables(first_person)
    labels = dict(Channel.choices)
    taken: set[str] = set()

    dt = bulk.datetime_adapter()
    classification_db = [bulk.json_value(Event, "classification", r.classification) for r in phrase_routes]
    areas_db: dict[tuple, object] = {}
    events, extras = [], []
    for plan, place in zip(planned, where, strict=True):
        phrase = phrases[plan.phrase]
        pr = phrase_routes[plan.phrase]
        channel = rng.choices(channel_names, cum_weights=own_w if phrase.first_person else other_w)[0]
        urgent = rng.random() < phrase.urgent
        loc = place.location
        sub = regions[loc.subdistrict_code]
        said, address = texts.place_words(
            rng,
            subdistrict=sub.name,
            community=regions[loc.community_code].name,
            building=place.building,
            hub=plan.hub,
        )
        route_place = Place(loc.subdistrict_code, tuple(loc.functional_area_codes))
        key = (plan.phrase, loc.subdistrict_code, route_place.functional_area_codes)
        final = router.route((*key, True), pr.confirmed, route_place)
        suggested = router.route((*key, False), pr.suggested, route_place)
        if suggested.lead == router.router.district_command:
            first = "manual"
        else:
            first = "wrong" if suggested.lead != final.lead else "auto"
        priority = Priority.URGENT if urgent else Priority.NORMAL
        life = lifecycle.plan_lifecycle(
            rng,
            received_at=plan.received_at.astimezone(UTC),  # UTC times: the cheapest to write
            urgent=urgent,
            channel=channel,
            channel_label=labels[channel],
            first=first,
            as_of=as_of_utc,
            limits=limits[priority],
        )
        # A person confirmed the items once the command centre re-dispatched it, or the unit resolved it.
        confirmed = life.status in CONFIRMED_STATUSES or any(s.unit == "command" for s in life.steps)
        decision = final if confirmed else suggested
        lead = units.get(decision.lead)
        reporter_name = reporter_phone = ""
        if channel in lifecycle.PUBLIC:
            reporter_name, reporter_phone = names.person(), names.phone()
        elif channel == "grid":
            reporter_name = workers.get(loc.micro_grid_code or loc.grid_code, "")
        elif channel == "department":
            reporter_name = units[f"DEP-{items[phrase.items[0]].domain}"].name
        result = texts.result_text(rng, life.mode) if "resolved_at" in life.times else ""
        answer = ""
        if "answered_at" in life.times:
            answer = texts.answer_text(channel, title=phrase.title, unit=lead.name, result=result)
        areas = tuple(loc.functional_area_codes)
        if areas not in areas_db:
            areas_db[areas] = bulk.json_value(Event, "functional_area_codes", list(areas))
        times = life.times
        receipt = _receipt(rng, f"{plan.received_at:%Y%m%d}", taken)
        events.append(
            (
                receipt,
                _receipt(public_rng, "P", public_taken, length=11),
                channel,
                # A 12345 work order keeps the hotline's own number (synthetic here), as the import does.
                f"GD{plan.received_at:%Y%m%d}{len(events) + 1:06d}" if channel == "12345" else "",
                phrase.title,
                texts.description(rng, phrase, channel, said, plan.hub),
                reporter_name,
                reporter_phone,
                place.lng,
                place.lat,
                address,
                regions[loc.micro_grid_code or loc.grid_code].pk,
                sub.pk,
                sub.path,
                areas_db[areas],
                priority.value,
                policies[priority].pk,
                life.status,
                lead.pk if lead else None,
                decision.explanation,
                classification_db[plan.phrase],
                dt(plan.received_at),
                *(dt(times.get(f)) for f in TIME_FIELDS),
                life.mode if result else "",
                result,
                answer,
                life.rating,
                len(life.steps) + (life.rating is not None),
            )
        )
        refs = pr.confirmed if confirmed else pr.suggested
        extras.append((receipt, refs, confirmed, decision, suggested, life, lead))

    bulk.insert_rows(Event, EVENT_FIELDS, events)
    ids = dict(Event.objects.values_list("receipt_no", "id"))  # the demo builds into an empty database
    event_items, event_units, history = [], [], []
    for receipt, refs, confirmed, decision, suggested, life, lead in extras:
        pk = ids[receipt]
        event_items.extend((pk, items[r.code].pk, r.score, confirmed) for r in refs)
        linked = dt(life.times.get("accepted_at"))
        wanted = [(decision.lead, UnitRole.LEAD)] + [(c, UnitRole.ASSIST) for c in decision.assisting]
        event_units.extend((pk, units[c].pk, role.value, linked, True) for c, role in wanted if c in units)
        if life.returned and suggested.lead not in {c for c, _ in wanted}:
            event_units.append((pk, units[suggested.lead].pk, UnitRole.LEAD.value, None, False))
        wrong = units.get(suggested.lead)
        for s in life.steps:
            if s.unit == "command":
                unit, note = command, f"派往{lead.name}"
            else:
                unit, note = {"lead": lead, "wrong": wrong}.get(s.unit), s.note
            history.append((pk, s.frm, s.to, dt(s.at), unit.pk if unit else None, note))
    bulk.insert_rows(EventItem, ["event", "item", "score", "confirmed"], event_items)
    bulk.insert_rows(EventUnit, ["event", "unit", "role", "linked_at", "active"], event_units)
    bulk.insert_rows(EventStatusChange, ["event", "from_status", "to_status", "at", "unit", "note"], history)
    counts = {
        "events": len(events),
        "event_items": len(event_items),
        "event_units": len(event_units),
        "status_changes": len(history),
        "open_events": sum(x[5].status in OPEN for x in extras),
        "returned": sum(x[5].returned for x in extras),
    }
    audit_record(
        actor=by,
        action="demo.events_build",
        object_type="demo",
        object_id=str(seed),
        object_repr=f"演示事件 seed={seed}",
        after=counts,
    )
    return counts
