"""Oversight's background jobs (zhifa.jobs): the scan started from the board, the monthly report (xlsx and PDF)
started from the report page, and the periodic body beat runs hourly (scan, then the deadlines of warnings).
The report's files are kept under MEDIA_ROOT and handed out only to the person who started the job."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.jobs.services import job_submit
from zhifa.oversight import report
from zhifa.oversight.deadlines import alert_deadlines_run
from zhifa.oversight.report_pdf import report_pdf
from zhifa.oversight.services import is_oversight, oversight_scan

SCAN_JOB = "oversight.scan"
REPORT_JOB = "oversight.report"
REPORT_FILES = {"xlsx": "xlsx", "pdf": "pdf"}


def report_file_name(job_id, fmt: str) -> str:
    return f"oversight/reports/{job_id}.{REPORT_FILES[fmt]}"


def oversight_scan_submit(*, by):
    """立即扫描 from the board: oversight only; the worker runs the models, the page shows the progress."""
    if not is_oversight(by):
        raise PermissionError_("只有执法监督人员可以发起扫描")
    # Not audited itself: oversight writes nothing but its warnings; the job row names who started it, and the
    # scan audits each change it makes.
    with transaction.atomic():
        return job_submit(kind=SCAN_JOB, by=by)


def oversight_scan_job(job, progress) -> dict:
    run = oversight_scan(by=job.created_by, progress=progress)
    deadlines = alert_deadlines_run()
    return {
        "summary": f"扫描完成：新增 {run.created} 条，更新 {run.updated} 条，再次出现 {run.reopened} 条，"
        f"自动消除 {run.resolved} 条（用时 {run.seconds:.1f} 秒）；到期提醒 {deadlines['reminded']} 条，"
        f"逾期 {deadlines['overdue']} 条，升级 {deadlines['escalated']} 条",
        "created": run.created,
        "updated": run.updated,
        "reopened": run.reopened,
        "resolved": run.resolved,
        **deadlines,
        "links": [{"href": "/oversight/", "text": "查看监督预警"}],
    }


def oversight_periodic() -> int:
    """Beat's hourly body: the scan as the scheduler (by none), then reminders, overdue marks and escalations."""
    run = oversight_scan()
    alert_deadlines_run()
    return run.created


def monthly_report_submit(*, by, month: str):
    """生成月度报告 (xlsx and PDF) in the background, for the areas the person may read."""
    if not by.is_authenticated or by.role == "grid_worker":
        raise PermissionError_("网格员不查看监督报告")
    try:
        report.month_bounds(month)
    except ValueError as exc:
        raise ServiceError(str(exc), [{"field": "month", "message": str(exc)}]) from None
    with transaction.atomic():  # a report is a read: the job row is its only trace
        return job_submit(kind=REPORT_JOB, by=by, params={"month": month})


def monthly_report_job(job, progress) -> dict:
    month = job.params["month"]
    progress(0, 3)
    figures = report.monthly_report(user=job.created_by, month=month)
    progress(1, 3)
    for fmt, body in (("xlsx", report.report_xlsx(figures)), ("pdf", report_pdf(figures))):
        name = report_file_name(job.pk, fmt)
        if default_storage.exists(name):  # a retried run writes the file again
            default_storage.delete(name)
        default_storage.save(name, ContentFile(body))
        progress(2 if fmt == "xlsx" else 3, 3)
    return {
        "summary": f"已生成 {month} 月度报告：{len(figures['areas'])} 个区域",
        "month": month,
        "links": [
            {"href": f"/oversight/report/jobs/{job.pk}/pdf/", "text": "下载 PDF（含图表）"},
            {"href": f"/oversight/report/jobs/{job.pk}/xlsx/", "text": "下载 xlsx"},
        ],
    }
