"""The worker's two tasks: run a submitted job, run a periodic job by name."""

import importlib

from zhifa.jobs.app import OVERSIGHT_SCAN, app
from zhifa.jobs.registry import periodic
from zhifa.jobs.services import JobFault, job_execute


@app.task(name="zhifa.jobs.run", bind=True, max_retries=5, acks_late=True, reject_on_worker_lost=True)
def run_job(self, job_id: str):
    try:
        job = job_execute(job_id=job_id)
    except JobFault as exc:
        raise self.retry(exc=exc, countdown=min(60, 5 * 2**self.request.retries)) from exc
    return job.status if job is not None else None


@app.task(name="zhifa.jobs.periodic", acks_late=True)
def run_periodic(name: str):
    """A periodic job by name: the body an app registered (zhifa.jobs.registry), or the oversight scan found by
    name. Each body is safe to run again (sla_scan skips escalated clocks; risk_recompute writes changes only)."""
    body = periodic(name)
    if body is None and name == "oversight_scan":
        body = getattr(importlib.import_module(OVERSIGHT_SCAN[0]), OVERSIGHT_SCAN[1])
    if body is None:
        raise LookupError(f"no periodic job {name!r} is registered")
    result = body()
    return result if isinstance(result, int | str | None) else str(result)
