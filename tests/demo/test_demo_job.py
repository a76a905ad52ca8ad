"""The demo district as a background job (`demo_district --background`): refused at once on a database that has
regions, and a retried job finds the district its first attempt committed instead of failing."""

import pytest
from django.core.management import CommandError, call_command

from zhifa.core.errors import ServiceError
from zhifa.demo.jobs import DEMO_JOB, NOT_EMPTY, demo_district_submit
from zhifa.jobs.choices import JobStatus
from zhifa.jobs.models import Job
from zhifa.jobs.services import job_execute

pytestmark = pytest.mark.django_db


def test_refused_before_the_job_starts(demo_db):
    with pytest.raises(ServiceError) as refused:
        demo_district_submit(seed=42)
    assert refused.value.message == NOT_EMPTY
    with pytest.raises(CommandError, match="演示城区只能在空库中生成"):
        call_command("demo_district", "--background")
    with pytest.raises(ServiceError, match="随机种子须为非负整数"):
        demo_district_submit(seed=-1)
    assert not Job.objects.exists()


def test_a_retry_finds_the_district_its_first_attempt_built(demo_db):
    # The worker committed the district (seed 42), then died before marking the job: the retry reports it.
    job = Job.objects.create(kind=DEMO_JOB, params={"seed": 42, "as_of": None}, status=JobStatus.QUEUED)
    job = job_execute(job_id=job.pk)
    assert job.status == JobStatus.SUCCEEDED
    summary = job.result["summary"]
    assert summary.startswith("演示城区已生成（seed=42）：") and "regions=" in summary
    assert job.result["counts"]["officers"] > 0
    # Another seed's job on this database built nothing and says why.
    other = Job.objects.create(kind=DEMO_JOB, params={"seed": 7, "as_of": None}, status=JobStatus.QUEUED)
    other = job_execute(job_id=other.pk)
    assert other.status == JobStatus.FAILED and other.error == NOT_EMPTY
