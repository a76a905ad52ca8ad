"""A digest of the demo district's content, independent of database keys: equal seeds give equal digests."""

import hashlib
import json

from zhifa.cases.models import CaseEvidence
from zhifa.catalog.models import EnforcementItem, Scenario
from zhifa.codes.models import ActionCode
from zhifa.dispatch.models import (
    Consultation,
    Escalation,
    Event,
    EventItem,
    EventStatusChange,
    EventUnit,
    Evidence,
    EvidenceUse,
)
from zhifa.org.models import Building, GridWorker, Officer, Region, Squad, Unit
from zhifa.oversight.models import Alert
from zhifa.subjects.models import Subject, Violation


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
            GridWorker.objects.order_by("region__code", "name").values_list(
                "name", "role", "region__code", "unit__code", "force"
            )
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
            (s.code, sorted(i.code for i in s.items.all()), sorted(r.code for r in s.focus_regions.all()))
            for s in Scenario.objects.prefetch_related("items", "focus_regions")
        ],
        "subjects": list(
            Subject.objects.order_by("name").values_list(
                "uscc",
                "name",
                "industry_code",
                "region_path",
                "building__code",
                "opened_on",
                "credit_class",
                "status",
            )
        ),
        "violations": list(
            Violation.objects.order_by("subject__name", "found_on", "item__code", "severity").values_list(
                "subject__name", "item__code", "found_on", "severity", "source"
            )
        ),
    }
    parts["warnings"] = [
        (code, title, state, severity, str(opened), str(due), unit)
        for code, title, state, severity, opened, due, unit in Alert.objects.order_by(
            "rule__code", "title", "opened_at", "state"
        ).values_list("rule__code", "title", "state", "severity", "opened_at", "due_on", "unit__code")
    ]
    parts.update(_events())
    parts.update(_evidence_and_codes())
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _events() -> dict:
    """The demo year of events, keyed by receipt number (database ids differ between builds).

    Rows are read without joins and put in order here: the year has some 60,000 of them."""
    fields = [f.attname for f in Event._meta.concrete_fields if f.attname not in ("id", "duplicate_of_id")]
    fields = [f for f in fields if not f.endswith("_id")] + [
        "region__code",
        "subdistrict__code",
        "lead_unit__code",
        "sla__code",
    ]
    receipts = dict(Event.objects.values_list("id", "receipt_no"))
    items = dict(EnforcementItem.objects.values_list("id", "code"))
    units = dict(Unit.objects.values_list("id", "code"))

    def rows(model, *columns):
        return sorted(
            (receipts[event_id], *rest) for event_id, *rest in model.objects.values_list("event_id", *columns)
        )

    return {
        "events": list(Event.objects.order_by("receipt_no").values_list(*fields)),
        "event_items": [
            (r, items[i], *rest) for r, i, *rest in rows(EventItem, "item_id", "score", "confirmed")
        ],
        "event_units": [
            (r, units[u], *rest) for r, u, *rest in rows(EventUnit, "unit_id", "role", "linked_at", "active")
        ],
        "meetings": list(
            Consultation.objects.order_by("held_at", "topic").values_list(
                "kind", "topic", "held_at", "place", "decisions", "created_at", "recorded_at"
            )
        ),
        "escalations": sorted(
            (receipts[e], clock, at)
            for e, clock, at in Escalation.objects.values_list("event_id", "clock", "at")
        ),
        "history": [
            (r, at, to, frm, units.get(u), note)
            for r, at, to, frm, u, note in rows(
                EventStatusChange, "at", "to_status", "from_status", "unit_id", "note"
            )
        ],
    }


def _evidence_and_codes() -> dict:
    """Case and event evidence (their bytes by digest), adoptions, and the visits' codes without the database
    keys they name (the signed token names its visit's id; the claims are compared without it)."""
    return {
        "case_evidence": sorted(
            CaseEvidence.objects.values_list(
                "case__number", "requirement", "kind", "origin", "sha256", "size", "collected_at", "added_at"
            )
        ),
        "event_evidence": sorted(
            Evidence.objects.values_list(
                "event__receipt_no", "unit__code", "method", "sha256", "size", "collected_at", "created_at"
            )
        ),
        "evidence_uses": sorted(
            EvidenceUse.objects.values_list("evidence__event__receipt_no", "unit__code", "purpose", "at")
        ),
        "codes": sorted(
            (
                subject or "",
                str(visited),
                code_id,
                str(issued),
                {k: v for k, v in claims.items() if k != "rec"},
            )
            for subject, visited, code_id, issued, claims in ActionCode.objects.values_list(
                "subject__name", "inspection__visited_on", "code_id", "issued_at", "claims"
            )
        ),
    }
