"""The monthly report as a PDF with charts (command and background job) and the scan as a job (eager: no broker):
warnings by model and the training count in the PDF, the files for the person who started the job only, bad
months and roles refused."""

from datetime import date
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from tests.conftest import client_for
from tests.oversight.conftest import scan, visit
from zhifa.accounts.services import user_create
from zhifa.core.errors import PermissionError_
from zhifa.jobs.choices import JobStatus
from zhifa.jobs.models import Job
from zhifa.oversight.choices import TrainingKind
from zhifa.oversight.jobs import monthly_report_submit
from zhifa.oversight.report import monthly_report
from zhifa.oversight.report_pdf import report_pdf, report_pdf_data
from zhifa.oversight.training.services import training_create


@pytest.fixture
def month(ow):
    """March 2026 in 南星: a visit with one officer (a warning) and a training session."""
    w = ow
    w.today = date(2026, 3, 2)
    visit(w).officers.set([w.nanxing_officer_record])
    scan("too_few_officers")
    training_create(by=w.nina, kind=TrainingKind.TRAINING, topic="执法记录仪使用规范", held_on=date(2026, 3, 1),
                    organiser=w.nanxing_team, hours="2", participants=[w.partner.pk])  # fmt: skip
    return w


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)


@pytest.mark.django_db
def test_pdf_has_the_district_each_subdistrict_warnings_by_model_and_trainings(month):
    w = month
    report = monthly_report(user=w.olga, month="2026-03")
    data = report_pdf_data(report)
    assert data["district"]["models"] == [{"label": "执法人员少于两人", "value": 1}]
    assert data["district"]["trainings"] == 1 and data["trainings_year"] == 1
    assert [a["area"] for a in data["subdistricts"]][:2] == ["南星街道", "九堡街道"]
    body = report_pdf(report)
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert "执法监督月度报告（2026-03）" in text and "各街道对比" in text
    assert "执法人员少于两人" in text and "培训研讨 1 场" in text and "九堡街道 · 2026-03" in text
    # A subdistrict's report holds its own area only, without the district page.
    own = report_pdf_data(monthly_report(user=w.nina, month="2026-03"))
    assert own["district"] is None and [a["area"] for a in own["areas"]] == ["南星街道"]


@pytest.mark.django_db
def test_command_writes_pdf_and_xlsx(month, tmp_path):
    out = tmp_path / "r.pdf"
    call_command(
        "oversight_report", "--month", "2026-03", "--pdf", str(out), "--output", str(tmp_path / "r.xlsx")
    )
    assert out.read_bytes().startswith(b"%PDF") and (tmp_path / "r.xlsx").read_bytes().startswith(b"PK")
    with pytest.raises(CommandError, match="请用 --output 指定 xlsx 文件，或用 --pdf 指定 PDF 文件"):
        call_command("oversight_report", "--month", "2026-03")


@pytest.mark.django_db
def test_report_job_from_the_page(month, django_capture_on_commit_callbacks):
    w = month
    olga = client_for(w.olga)
    assert 'id="report-generate"' in olga.get("/oversight/report/?month=2026-03").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        res = olga.post("/oversight/report/generate/", {"month": "2026-03"})
    job = Job.objects.get(kind="oversight.report")
    assert res.status_code == 302 and res["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.created_by == w.olga
    page = olga.get(f"/jobs/{job.pk}/").content.decode()
    assert "执法监督月度报告（xlsx + PDF）" in page and "已生成 2026-03 月度报告" in page
    assert f"/oversight/report/jobs/{job.pk}/pdf/" in page
    pdf = olga.get(f"/oversight/report/jobs/{job.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = olga.get(f"/oversight/report/jobs/{job.pk}/xlsx/")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content).startswith(b"PK")
    # Someone else's job, an unknown format: not found.
    assert client_for(w.carol).get(f"/oversight/report/jobs/{job.pk}/pdf/").status_code == 404
    assert olga.get(f"/oversight/report/jobs/{job.pk}/docx/").status_code == 404


@pytest.mark.django_db
def test_report_job_refusals(month):
    w = month
    res = client_for(w.olga).post("/oversight/report/generate/", {"month": "2026-13"}, follow=True)
    assert "月份格式应为 年-月，如 2026-03" in res.content.decode() and not Job.objects.exists()
    gina = user_create(username="gina", password="x-Pass-1234", role="grid_worker", unit=w.nanxing_command)
    assert client_for(gina).post("/oversight/report/generate/", {"month": "2026-03"}).status_code == 403
    with pytest.raises(PermissionError_, match="网格员不查看监督报告"):
        monthly_report_submit(by=gina, month="2026-03")


@pytest.mark.django_db
def test_scan_job_progress_and_refusal(month, django_capture_on_commit_callbacks):
    w = month
    assert client_for(w.carol).post("/oversight/scan/").status_code == 403
    assert not Job.objects.filter(kind="oversight.scan").exists()
    with django_capture_on_commit_callbacks(execute=True):
        res = client_for(w.olga).post("/oversight/scan/")
    job = Job.objects.get(kind="oversight.scan")
    job.refresh_from_db()
    assert res["Location"] == f"/jobs/{job.pk}/" and job.status == JobStatus.SUCCEEDED
    assert job.result["created"] >= 0 and job.total > 1 and job.done == job.total  # progress per model
    assert job.result["links"] == [{"href": "/oversight/", "text": "查看监督预警"}]
    api = client_for(w.olga).get(f"/api/v1/jobs/{job.pk}").json()
    assert api["status"] == "succeeded" and api["percent"] == 100


def test_a_missing_or_broken_report_template_is_named(tmp_path):
    from zhifa.core.documents import DocumentError
    from zhifa.core.pdf import render_report

    with pytest.raises(DocumentError, match="找不到报告模板 nope.typ"):
        render_report(tmp_path / "nope.typ", {})
    broken = tmp_path / "broken.typ"
    broken.write_text("#let x = (\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="报告模板 broken.typ 有误"):
        render_report(broken, {})
