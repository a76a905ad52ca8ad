"""The demo district built as a background job (a minute or two): `manage.py demo_district --background`. Refused
at once on a database that has regions; the build is one transaction, so a failed attempt leaves nothing and a
retried one finds the district its first attempt committed."""

from datetime import date

from django.db import transaction

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import audit_record
from zhifa.core.errors import ServiceError
from zhifa.demo.builder import ACTOR, demo_district_build
from zhifa.jobs.models import Job
from zhifa.jobs.services import job_submit
from zhifa.org.models import Region

DEMO_JOB = "demo.build"
NOT_EMPTY = "数据库中已有区域数据，演示城区只能在空库中生成（可先删除 db.sqlite3）"


def demo_district_submit(*, seed: int, as_of: date | None = None, by=None) -> Job:
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ServiceError("随机种子须为非负整数", [{"field": "seed", "message": "随机种子须为非负整数"}])
    if Region.objects.exists():
        raise ServiceError(NOT_EMPTY, [{"field": "seed", "message": NOT_EMPTY}])
    params = {"seed": seed, "as_of": as_of.isoformat() if as_of else None}
    with transaction.atomic():
        job = job_submit(kind=DEMO_JOB, by=by, params=params)
        audit_record(
            actor=by or ACTOR, action="demo.build_submit", obj=job, object_repr=f"生成演示城区 seed={seed}"
        )
    return job


def _summary(seed: int, counts: dict, seconds: float | None) -> dict:
    shown = "，".join(f"{k}={v}" for k, v in counts.items())
    took = f"，用时 {seconds:.0f} 秒" if seconds is not None else ""
    return {"summary": f"演示城区已生成（seed={seed}{took}）：{shown}", "seed": seed, "counts": counts}


def demo_build_job(job: Job, progress) -> dict:
    seed = job.params["seed"]
    if Region.objects.exists():
        built = (
            AuditRecord.objects.filter(action="demo.organisation_build", object_id=str(seed))
            .values_list("after", flat=True)
            .first()
        )
        if built is not None:  # this job's first attempt committed before its worker died
            return _summary(seed, built, None)
        raise ServiceError(NOT_EMPTY)
    as_of = date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else None
    summary = demo_district_build(seed=seed, as_of=as_of, progress=progress)
    return _summary(seed, dict(summary.counts), summary.seconds)
