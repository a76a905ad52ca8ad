"""Demo catalog: release v1 imported through the release service, then scenarios and the hub's layers."""

import csv
from pathlib import Path

from zhifa.catalog.models import EnforcementItem, FunctionalAreaLayer
from zhifa.catalog.services import release_apply, release_import, scenario_create
from zhifa.demo.spec import HUB_CODE, HUB_UNITS
from zhifa.org.models import Region, Unit

DATA = Path(__file__).resolve().parent / "data"


def load_catalog(*, by) -> int:
    release = release_import(
        content=(DATA / "catalog_items.csv").read_bytes(),
        filename="catalog_items.csv",
        discretion_content=(DATA / "discretion_bands.csv").read_bytes(),
        discretion_filename="discretion_bands.csv",
        version="2024.1",
        title="上城区综合行政执法事项清单（演示）",
        by=by,
    )
    release_apply(release=release, by=by)
    return EnforcementItem.objects.count()


def load_scenarios(*, by) -> int:
    items = {i.code: i for i in EnforcementItem.objects.all()}
    with open(DATA / "scenarios.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        codes = [c.strip() for c in row["item_codes"].split("|") if c.strip()]
        scenario_create(
            code=row["code"],
            name=row["name"],
            description=row["description"],
            items=[items[c] for c in codes],
            by=by,
        )
    return len(rows)


def load_hub_layers() -> int:
    """Each stationed unit takes the scene-tagged items of its domain whose scenes it covers."""
    hub = Region.objects.get(code=HUB_CODE)
    tagged = [i for i in EnforcementItem.objects.exclude(scenes=[]).select_related("domain")]
    through = FunctionalAreaLayer.items.through
    links, count = [], 0
    for priority, (code, name, domain_code, scenes, _n) in enumerate(HUB_UNITS, start=1):
        unit = Unit.objects.get(code=code)
        layer = FunctionalAreaLayer.objects.create(
            region=hub,
            name=f"{name}管理圈层（{''.join(scenes)}）",
            unit=unit,
            scenes=list(scenes),
            priority=priority * 10,
        )
        count += 1
        for item in tagged:
            if item.domain.code == domain_code and set(item.scenes) & set(scenes):
                links.append(through(functionalarealayer_id=layer.pk, enforcementitem_id=item.pk))
    through.objects.bulk_create(links)
    return count
