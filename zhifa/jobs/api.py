"""GET /api/v1/jobs/{id}: a background job's status and progress, for the person who started it."""

from uuid import UUID

from ninja import Router, Schema

from zhifa.jobs.selectors import job_get_for_user, job_view

router = Router(tags=["后台任务"])


class JobOut(Schema):
    id: UUID
    kind: str
    label: str
    status: str
    status_label: str
    done: int
    total: int
    percent: int
    result: dict | None
    error: str


class JobQueuedOut(Schema):
    """202 of an API call that started a job: where to follow it."""

    job: UUID
    status_url: str


def job_queued(job) -> dict:
    return {"job": job.pk, "status_url": f"/api/v1/jobs/{job.pk}"}


@router.get("/{job_id}", response=JobOut)
def job_get(request, job_id: UUID):
    v = job_view(job_get_for_user(request.user, job_id))
    return {
        "id": v.job.pk,
        "kind": v.job.kind,
        "label": v.label,
        "status": v.status,
        "status_label": v.status_label,
        "done": v.done,
        "total": v.total,
        "percent": v.percent,
        "result": v.job.result,
        "error": v.job.error,
    }
