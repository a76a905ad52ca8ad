"""Time to build the demo district (seed 42) into a fresh database: SQLite file by default, or DATABASE_URL."""

import time

from _benchdb import setup_bench_database


def main() -> None:
    vendor = setup_bench_database("demo")
    from zhifa.demo.builder import demo_district_build

    started = time.perf_counter()
    summary = demo_district_build(seed=42)
    elapsed = time.perf_counter() - started
    print(f"demo district build ({vendor}): {elapsed:.2f} s")
    print("demo district counts: " + ", ".join(f"{k}={v}" for k, v in summary.counts.items()))


if __name__ == "__main__":
    main()
