"""Documents as PDF: the hook where the PDF renderer (zhifa/core/pdf.py, built separately) plugs in.

Until that module is installed, asking for a document's PDF answers 503 with "文书生成组件尚未安装"; the
document's data (kind, number, date, who, what it was made from) is kept either way."""

import importlib
import importlib.util

from zhifa.core.errors import ServiceError

RENDERER_MODULE = "zhifa.core.pdf"
MISSING_MESSAGE = "文书生成组件尚未安装"


class RendererMissing(ServiceError):
    status = 503


def template_name(document) -> str:
    return f"cases/documents/{document.kind}.html"


def document_context(document) -> dict:
    case = document.case
    return {
        "document": document,
        "case": case,
        "data": document.data,
        "title": document.get_kind_display(),
        "number": document.number,
        "unit": case.unit,
    }


def render(document) -> bytes:
    """The document as PDF bytes, through zhifa.core.pdf.render_pdf(template_name, context)."""
    if importlib.util.find_spec(RENDERER_MODULE) is None:
        raise RendererMissing(MISSING_MESSAGE)
    render_pdf = importlib.import_module(RENDERER_MODULE).render_pdf
    return render_pdf(template_name(document), document_context(document))
