"""综合查一次 on a synthetic 四季青: ≈5,180 subjects (most in 92 buildings), a quarter's demands, 60 officers.

Plans the quarter jointly and by each department alone (``planning_alone``: the same engine, each department
with its own qualified officers, own bases, own OR-Tools routes, same limits), and prints visits,
officer-days and km side by side, with the demand overlap (departments per visited subject) and the best
visit reduction it permits (1 − subjects/demands): one visit per subject can save no more than that. Runs
at the independent calendars (align 0) and at an aligned one (align 0.6) where ≥ 50 % is possible.
``compare()`` returns the figures as a dict for other benchmarks. Assumptions of the synthetic population
are stated in ``make_world``; change them there, not in the engine.
"""

import argparse
import math
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhifa.engine.planning import Demand, Limits, Officer, Subject, plan_joint, working_days  # noqa: E402
from zhifa.engine.planning_alone import compare_with_departments_alone  # noqa: E402

CENTRE = (120.205, 30.255)  # 四季青街道
DOMAINS = ("comprehensive", "market", "fire", "safety", "health", "culture")
# Share of subjects each domain regulates (a shop: market always; most: fire and city management …).
RELEVANT = {"comprehensive": 0.6, "market": 1.0, "fire": 0.7, "safety": 0.3, "health": 0.25, "culture": 0.1}
# Chance that a regulating department has the subject due this quarter, by colour (green ≈ once a year at
# most, yellow twice a year, red every quarter).
DUE = {"green": 0.12, "yellow": 0.5, "red": 1.0}
COLOURS = (("green", 0.70), ("yellow", 0.22), ("red", 0.08))
Q2 = (date(2026, 4, 1), date(2026, 6, 30))
# Minutes after the working day's start (09:00): lunch service 11:00–13:30; venues open at 13:00.
LUNCH_FROM, LUNCH_TO, OPENS_AFTERNOON = 120, 270, 240
# 清明, 劳动节, 端午 (2026) — days with no visits.
QUIET = frozenset({date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5), date(2026, 6, 19)})


def make_world(
    seed: int = 2026, n_subjects: int = 5180, n_officers: int = 60, align: float = 0.0, quiet: bool = True
):
    """The synthetic 四季青. ``align`` sets the demand overlap: the chance that, when one department has a
    subject due this quarter, each other department regulating it brings its own check of the subject into
    the same quarter (as 监管一件事 schedules do); 0 leaves every department's calendar independent.
    ``quiet`` adds 无事不扰 (their own random stream, so the rest of the world stays the same): eateries (the
    subjects 卫生健康 checks) take no visit during lunch service, 11:00–13:30; entertainment venues (文化市场)
    are visited only after 13:00, when they open; 1 % of subjects (training schools in exam week, shops with
    a big event) keep a week of their own without visits."""
    rnd = random.Random(seed)
    aligned = random.Random(f"align:{seed}")  # its own stream: align=0 gives exactly the independent world
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
        regulating = []
        for dom in DOMAINS:
            if rnd.random() < RELEVANT[dom]:
                regulating.append(dom)
                if rnd.random() < DUE[colour[s.id]]:
                    demands.append(
                        Demand(s.id, dom, Q2[0], Q2[1], (f"{dom.upper()}-{rnd.randint(1, 40):03d}",))
                    )
        due = {d.domain for d in demands[-len(regulating) :] if d.subject == s.id} if regulating else set()
        if due and align > 0:
            for dom in regulating:
                if dom not in due and aligned.random() < align:
                    demands.append(
                        Demand(s.id, dom, Q2[0], Q2[1], (f"{dom.upper()}-{aligned.randint(1, 40):03d}",))
                    )
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
    if quiet:
        subjects = _quiet(subjects, demands, days, seed)
    return subjects, demands, officers, bases, limits, colour


def _quiet(subjects, demands, days, seed):
    rnd = random.Random(f"quiet:{seed}")
    domains = defaultdict(set)
    for d in demands:
        domains[d.subject].add(d.domain)
    out = []
    for s in subjects:
        extra = {}
        if "health" in domains[s.id]:
            extra["quiet_hours"] = ((LUNCH_FROM, LUNCH_TO),)
        if "culture" in domains[s.id]:
            extra["hours"] = (OPENS_AFTERNOON, Limits().day_minutes)
        if rnd.random() < 0.01:
            start = rnd.randrange(len(days) - 5)
            extra["quiet_days"] = frozenset(days[start : start + 5])
        out.append(replace(s, **extra) if extra else s)
    return out


def compare(
    seed: int = 2026,
    subjects: int = 5180,
    officers: int = 60,
    align: float = 0.0,
    quiet: bool = True,
    one_base: bool = False,
) -> dict:
    """Plan the synthetic 四季青 jointly and by each department alone; the figures as a dict (importable).

    Keys: the world (subjects, demands, officers, working_days, align), the comparison of
    ``planning_alone.Comparison.as_dict`` (joint_* and alone_* visits, officer_days, squad_days, km, served;
    overlap, best_visit_saving, visit_saving, officer_day_saving, km_saving, departments), the joint plan's
    same-days baselines (km_shuffled, km_unclustered), location-first (places, place_days, main_day_share), unfitted reasons,
    timed_visits / timed_broken and own_quiet_visits / on_quiet_day (无事不扰 kept: the broken counts are 0),
    plan_seconds (joint), alone_seconds and the aims with met flags. ``one_base`` puts every team at the
    subdistrict's base, to see how much of the km saving is the joint squads' and not the teams' places."""
    world = make_world(seed, subjects, officers, align, quiet)
    subject_list, demands, officer_list, bases, limits, _colour = world
    if one_base:  # every team at the subdistrict's base: km saved by joint squads, not by where teams sit
        bases = dict.fromkeys(bases, bases["SJQ-ZH"])
    started = time.perf_counter()
    plan = plan_joint(subject_list, demands, officer_list, bases, period=Q2, limits=limits, seed=seed)
    plan_seconds = time.perf_counter() - started
    comparison = compare_with_departments_alone(
        plan, subject_list, demands, officer_list, bases, period=Q2, limits=limits, seed=seed
    )
    out = comparison.as_dict()
    f = plan.figures
    out.update(
        align=align,
        one_base=one_base,
        subjects_total=len(subject_list),
        officers=len(officer_list),
        working_days=len(plan.working_days),
        km_shuffled=round(f.km_shuffled, 1),
        km_unclustered=round(f.km_unclustered, 1),
        places=f.places,
        place_days=f.place_days,
        main_day_share=round(_main_day_share(plan), 4),
        unfitted=dict(Counter(u.reason.split("（")[0] for u in plan.unfitted)),
        plan_seconds=round(plan_seconds, 2),
        alone_seconds=out.pop("seconds"),
        **_kept(plan, limits),
    )
    # ≥ 50 % fewer visits is asked "where overlap allows": judged when one visit per subject could save it.
    out["aims"] = {
        "visits_50": {
            "possible": comparison.best_visit_saving >= 0.5,
            "met": comparison.visit_saving >= 0.5,
        },
        "km_25": {"met": comparison.km_saving >= 0.25},
        "seconds_30": {"met": plan_seconds + comparison.seconds <= 30},
    }
    return out


def _main_day_share(plan) -> float:
    """Share of visits made on their building's (or street block's) busiest day: 1.0 is one day a place."""
    days = defaultdict(Counter)
    for sd in plan.squad_days:
        for v in sd.visits:
            days[v.place][sd.day] += 1
    total = sum(sum(c.values()) for c in days.values())
    return sum(max(c.values()) for c in days.values()) / total if total else 0.0


def _kept(plan, limits) -> dict:
    """Visits with hours or quiet hours, and with quiet days of their own; how many broke them (must be 0)."""
    timed = broken = own_quiet = on_quiet = 0
    for sd in plan.squad_days:
        for v in sd.visits:
            s = v.subject
            if s.quiet_days:
                own_quiet += 1
                on_quiet += sd.day in s.quiet_days or sd.day in limits.quiet_days
            if s.timed:
                timed += 1
                start = v.start_minute
                end = start + limits.visit_minutes(len(v.domains))
                lo, hi = s.hours or (0, limits.day_minutes)
                broken += not (lo <= start and end <= hi) or any(
                    end > a and start < b for a, b in s.quiet_hours
                )
    return {
        "timed_visits": timed,
        "timed_broken": broken,
        "own_quiet_visits": own_quiet,
        "on_quiet_day": on_quiet,
    }


def _aim(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def report(r: dict) -> None:
    where = " (every team at the subdistrict base)" if r["one_base"] else ""
    print(
        f"\n== align {r['align']:.2f}{where}: {r['demands']:,} demands on {r['subjects']:,} of "
        f"{r['subjects_total']:,} subjects; {r['officers']} officers, {r['working_days']} working days"
    )
    print(
        f"  overlap: {r['overlap']:.2f} departments per visited subject; best visit reduction it permits "
        f"(1 − subjects/demands) {r['best_visit_saving']:.1%}"
    )
    print(f"  {'':30}{'joint':>10}{'alone':>10}{'change':>9}")
    for label, key in (("visits", "visits"), ("officer-days", "officer_days"), ("squad-days", "squad_days")):
        j, a = r[f"joint_{key}"], r[f"alone_{key}"]
        print(f"  {label:30}{j:>10,}{a:>10,}{j / a - 1 if a else 0:>+9.1%}")
    print(f"  {'route km':30}{r['joint_km']:>10,.1f}{r['alone_km']:>10,.1f}{-r['km_saving']:>+9.1%}")
    print(f"  {'demands served':30}{r['joint_served']:>10,}{r['alone_served']:>10,}")
    for d in r["departments"]:
        print(
            f"    alone {d['domain']:<14} {d['demands']:>5} demands {d['visits']:>5} visits "
            f"{d['officer_days']:>4} officer-days {d['km']:>7.1f} km"
        )
    print(
        f"  same squad-days shuffled {r['km_shuffled']:,.1f} km, filled in input order {r['km_unclustered']:,.1f} km; "
        f"location first: {r['places']} buildings/blocks visited on {r['place_days']} place-days, "
        f"{r['main_day_share']:.1%} of visits on their place's main day"
    )
    print(
        f"  无事不扰: {r['timed_visits']} visits with hours or quiet hours (their days checked against them, routed "
        f"with OR-Tools' time dimension where the shortest tour broke one), "
        f"{r['timed_broken']} outside them; {r['own_quiet_visits']} visits of subjects with quiet days of their "
        f"own, {r['on_quiet_day']} on a quiet day"
    )
    print(
        f"  unfitted {r['unfitted']}; planning {r['plan_seconds']:.1f} s joint + {r['alone_seconds']:.1f} s alone"
    )
    aims = r["aims"]
    visits = (
        _aim(aims["visits_50"]["met"])
        if aims["visits_50"]["possible"]
        else f"not possible at this overlap ({_aim(aims['visits_50']['met'])})"
    )
    print(
        f"  aims: visits ≥ 50% fewer where overlap allows: {visits} ({r['visit_saving']:.1%}); "
        f"km ≥ 25% fewer than departments alone: {_aim(aims['km_25']['met'])} ({r['km_saving']:.1%}); "
        f"≤ 30 s: {_aim(aims['seconds_30']['met'])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--subjects", type=int, default=5180)
    parser.add_argument("--officers", type=int, default=60)
    parser.add_argument(
        "--align",
        type=float,
        nargs="*",
        default=[0.0, 0.6],
        help="demand overlap settings to run (0 = departments' calendars independent)",
    )
    parser.add_argument(
        "--no-quiet", action="store_true", help="no visiting hours, quiet hours or own quiet days"
    )
    parser.add_argument(
        "--one-base",
        action="store_true",
        help="also run with every team at the subdistrict base (km sensitivity)",
    )
    args = parser.parse_args()
    print("synthetic 四季青, 2026 Q2, 6 departments; machine: 2 cores shared with other jobs")
    for align in args.align:
        report(compare(args.seed, args.subjects, args.officers, align, not args.no_quiet))
        if args.one_base:
            report(compare(args.seed, args.subjects, args.officers, align, not args.no_quiet, one_base=True))


if __name__ == "__main__":
    main()
