"""The 2026 national holiday arrangement (国务院办公厅关于2026年部分节假日安排的通知, 4 November 2025):
the days off and the weekend days worked (调休). The district edits or extends it in the admin."""

from datetime import date, timedelta

from django.db import migrations

OFF = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
]
WORKED = [
    ("元旦调休", date(2026, 1, 4)),
    ("春节调休", date(2026, 2, 14)),
    ("春节调休", date(2026, 2, 28)),
    ("劳动节调休", date(2026, 5, 9)),
    ("国庆节调休", date(2026, 9, 20)),
    ("国庆节调休", date(2026, 10, 10)),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("cases", "Holiday")
    rows = []
    for name, first, last in OFF:
        day = first
        while day <= last:
            rows.append(Holiday(day=day, kind="holiday", name=name))
            day += timedelta(days=1)
    rows += [Holiday(day=day, kind="workday", name=name) for name, day in WORKED]
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    Holiday = apps.get_model("cases", "Holiday")
    Holiday.objects.filter(day__year=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases")]
    operations = [migrations.RunPython(seed, unseed)]
