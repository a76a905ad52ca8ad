"""oversight_scan at district scale on PostgreSQL: 1,000,000 events, 300,000 visits and 200,000 cases (aim: first
scan ≤ 60 s, re-scan with nothing changed ≤ 15 s on 2 cores). Prints seconds per model.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench python benchmarks/bench_oversight_scale.py
    EVENTS=100000 VISITS=30000 CASES=20000 …   (a bounded run)

The database is emptied and rebuilt (its name must contain "bench"). The demo district (seed 42) is built, then
its events, visits (with their officers, domains and 行政行为码, each copy of the visits on its own copy of the
subjects) and cases (with parties, causes, officers, legal reviews and evidence) are copied in SQL until the
targets are met; a copy keeps its original's dates and links and gets id original + n × offset, so its child
rows follow by arithmetic. Unique numbers (and code ids) get a suffix or a digest; one-to-one links (plan visits,
findings, transfers, duplicates) are left empty. Setting up is not timed.

Each scan also prints CPU seconds of this process and of its PostgreSQL backend (from /proc; parallel query
workers are not counted), per model: on shared cores they say more than the wall clock.

Measured 2026-12-03 on 2 cores, 38,411 warnings (the demo's copies with their codes and evidence):
- this code, load 1.5-1.7: first scan 14.4 s (CPU python 2.9 + database 7.5 s); re-scan 9.8 s (2.0 + 5.3 s).
  Under load 3.9 and 5.9 from other work: re-scan 12.6 s and 14.3 s (CPU 1.9 + 5.0 s, 2.0 + 5.5 s).
- the code before (ea23dfd, same database, runs interleaved): re-scan 12.8-21.4 s, CPU 4.0-4.2 + 6.9-7.5 s.
  An earlier session's slower machine gave that code 31.6 s first scan and 27.3 s re-scan (CPU 8.7 + 15.9 s).
"""

import os
import sys
import time

from _benchdb import setup_bench_database

TARGETS = {
    "events": int(os.environ.get("EVENTS", "1000000")),
    "visits": int(os.environ.get("VISITS", "300000")),
    "cases": int(os.environ.get("CASES", "200000")),
}


def copy_rows(cur, model, copies: int, offset: int, *, parents=None, override=None) -> None:
    """INSERT copies of every row of `model`: id + g × offset; `parents` maps FK columns to their offsets."""
    table = model._meta.db_table
    override = dict(override or {})
    cols, vals = ["id"], [f"t.id + g * {offset}"]
    for f in model._meta.concrete_fields:
        if f.column == "id":
            continue
        cols.append(f.column)
        if f.column in override:
            vals.append(override[f.column])
        elif parents and f.column in parents:
            vals.append(f"t.{f.column} + g * {parents[f.column]}")
        else:
            vals.append(f"t.{f.column}")
    cur.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(vals)} "
        f"FROM {table} t, generate_series(1, %s) g WHERE t.id < %s",
        [copies, offset],
    )
    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def copy_through(cur, through, left: str, copies: int, offset: int) -> None:
    table = through._meta.db_table
    other = [f.column for f in through._meta.concrete_fields if f.column not in ("id", left)][0]
    cur.execute(
        f"INSERT INTO {table} ({left}, {other}) SELECT t.{left} + g * {offset}, t.{other} "
        f"FROM {table} t, generate_series(1, %s) g WHERE t.{left} < %s",
        [copies, offset],
    )


def unique_text(column: str, length: int) -> str:
    return f"substr(md5(t.id::text || '-' || g::text || t.{column}), 1, {length})"


def main() -> None:
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database whose name contains 'bench'")
    if os.environ.get("RESCAN"):  # one more scan of a database an earlier run left, warnings kept
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
        import django

        django.setup()
        scan_all(("re-scan",))
        return
    if os.environ.get("REUSE"):  # scan again a database built by an earlier run (its warnings removed)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
        import django

        django.setup()
        from zhifa.oversight.models import Alert, AlertStep, ScanRun

        AlertStep.objects.all().delete()
        Alert.objects.all().delete()
        ScanRun.objects.all().delete()
        scan_all()
        return
    setup_bench_database("oversight_scale")
    from django.db import connection
    from django.db.models import Max

    from zhifa.cases.models import Case, CaseCause, CaseEvidence, CaseOfficer, CaseParty, LegalReview
    from zhifa.codes.models import ActionCode
    from zhifa.demo.builder import demo_district_build
    from zhifa.dispatch.models import Event
    from zhifa.inspections.models import Inspection
    from zhifa.subjects.models import Subject

    t0 = time.perf_counter()
    demo_district_build(seed=42)
    print(f"demo built in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()

    def plan(model, target):
        n = model.objects.count()
        return max(0, -(-target // n) - 1), (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    with connection.cursor() as cur:
        copies, off = plan(Event, TARGETS["events"])
        if copies:
            copy_rows(cur, Event, copies, off, override={
                "receipt_no": unique_text("receipt_no", 24), "public_id": unique_text("public_id", 12),
                "duplicate_of_id": "NULL",
                "external_no": "CASE WHEN t.external_no = '' THEN '' ELSE left(t.external_no, 50) || '#' || g END",
            })  # fmt: skip
        copies, off = plan(Inspection, TARGETS["visits"])
        if copies:
            # Each copy of the visits goes to its own copy of the subjects: a subject is visited as often as in
            # the demo, not forty times as often.
            soff = (Subject.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            copy_rows(cur, Subject, copies, soff, override={
                "uscc": "''", "kind": "'place'", "name": "t.name || '#' || g",
            })  # fmt: skip
            copy_rows(
                cur, Inspection, copies, off, parents={"subject_id": soff}, override={"plan_visit_id": "NULL"}
            )
            copy_through(cur, Inspection.officers.through, "inspection_id", copies, off)
            copy_through(cur, Inspection.domains.through, "inspection_id", copies, off)
            # The visits' 行政行为码 go with them (a code id is unique: each copy's is a digest of its own).
            aoff = (ActionCode.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            copy_rows(cur, ActionCode, copies, aoff, parents={"inspection_id": off, "subject_id": soff}, override={
                "code_id": unique_text("code_id", 16), "case_id": "NULL", "document_id": "NULL",
            })  # fmt: skip
            copy_through(cur, ActionCode.officers.through, "actioncode_id", copies, aoff)
        copies, off = plan(Case, TARGETS["cases"])
        if copies:
            poff = (CaseParty.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            copy_rows(cur, Case, copies, off, override={
                "number": "CASE WHEN t.number = '' THEN '' ELSE t.number || '#' || g END",
                "serial": "t.serial + g * 100000",
                "decision_number": "CASE WHEN t.decision_number = '' THEN '' ELSE t.decision_number || '#' || g END",
                "finding_id": "NULL", "transferred_from_id": "NULL",
            })  # fmt: skip
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'), {off * (copies + 1)})"
            )
            copy_rows(cur, CaseParty, copies, poff, parents={"case_id": off})
            for model in (CaseCause, CaseOfficer, LegalReview):
                moff = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
                parents = {"case_id": off, "party_id": poff} if model is CaseCause else {"case_id": off}
                copy_rows(cur, model, copies, moff, parents=parents)
            # The cases' evidence goes with them (the same files: a copy's row names its original's bytes).
            eoff = (CaseEvidence.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            copy_rows(cur, CaseEvidence, copies, eoff, parents={"case_id": off, "adopted_from_id": eoff})
        cur.execute("ANALYZE")
    print(
        f"setup: {Event.objects.count()} events, {Inspection.objects.count()} visits, "
        f"{Case.objects.count()} cases in {time.perf_counter() - t0:.0f} s"
    )
    scan_all()


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds so far of this process and of its PostgreSQL backend (read from /proc when the server is on
    this machine, else 0): with other work sharing the cores, CPU time says more than the wall clock."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        backend = 0.0
    return time.process_time(), backend


def scan_all(labels=("first scan", "re-scan, nothing changed")) -> None:
    from zhifa.cases.models import Case
    from zhifa.dispatch.models import Event
    from zhifa.inspections.models import Inspection
    from zhifa.oversight.models import Alert
    from zhifa.oversight.rules import MODELS
    from zhifa.oversight.services import oversight_scan

    print(
        f"scanning {Event.objects.count()} events, {Inspection.objects.count()} visits, {Case.objects.count()} cases"
    )
    for label in labels:
        marks: list[
            tuple[float, float]
        ] = []  # CPU seconds (python, database) before each model, and at the end

        def mark(done, total, marks=marks):
            marks.append(_cpu_seconds())

        run = oversight_scan(progress=mark)
        marks.append(_cpu_seconds())
        done = [m.code for m in MODELS if m.code in run.per_rule]  # the order the scan ran them in
        cpu = {
            code: (b[0] - a[0], b[1] - a[1]) for code, a, b in zip(done, marks[:-1], marks[1:], strict=True)
        }
        py, db = marks[-1][0] - marks[0][0], marks[-1][1] - marks[0][1]
        print(
            f"{label}: {run.seconds:.1f} s (CPU: python {py:.1f} s, database {db:.1f} s; load {os.getloadavg()[0]:.1f})"
            f" — created {run.created}, updated {run.updated}, resolved {run.resolved}"
        )
        for code, c in sorted(run.per_rule.items(), key=lambda kv: -kv[1]["seconds"]):
            print(
                f"  {code:24} found {c['found']:7}  {c['seconds']:6.2f} s"
                f"  (CPU python {cpu[code][0]:5.2f} s, database {cpu[code][1]:5.2f} s)"
            )
    print(f"warnings stored: {Alert.objects.count()}")


if __name__ == "__main__":
    main()
