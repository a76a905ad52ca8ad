"""编制 a whole region's joint plan as a background job (in-process here: no broker): the page and the API start
it, bad input is refused before anything is queued, the page follows a queued job's progress, then the plan;
a retried job finds the plan its first attempt saved."""

import json

import pytest

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.inspections.test_joint_plans import Q2, town  # noqa: F401 (fixture)
from zhifa.audit.models import AuditRecord
from zhifa.inspections import plans
from zhifa.inspections.models import JointPlan
from zhifa.inspections.plans.jobs import PLAN_JOB, joint_plan_job, joint_plan_submit
from zhifa.jobs.choices import JobStatus
from zhifa.jobs.models import Job
from zhifa.jobs.services import job_execute

FORM = {
    "region": "330102008",
    "period_start": "2026-04-01",
    "period_end": "2026-06-30",
    "quiet_days": "2026-05-01",
}


# Committed for real: with no broker the job runs as the request's transaction commits, before the page answers.
@pytest.mark.django_db(transaction=True)
def test_page_starts_the_job_and_lands_on_the_plan(town):  # noqa: F811
    c = client_for(town.nanxing_cmd)
    res = c.post("/inspections/joint-plans/new/", FORM)
    job = Job.objects.get()
    plan = JointPlan.objects.get()
    assert job.kind == PLAN_JOB and job.status == JobStatus.SUCCEEDED and job.created_by == town.nanxing_cmd
    assert res.status_code == 302 and res["Location"] == f"/inspections/joint-plans/{plan.pk}/"
    assert job.result["plan"] == plan.pk and job.result["summary"].startswith(
        "已编制草稿“南星街道综合查一次计划"
    )
    assert plan.limits["quiet_days"] == ["2026-05-01"] and plan.seed == job.params["seed"]
    page = c.get(res["Location"]).content.decode()
    assert "已编制草稿" in page  # the result, said on the plan's page
    assert AuditRecord.objects.filter(action="inspections.joint_plan_submit", object_id=str(job.pk)).exists()


def test_a_queued_plan_shows_its_progress_then_the_plan(town, django_capture_on_commit_callbacks):  # noqa: F811
    c = client_for(town.carol)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        res = c.post("/inspections/joint-plans/new/", FORM)
    assert res.status_code == 202
    job = Job.objects.get()
    html = res.content.decode()
    assert "<progress" in html and "排队中" in html and f'hx-get="/jobs/{job.pk}/"' in html
    assert not JointPlan.objects.exists()
    for send in queued:  # the worker runs it
        send()
    plan = JointPlan.objects.get()
    poll = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "已完成" in poll and "已编制草稿" in poll and f'href="/inspections/joint-plans/{plan.pk}/"' in poll
    assert "every 1s" not in poll
    job.refresh_from_db()
    assert job.done == job.total == 4  # demands, officers, planning, saved


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"period_end": "2026-07-15"}, 400, "计划期间最长 92 天（一个季度），当前为 106 天"),
        ({"period_start": "2026-06-01", "period_end": "2026-04-01"}, 400, "结束日期不能早于开始日期"),
        ({"quiet_days": "2026-07-01"}, 400, "免扰日 2026-07-01 不在计划期间内"),
        ({"max_visits_per_year": "99"}, 400, "每户年度检查次数上限须为 1 到 52 的整数"),
        ({"period_start": "下周"}, 400, "请填写开始日期（如 2026-04-01）"),
    ],
)
def test_bad_input_is_refused_before_the_job_starts(town, form, status, message):  # noqa: F811
    c = client_for(town.nanxing_cmd)
    res = c.post("/inspections/joint-plans/new/", {**FORM, **form})
    assert res.status_code == status and message in res.content.decode()
    api = {**FORM, **form, "quiet_days": [form.get("quiet_days", FORM["quiet_days"])]}
    if "max_visits_per_year" in form:
        api["max_visits_per_year"] = int(form["max_visits_per_year"])
    res = c.post("/api/v1/inspections/joint-plans/jobs", json.dumps(api), content_type="application/json")
    assert res.status_code in (400, 422)
    if res.status_code == 400:
        assert res.json()["message"] == message
    assert not Job.objects.exists() and not JointPlan.objects.exists()


def test_overlap_and_outsiders_are_refused_before_the_job_starts(town):  # noqa: F811
    w = town
    plan = plans.joint_plan_create(region="330102008", period_start=Q2[0], period_end=Q2[1], by=w.carol)
    plans.joint_plan_publish(plan=plan, by=w.carol)
    res = client_for(w.carol).post("/inspections/joint-plans/new/", FORM)
    assert res.status_code == 409 and "请先撤回该计划或另选期间" in res.content.decode()
    api = client_for(w.carol).post(
        "/api/v1/inspections/joint-plans/jobs",
        json.dumps({**FORM, "quiet_days": []}),
        content_type="application/json",
    )
    assert api.status_code == 409 and "已有期间重叠的已发布计划" in api.json()["message"]
    assert client_for(w.olga).post("/inspections/joint-plans/new/", FORM).status_code == 403
    res = client_for(w.olga).post(
        "/api/v1/inspections/joint-plans/jobs",
        json.dumps({**FORM, "quiet_days": []}),
        content_type="application/json",
    )
    assert res.status_code == 403
    assert not Job.objects.exists()


def test_api_starts_the_job_and_a_retry_finds_the_saved_plan(town, django_capture_on_commit_callbacks):  # noqa: F811
    c = client_for(town.carol)
    payload = {**FORM, "quiet_days": ["2026-05-01"], "seed": "api-job"}
    with django_capture_on_commit_callbacks(execute=True):
        res = c.post(
            "/api/v1/inspections/joint-plans/jobs", json.dumps(payload), content_type="application/json"
        )
    assert res.status_code == 202
    body = res.json()
    status = c.get(body["status_url"]).json()
    assert status["status"] == "succeeded" and status["percent"] == 100
    plan = JointPlan.objects.get()
    assert status["result"]["plan"] == plan.pk and plan.seed == "api-job"
    # The worker died after the plan was saved but before the job was marked: the retry returns the same plan.
    job = Job.objects.get()
    assert joint_plan_job(job, lambda done, total: None)["plan"] == plan.pk
    assert JointPlan.objects.count() == 1
    # A message delivered twice runs nothing.
    assert job_execute(job_id=job.pk).attempts == 1


def test_a_refusal_on_the_worker_fails_the_job_with_its_message(town):  # noqa: F811
    """Checked when queued, but another plan was published over the period before the worker ran it."""
    w = town
    job = joint_plan_submit(
        region="330102008", period_start=Q2[0], period_end=Q2[1], by=w.carol
    )  # queued, not yet run
    plan = plans.joint_plan_create(region="330102008", period_start=Q2[0], period_end=Q2[1], by=w.carol)
    plans.joint_plan_publish(plan=plan, by=w.carol)
    job = job_execute(job_id=job.pk)
    assert job.status == JobStatus.FAILED and "已有期间重叠的已发布计划" in job.error
    assert JointPlan.objects.count() == 1
