"""Cases at scale on PostgreSQL: the deadline scan, the "due within 7 days" list, one transition.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench python benchmarks/bench_cases.py
(the database is emptied and rebuilt: its name must contain "bench"). CASES sets the size (default 200,000).
The demo district is built (with its year of cases), then its cases are copied in SQL until there are about
CASES of them (copies keep their stage and dates, numbers get a "#n" suffix; parties and causes are not
copied, the list's page fetches them for 20 rows only). Setting up is not timed. Aims: list p95 < 100 ms,
full scan < 10 s, one transition < 50 ms.

Measured 2026-12-03 on the shared 2-core machine under heavy load (other test runs alongside), 200,385 cases,
27,450 running: scan 13.3 s writing 24,705 rows, 6.7 s with nothing to write (192 s / 40 s before the scan
read only the date columns and grouped its writes); due within 7 days p95 60 ms (selector, district
command), 31 ms (a subdistrict officer), overdue p95 73 ms, GET /api/v1/cases?due_within=7 p95 217 ms;
case_investigate p50 42 ms / p95 124 ms on a first run, p50 130 ms / p95 207 ms on a second, busier one.
"""

import os
import statistics
import sys
import time

from _benchdb import setup_bench_database

TARGET = int(os.environ.get("CASES", "200000"))


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:.1f} ms, p95 {p(values, 0.95) * 1000:.1f} ms"


def main() -> None:
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database whose name contains 'bench'")
    setup_bench_database("cases")
    from django.db import connection
    from django.test import Client

    from zhifa.accounts.models import User
    from zhifa.accounts.services import api_token_create
    from zhifa.cases.choices import FINISHED_STAGES, Source
    from zhifa.cases.models import Case
    from zhifa.cases.selectors import CaseFilters, case_list_for_user, with_summary
    from zhifa.cases.services import case_deadlines_refresh, case_investigate, case_open
    from zhifa.catalog.models import EnforcementItem
    from zhifa.demo.builder import demo_district_build
    from zhifa.demo.events import calendar
    from zhifa.engine.idcard import id_make
    from zhifa.org.models import Officer

    started = time.perf_counter()
    demo_district_build(seed=42)
    base = Case.objects.count()
    copies = max(0, -(-TARGET // base) - 1)
    fields = [f for f in Case._meta.concrete_fields if f.column != "id"]
    special = {
        "number": "CASE WHEN s.number = '' THEN '' ELSE s.number || '#' || g END",
        "decision_number": "CASE WHEN s.decision_number = '' THEN '' ELSE s.decision_number || '#' || g END",
        "serial": "s.serial + g * 100000",
        "created_at": "s.created_at - make_interval(secs => g)",
    }
    columns = ", ".join(f.column for f in fields)
    values = ", ".join(special.get(f.column, f"s.{f.column}") for f in fields)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {Case._meta.db_table} ({columns}) SELECT {values} "
            f"FROM {Case._meta.db_table} s, generate_series(1, %s) g WHERE s.number NOT LIKE '%%#%%'",
            [copies],
        )
        cur.execute(f"ANALYZE {Case._meta.db_table}")
    total = Case.objects.count()
    running = Case.objects.exclude(stage__in=FINISHED_STAGES).count()
    print(f"{total:,} cases ({running:,} running), set up in {time.perf_counter() - started:.0f} s")

    # The deadline scan, as manage.py case_deadlines runs it: every running case recomputed; first after a
    # change that moves every clock (all rows written), then again with nothing to change.
    Case.objects.exclude(stage__in=FINISHED_STAGES).update(next_due=None, next_clock="")
    t = time.perf_counter()
    changed = case_deadlines_refresh()
    full = time.perf_counter() - t
    t = time.perf_counter()
    unchanged = case_deadlines_refresh()
    again = time.perf_counter() - t
    print(
        f"deadline scan: {running:,} running cases in {full:.2f} s ({changed:,} written); re-run {again:.2f} s ({unchanged} written)"
    )

    today = calendar.AS_OF.date()
    command = User.objects.get(username="command")
    officer = User.objects.get(username="jiubao_officer")
    for who in (command, officer):
        times, found = [], 0
        for _ in range(50):
            t = time.perf_counter()
            qs = case_list_for_user(user=who, filters=CaseFilters(due_within=7), on=today)
            found = qs.count()
            page = list(with_summary(qs)[:20])
            times.append(time.perf_counter() - t)
        print(
            f"due within 7 days, selector, {who.username} ({found:,} cases, page of {len(page)}): {ms(times)}"
        )
    for name, flt in (("overdue", CaseFilters(overdue=True)),):
        times = []
        for _ in range(50):
            t = time.perf_counter()
            qs = case_list_for_user(user=command, filters=flt, on=today)
            found = qs.count()
            list(with_summary(qs)[:20])
            times.append(time.perf_counter() - t)
        print(f"{name}, selector, command ({found:,} cases): {ms(times)}")

    _token, raw = api_token_create(user=command, name="bench")
    client = Client()
    times = []
    for _ in range(50):
        t = time.perf_counter()
        res = client.get("/api/v1/cases?due_within=7", HTTP_AUTHORIZATION=f"Bearer {raw}")
        times.append(time.perf_counter() - t)
        assert res.status_code == 200, res.content[:200]
    print(f"due within 7 days, GET /api/v1/cases (real today, {res.json()['count']:,} cases): {ms(times)}")

    # One transition: 调查取证 on 30 fresh cases of the 九堡 team (opened through the service, not timed).
    unit = officer.unit
    item = (
        EnforcementItem.objects.filter(kind="行政处罚", delegated=True, delegated_from__lte=today)
        .order_by("code")
        .first()
    )
    team = list(
        Officer.objects.filter(team=unit, active=True, qualified_domains__code="comprehensive")
        .order_by("certificate_no")
        .values_list("pk", flat=True)[:2]
    )
    fresh = [
        case_open(
            source=Source.MANUAL,
            parties=[
                {
                    "kind": "person",
                    "name": f"基准某{n:03d}",
                    "id_number": id_make(born=today.replace(year=1990), sequence=n + 1),
                }
            ],
            causes=[{"item": item.code}],
            officers=team,
            facts="基准测试案件",
            conduct_ended_on=today,
            filed_on=today,
            by=officer,
        )
        for n in range(30)
    ]
    times = []
    for case in fresh:
        t = time.perf_counter()
        case_investigate(case=case, by=officer)
        times.append(time.perf_counter() - t)
    print(f"case_investigate (lock, step, audit, deadlines), 30 runs: {ms(times)}")


if __name__ == "__main__":
    main()
