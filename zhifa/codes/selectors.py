"""Reads of the 行政行为码: public verification (signature, window, then revocation and the record), the staff
listing scoped like inspection records, the records started without a code (亮码检查), and the ratings —
individually for oversight only, otherwise as figures per unit and officer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.catalog.models import EnforcementItem
from zhifa.codes.choices import LOW_SCORE, ActionType, CodeStatus, RatingProblem
from zhifa.codes.models import ActionCode, CodeRating
from zhifa.codes.services import code_action_done_at
from zhifa.codes.tokens import Verified, token_verify
from zhifa.core.errors import PermissionError_
from zhifa.inspections.choices import FindingResult, InspectionStatus
from zhifa.inspections.models import Inspection
from zhifa.org.models import Officer, Unit
from zhifa.org.scope import get_in_scope_or_404, scope_for

# Ratings are anonymous to the officers and their units: one by one only oversight reads them; the district
# command sees them as figures per unit and officer.
RATING_DETAIL_ROLES = {Role.OVERSIGHT, Role.ADMIN}
RATING_FIGURE_ROLES = {Role.OVERSIGHT, Role.ADMIN, Role.DISTRICT_COMMAND}

MESSAGES = {
    CodeStatus.VALID: "此码有效：执法单位、执法人员和检查事项经本区签名核验无误。请核对执法人员出示的执法证号与下方一致。",
    CodeStatus.EXPIRED: "此码已过有效期，不能再凭此码入场检查。如有人仍凭此码要求检查，您可以拒绝并投诉。",
    CodeStatus.NOT_YET_VALID: "此码尚未到生效时间，请核实后再配合检查。",
    CodeStatus.REVOKED: "此码已被签发单位撤销，不能凭此码检查。",
    CodeStatus.TAMPERED: "签名核验失败：此码的内容被改动过，或不是本区签发。请勿据此配合检查，可以投诉举报。",
    CodeStatus.UNKNOWN_KEY: "签名密钥不在本区公布的密钥中：此码不是本区签发，或签发密钥已停用。请勿据此配合检查。",
    CodeStatus.UNKNOWN: "签名有效，但本区没有此码的签发记录，请向签发单位核实。",
    CodeStatus.MALFORMED: "这不是一个行政行为码，请核对后重新扫码或粘贴。",
}


@dataclass
class Verification:
    """A token verified against the keys, the clock and the records."""

    status: str
    claims: dict | None = None
    code: ActionCode | None = None
    items: list[dict] = field(default_factory=list)
    result: dict | None = None
    can_rate: bool = False

    @property
    def valid(self) -> bool:
        return self.status == CodeStatus.VALID

    @property
    def label(self) -> str:
        return CodeStatus(self.status).label

    @property
    def message(self) -> str:
        return MESSAGES[CodeStatus(self.status)]

    @property
    def shows_details(self) -> bool:
        """Only what the district signed is shown; a tampered or foreign token shows nothing of itself."""
        return self.claims is not None and self.status not in (CodeStatus.UNKNOWN,)

    def _at(self, claim: str) -> datetime | None:
        value = (self.claims or {}).get(claim)
        return datetime.fromtimestamp(value, tz=timezone.get_current_timezone()) if value else None

    @property
    def valid_from(self) -> datetime | None:
        return self._at("nbf")

    @property
    def valid_until(self) -> datetime | None:
        return self._at("exp")

    def as_json(self) -> dict:
        code = self.code
        return {
            "valid": self.valid,
            "status": self.status,
            "status_label": self.label,
            "message": self.message,
            "payload": self.claims if self.shows_details else None,
            "revoked": (
                {"at": code.revoked_at.isoformat(), "reason": code.revoked_reason}
                if code is not None and code.revoked_at
                else None
            ),
            "result": self.result,
        }


def code_verify(token: str, *, now: datetime | None = None, details: bool = True) -> Verification:
    """What the public verification page and API say about a token. One query for the record (its
    revocation, the visit, whether it was rated); `details` adds the items' names and legal bases."""
    moment = (now or timezone.now()).timestamp()
    checked: Verified = token_verify(token, now=moment)
    if not checked.signed_by_us:
        return Verification(checked.status)
    claims = checked.claims or {}
    code = (
        ActionCode.objects.select_related("inspection", "subject", "rating")
        .only(
            "code_id", "region_path", "issued_at", "revoked_at", "revoked_reason", "subject__name",
            "subject__uscc", "inspection__status", "inspection__finished_at", "rating__id",
        )
        .filter(code_id=str(claims.get("jti", "")))
        .first()
    )  # fmt: skip
    if code is None:
        return Verification(CodeStatus.UNKNOWN, claims)
    status = CodeStatus.REVOKED if code.revoked_at else checked.status
    rated = getattr(code, "rating", None) is not None
    return Verification(
        status,
        claims,
        code,
        items=_items(claims.get("items") or []) if details else [],
        result=code_result(code),
        can_rate=code_action_done_at(code) is not None and not rated and code.revoked_at is None,
    )


def code_token_by_id(code_id: str) -> str | None:
    """The token of a code by its public id (50 random bits: not found by counting)."""
    return (
        ActionCode.objects.filter(code_id=str(code_id).upper()[:16]).values_list("token", flat=True).first()
    )


def _items(codes: list) -> list[dict]:
    wanted = [str(c) for c in codes]
    rows = {
        code: {"code": code, "name": name, "domain": domain, "legal_basis": basis}
        for code, name, domain, basis in EnforcementItem.objects.filter(code__in=wanted).values_list(
            "code", "name", "domain__name", "legal_basis"
        )
    }
    return [rows.get(c, {"code": c, "name": "", "domain": "", "legal_basis": ""}) for c in wanted]


def code_result(code: ActionCode) -> dict | None:
    """The published result of the action once done: for a visit, the date and whether problems were found
    (as the public draw pages publish it); notes, photos and severities stay with the staff."""
    inspection = code.inspection
    if inspection is None or inspection.status != InspectionStatus.FINISHED:
        return None
    violations = inspection.findings.filter(result=FindingResult.VIOLATION).count()
    return {
        "finished_at": inspection.finished_at.isoformat() if inspection.finished_at else None,
        "text": f"发现问题 {violations} 项，已依法处理" if violations else "未发现问题",
        "violations": violations,
    }


# --- staff -------------------------------------------------------------------------------------------------


def code_list_for_user(*, user) -> QuerySet[ActionCode]:
    """Codes of the actions in the user's jurisdiction, as inspection records are scoped."""
    qs = ActionCode.objects.select_related(
        "unit", "subject", "inspection", "case", "document"
    ).prefetch_related("officers")
    return scope_for(user).filter(qs, "region_path")


def code_get_for_user(*, user, code_id: str) -> ActionCode:
    return get_in_scope_or_404(code_list_for_user(user=user), scope_for(user), "region_path", code_id=code_id)


def code_for_inspection(inspection) -> ActionCode | None:
    return ActionCode.objects.filter(inspection=inspection).first()


def inspections_without_code(*, user) -> QuerySet[Inspection]:
    """亮码检查: visits recorded without a 行政行为码 (before codes, or while the rule was off), newest first."""
    scope = scope_for(user)
    if not (user.is_superuser or user.role in RATING_FIGURE_ROLES or scope.district_wide):
        raise PermissionError_("只有执法监督和指挥中心可以查看未亮码检查")
    qs = Inspection.objects.filter(action_code__isnull=True).select_related("subject", "created_by")
    return scope.filter(qs, "region_path").order_by("-visited_on", "-id")


def code_share(*, user, since=None) -> dict:
    """Share of visits in the user's jurisdiction that carried a code (Zhoushan's reference: 99 %)."""
    qs = scope_for(user).filter(Inspection.objects.all(), "region_path")
    if since is not None:
        qs = qs.filter(visited_on__gte=since)
    counts = qs.aggregate(total=Count("id"), coded=Count("id", filter=Q(action_code__isnull=False)))
    total, coded = counts["total"], counts["coded"]
    return {
        "total": total,
        "coded": coded,
        "missing": total - coded,
        "percent": round(100 * coded / total, 1) if total else None,
        "reference_percent": 99,
    }


# --- ratings -----------------------------------------------------------------------------------------------


def _may_read_figures(user) -> bool:
    return bool(user.is_superuser or user.role in RATING_FIGURE_ROLES)


def rating_list_for_user(*, user) -> QuerySet[CodeRating]:
    """Ratings one by one: oversight only (they name the subject, so the officers never see them)."""
    if not (user.is_superuser or user.role in RATING_DETAIL_ROLES):
        raise PermissionError_("评价对执法人员匿名，只有执法监督可以逐条查看")
    return CodeRating.objects.select_related("code", "code__unit", "code__subject", "reviewed_by")


def rating_get_for_user(*, user, pk: int) -> CodeRating:
    rating = rating_list_for_user(user=user).filter(pk=pk).first()
    if rating is None:
        raise Http404("评价不存在")
    return rating


def rating_figures(*, user, since=None) -> dict:
    """Ratings per unit and per officer (count, average, low ones, low ones not yet reviewed)."""
    if not _may_read_figures(user):
        raise PermissionError_("评价统计只对执法监督和区指挥中心开放")
    qs = CodeRating.objects.all()
    if since is not None:
        qs = qs.filter(rated_at__gte=since)
    low = Q(score__lte=LOW_SCORE)
    figures = {
        "n": Count("id"),
        "avg": Avg("score"),
        "low": Count("id", filter=low),
        "low_open": Count("id", filter=low & Q(reviewed_at__isnull=True)),
    }
    per_unit = list(qs.values("code__unit").annotate(**figures).order_by("-n", "code__unit"))
    per_officer = list(
        qs.filter(code__officers__isnull=False)
        .values("code__officers")
        .annotate(**figures)
        .order_by("-n", "code__officers")
    )
    units = dict(Unit.objects.filter(pk__in=[r["code__unit"] for r in per_unit]).values_list("pk", "name"))
    officers = {
        o.pk: o
        for o in Officer.objects.filter(pk__in=[r["code__officers"] for r in per_officer]).select_related(
            "team"
        )
    }
    problems: Counter[str] = Counter()
    for ticked in qs.values_list("problems", flat=True):
        problems.update(ticked or [])
    total = qs.aggregate(**figures)
    return {
        "total": total,
        "units": [{**_figure(r), "unit": units.get(r["code__unit"], "")} for r in per_unit],
        "officers": [
            {
                **_figure(r),
                "officer": officers[r["code__officers"]].name,
                "certificate_no": officers[r["code__officers"]].certificate_no,
                "team": officers[r["code__officers"]].team.name,
            }
            for r in per_officer
        ],
        "problems": [
            {"problem": p, "label": RatingProblem(p).label, "n": n}
            for p, n in problems.most_common()
            if p in RatingProblem.values
        ],
    }


def _figure(row: dict) -> dict:
    return {
        "n": row["n"],
        "avg": round(row["avg"], 2) if row["avg"] is not None else None,
        "low": row["low"],
        "low_open": row["low_open"],
    }


def action_labels() -> dict[str, str]:
    return dict(ActionType.choices)


def code_dashboard(*, user, since=None) -> dict:
    """The dashboard's small section: share of visits with a code in the window, and — for those who may see
    ratings — ratings per unit and the low ones still open."""
    figures = rating_figures(user=user, since=since) if _may_read_figures(user) else None
    return {
        "share": code_share(user=user, since=since.date() if since is not None else None),
        "ratings": figures,
    }
