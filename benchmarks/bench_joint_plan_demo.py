"""综合查一次 on the demo district: 四季青 (330102014), the three months after the demo's "today", real demands.

The default period (2026-12-01 – 2027-02-28) starts the day after the demo's last month, so every cause of a
demand is present: colour frequency, scenarios, department requests, new businesses' guidance visits and the
last month's complaints. `--start 2027-01-01 --end 2027-03-31` plans the calendar quarter instead.

Builds the demo district (seed 42) on a throw-away SQLite file (or DATABASE_URL with "bench" in its name), then
plans through the service (``joint_plan_create``: demands from the records, officer pool, engine, bulk save)
and prints the plan beside its baselines: each department alone planned by the same engine with its own officers
and routes (kept in the plan's figures), the same squad-days unordered, and days filled in input order. The aims are printed with MET / NOT MET; nothing is tuned here.
"""

import argparse
import time
from collections import Counter
from datetime import date

from _benchdb import setup_bench_database

SIJIQING = "330102014"
# Days off in the winter of 2027 (元旦, 春节): assumed, the State Council publishes the 2027 calendar late in 2026.
QUIET_2027_Q1 = ["2027-01-01", *[f"2027-02-{d:02d}" for d in range(5, 12)]]


def _aim(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", default="bench-2027q1")
    parser.add_argument("--start", default="2026-12-01")
    parser.add_argument("--end", default="2027-02-28")
    args = parser.parse_args()
    vendor = setup_bench_database("jointplan")

    from zhifa.accounts.models import User
    from zhifa.demo.builder import demo_district_build
    from zhifa.inspections.choices import PlanStatus
    from zhifa.inspections.demands.selectors import inspection_demands
    from zhifa.inspections.models import JointPlan, PlanVisit
    from zhifa.inspections.plans import joint_plan_create, joint_plan_withdraw
    from zhifa.org.models import Region

    started = time.perf_counter()
    demo_district_build(seed=42)
    print(f"demo district (seed 42) built on {vendor} in {time.perf_counter() - started:.1f} s")

    region = Region.objects.get(code=SIJIQING)
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    command = User.objects.get(username="command")
    # The demo comes with the winter plan published; it is withdrawn (its requests open again, its officers
    # free) so the benchmark plans the region from scratch.
    for published in JointPlan.objects.filter(region=region, status=PlanStatus.PUBLISHED):
        joint_plan_withdraw(plan=published, by=command, reason="基准测试重新编制")
    t0 = time.perf_counter()
    demand_set = inspection_demands(region=region, period_start=start, period_end=end)
    demands_s = time.perf_counter() - t0
    by_source = Counter(d.source for d in demand_set.demands)
    by_domain = Counter(d.domain for d in demand_set.demands)

    t0 = time.perf_counter()
    plan = joint_plan_create(
        region=region,
        period_start=start,
        period_end=end,
        quiet_days=[d for d in QUIET_2027_Q1 if start <= date.fromisoformat(d) <= end],
        seed=args.seed,
        demands=demand_set,
        by=command,
    )
    service_s = time.perf_counter() - t0
    f, lim = plan.figures, plan.limits

    subjects_due = len({d.subject for d in demand_set.demands})
    print(
        f"{region.name} {start} – {end}: {len(demand_set.subjects):,} subjects in the region, {subjects_due:,} with "
        f"demands; {f['working_days']} working days (quiet days {len(lim['quiet_days'])}); "
        f"{lim['officers']} officers (local teams {', '.join(lim['local_teams'])}; district teams help with "
        f"{', '.join(lim['helping_domains']) or 'none'})"
    )
    print(f"  demands {f['demands']:,} by source {dict(by_source.most_common())}")
    print(f"  demands by domain {dict(by_domain.most_common())}")

    def row(label, ours, base, fmt=",.0f"):
        change = f"{ours / base - 1:+.1%}" if base else "—"
        print(f"{label:36}{format(ours, fmt):>12}{format(base, fmt):>12}{change:>10}")

    a = f.get("alone") or {}
    print(
        f"  overlap {a.get('overlap', 0):.2f} departments per visited subject; best visit reduction it permits "
        f"(1 − subjects/demands) {a.get('best_visit_saving', 0):.1%}"
    )
    print(f"{'':36}{'joint plan':>12}{'baseline':>12}{'change':>10}")
    row("visits (vs departments alone)", f["joint_visits"], a.get("alone_visits", 0))
    row("officer-days (vs departments alone)", f["officer_days"], a.get("alone_officer_days", 0))
    row("squad-days (vs departments alone)", f["squad_days"], a.get("alone_squad_days", 0))
    row("route km (vs departments alone)", f["km"], a.get("alone_km", 0), ",.1f")
    for d in a.get("departments", []):
        print(
            f"    alone {d['domain']:<14} {d['demands']:>5} demands {d['visits']:>5} visits "
            f"{d['officer_days']:>4} officer-days {d['km']:>7.1f} km"
        )
    row("route km (vs same days, input order)", f["km"], f["km_unordered"], ",.1f")
    if f.get("km_shuffled"):
        row("route km (vs same days, shuffled)", f["km"], f["km_shuffled"], ",.1f")
    row("route km (vs days filled in input order)", f["km"], f["km_unclustered"], ",.1f")
    if f.get("places"):
        print(
            f"{'buildings/blocks, place-days':36}{f['places']:>12,}{f['place_days']:>12,}   (location first)"
        )
    print(f"{'subjects visited':36}{f['subjects']:>12,}   of {subjects_due:,} with demands")
    print(
        f"{'squad-days':36}{f['squad_days']:>12,}   {f['joint_visits'] / max(f['squad_days'], 1):.1f} visits each"
    )
    print(
        f"{'planning seconds':36}{f['seconds']:>12.2f}   engine; demands {demands_s:.2f} s, "
        f"whole service {service_s:.2f} s"
    )
    reasons = Counter(u["reason"].split("（")[0] for u in plan.unfitted)
    print(f"unfitted demands: {len(plan.unfitted):,} {dict(reasons.most_common())}")
    per_domain = Counter(u["domain"] for u in plan.unfitted)
    if per_domain:
        print(f"  unfitted by domain {dict(per_domain.most_common())}")
    sizes = Counter(PlanVisit.objects.filter(plan=plan).values_list("squad_day_id", flat=True))
    print(f"  visits per squad-day: {dict(sorted(Counter(sizes.values()).items()))}")
    print(
        "aims: visits ≥ 50% fewer than departments alone: "
        f"{_aim(a.get('visit_saving', 0) >= 0.5)} ({a.get('visit_saving', 0):.1%}); "
        f"km ≥ 25% fewer than departments alone: {_aim(a.get('km_saving', 0) >= 0.25)} "
        f"({a.get('km_saving', 0):.1%}); "
        f"planning ≤ 30 s: {_aim(service_s <= 30)} ({service_s:.1f} s for the whole service, of which "
        f"{a.get('seconds', 0):.1f} s the departments-alone plans)"
    )


if __name__ == "__main__":
    main()
