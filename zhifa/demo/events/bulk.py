"""Plain multi-row inserts for the demo year (~60,000 rows).

bulk_create builds a model instance and prepares every value field by field: for this many rows that costs
ten times the database's own work. The demo writes tuples of already-prepared values with executemany on
Django's connection (same SQL on SQLite and PostgreSQL), inside the caller's transaction.
"""

from datetime import UTC, datetime

from django.db import connection

BATCH = 2000


def datetime_adapter():
    """Value for a DateTimeField parameter, as Django's own adapter gives it, without its per-call cost."""
    if connection.features.supports_timezones:
        return lambda dt: dt  # PostgreSQL takes aware datetimes as they are
    tz = connection.timezone  # SQLite stores naive text in the connection's time zone (UTC)

    def adapt(dt: datetime | None):
        if dt is None:
            return None
        if dt.tzinfo is UTC and tz == UTC:
            return str(dt)[:-6]  # "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00" without its offset
        return str(dt.astimezone(tz).replace(tzinfo=None))

    return adapt


def json_value(model, field_name: str, value):
    """A JSONField value prepared for this database (json text on SQLite, an adapter on PostgreSQL)."""
    return model._meta.get_field(field_name).get_db_prep_save(value, connection)


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
