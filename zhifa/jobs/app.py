"""The Celery application: `celery -A zhifa.jobs.app worker` and `celery -A zhifa.jobs.app beat`; the tasks are in
zhifa.jobs.tasks.

Broker: CELERY_BROKER_URL, else REDIS_URL; neither set → tasks run in-process at once (eager), so `make run` and
the tests need no broker. Tasks are acknowledged after they finish and given back when their worker dies, so
a killed worker loses no job (settings CELERY_*)."""

import importlib
import importlib.util
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")

app = Celery("zhifa", include=["zhifa.jobs.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")

# Where the oversight app's scan will live (another app, written separately): scheduled only once it exists.
OVERSIGHT_SCAN = ("zhifa.oversight.services", "oversight_scan")


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def beat_schedule() -> dict:
    """sla_scan every minute, risk_recompute nightly at 02:30, oversight_scan hourly once it exists."""
    schedule = {
        "sla_scan": {"task": "zhifa.jobs.periodic", "schedule": 60.0, "args": ("sla_scan",)},
        "risk_recompute": {
            "task": "zhifa.jobs.periodic",
            "schedule": crontab(hour=2, minute=30),
            "args": ("risk_recompute",),
        },
    }
    if _module_exists(OVERSIGHT_SCAN[0]):
        schedule["oversight_scan"] = {
            "task": "zhifa.jobs.periodic",
            "schedule": crontab(minute=7),
            "args": ("oversight_scan",),
        }
    return schedule


app.conf.beat_schedule = beat_schedule()
