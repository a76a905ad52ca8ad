"""编制 a whole region's joint plan in the background: the form's checks run at once (a bad period or an
overlapping published plan is refused before anything is queued), the planning — seconds to half a minute for a
subdistrict — runs on the worker, and the page that started it shows its progress, then the plan."""

from django.db import transaction
from django.urls import reverse

from zhifa.audit.services import audit_record
from zhifa.inspections.models import JointPlan
from zhifa.inspections.plans.services import joint_plan_check, joint_plan_create
from zhifa.jobs.models import Job
from zhifa.jobs.services import job_submit

PLAN_JOB = "inspections.joint_plan"


def joint_plan_submit(*, by, replaces_published: bool = False, **form) -> Job:
    """Check the request as joint_plan_create does (same refusals, same Chinese messages), then queue the build.
    The seed is fixed here, so a retried job plans the same and finds the plan it may already have saved."""
    checked = joint_plan_check(by=by, replaces_published=replaces_published, **form)
    with transaction.atomic():
        job = job_submit(
            kind=PLAN_JOB, by=by, params=checked.as_params(replaces_published=replaces_published)
        )
        audit_record(
            actor=by,
            action="inspections.joint_plan_submit",
            obj=job,
            object_repr=f"编制综合查一次计划（后台）：{checked.name}"[:200],
        )
    return job


def _result(plan: JointPlan) -> dict:
    f = plan.figures
    return {
        "summary": f"已编制草稿“{plan.name}”：{f.get('joint_visits', 0)} 次联合检查，"
        f"{f.get('squad_days', 0)} 个检查组日，{f.get('unfitted', 0)} 项需求未排入",
        "plan": plan.pk,
        "links": [{"href": reverse("inspections:jointplan_detail", args=[plan.pk]), "text": "查看计划"}],
    }


def joint_plan_job(job: Job, progress) -> dict:
    """The worker's body. Idempotent: the plan a previous attempt saved (same region, period, seed and author)
    is the result, not a second draft; the build saves in one transaction, so a failed attempt left nothing."""
    p = job.params
    done = JointPlan.objects.filter(
        region__code=p["region"],
        period_start=p["period_start"],
        period_end=p["period_end"],
        seed=p["seed"],
        created_by=job.created_by,
    ).first()
    if done is not None:
        return _result(done)
    plan = joint_plan_create(
        region=p["region"],
        period_start=p["period_start"],
        period_end=p["period_end"],
        name=p["name"],
        quiet_days=p["quiet_days"],
        max_visits_per_year=p["max_visits_per_year"],
        max_visits_per_squad_day=p["max_visits_per_squad_day"],
        seed=p["seed"],
        replaces_published=p["replaces_published"],
        by=job.created_by,
        progress=progress,
    )
    return _result(plan)
