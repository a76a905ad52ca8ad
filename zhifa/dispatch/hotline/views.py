"""12345 工单导入: the command centre uploads a hotline export; the page shows every row error, or what was
created and where each order was routed. The template workbook is downloaded from here too."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.core.htmx import render_page_or_fragment
from zhifa.dispatch.choices import Channel
from zhifa.dispatch.hotline.columns import COLUMNS, MAX_BYTES, MAX_ROWS, ImportRejected
from zhifa.dispatch.hotline.parse import check_upload_size
from zhifa.dispatch.hotline.services import hotline_import_start, require_hotline_importer
from zhifa.dispatch.hotline.template import FORMATS, hotline_template_xlsx
from zhifa.jobs.models import Job
from zhifa.jobs.selectors import job_view

ERRORS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class HotlineImportForm(forms.Form):
    file = forms.FileField(
        label="12345 工单文件（.xlsx 或 .csv）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "请选择要导入的文件", "empty": "文件为空"},
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Refused before reading: a file over the limit is never loaded into memory.
        if upload:
            try:
                check_upload_size(upload.size)
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from None
        return upload


def _require(user) -> None:
    try:
        require_hotline_importer(user)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None


def _columns() -> list[dict]:
    return [
        {
            "header": c.header,
            "required": c.required,
            "aliases": "、".join(a for a in c.aliases if not a.isascii()),
            "format": FORMATS[c.key],
        }
        for c in COLUMNS
    ]


@login_required
def hotline_import_page(request):
    user = request.user
    _require(user)
    posted = request.method == "POST"
    form = HotlineImportForm(request.POST, request.FILES) if posted else HotlineImportForm()
    context = {
        "active_nav": "hotline_import",
        "form": form,
        "columns": _columns(),
        "max_rows": MAX_ROWS,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "board_query": f"channel={Channel.HOTLINE.value}&status=all",
    }
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = hotline_import_start(data=upload.read(), filename=upload.name or "", by=user)
            except ImportRejected as exc:
                context.update(
                    error=exc.message,
                    row_errors=exc.errors[:ERRORS_SHOWN],
                    error_total=exc.total,
                    ignored_columns=exc.ignored_columns,
                )
            except ServiceError as exc:
                form.add_error("file", exc.message)
                status = exc.status
            else:
                if isinstance(report, Job):  # a big file: imported in the background, its progress shown here
                    status = 202
                    context.update(job=job_view(report))
                else:
                    status = 200
                    context.update(report=report, ignored_columns=report.ignored_columns)
    context["errors_shown"] = ERRORS_SHOWN
    response = render_page_or_fragment(
        request, "dispatch/import.html", "dispatch/import_result.html", context
    )
    response.status_code = status
    return response


@login_required
def hotline_import_template(request):
    _require(request.user)
    response = HttpResponse(hotline_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "12345工单导入模板.xlsx")
    return response
