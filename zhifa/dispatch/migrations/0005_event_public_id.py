# Open311 publishes a random public id instead of the receipt number (the reporter's secret).

import secrets

from django.db import migrations, models

import zhifa.dispatch.models

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def fill_public_ids(apps, schema_editor):
    Event = apps.get_model("dispatch", "Event")
    seen = set()
    batch = []
    for pk in Event.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
        while True:
            value = "P" + "".join(secrets.choice(ALPHABET) for _ in range(11))
            if value not in seen:
                seen.add(value)
                break
        batch.append(Event(pk=pk, public_id=value))
        if len(batch) >= 2000:
            Event.objects.bulk_update(batch, ["public_id"])
            batch = []
    if batch:
        Event.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0004_event_external_no")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="public_id",
            field=models.CharField("公开编号", max_length=12, null=True, editable=False),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="public_id",
            field=models.CharField(
                "公开编号",
                max_length=12,
                unique=True,
                default=zhifa.dispatch.models.new_public_id,
                editable=False,
            ),
        ),
    ]
