"""oversight_scan over the demo district (seed 42, a year of events, visits and codes): the first scan, which
creates every warning, and a re-scan with nothing changed, per model. Prints figures; not part of the tests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench .venv/bin/python benchmarks/bench_oversight.py
"""

import time

from _benchdb import setup_bench_database


def main() -> None:
    vendor = setup_bench_database("oversight")
    from zhifa.demo.builder import demo_district_build
    from zhifa.dispatch.models import Event
    from zhifa.inspections.models import Inspection
    from zhifa.oversight.models import Alert
    from zhifa.oversight.services import oversight_scan

    t0 = time.perf_counter()
    demo_district_build(seed=42)
    print(f"[{vendor}] demo built in {time.perf_counter() - t0:.1f} s: "
          f"{Event.objects.count()} events, {Inspection.objects.count()} visits")  # fmt: skip
    for label in ("first scan", "re-scan, nothing changed"):
        run = oversight_scan()
        print(
            f"{label}: {run.seconds:.2f} s, created {run.created}, updated {run.updated}, resolved {run.resolved}"
        )
        for code, c in run.per_rule.items():
            print(f"  {code:24} found {c['found']:6}  {c['seconds']:.3f} s")
    print(f"warnings stored: {Alert.objects.count()}")


if __name__ == "__main__":
    main()
