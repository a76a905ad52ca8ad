"""Classify and route many texts at once, without creating events (the `route` command's contract)."""

from django.utils import timezone

from zhifa.catalog.models import EnforcementItem
from zhifa.dispatch.directory import build_router, classifier
from zhifa.dispatch.places import place_of_report
from zhifa.engine.routing import ItemRef, Place, items_to_route
from zhifa.org.models import Unit


def route_rows(rows: list[dict]) -> list[dict]:
    clf = classifier()
    router = build_router()
    # Delegations in force today only: one dated in the future does not route to the subdistrict yet.
    delegated = set(
        EnforcementItem.objects.filter(delegated=True, delegated_from__lte=timezone.localdate()).values_list(
            "code", flat=True
        )
    )
    unit_names = dict(Unit.objects.values_list("code", "name"))
    results = clf.classify_many([str(r.get("text") or "") for r in rows], k=5)
    out = []
    for row, matches in zip(rows, results, strict=True):
        lng, lat = row.get("lng"), row.get("lat")
        place = place_of_report(
            text=str(row.get("text") or ""),
            lng=float(lng) if lng is not None else None,
            lat=float(lat) if lat is not None else None,
            address=str(row.get("address") or ""),
            subdistrict=str(row.get("subdistrict") or ""),
        )
        routed = items_to_route(matches)
        decision = router.route(
            [ItemRef(m.code, m.domain, m.code in delegated, m.score) for m in routed],
            Place(place.subdistrict.code if place.subdistrict else None, tuple(place.functional_area_codes)),
            assist_ratio=0.0,
        )
        region = place.grid or place.subdistrict
        out.append(
            {
                "items": [
                    {"code": m.code, "name": m.name, "domain": m.domain, "score": m.score} for m in matches
                ],
                "region": {"code": region.code, "name": region.name} if region else None,
                "unit": {"code": decision.lead, "name": unit_names.get(decision.lead, "")}
                if decision.lead
                else None,
                "assisting_units": [{"code": c, "name": unit_names.get(c, "")} for c in decision.assisting],
                "explanation": "；".join(
                    filter(
                        None,
                        [
                            f"匹配：{matches[0].basis}" if matches and matches[0].matched else "",
                            place.how,
                            decision.explanation,
                        ],
                    )
                ),
            }
        )
    return out
