"""Refuse changes to audit records in the database itself.

PostgreSQL refuses row UPDATE and DELETE (TRUNCATE, a deliberate whole-table act, stays possible); SQLite refuses
UPDATE only, because Django's flush empties tables there with DELETE. audit_verify catches any deletion.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_record_no_update BEFORE UPDATE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_record_no_update"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
       FOR EACH ROW EXECUTE FUNCTION audit_record_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord",
    "DROP FUNCTION IF EXISTS audit_record_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
