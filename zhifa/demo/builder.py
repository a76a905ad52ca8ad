"""Build the demo district deterministically from a seed: regions, organisation, catalog, users, a year of
events."""

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from zhifa.audit.services import audit_record
from zhifa.demo import asof, catalog_data, geography, organisation
from zhifa.demo.cases import build_cases
from zhifa.demo.codes import build_visit_codes
from zhifa.demo.coordination import build_coordination
from zhifa.demo.draws import build_draws
from zhifa.demo.events import demo_events_build
from zhifa.demo.evidence import build_case_evidence
from zhifa.demo.inspections import build_inspection_history, build_joint_plans
from zhifa.demo.names import NameMaker
from zhifa.demo.oversight import build_oversight
from zhifa.demo.reference import build_reference_shapes
from zhifa.demo.sharing import build_shared_evidence
from zhifa.demo.subjects import build_subjects
from zhifa.demo.trainings import build_trainings
from zhifa.demo.users import create_demo_users
from zhifa.org.models import Region
from zhifa.risk.services import risk_recompute_all

ACTOR = "demo_district"


@dataclass
class DemoSummary:
    seed: int
    as_of: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


BUILD_STEPS = 9


def demo_district_build(*, seed: int, as_of: date | None = None, progress=None) -> DemoSummary:
    """Create the whole demo district in one transaction, as it stands at the start of `as_of` (default: today,
    Shanghai time): its year of records ends the day before. The same seed and day give the same district.
    Refuses to run on a database that has regions. ``progress(done, BUILD_STEPS)`` after each stage (a job's bar).
    """
    step = progress or (lambda done, total: None)
    if Region.objects.exists():
        raise RuntimeError("数据库中已有区域数据，演示城区只能在空库中生成")
    started = time.perf_counter()
    as_of = as_of or datetime.now(asof.TZ).date()
    asof.set_as_of(as_of)
    rng = random.Random(seed)
    names = NameMaker(random.Random(seed + 1))
    summary = DemoSummary(seed=seed, as_of=as_of)
    layout = geography.build_layout(seed)
    with transaction.atomic():
        regions = geography.save_regions(layout)
        domains = organisation.create_domains()
        units = organisation.create_units(regions, domains)
        officers = organisation.create_officers(rng, names, units, domains)
        squads = organisation.create_squads(rng, units, officers)
        workers = organisation.create_grid_workers(names, regions)
        buildings = organisation.create_buildings(rng, names, regions, layout)
        summary.counts.update(
            regions=len(regions),
            domains=len(domains),
            units=len(units),
            officers=len(officers),
            seconded=sum(o.seconded for o in officers),
            squads=squads,
            grid_workers=len(workers),
            buildings=len(buildings),
        )
        audit_record(
            actor=ACTOR,
            action="demo.organisation_build",
            object_type="demo",
            object_id=str(seed),
            object_repr=f"演示城区 seed={seed}",
            after=dict(summary.counts),
        )
        step(1, BUILD_STEPS)
        summary.counts["items"] = catalog_data.load_catalog(by=ACTOR)
        summary.counts["scenarios"] = catalog_data.load_scenarios(by=ACTOR)
        summary.counts["hub_layers"] = catalog_data.load_hub_layers()
        audit_record(
            actor=ACTOR,
            action="demo.catalog_build",
            object_type="demo",
            object_id=str(seed),
            object_repr=f"演示清单 seed={seed}",
            after={k: summary.counts[k] for k in ("items", "scenarios", "hub_layers")},
        )
        step(2, BUILD_STEPS)
        summary.counts.update(
            build_subjects(seed=seed, regions=regions, buildings=buildings, layout=layout, by=ACTOR)
        )
        step(3, BUILD_STEPS)
        summary.counts["users"] = len(create_demo_users(by=ACTOR))
        step(4, BUILD_STEPS)
        summary.counts.update(demo_events_build(seed=seed, layout=layout, regions=regions, by=ACTOR))
        step(5, BUILD_STEPS)
        summary.counts.update(build_inspection_history(seed=seed, by=ACTOR))
        summary.counts.update(build_draws(seed=seed))  # 双随机 inspections from real draws
        step(6, BUILD_STEPS)
        # Three-colour codes from the subjects' records, as the nightly risk_recompute would give them.
        risk = risk_recompute_all(by=ACTOR)
        summary.counts.update({f"risk_{colour}": n for colour, n in risk.counts.items()})
        step(7, BUILD_STEPS)
        summary.counts.update(build_joint_plans(seed=seed))
        step(8, BUILD_STEPS)
        summary.counts.update(build_cases(seed=seed, by=ACTOR))
        summary.counts.update(build_case_evidence(seed=seed, by=ACTOR))
        summary.counts.update(build_trainings(seed=seed, by=ACTOR))
        # Then, from their own random streams: meetings and escalations; 九堡's scenarios and 综管大队,
        # the subdistricts' own officers.
        summary.counts.update(build_coordination(seed=seed))
        summary.counts.update(build_shared_evidence(seed=seed))
        summary.counts.update(build_reference_shapes(seed=seed))
        # The 行政行为码 every past visit carried (a few did not), once all the visits are there.
        summary.counts.update(build_visit_codes(seed=seed, by=ACTOR))
        # Last: the year's warnings from everything above, part of them handled by oversight.
        summary.counts.update(build_oversight(seed=seed))
    step(BUILD_STEPS, BUILD_STEPS)
    summary.seconds = time.perf_counter() - started
    return summary
