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
