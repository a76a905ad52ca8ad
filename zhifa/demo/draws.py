"""Demo 双随机一公开: a year of published random draws, made by the draw engine with seeds from public values,
and the inspections of the subjects they drew, by the inspectors they drew. Past checks the history generator
labelled "双随机" without a draw become routine checks: every 双随机 inspection comes from a draw.

From its own random stream, so the rest of the demo is drawn as without it.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from zhifa.accounts.models import User
from zhifa.demo.asof import TZ, as_of_date
from zhifa.demo.subjects import _insert, _reset_sequences
from zhifa.engine.draw import draw, seed_from_public
from zhifa.inspections.choices import InspectionKind, InspectionStatus
from zhifa.inspections.draws.picks import draw_outcome, draw_record
from zhifa.inspections.models import Inspection, RandomDraw
from zhifa.org.models import Domain, Officer
from zhifa.subjects.choices import SubjectStatus
from zhifa.subjects.models import Subject

# (days before the demo's day, domain, industry, ratio, name): quarterly draws of the market department.
DRAWS = (
    (330, "market", "H62", "0.03", "餐饮服务单位食品安全双随机抽查"),
    (300, "market", "F52", "0.03", "食品零售单位食品安全双随机抽查"),
    (240, "market", "H62", "0.03", "餐饮服务单位食品安全双随机抽查"),
    (210, "market", "F52", "0.03", "食品零售单位食品安全双随机抽查"),
    (150, "market", "H62", "0.03", "餐饮服务单位食品安全双随机抽查"),
    (120, "market", "F52", "0.03", "食品零售单位食品安全双随机抽查"),
    (60, "market", "H62", "0.03", "餐饮服务单位食品安全双随机抽查"),
    (30, "market", "F52", "0.03", "食品零售单位食品安全双随机抽查"),
)


def build_draws(*, seed: int) -> dict[str, int]:
    rng = random.Random(f"zhifa-demo-draws-{seed}")
    organiser = User.objects.get(username="market_dept")
    relabelled = Inspection.objects.filter(kind=InspectionKind.DRAW, draw__isnull=True).update(
        kind=InspectionKind.ROUTINE
    )
    rows, officer_links, domain_links, made = [], [], [], 0
    next_id = (Inspection.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for days, domain_code, industry, ratio, name in DRAWS:
        domain = Domain.objects.get(code=domain_code)
        day = as_of_date() - timedelta(days=days)
        moment = datetime.combine(day, time(9, 30), tzinfo=TZ)
        subjects = dict(
            Subject.objects.filter(status=SubjectStatus.ACTIVE, industry_code=industry)
            .exclude(opened_on__gt=day)
            .values_list("id", "region_path")
        )
        qualified: dict[str, list[str]] = {}
        for officer_id in (
            Officer.objects.filter(active=True, qualified_domains=domain)
            .order_by("id")
            .values_list("id", flat=True)
        ):
            qualified[str(officer_id)] = [domain_code]
        # The public value: the demo's stand-in for a lottery number published the evening of the draw.
        public_value = f"{rng.randrange(10**7):07d}"
        draw_seed = seed_from_public(moment, public_value, label=name)
        ids = [str(s) for s in sorted(subjects)]
        result = draw(
            ids,
            sorted(qualified, key=int),
            seed=draw_seed,
            ratio=Decimal(ratio),
            qualified=qualified,
            domains_needed={s: [domain_code] for s in ids},
        )
        record = draw_record(
            result, seed_inputs={"label": name, "time": moment.isoformat(), "public_value": public_value}
        )
        made_draw = RandomDraw.objects.create(
            name=name,
            domain=domain,
            pool_filter={"subdistrict": "", "industry": industry, "scenario": "", "item": ""},
            pool_size=len(ids),
            ratio=Decimal(ratio),
            count=None,
            seed=draw_seed,
            pool_digest=result.pool_digest,
            algorithm=result.algorithm,
            record=record,
            region_path="",
            created_by=organiser,
            created_at=moment,
            published_at=moment + timedelta(days=1),
        )
        made += 1
        for pick in draw_outcome(record).picks:
            visited = day + timedelta(days=rng.randrange(3, 28))
            while visited.weekday() > 4:
                visited += timedelta(days=1)
            if visited >= as_of_date():
                continue
            at = datetime.combine(visited, time(10), tzinfo=TZ)
            rows.append(
                {
                    "id": next_id,
                    "subject_id": pick.subject_id,
                    "kind": InspectionKind.DRAW,
                    "visited_on": visited,
                    "status": InspectionStatus.FINISHED,
                    "summary": "双随机抽查：未发现违法行为。",
                    "region_path": subjects[pick.subject_id],
                    "created_by_id": organiser.pk,
                    "created_at": at,
                    "finished_at": at + timedelta(hours=1),
                    "version": 1,
                    "plan_visit_id": None,
                    "draw_id": made_draw.pk,
                    "request_id": None,
                    "event_id": None,
                }
            )
            officer_links += [{"inspection_id": next_id, "officer_id": o} for o in pick.officer_ids]
            domain_links.append({"inspection_id": next_id, "domain_id": domain.pk})
            next_id += 1
    _insert(Inspection, rows)
    _insert(Inspection.officers.through, officer_links)
    _insert(Inspection.domains.through, domain_links)
    _reset_sequences(Inspection, Inspection.officers.through, Inspection.domains.through)
    return {"draws": made, "draw_inspections": len(rows), "draw_relabelled": relabelled}
