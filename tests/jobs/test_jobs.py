"""Background jobs: a big 12345 import runs as a job (in-process here: no broker), its status on the page and in
the API for the person who started it only; refusals, lost workers and repeated messages."""

import importlib.util
import time

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import client_for
from tests.dispatch.test_import import HEADER, _row, csv_bytes
from zhifa.core.errors import PermissionError_
from zhifa.dispatch.models import Event
from zhifa.jobs.app import beat_schedule
from zhifa.jobs.choices import JobStatus
from zhifa.jobs.models import Job
from zhifa.jobs.selectors import job_view
from zhifa.jobs.services import LOST_MESSAGE, job_execute, progress_key
from zhifa.jobs.tasks import run_periodic
from zhifa.risk.services import risk_recompute_submit


def _file(n: int, prefix: str = "HZ12345-JOB") -> bytes:
    rows = [_row(**{"工单编号": f"{prefix}-{i:04d}", "事发地址": f"九堡街道某某路 {i} 号"}) for i in range(n)]
    return csv_bytes([HEADER, *rows])


def _upload(data: bytes, name: str = "big.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def background(settings):
    settings.ZHIFA_IMPORT_BACKGROUND_ROWS = 5
    cache.clear()
    return settings


@pytest.mark.django_db
def test_big_import_from_the_page_runs_as_a_job_and_shows_its_result(
    district, background, django_capture_on_commit_callbacks
):
    carol = client_for(district.carol)
    with django_capture_on_commit_callbacks(execute=True):
        res = carol.post("/dispatch/imports/hotline/", {"file": _upload(_file(12))}, HTTP_HX_REQUEST="true")
    assert res.status_code == 202
    job = Job.objects.get()
    assert job.kind == "dispatch.hotline_import" and job.created_by == district.carol
    assert f'id="job-{job.pk}"' in res.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert Event.objects.filter(external_no__startswith="HZ12345-JOB").count() == 12
    page = carol.get(f"/jobs/{job.pk}/").content.decode()
    assert "12345 工单导入" in page and "已完成" in page and "已导入 12 张 12345 工单" in page
    assert "every 1s" not in page  # finished: the fragment stops polling
    api = carol.get(f"/api/v1/jobs/{job.pk}").json()
    assert api["status"] == "succeeded" and api["percent"] == 100 and api["result"]["count"] == 12


@pytest.mark.django_db
def test_a_small_file_is_still_imported_at_once(district, background):
    res = client_for(district.carol).post("/dispatch/imports/hotline/", {"file": _upload(_file(4))})
    assert res.status_code == 200 and not Job.objects.exists()
    assert Event.objects.count() == 4


@pytest.mark.django_db
def test_api_answers_202_with_the_job_and_a_bad_big_file_is_refused_at_once(
    district, background, django_capture_on_commit_callbacks
):
    carol = client_for(district.carol)
    with django_capture_on_commit_callbacks(execute=True):
        res = carol.post("/api/v1/dispatch/imports/hotline", {"file": _upload(_file(8))})
    assert res.status_code == 202
    body = res.json()
    assert body["rows"] == 8 and body["status_url"] == f"/api/v1/jobs/{body['job']}"
    assert carol.get(body["status_url"]).json()["status"] == "succeeded"
    bad = csv_bytes([HEADER, *[_row(**{"工单编号": f"B-{i}", "受理时间": "昨天"}) for i in range(8)]])
    res = carol.post("/api/v1/dispatch/imports/hotline", {"file": _upload(bad)})
    assert res.status_code == 400 and "未导入任何工单" in res.json()["message"]
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_a_job_is_seen_only_by_whoever_started_it(district, background, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(district.carol).post("/dispatch/imports/hotline/", {"file": _upload(_file(6))})
    job = Job.objects.get()
    for who in ("bob", "alice", "olga"):
        c = client_for(getattr(district, who))
        assert c.get(f"/jobs/{job.pk}/").status_code == 404
        assert c.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert client_for(district.root).get(f"/jobs/{job.pk}/").status_code == 200  # the administrator
    assert Client().get(f"/jobs/{job.pk}/").status_code == 302
    assert Client().get(f"/api/v1/jobs/{job.pk}").status_code == 401
    assert client_for(district.carol).get("/jobs/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_a_job_refused_on_the_worker_imports_nothing_and_says_why(district, background):
    from zhifa.dispatch.hotline.services import hotline_import, hotline_import_start

    data = _file(6, prefix="HZ12345-TWICE")
    job = hotline_import_start(data=data, filename="twice.csv", by=district.carol)  # queued, not yet run
    hotline_import(data=_file(1, prefix="HZ12345-TWICE"), filename="one.csv", by=district.carol)
    job = job_execute(job_id=job.pk)
    assert job.status == JobStatus.FAILED
    assert job.error == "导入失败：1 行共 1 处错误，未导入任何工单。请改正后重新上传整个文件"
    assert "已导入过" in job.result["errors"][0]["message"]
    assert Event.objects.filter(external_no__startswith="HZ12345-TWICE").count() == 1
    # The same message delivered again runs nothing.
    assert job_execute(job_id=job.pk).attempts == 1


@pytest.mark.django_db
def test_a_running_job_whose_worker_died_is_reported_failed(district, settings):
    settings.ZHIFA_JOB_STALE_SECONDS = 2
    job = Job.objects.create(
        kind="dispatch.hotline_import", created_by=district.carol, status=JobStatus.RUNNING
    )
    cache.set(progress_key(job.pk), {"done": 30, "total": 100, "at": time.time()})
    view = job_view(job)
    assert view.status == JobStatus.RUNNING and view.percent == 30
    cache.set(progress_key(job.pk), {"done": 30, "total": 100, "at": time.time() - 5})
    view = job_view(job)
    assert view.status == JobStatus.FAILED and view.job.error == LOST_MESSAGE


@pytest.mark.django_db
def test_risk_recompute_runs_as_a_job_for_the_command_centre_only(
    district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = risk_recompute_submit(by=district.carol)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["subjects"] == 0
    assert job.result["summary"].startswith("已重算 0 户")
    for who in ("alice", "olga"):
        with pytest.raises(PermissionError_):
            risk_recompute_submit(by=getattr(district, who))


def test_beat_schedule_names_the_periodic_jobs():
    schedule = beat_schedule()
    assert schedule["sla_scan"]["schedule"] == 60.0 and schedule["sla_scan"]["args"] == ("sla_scan",)
    assert schedule["risk_recompute"]["schedule"].hour == {2}
    oversight = importlib.util.find_spec("zhifa.oversight") is not None
    assert ("oversight_scan" in schedule) == (
        oversight and importlib.util.find_spec("zhifa.oversight.services") is not None
    )


@pytest.mark.django_db
def test_periodic_jobs_run_by_name(district):
    assert run_periodic.apply(args=("sla_scan",)).get() == 0
    with pytest.raises(LookupError):
        run_periodic.apply(args=("no_such_job",)).get()
