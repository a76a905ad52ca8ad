"""Time to build the demo district (seed 42) into a fresh database: SQLite file by default, or DATABASE_URL."""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="zhifa-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/demo.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        # The benchmark empties its database: only ever one made for it.
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("use a PostgreSQL database whose name contains 'bench', e.g. zhifa_bench")
        call_command("migrate", verbosity=0)
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    from zhifa.demo.builder import demo_district_build

    started = time.perf_counter()
    summary = demo_district_build(seed=42)
    elapsed = time.perf_counter() - started
    print(f"demo district build ({connection.vendor}): {elapsed:.2f} s")
    print("demo district counts: " + ", ".join(f"{k}={v}" for k, v in summary.counts.items()))


if __name__ == "__main__":
    main()
