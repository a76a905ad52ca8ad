"""The scan's database side at district scale (PostgreSQL; other backends take the plain path).

- Inserts by COPY from plain rows: a first scan of a district opens warnings by the hundred thousand, each
  with its first step. bulk_create builds a model instance and prepares every field of every row through
  Django (most of its time at that size), then sends INSERTs with a parameter per column; here the rows are
  tuples streamed by COPY. They get their ids from the table's own sequence first, so the caller refers to
  them (a step to its warning); the caller's transaction holds it all.
- No JIT while the models read: their queries are costed high (joins over a million rows) and PostgreSQL then
  compiles them, which took longer than running them (2.0 s of 4.1 s for one case query at district scale).
  And more working memory than the default 4 MB, so their hashes and sorts stay in memory.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

from django.db import connection
from django.db.models import JSONField

BATCH = 1000
WORK_MEM = "64MB"


def insert_rows(model, rows: list[dict]) -> list[int]:
    """Insert rows of `model` given as {attname: value} (every row the same names; a column left out takes its
    field's default, or NULL) and return their new ids in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return [o.pk for o in objs]
    meta = model._meta
    named = list(rows[0])
    by_name = {f.attname: f for f in meta.concrete_fields}
    json_names = {n for n in named if isinstance(by_name[n], JSONField)}
    # Columns left out: a fixed value for all rows (the field's default), or NULL when the field allows it.
    fixed = {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in meta.concrete_fields
        if not f.primary_key and f.attname not in rows[0] and not f.null
    }
    qn = connection.ops.quote_name
    columns = [meta.pk.column, *(by_name[n].column for n in named), *fixed]
    tail = list(fixed.values())
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cur.fetchall()]
        sql = f"COPY {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        with cur.cursor.copy(sql) as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = [json.dumps(row[n]) if n in json_names else row[n] for n in named]
                copy.write_row([pk, *values, *tail])
    return ids


@contextmanager
def scan_settings():
    """For the block: no JIT, and room to hash and sort in memory (WORK_MEM per sort or hash; the default 4 MB
    spills the models' joins and counts over hundreds of thousands of rows to disk). Then back as they were."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('jit'), current_setting('work_mem')")
        jit, work_mem = cur.fetchone()
        cur.execute("SELECT set_config('jit', 'off', false), set_config('work_mem', %s, false)", [WORK_MEM])
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT set_config('jit', %s, false), set_config('work_mem', %s, false)", [jit, work_mem]
            )
