"""Submit a job and run it: one function each. Progress goes to the (shared) cache, status and result to the Job
row; a run that is already finished is not run again, so a message delivered twice does no harm."""

import logging
import threading
import time
from contextlib import contextmanager, suppress

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zhifa.core.errors import ServiceError
from zhifa.jobs.app import app
from zhifa.jobs.choices import FINISHED, JobStatus
from zhifa.jobs.models import Job
from zhifa.jobs.registry import job_kind

log = logging.getLogger(__name__)


class JobFault(Exception):
    """A run failed for a reason that may pass (a database that went away): the worker may try again."""


def progress_key(job_id) -> str:
    return f"zhifa:job:{job_id}"


def beat_key(job_id) -> str:
    return f"zhifa:job:{job_id}:beat"


@contextmanager
def _heartbeat(job_id):
    """While the job runs, its process says so every third of ZHIFA_JOB_STALE_SECONDS (a thread apart from the
    work, so a slow first row — the classifier loading — is not taken for a dead worker)."""
    stop = threading.Event()
    every = max(0.5, settings.ZHIFA_JOB_STALE_SECONDS / 3)

    def beat():
        while True:
            with suppress(Exception):
                cache.set(beat_key(job_id), time.time(), 24 * 3600)
            if stop.wait(every):
                return

    thread = threading.Thread(target=beat, name=f"job-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)


def job_submit(*, kind: str, by, params: dict | None = None, payload: bytes | None = None) -> Job:
    """Queue one run of `kind` for the worker (after the caller's transaction commits). The caller, a service
    of the app that owns the work, checks permissions and audits the submission."""
    job_kind(kind)  # unknown kinds are a programming error: refused before anything is stored
    job = Job.objects.create(kind=kind, created_by=by, params=params or {}, payload=payload)
    transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker: run here and now, trying a retry-safe job again as the worker would.
        for _ in range(settings.ZHIFA_JOB_MAX_ATTEMPTS):
            try:
                job_execute(job_id=job_id)
                return
            except JobFault:
                continue
        return
    app.send_task("zhifa.jobs.run", args=[str(job_id)])


def job_progress_note(job_id, done: int, total: int) -> None:
    """Progress and heartbeat, in the cache: the work runs inside its own transaction, which the Job row would not
    show until the end. Every app server reads it when the cache is shared."""
    cache.set(progress_key(job_id), {"done": done, "total": total, "at": time.time()}, 24 * 3600)


def job_execute(*, job_id) -> Job | None:
    """Run a queued job once (the worker's task body). Finished jobs are left alone (the message came twice);
    a refusal (ServiceError) fails the job with its message; other errors fail it or, for kinds safe to run
    again, raise JobFault for the worker to retry."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in FINISHED:
            return job
        kind = job_kind(job.kind)
        job.status, job.attempts = JobStatus.RUNNING, job.attempts + 1
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    job_progress_note(job.pk, 0, job.total)

    def progress(done: int, total: int) -> None:
        job_progress_note(job.pk, done, total)

    try:
        with _heartbeat(job.pk):
            result = kind.run(job, progress)
    except ServiceError as exc:
        return _finish(job, JobStatus.FAILED, error=exc.message, result={"errors": exc.errors[:200]})
    except Exception as exc:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        if kind.retry_safe and job.attempts < settings.ZHIFA_JOB_MAX_ATTEMPTS:
            Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
            raise JobFault(str(exc)) from exc
        return _finish(job, JobStatus.FAILED, error=f"执行出错：{type(exc).__name__}，未完成的更改已全部撤销")
    return _finish(job, JobStatus.SUCCEEDED, result=result)


def _finish(job: Job, status: str, *, result=None, error: str = "") -> Job:
    seen = cache.get(progress_key(job.pk)) or {}
    job.status, job.result, job.error, job.finished_at = status, result, error[:2000], timezone.now()
    job.total = seen.get("total", job.total)
    job.done = job.total if status == JobStatus.SUCCEEDED else seen.get("done", 0)
    job.save(update_fields=["status", "result", "error", "finished_at", "done", "total"])
    with suppress(Exception):
        cache.delete_many([progress_key(job.pk), beat_key(job.pk)])
    return job


LOST_MESSAGE = "后台任务中断（执行任务的进程已退出），未完成的更改已全部撤销，请重新提交"


def job_mark_lost(*, job: Job) -> Job:
    """A running job whose heartbeat stopped (its worker was killed): reported failed. Its work ran in one
    transaction that died with the worker, so nothing of it was kept."""
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=LOST_MESSAGE, finished_at=timezone.now()
        )
    job.refresh_from_db()
    if updated:
        log.warning("job %s (%s) lost its worker", job.pk, job.kind)
    return job
