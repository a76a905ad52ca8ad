"""risk_recompute of 200,000 subjects on PostgreSQL (aim ≤ 120 s).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench python benchmarks/bench_risk_recompute.py
(the database is emptied and rebuilt: its name must contain "bench"). The demo district's 9,243 subjects are
copied in SQL (with their violations and past inspections) until there are about 200,000; the copies are 场所-type rows without a
credit code so the code stays unique. Setting up is not timed; the recompute is, first run and re-run.
"""

import os
import sys
import time

from _benchdb import setup_bench_database

TARGET = int(os.environ.get("SUBJECTS", "200000"))


def main() -> None:
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database whose name contains 'bench'")
    setup_bench_database("risk")
    from django.db import connection

    from zhifa.demo.builder import demo_district_build
    from zhifa.inspections.models import Inspection
    from zhifa.risk.models import RiskColourChange, SubjectRisk
    from zhifa.risk.services import risk_recompute_all
    from zhifa.subjects.models import Subject, Violation

    demo_district_build(seed=42)
    SubjectRisk.objects.all().delete()
    RiskColourChange.objects.all().delete()
    base = Subject.objects.count()
    copies = max(0, -(-TARGET // base) - 1)
    started = time.perf_counter()
    fields = [f for f in Subject._meta.concrete_fields if f.column != "id"]
    special = {"uscc": "''", "kind": "'place'", "name": "s.name || '#' || g"}
    columns = ", ".join(f.column for f in fields)
    values = ", ".join(special.get(f.column, f"s.{f.column}") for f in fields)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {Subject._meta.db_table} ({columns}) SELECT {values} "
            f"FROM {Subject._meta.db_table} s, generate_series(1, %s) g WHERE s.name NOT LIKE '%%#%%'",
            [copies],
        )
        for model in (Violation, Inspection):  # each copy gets its original's records
            rfields = [f for f in model._meta.concrete_fields if f.column not in ("id", "subject_id")]
            rcolumns = ", ".join(f.column for f in rfields)
            rvalues = ", ".join(f"v.{f.column}" for f in rfields)
            cur.execute(
                f"INSERT INTO {model._meta.db_table} (subject_id, {rcolumns}) SELECT c.id, {rvalues} "
                f"FROM {model._meta.db_table} v JOIN {Subject._meta.db_table} s ON s.id = v.subject_id "
                f"JOIN {Subject._meta.db_table} c ON c.name LIKE s.name || '#%%' AND c.kind = 'place' "
                f"WHERE s.name NOT LIKE '%%#%%'"
            )
        cur.execute("ANALYZE")
    n = Subject.objects.count()
    print(
        f"setup: {n} subjects, {Violation.objects.count()} violations, "
        f"{Inspection.objects.count()} inspections in {time.perf_counter() - started:.0f} s"
    )
    first = risk_recompute_all(batch_size=5000)
    print(
        f"risk_recompute (first run, all written): {first.subjects} subjects in {first.seconds:.1f} s "
        f"({first.subjects / first.seconds:.0f}/s); colours {first.counts}"
    )
    again = risk_recompute_all(batch_size=5000)
    print(f"risk_recompute (re-run, {again.changed} changed): {again.seconds:.1f} s")


if __name__ == "__main__":
    main()
