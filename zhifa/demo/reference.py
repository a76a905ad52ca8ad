"""The reference case's local shapes the rest of the demo does not draw: 九堡's own set of high-frequency
监管一件事 scenarios and its 综管大队 of merged auxiliary forces, and officers on the subdistricts' own
establishment (街道自有编制), who work in the subdistrict teams without being seconded from a department.

Built last, from its own random streams, so the rest of the demo is drawn exactly as without it.
"""

import random
from datetime import date, timedelta

from zhifa.catalog.models import Scenario
from zhifa.demo.asof import as_of_date
from zhifa.demo.names import NameMaker
from zhifa.demo.spec import SUBDISTRICT_OFFICERS
from zhifa.org.choices import RegionLevel, UnitKind, WorkerRole
from zhifa.org.models import Domain, GridWorker, Officer, Region, Unit

JIUBAO = "330102018"
# 九堡's high-frequency scenarios: live-streaming e-commerce, rented housing and small businesses first.
JIUBAO_SCENARIOS = (
    "SC01",
    "SC02",
    "SC03",
    "SC04",
    "SC05",
    "SC06",
    "SC07",
    "SC08",
    "SC10",
    "SC11",
    "SC12",
    "SC16",
)
# The four auxiliary forces merged into 九堡's 综管大队, with their people.
JIUBAO_FORCES = (("平安巡防队", 18), ("城管序化队", 14), ("市场协管队", 8), ("交通协管队", 10))
# Officers on each subdistrict's own establishment: a few per team, not seconded, not in the 下沉 ratio.
OWN_OFFICERS_PER_TEAM = 2


def build_reference_shapes(*, seed: int) -> dict[str, int]:
    rng = random.Random(f"zhifa-demo-reference-{seed}")
    names = NameMaker(random.Random(f"zhifa-demo-reference-names-{seed}"))
    names.serial = 8000  # apart from the organisation's and the reporters' serials
    jiubao = Region.objects.get(code=JIUBAO)
    for scenario in Scenario.objects.filter(code__in=JIUBAO_SCENARIOS):
        scenario.focus_regions.add(jiubao)
    auxiliaries = _jiubao_brigade(rng, names, jiubao)
    own = _own_establishment(rng, names)
    return {"jiubao_scenarios": len(JIUBAO_SCENARIOS), "auxiliaries": auxiliaries, "own_officers": own}


def _jiubao_brigade(rng: random.Random, names: NameMaker, jiubao: Region) -> int:
    """九堡街道综管大队: under the subdistrict's command room, where the enforcement team also sits."""
    command = Unit.objects.get(code=f"SC-{JIUBAO}")
    brigade = Unit.objects.create(
        code=f"AUX-{JIUBAO}",
        name="九堡街道综管大队",
        kind=UnitKind.AUXILIARY_BRIGADE,
        region=jiubao,
        parent=command,
    )
    grids = list(Region.objects.filter(path__startswith=jiubao.path, level=RegionLevel.GRID).order_by("code"))
    workers = [
        GridWorker(
            name=names.person(),
            role=WorkerRole.AUXILIARY,
            region=rng.choice(grids),
            phone=names.phone(),
            unit=brigade,
            force=force,
        )
        for force, count in JIUBAO_FORCES
        for _ in range(count)
    ]
    GridWorker.objects.bulk_create(workers)
    return len(workers)


def _own_establishment(rng: random.Random, names: NameMaker) -> int:
    comprehensive = Domain.objects.get(code="comprehensive")
    serial = Officer.objects.count()
    officers = []
    for code in SUBDISTRICT_OFFICERS:
        team = Unit.objects.get(code=f"ST-{code}")
        for _ in range(OWN_OFFICERS_PER_TEAM):
            serial += 1
            age = 25 + rng.randrange(30)
            officers.append(
                Officer(
                    name=names.person(),
                    gender=rng.choice("MMF"),
                    birth_date=date(as_of_date().year - age, 1, 1) - timedelta(days=rng.randrange(365)),
                    certificate_no=f"ZJ3301{serial:06d}",
                    home_department=team,  # the subdistrict's own establishment
                    team=team,
                    seconded=False,
                    phone=names.phone(),
                )
            )
    Officer.objects.bulk_create(officers)
    through = Officer.qualified_domains.through
    through.objects.bulk_create([through(officer_id=o.pk, domain_id=comprehensive.pk) for o in officers])
    return len(officers)
