"""The region page's catalog sections: a functional area's stationed units with their management layers and
items sorted into the six travel scenes (吃住行游购娱), and a subdistrict's own high-frequency scenarios."""

from django.urls import reverse

from zhifa.catalog.choices import ItemStatus
from zhifa.catalog.models import FunctionalAreaLayer, Scenario

SCENES = "吃住行游购娱"


def hub_layers_section(user, region) -> dict | None:
    layers = list(
        FunctionalAreaLayer.objects.filter(region=region)
        .select_related("unit")
        .prefetch_related("items")
        .order_by("priority", "id")
    )
    if not layers:
        return None
    rows, seen = [], {}
    for layer in layers:
        items = [i for i in layer.items.all() if i.status == ItemStatus.ACTIVE]
        for item in items:
            seen[item.code] = item
        rows.append(
            {
                "layer": layer,
                "unit": layer.unit,
                "scenes": "".join(layer.scenes),
                "by_scene": [sum(1 for i in items if s in (i.scenes or [])) for s in SCENES],
                "count": len(items),
            }
        )
    totals = [sum(1 for i in seen.values() if s in (i.scenes or [])) for s in SCENES]
    return {
        "template": "catalog/_region_layers.html",
        "scenes": list(SCENES),
        "rows": rows,
        "totals": totals,
        "items": len(seen),
        "scene_items": sorted(seen.values(), key=lambda i: i.code),
    }


def focus_scenarios_section(user, region) -> dict | None:
    scenarios = list(Scenario.objects.filter(focus_regions=region).order_by("code"))
    if not scenarios:
        return None
    return {
        "template": "catalog/_region_scenarios.html",
        "scenarios": scenarios,
        "url": reverse("catalog:scenario_list") + f"?region={region.code}",
    }
