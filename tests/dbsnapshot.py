"""A copy of the whole test database's contents, taken once and put back in seconds (the demo district, built
once per session, restored for each module that asks for it).

SQLite (pytest-django's test database is in memory): the backup API copies every page into an in-memory
database and back. PostgreSQL: every table that `flush` empties is copied out with binary COPY and, to restore,
emptied (TRUNCATE … RESTART IDENTITY CASCADE) and copied back in one transaction (the foreign keys are deferred
until it commits, so the order of the tables does not matter), and every sequence is set back to where it stood.
Either way the database is as it was when the snapshot was taken, ids and sequences included.
"""

import sqlite3
from dataclasses import dataclass, field

from django.db import connection, transaction


@dataclass
class Snapshot:
    vendor: str
    sqlite: sqlite3.Connection | None = None
    # PostgreSQL: (table, binary COPY data) for every non-empty table, the tables to empty, and the sequences as
    # (name, last_value or None when never called).
    tables: list[tuple[str, bytes]] = field(default_factory=list)
    table_names: list[str] = field(default_factory=list)
    sequences: list[tuple[str, int | None]] = field(default_factory=list)
    superuser: bool = False


def _flushed_tables() -> list[str]:
    # The tables that `flush` empties (not django_migrations).
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def snapshot_take() -> Snapshot:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return Snapshot(vendor="sqlite", sqlite=copy)
    if connection.vendor != "postgresql":
        raise NotImplementedError(connection.vendor)
    qn = connection.ops.quote_name
    snap = Snapshot(vendor="postgresql", table_names=_flushed_tables())
    with transaction.atomic(), connection.cursor() as cur:
        raw = cur.cursor  # psycopg's own cursor: COPY
        for table in snap.table_names:
            raw.execute(f"SELECT EXISTS (SELECT 1 FROM {qn(table)})")
            if not raw.fetchone()[0]:
                continue
            with raw.copy(f"COPY {qn(table)} TO STDOUT (FORMAT BINARY)") as copy:
                snap.tables.append((table, b"".join(bytes(block) for block in copy)))
        raw.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences"
            " WHERE schemaname = current_schema()"
        )
        snap.sequences = list(raw.fetchall())
        raw.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        snap.superuser = bool(raw.fetchone()[0])
    return snap


def snapshot_restore(snap: Snapshot) -> None:
    connection.ensure_connection()
    if snap.vendor == "sqlite":
        snap.sqlite.backup(connection.connection)
        return
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        raw = cur.cursor
        raw.execute("SET CONSTRAINTS ALL DEFERRED")
        if snap.superuser:
            # The rows were consistent when they were copied out: the foreign keys' triggers need not check them
            # again (half the time of a restore). Only a superuser may say so; others have them checked at commit.
            raw.execute("SET LOCAL session_replication_role = replica")
        raw.execute(f"TRUNCATE {', '.join(qn(t) for t in snap.table_names)} RESTART IDENTITY CASCADE")
        for table, data in snap.tables:
            with raw.copy(f"COPY {qn(table)} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
        for name, last_value in snap.sequences:
            if last_value is None:
                raw.execute("SELECT setval(%s::regclass, 1, false)", [name])
            else:
                raw.execute("SELECT setval(%s::regclass, %s, true)", [name, last_value])
