"""A digest of the demo district's content, independent of database keys: equal seeds give equal digests."""

import hashlib
import json

from zhifa.catalog.models import EnforcementItem, Scenario
from zhifa.dispatch.models import Event, EventItem, EventStatusChange, EventUnit
from zhifa.org.models import Building, GridWorker, Officer, Region, Squad, Unit


def demo_fingerprint() -> str:
    parts = {
        "regions": list(
            Region.objects.order_by("code").values_list("code", "name", "level", "path", "geometry")
        ),
        "units": list(Unit.objects.order_by("code").values_list("code", "name", "kind", "region__code")),
        "officers": [
            (
                o.certificate_no,
                o.name,
                o.gender,
                o.birth_date.isoformat(),
                o.team.code,
                o.home_department.code,
                o.seconded,
                sorted(d.code for d in o.qualified_domains.all()),
            )
            for o in Officer.objects.select_related("team", "home_department")
            .prefetch_related("qualified_domains")
            .order_by("certificate_no")
        ],
        "squads": [
            (s.team.code, s.name, sorted(m.certificate_no for m in s.members.all()))
            for s in Squad.objects.select_related("team")
            .prefetch_related("members")
            .order_by("team__code", "name")
        ],
        "workers": list(
            GridWorker.objects.order_by("region__code", "name").values_list("name", "role", "region__code")
        ),
        "buildings": list(
            Building.objects.order_by("code").values_list(
                "code", "name", "lng", "lat", "region__code", "manager__name"
            )
        ),
        "items": list(
            EnforcementItem.objects.order_by("code").values_list("code", "delegated", "high_frequency")
        ),
        "scenarios": [
            (s.code, sorted(i.code for i in s.items.all()))
            for s in Scenario.objects.prefetch_related("items")
        ],
    }
    parts.update(_events())
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _events() -> dict:
    """The demo year of events, keyed by receipt number (database ids differ between builds)."""
    fields = [f.attname for f in Event._meta.concrete_fields if f.attname not in ("id", "duplicate_of_id")]
    fields = [f for f in fields if not f.endswith("_id")] + [
        "region__code",
        "subdistrict__code",
        "lead_unit__code",
        "sla__code",
    ]
    return {
        "events": list(Event.objects.order_by("receipt_no").values_list(*fields)),
        "event_items": list(
            EventItem.objects.order_by("event__receipt_no", "item__code").values_list(
                "event__receipt_no", "item__code", "score", "confirmed"
            )
        ),
        "event_units": list(
            EventUnit.objects.order_by("event__receipt_no", "unit__code").values_list(
                "event__receipt_no", "unit__code", "role", "linked_at", "active"
            )
        ),
        "history": list(
            EventStatusChange.objects.order_by("event__receipt_no", "at", "to_status").values_list(
                "event__receipt_no", "from_status", "to_status", "at", "unit__code", "note"
            )
        ),
    }
