"""JSON API of the 12345 import: one upload, every row or none."""

from ninja import File, Router, Schema, Status, UploadedFile

from zhifa.dispatch.events.api import EventOut, event_row
from zhifa.dispatch.hotline.parse import check_upload_size
from zhifa.dispatch.hotline.services import hotline_import_start, require_hotline_importer
from zhifa.jobs.models import Job

router = Router(tags=["dispatch"])


class ImportedEventOut(EventOut):
    external_no: str


class HotlineImportQueuedOut(Schema):
    job: str
    status_url: str
    rows: int


class HotlineImportOut(Schema):
    filename: str
    count: int
    dispatched: int
    awaiting_dispatch: int
    ignored_columns: list[str]
    events: list[ImportedEventOut]


@router.post(
    "/imports/hotline",
    response={201: HotlineImportOut, 202: HotlineImportQueuedOut},
    summary="导入 12345 工单（区协调指挥中心，multipart 上传 .xlsx / .csv；任何一行有错则全部不导入；"
    "超过 ZHIFA_IMPORT_BACKGROUND_ROWS 行时后台导入，返回 202 与任务地址）",
)
def import_hotline(request, file: File[UploadedFile]):
    # Refuse before reading the upload: a file from someone who may not import is never parsed.
    require_hotline_importer(request.user)
    check_upload_size(file.size)
    report = hotline_import_start(data=file.read(), filename=file.name or "", by=request.user)
    if isinstance(report, Job):
        return Status(
            202,
            {"job": str(report.pk), "status_url": f"/api/v1/jobs/{report.pk}", "rows": report.params["rows"]},
        )
    return Status(
        201,
        {
            "filename": report.filename,
            "count": report.count,
            "dispatched": report.dispatched,
            "awaiting_dispatch": report.awaiting,
            "ignored_columns": report.ignored_columns,
            "events": [{**event_row(e), "external_no": e.external_no} for e in report.events],
        },
    )
