"""The JSON API under /api/v1/: authentication, error bodies, and the routers of each app."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from zhifa.accounts.services import api_token_authenticate
from zhifa.core.errors import ServiceError


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="zhifa API",
    version="1",
    description="大综合一体化行政执法平台接口。认证：会话 Cookie（含 CSRF）或 `Authorization: Bearer <令牌>`。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _error(request, status: int, message: str, errors: list[dict] | None = None):
    return api.create_response(request, {"message": message, "errors": errors or []}, status=status)


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts)


# Chinese for the checks every list shares (page, page_size) and other bounded numbers; pydantic's text otherwise.
_MESSAGES = {
    "less_than_equal": "不能大于 {le}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "greater_than": "应大于 {gt}",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_type": "应为整数",
    "missing": "必填",
}


def _message_of(error: dict) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    try:
        return template.format(**(error.get("ctx") or {})) if template else error.get("msg", "")
    except (KeyError, IndexError):
        return error.get("msg", "")


@api.exception_handler(NinjaValidationError)
def _validation(request, exc: NinjaValidationError):
    errors = [{"field": _field_of(e.get("loc", [])), "message": _message_of(e)} for e in exc.errors]
    return _error(request, 422, "请求参数有误", errors)


@api.exception_handler(ServiceError)
def _service(request, exc: ServiceError):
    return _error(request, exc.status, exc.message, exc.errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "记录不存在或不在您的辖区内")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "未登录或令牌无效")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


def _register_routers() -> None:
    from zhifa.accounts.api import router as accounts_router
    from zhifa.cases.api import router as cases_router
    from zhifa.catalog.api import router as catalog_router
    from zhifa.codes.api import router as codes_router
    from zhifa.dashboard.api import router as reform_router
    from zhifa.dispatch.api import router as dispatch_router
    from zhifa.inspections.demands.api import requests_router
    from zhifa.inspections.demands.api import router as demands_router
    from zhifa.inspections.draws.api import router as draws_router
    from zhifa.inspections.plans.api import router as joint_plans_router
    from zhifa.inspections.records.api import router as records_router
    from zhifa.jobs.api import router as jobs_router
    from zhifa.org.api import router as org_router
    from zhifa.oversight.api import router as oversight_router
    from zhifa.risk.api import router as risk_router
    from zhifa.subjects.api import router as subjects_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/org", org_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/dispatch", dispatch_router)
    api.add_router("/subjects", subjects_router)
    api.add_router("/risk", risk_router)
    api.add_router("/inspections/draws", draws_router)
    api.add_router("/inspections/demands", demands_router)
    api.add_router("/inspections/requests", requests_router)
    api.add_router("/inspections/records", records_router)
    api.add_router("/inspections/joint-plans", joint_plans_router)
    api.add_router("/cases", cases_router)
    api.add_router("/codes", codes_router)
    api.add_router("/oversight", oversight_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("/reform", reform_router)


_register_routers()
