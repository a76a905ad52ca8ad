"""A digest of the demo district's content, independent of database keys: equal seeds give equal digests."""

import hashlib
import json

from zhifa.catalog.models import EnforcementItem, Scenario
from zhifa.org.models import Building, GridWorker, Officer, Region, Squad, Unit
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
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()
