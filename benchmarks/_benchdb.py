"""Shared start of the benchmarks: Django on a throw-away database (a temporary SQLite file, or DATABASE_URL)."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup_bench_database(name: str) -> str:
    """Set up Django on an empty, migrated database; returns the vendor ("sqlite" or "postgresql")."""
    tmp = tempfile.mkdtemp(prefix="zhifa-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/{name}.sqlite3")
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
    return connection.vendor
