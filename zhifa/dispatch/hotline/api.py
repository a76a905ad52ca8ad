"""JSON API of the 12345 import: one upload, every row or none."""

from ninja import File, Router, Schema, Status, UploadedFile

from zhifa.dispatch.events.api import EventOut, event_row
from zhifa.dispatch.hotline.parse import check_upload_size
from zhifa.dispatch.hotline.services import hotline_import, require_hotline_importer

router = Router(tags=["dispatch"])


class ImportedEventOut(EventOut):
    external_no: str


class HotlineImportOut(Schema):
    filename: str
    count: int
    dispatched: int
    awaiting_dispatch: int
    ignored_columns: list[str]
    events: list[ImportedEventOut]


@router.post(
    "/imports/hotline",
    response={201: HotlineImportOut},
    summary="导入 12345 工单（区协调指挥中心，multipart 上传 .xlsx / .csv；任何一行有错则全部不导入）",
)
def import_hotline(request, file: File[UploadedFile]):
    # Refuse before reading the upload: a file from someone who may not import is never parsed.
    require_hotline_importer(request.user)
    check_upload_size(file.size)
    report = hotline_import(data=file.read(), filename=file.name or "", by=request.user)
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
