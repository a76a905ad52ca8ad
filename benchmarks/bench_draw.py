"""双随机 draw on a 四季青-sized pool: time of one draw and of its verification, and how often rules bite."""

import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhifa.engine.draw import draw, draw_verify, seed_from_public  # noqa: E402

DOMAINS = ("comprehensive", "market", "fire", "safety", "health", "culture")


def main() -> None:
    rnd = random.Random(2026)
    pool = [f"91330102MA{n:08d}" for n in range(5180)]
    inspectors = [f"ZF{n:03d}" for n in range(60)]
    qualified = {
        i: {DOMAINS[n % 6], *rnd.sample(DOMAINS, rnd.randint(0, 2))} for n, i in enumerate(inspectors)
    }
    needed = {s: set(rnd.sample(DOMAINS, rnd.choice((1, 1, 2, 3)))) for s in pool}
    conflicts = {(rnd.choice(inspectors), rnd.choice(pool)) for _ in range(2000)}
    last = {s: set(rnd.sample(inspectors, 2)) for s in pool if rnd.random() < 0.5}
    seed = seed_from_public(datetime(2026, 4, 1, 10, tzinfo=timezone(timedelta(hours=8))), "上证综指 3341.22")
    started = time.perf_counter()
    result = draw(
        pool,
        inspectors,
        seed=seed,
        ratio="0.05",
        conflicts=conflicts,
        last_inspectors=last,
        qualified=qualified,
        domains_needed=needed,
    )
    took = time.perf_counter() - started
    record = result.to_record()
    started = time.perf_counter()
    verdict = draw_verify(record)
    verify = time.perf_counter() - started
    print(f"pool {len(pool)} subjects, {len(inspectors)} inspectors, ratio 5% → {result.size} drawn")
    print(f"  with a team: {len(result.assignments)}, infeasible: {len(result.infeasible)}")
    print(f"  draw {took * 1000:.0f} ms, verify {verify * 1000:.0f} ms, verified: {verdict.ok}")
    print(f"  pool digest {result.pool_digest[:16]}…, algorithm {result.algorithm}")

    # Local officers first (step 5): 14 subdistricts, 48 of the 60 officers in their teams, 12 district-wide.
    areas = {f"S{a:02d}": inspectors[a * 48 // 14 : (a + 1) * 48 // 14] for a in range(14)}
    subject_areas = {s: [f"S{n % 14:02d}"] for n, s in enumerate(pool)}
    started = time.perf_counter()
    local = draw(
        pool,
        inspectors,
        seed=seed,
        ratio="0.05",
        conflicts=conflicts,
        last_inspectors=last,
        qualified=qualified,
        domains_needed=needed,
        local_pools=areas,
        subject_areas=subject_areas,
    )
    took = time.perf_counter() - started
    started = time.perf_counter()
    verdict = draw_verify(local.to_record())
    verify = time.perf_counter() - started
    seats = [i in areas[subject_areas[a.subject][0]] for a in local.assignments for i in a.inspectors]
    print(f"local first: with a team {len(local.assignments)}, infeasible {len(local.infeasible)}")
    print(f"  local officers {sum(seats)} of {len(seats)} seats ({sum(seats) / max(len(seats), 1):.0%})")
    print(f"  draw {took * 1000:.0f} ms, verify {verify * 1000:.0f} ms, verified: {verdict.ok}")


if __name__ == "__main__":
    main()
