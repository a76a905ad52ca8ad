"""The bytes of a case, answered the same way by the pages and the API once the selector has checked the
caller's jurisdiction: evidence files (wherever they are kept) and documents as PDF."""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from zhifa.cases import documents
from zhifa.cases.selectors import evidence_bytes_source


def evidence_response(row) -> FileResponse:
    try:
        handle = evidence_bytes_source(row).open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("证据文件缺失") from None
    response = FileResponse(handle, content_type=row.content_type)
    response["Content-Disposition"] = content_disposition_header(False, row.original_name)
    response["X-Evidence-SHA256"] = row.sha256
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(document) -> HttpResponse:
    """The document as PDF (a DocumentError, 400, when its recorded data cannot make the document)."""
    response = HttpResponse(documents.render(document), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{document.get_kind_display()}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def site_record_response(case) -> HttpResponse:
    """现场检查笔录 of the visit the case came from (a DocumentError, 400, for a case without one)."""
    response = HttpResponse(documents.render_site_record(case), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, "现场检查笔录.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
