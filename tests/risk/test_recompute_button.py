"""重新计算 on /risk/: district command and admins start the whole recompute as a background job (in-process here:
no broker) and follow its progress on the page, then read the result; everyone else is refused (403)."""

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from tests.subjects.conftest import subjects  # noqa: F401 (fixture)
from zhifa.jobs.choices import JobStatus
from zhifa.jobs.models import Job
from zhifa.risk.models import SubjectRisk


# Committed for real: with no broker the job runs as the request's transaction commits, before the page answers.
@pytest.mark.django_db(transaction=True)
def test_command_centre_recomputes_from_the_page_and_sees_the_result(subjects):  # noqa: F811
    w = subjects
    carol = client_for(w.carol)
    page = carol.get("/risk/").content.decode()
    assert 'id="risk-recompute"' in page and "重新计算" in page
    assert not SubjectRisk.objects.exists()
    res = carol.post("/risk/recompute/", HTTP_HX_REQUEST="true")
    assert res.status_code == 202
    job = Job.objects.get()
    assert job.kind == "risk.recompute" and job.created_by == w.carol and job.status == JobStatus.SUCCEEDED
    html = res.content.decode()
    assert html.lstrip().startswith('<section class="card" id="risk-recompute"')  # the fragment only
    assert f'id="job-{job.pk}"' in html and "已完成" in html and "已重算 2 户，2 户赋码或分值有变化" in html
    assert SubjectRisk.objects.count() == 2
    # Without htmx the whole page comes back, with the job in it.
    res = carol.post("/risk/recompute/")
    assert res.status_code == 202
    html = res.content.decode()
    assert "<h1>三色赋码" in html and "已重算 2 户，0 户赋码或分值有变化" in html


def test_queued_recompute_shows_a_progress_bar_that_polls_until_the_result(
    subjects,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """With a worker (the job still queued when the page answers): a progress bar polling the job's fragment,
    which shows the result once the job has run."""
    root = client_for(subjects.root)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        res = root.post("/risk/recompute/", HTTP_HX_REQUEST="true")
    assert res.status_code == 202
    job = Job.objects.get()
    html = res.content.decode()
    assert job.status == JobStatus.QUEUED and "<progress" in html and "排队中" in html
    assert f'hx-get="/jobs/{job.pk}/"' in html and 'hx-trigger="every 1s"' in html
    for send in queued:  # the worker picks it up
        send()
    poll = root.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "已完成" in poll and "已重算 2 户" in poll and "every 1s" not in poll


@pytest.mark.parametrize("who", ["alice", "bob", "olga", "otto"])
def test_others_are_refused_on_both_doors(subjects, who):  # noqa: F811
    user = getattr(subjects, who)
    c = client_for(user)
    assert 'id="risk-recompute"' not in c.get("/risk/").content.decode()
    assert c.post("/risk/recompute/").status_code == 403
    res = c.post("/api/v1/risk/recompute")
    assert res.status_code == 403
    assert res.json()["message"] == "只有区协调指挥中心或系统管理员可以重算全部赋码"
    assert not Job.objects.exists()


def test_api_starts_the_job_and_answers_where_to_follow_it(
    subjects,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    carol = client_for(subjects.carol)
    with django_capture_on_commit_callbacks(execute=True):
        res = carol.post("/api/v1/risk/recompute")
    assert res.status_code == 202
    body = res.json()
    assert body["status_url"] == f"/api/v1/jobs/{body['job']}"
    status = carol.get(body["status_url"]).json()
    assert status["status"] == "succeeded" and status["result"]["subjects"] == 2
    assert Client().post("/risk/recompute/").status_code == 302  # signed out: to the login page
    assert Client().post("/api/v1/risk/recompute").status_code == 401
    assert carol.get("/risk/recompute/").status_code == 405
