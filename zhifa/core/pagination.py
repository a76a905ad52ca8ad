"""Paging: page numbers for HTML lists (tolerant of bad input), and the API's page-number pagination (strict:
a bad page or page size is a 422 with the API's error body, never a server error)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# The highest page number the API accepts. Any page up to it is answered (past the end: an empty page); its
# offset, even at the largest page size, stays far inside the 64-bit integers databases use for OFFSET.
LAST_PAGE = 1_000_000_000


def paginate(request, qs, per_page: int | None = None) -> Page:
    paginator = Paginator(qs, per_page or settings.ZHIFA_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def max_page_size() -> int:
    return settings.ZHIFA_API_MAX_PAGE_SIZE


def default_page_size() -> int:
    # The pages' size, unless the API's limit is smaller.
    return min(settings.ZHIFA_PAGE_SIZE, settings.ZHIFA_API_MAX_PAGE_SIZE)


class PageQuery(Schema):
    """`page` and `page_size` of every API list; also the base of a query whose answer holds a page.

    The bounds are read from the settings once, when the API is built, so the schema documents them."""

    page: int = Field(1, ge=1, le=LAST_PAGE, description="页码，从 1 开始；超过末页时返回空页")
    page_size: int = Field(
        default_page_size(),
        ge=1,
        le=max_page_size(),
        description=f"每页条数，1–{max_page_size()}",
    )


@dataclass(frozen=True)
class Mapped:
    """Rows to page through, each turned into its output by `convert` once its page is cut."""

    source: Any
    convert: Callable[[Any], Any]


def mapped(source, convert: Callable[[Any], Any]) -> Mapped:
    return Mapped(source, convert)


def page_of(rows: Any, *, page: int, page_size: int) -> dict:
    """{count, page, page_size, results} of a query set or list; the page's rows are read before the count."""
    source, convert = (rows.source, rows.convert) if isinstance(rows, Mapped) else (rows, None)
    start = (page - 1) * page_size
    cut = list(source[start : start + page_size])
    count = source.count() if hasattr(source, "model") else len(source)
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "results": [convert(r) for r in cut] if convert else cut,
    }


class ApiPagination(PageNumberPagination):
    """django-ninja's page-number pagination in the shape API clients have: {count, page, page_size, results}.

    Use as `@paginate(ApiPagination)` on a handler that returns a query set, a list, or `mapped(rows, convert)`
    and declares `response=list[RowOut]`; the page parameters are documented and checked by `PageQuery`."""

    items_attribute = "results"
    Input = PageQuery

    class Output(Schema):
        count: int
        page: int
        page_size: int
        results: list[Any]

    def paginate_queryset(self, queryset, pagination: PageQuery, request, **params) -> dict:
        return page_of(queryset, page=pagination.page, page_size=pagination.page_size)

    async def apaginate_queryset(self, queryset, pagination: PageQuery, request, **params) -> dict:
        raise NotImplementedError("the API has no async list handlers")
