"""综合查一次 on a synthetic 四季青: ≈5,180 subjects (most in 92 buildings), a quarter's demands, 60 officers.

Prints joint visits vs each department alone, officer-days, route km vs the unordered day, planning time.
Assumptions of the synthetic population are stated in ``make_world``; change them there, not in the engine.
"""

import argparse
import math
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhifa.engine.planning import Demand, Limits, Officer, Subject, plan_joint, working_days  # noqa: E402

CENTRE = (120.205, 30.255)  # 四季青街道
DOMAINS = ("comprehensive", "market", "fire", "safety", "health", "culture")
# Share of subjects each domain regulates (a shop: market always; most: fire and city management …).
RELEVANT = {"comprehensive": 0.6, "market": 1.0, "fire": 0.7, "safety": 0.3, "health": 0.25, "culture": 0.1}
# Chance that a regulating department has the subject due this quarter, by colour (green ≈ once a year at
# most, yellow twice a year, red every quarter).
DUE = {"green": 0.12, "yellow": 0.5, "red": 1.0}
COLOURS = (("green", 0.70), ("yellow", 0.22), ("red", 0.08))
Q2 = (date(2026, 4, 1), date(2026, 6, 30))
# 清明, 劳动节, 端午 (2026) — days with no visits.
QUIET = frozenset({date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5), date(2026, 6, 19)})


def make_world(seed: int = 2026, n_subjects: int = 5180, n_officers: int = 60):
    rnd = random.Random(seed)
    grids = [
        (CENTRE[0] + rnd.uniform(-0.016, 0.016), CENTRE[1] + rnd.uniform(-0.014, 0.014)) for _ in range(102)
    ]

    def grid_of(lng, lat):
        best = min(range(len(grids)), key=lambda g: (grids[g][0] - lng) ** 2 + (grids[g][1] - lat) ** 2)
        return f"330102017{best:03d}"

    buildings = []
    for b in range(92):
        lng, lat = CENTRE[0] + rnd.gauss(0, 0.007), CENTRE[1] + rnd.gauss(0, 0.006)
        buildings.append((f"SJQ-B{b:02d}", lng, lat, grid_of(lng, lat), rnd.lognormvariate(0, 0.7)))
    total_w = sum(b[4] for b in buildings)
    subjects, colour = [], {}
    in_buildings = int(n_subjects * 0.8)
    for n in range(n_subjects):
        sid = f"SJQ{n:05d}"
        if n < in_buildings:
            pick, acc = rnd.uniform(0, total_w), 0.0
            for bid, lng, lat, grid, w in buildings:  # noqa: B007 (the loop picks one)
                acc += w
                if acc >= pick:
                    break
            subjects.append(
                Subject(sid, lng + rnd.uniform(-1e-4, 1e-4), lat + rnd.uniform(-1e-4, 1e-4), bid, grid)
            )
        else:  # street shops
            lng, lat = CENTRE[0] + rnd.gauss(0, 0.009), CENTRE[1] + rnd.gauss(0, 0.008)
            subjects.append(Subject(sid, lng, lat, None, grid_of(lng, lat)))
        r, acc = rnd.random(), 0.0
        for c, share in COLOURS:
            acc += share
            if r <= acc:
                colour[sid] = c
                break

    demands = []
    for s in subjects:
        for dom in DOMAINS:
            if rnd.random() < RELEVANT[dom] and rnd.random() < DUE[colour[s.id]]:
                demands.append(Demand(s.id, dom, Q2[0], Q2[1], (f"{dom.upper()}-{rnd.randint(1, 40):03d}",)))
        if rnd.random() < 0.02:  # a complaint: check within two weeks of a date in the quarter
            start = date.fromordinal(Q2[0].toordinal() + rnd.randint(0, 75))
            end = date.fromordinal(start.toordinal() + 14)
            demands.append(Demand(s.id, rnd.choice(DOMAINS[:3]), start, end, ("TS-001",), "complaint"))
    rnd.shuffle(demands)  # departments send their lists independently: input order is not geographic

    days = working_days(*Q2, Limits(quiet_days=QUIET))
    officers = []
    for n in range(n_officers):
        if n < n_officers // 2:  # 四季青 subdistrict comprehensive team: comprehensive + one or two more
            team = "SJQ-ZH"
            doms = {"comprehensive", *rnd.sample(DOMAINS[1:], rnd.choice((1, 1, 2)))}
        else:  # district domain teams seconded to joint inspections
            dom = DOMAINS[1 + (n % 5)]
            team = f"DT-{dom}"
            doms = {dom, *([rnd.choice(DOMAINS)] if rnd.random() < 0.3 else [])}
        off = frozenset(rnd.sample(days, int(len(days) * 0.15)))  # leave, duty, court, training
        officers.append(Officer(f"ZF{n:03d}", frozenset(doms), team, frozenset(set(days) - off)))
    bases = {"SJQ-ZH": (120.2035, 30.2585)}
    for i, dom in enumerate(DOMAINS[1:]):
        angle = i * 2 * math.pi / 5
        bases[f"DT-{dom}"] = (CENTRE[0] + 0.03 * math.cos(angle), CENTRE[1] + 0.025 * math.sin(angle))
    done = {
        s.id: (rnd.choice((0, 1, 2, 3, 4)) if colour[s.id] == "red" else rnd.choice((0, 0, 1)))
        for s in subjects
    }
    limits = Limits(quiet_days=QUIET, visits_this_year=done, max_visits_per_year=4)
    return subjects, demands, officers, bases, limits, colour


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--subjects", type=int, default=5180)
    parser.add_argument("--officers", type=int, default=60)
    args = parser.parse_args()
    subjects, demands, officers, bases, limits, colour = make_world(args.seed, args.subjects, args.officers)
    started = time.perf_counter()
    plan = plan_joint(subjects, demands, officers, bases, period=Q2, limits=limits, seed=args.seed)
    wall = time.perf_counter() - started
    f = plan.figures
    print(f"synthetic 四季青: {len(subjects)} subjects, colours {dict(Counter(colour.values()))}")
    print(
        f"  {len(demands)} demands in 2026 Q2 from {len(DOMAINS)} departments, {len(officers)} officers, "
        f"{len(plan.working_days)} working days"
    )
    print(f"{'':32}{'joint plan':>14}{'baseline':>14}{'change':>10}")
    print(
        f"{'visits (vs departments alone)':32}{f.joint_visits:>14,}{f.separate_visits:>14,}"
        f"{-f.visit_saving:>+10.1%}"
    )
    print(
        f"{'officer-days (alone: 2/visit)':32}{f.officer_days:>14,}{f.separate_officer_days:>14,}"
        f"{f.officer_days / f.separate_officer_days - 1:>+10.1%}"
    )
    print(f"{'route km (vs input order)':32}{f.km:>14,.1f}{f.km_unordered:>14,.1f}{-f.km_saving:>+10.1%}")
    print(
        f"{'route km (vs day shuffled)':32}{f.km:>14,.1f}{f.km_shuffled:>14,.1f}"
        f"{-f.km_saving_vs_shuffled:>+10.1%}"
    )
    print(
        f"{'route km (vs no clustering)':32}{f.km:>14,.1f}{f.km_unclustered:>14,.1f}"
        f"{f.km / f.km_unclustered - 1:>+10.1%}"
    )
    print(f"{'squad-days':32}{f.squad_days:>14,}")
    print(f"{'planning time s (aim ≤ 30)':32}{wall:>14.2f}")
    reasons = Counter(u.reason.split("（")[0] for u in plan.unfitted)
    print(f"unfitted demands: {len(plan.unfitted)} {dict(reasons)}")
    sizes = Counter(len(sd.officers) for sd in plan.squad_days)
    print(
        f"squad sizes: {dict(sorted(sizes.items()))}; visits per squad-day: "
        f"{f.joint_visits / max(f.squad_days, 1):.1f}"
    )
    print("aims: visits ≥ 50% fewer, km ≥ 25% shorter, ≤ 30 s (2-core machine shared with other jobs)")


if __name__ == "__main__":
    main()
