"""Named locks held to the end of the current transaction, for rules no single row can guard (one event per
duplicate key): PostgreSQL's transaction-level advisory locks; SQLite needs none, its writers already take the
database's one write lock when the transaction begins (settings: transaction_mode IMMEDIATE)."""

import hashlib

from django.db import connection, transaction


def lock_key(name: str) -> int:
    """A stable signed 64-bit number for `name` (the same in every process, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def transaction_lock(name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called `name`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transaction_lock must be called inside transaction.atomic")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])
