"""Helpers for tests that need several connections at once (threads on PostgreSQL)."""

import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads writing at once need PostgreSQL (SQLite has one writer; the in-memory test db is shared)",
)

from tests.dispatch.conftest import district  # noqa: E402,F401 - the dispatch world with its small catalog
