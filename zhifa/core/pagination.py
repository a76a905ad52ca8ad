"""Page numbers from the query string, tolerant of bad input."""

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, qs, per_page: int | None = None) -> Page:
    paginator = Paginator(qs, per_page or settings.ZHIFA_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def api_page(qs, *, page: int, page_size: int, convert=None) -> dict:
    """One page of an API list: {count, page, page_size, results}; a page past the end is empty."""
    start = (page - 1) * page_size
    rows = list(qs[start : start + page_size])
    return {
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
        "results": [convert(r) for r in rows] if convert else rows,
    }
