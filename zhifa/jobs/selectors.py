"""A job's status for the person who started it (and administrators), with its live progress."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404

from zhifa.jobs.choices import JobStatus
from zhifa.jobs.models import Job
from zhifa.jobs.registry import job_kind
from zhifa.jobs.services import beat_key, job_mark_lost, progress_key


def job_get_for_user(user, job_id) -> Job:
    """The job, if `user` started it or administers the system; else 404 (nobody learns others' jobs exist)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (user.is_superuser or job.created_by_id == user.pk):
        raise Http404("没有这个后台任务")
    return job


@dataclass(frozen=True)
class JobView:
    job: Job
    label: str
    status: str
    status_label: str
    done: int
    total: int
    percent: int
    finished: bool


def job_view(job: Job) -> JobView:
    """Status and progress; a running job whose heartbeat is older than ZHIFA_JOB_STALE_SECONDS is reported
    failed here (its worker is gone)."""
    seen = cache.get(progress_key(job.pk)) or {}
    if job.status == JobStatus.RUNNING:
        beat = cache.get(beat_key(job.pk)) or seen.get("at")
        beat = beat or (job.started_at.timestamp() if job.started_at else time.time())
        if time.time() - beat > settings.ZHIFA_JOB_STALE_SECONDS:
            job = job_mark_lost(job=job)
    done = seen.get("done", job.done) if job.status == JobStatus.RUNNING else job.done
    total = seen.get("total", job.total) if job.status == JobStatus.RUNNING else job.total
    percent = 100 if job.status == JobStatus.SUCCEEDED else (int(done * 100 / total) if total else 0)
    try:
        label = job_kind(job.kind).label
    except LookupError:
        label = job.kind
    return JobView(
        job=job,
        label=label,
        status=job.status,
        status_label=JobStatus(job.status).label,
        done=done,
        total=total,
        percent=percent,
        finished=job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED),
    )
