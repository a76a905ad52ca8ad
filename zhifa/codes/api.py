"""JSON API of the 行政行为码 (/api/v1/codes): public verification and rating (no login, limited per client
address), the staff listing scoped like inspection records, revocation, and rating figures."""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhifa.codes import selectors as sel
from zhifa.codes import services as svc
from zhifa.codes.throttle import AddressThrottle
from zhifa.core.pagination import ApiPagination, mapped

router = Router(tags=["行政行为码"])


class CodeVerifyOut(Schema):
    valid: bool
    status: str
    status_label: str
    message: str
    payload: dict | None  # the signed claims; null when the signature does not hold
    revoked: dict | None
    result: dict | None  # the published result once the action is done


class CodeOut(Schema):
    code_id: str
    action: str
    action_label: str
    token: str
    kid: str
    unit: str
    officers: list[str]
    subject_id: int | None
    subject_name: str
    inspection_id: int | None
    issued_at: datetime
    not_before: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_reason: str


class CodeQuery(Schema):
    inspection: int | None = None
    subject: int | None = None


class RevokeIn(Schema):
    reason: str


class RateIn(Schema):
    token: str
    secret: str
    score: int
    problems: list[str] = []
    comment: str = ""


class RateOut(Schema):
    message: str


def _out(code) -> dict:
    return {
        "code_id": code.code_id,
        "action": code.action,
        "action_label": code.get_action_display(),
        "token": code.token,
        "kid": code.kid,
        "unit": code.unit.name,
        "officers": [f"{o.name}（{o.certificate_no}）" for o in code.officers.all()],
        "subject_id": code.subject_id,
        "subject_name": code.subject.name if code.subject else "",
        "inspection_id": code.inspection_id,
        "issued_at": code.issued_at,
        "not_before": code.not_before,
        "expires_at": code.expires_at,
        "revoked_at": code.revoked_at,
        "revoked_reason": code.revoked_reason,
    }


@router.get(
    "/verify",
    response=CodeVerifyOut,
    auth=None,
    throttle=[AddressThrottle("verify")],
    summary="核验行政行为码（公开，按来源地址限流）",
)
def verify(request, token: str):
    return sel.code_verify(token, details=False).as_json()


@router.post(
    "/rate",
    response={201: RateOut},
    auth=None,
    throttle=[AddressThrottle("rate", per_minute=10)],
    summary="当事人凭评价码评价一次（公开）",
)
def rate(request, payload: RateIn):
    v = sel.code_verify(payload.token)
    if v.code is None:
        raise HttpError(400, v.message)
    svc.code_rate(
        code=v.code,
        secret=payload.secret,
        score=payload.score,
        problems=payload.problems,
        comment=payload.comment,
    )
    return Status(201, {"message": "感谢您的评价"})


@router.get("", response=list[CodeOut], summary="行政行为码列表（按辖区）")
@paginate(ApiPagination)
def code_list(request, filters: Query[CodeQuery]):
    qs = sel.code_list_for_user(user=request.user)
    if filters.inspection:
        qs = qs.filter(inspection_id=filters.inspection)
    if filters.subject:
        qs = qs.filter(subject_id=filters.subject)
    return mapped(qs.order_by("-issued_at", "-id"), _out)


@router.get("/ratings/figures", response=dict, summary="评价统计（按单位、执法人员）")
def rating_figures(request):
    return sel.rating_figures(user=request.user)


@router.get("/{code_id}", response=CodeOut, summary="一个行政行为码")
def code_detail(request, code_id: str):
    return _out(sel.code_get_for_user(user=request.user, code_id=code_id))


@router.post("/{code_id}/revoke", response=CodeOut, summary="撤销行政行为码")
def code_revoke(request, code_id: str, payload: RevokeIn):
    code = sel.code_get_for_user(user=request.user, code_id=code_id)
    return _out(svc.code_revoke(code=code, reason=payload.reason, by=request.user))
