"""Writes of the 行政行为码: issue a code for an action (an inspection visit, or a case document addressed to
the party), revoke one, the party's one rating with its one-time secret, oversight's review
of a low rating, and a subject's 一码安 door code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.codes.choices import LOW_SCORE, ActionType, RatingProblem
from zhifa.codes.models import ActionCode, CodeRating, ShopCode
from zhifa.codes.qr import code_qr_png
from zhifa.codes.tokens import token_sign
from zhifa.core.errors import Conflict, PermissionError_, ServiceError, require_write
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.records.checklist import inspection_checklist
from zhifa.org.scope import scope_for

NOT_FOUND = "行政行为码不存在或不在您的辖区内"
# Crockford's base32: no I, L, O, U — a code read aloud or typed from paper is not mistaken.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_ID_LENGTH = 10  # 50 random bits
SECRET_LENGTH = 8  # 40 bits, tried at most RATE_TRIES times a day per code
RATE_TRIES, RATE_TRIES_SECONDS = 10, 24 * 3600
MAX_COMMENT = 500
REVOKE_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND, Role.SUBDISTRICT_COMMAND, Role.OFFICER)
REVIEW_ROLES = (Role.ADMIN, Role.OVERSIGHT)


def _fail(field: str, message: str, cls=ServiceError):
    raise cls(message, [{"field": field, "message": message}])


def mask_name(name: str) -> str:
    """王小明 → 王某: the family name shows, neither the given name nor its length (as public documents do)."""
    name = (name or "").strip()
    return name[:1] + "某" if name else ""


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


# --- the one-time rating secret ----------------------------------------------------------------------------


def code_secret(code: ActionCode) -> str:
    """The party's rating secret, "K7M2-Q9XW": derived from the server secret and the code id, so the record
    page can show it again during the visit, while the database keeps only its hash."""
    digest = salted_hmac("zhifa.codes.rating-secret", code.code_id, algorithm="sha256").digest()
    chars = "".join(ALPHABET[b % 32] for b in digest[:SECRET_LENGTH])
    return f"{chars[:4]}-{chars[4:]}"


def _secret_hash(secret: str) -> str:
    normal = "".join(ch for ch in (secret or "").upper() if ch.isalnum())
    normal = normal.replace("O", "0").replace("I", "1").replace("L", "1")  # as Crockford reads them
    return hashlib.sha256(normal.encode()).hexdigest()


def code_secret_shown(code: ActionCode) -> str | None:
    """The secret if it still matches the stored hash (after a SECRET_KEY change it does not)."""
    secret = code_secret(code)
    return secret if hmac.compare_digest(_secret_hash(secret), code.secret_hash) else None


# --- issue -------------------------------------------------------------------------------------------------


def code_issue(
    *,
    action: str,
    unit,
    officers: list,
    subject,
    items: list[str],
    region_path: str,
    record: str,
    inspection=None,
    party_name: str = "",
    case=None,
    document=None,
    valid_for: timedelta | None = None,
    by,
) -> ActionCode:
    """Sign a code for one action towards a party. Runs inside the caller's transaction (the action's own:
    a code exists only with its action). The window opens now and closes ZHIFA_CODE_VALID_HOURS later (a
    visit), or `valid_for` later (a document the party keeps). A party that is no regulated subject (a person)
    is named by `party_name`, masked."""
    if action not in ActionType.values:
        _fail("action", f"未知的执法行为：{action}")
    if not officers:
        _fail("officers", "行政行为码须列明执法人员")
    now = timezone.now().replace(microsecond=0)
    expires = now + (valid_for or timedelta(hours=settings.ZHIFA_CODE_VALID_HOURS))
    if subject is not None and subject.uscc:
        party = {"uscc": subject.uscc}
    else:
        party = {"name": mask_name(subject.name if subject is not None else party_name)}
    with transaction.atomic():
        code_id = _random(CODE_ID_LENGTH)
        claims = {
            "jti": code_id,
            "act": action,
            # Compact on purpose (the token rides in a QR): the unit's name; officers as [masked name, 执法证号].
            "unit": unit.name,
            "off": [[mask_name(o.name), o.certificate_no] for o in officers],
            "party": party,
            "items": list(items),
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "rec": record,
        }
        if document is not None:
            claims["doc"] = [document.get_kind_display(), document.number]
        token, kid = token_sign(claims)
        code = ActionCode(
            code_id=code_id,
            action=action,
            kid=kid,
            token=token,
            claims=claims,
            unit=unit,
            subject=subject,
            inspection=inspection,
            case=case,
            document=document,
            region_path=region_path,
            issued_by=by,
            issued_at=now,
            not_before=now,
            expires_at=expires,
        )
        code.secret_hash = _secret_hash(code_secret(code))
        code.save()
        code.officers.set(officers)
        audit_record(
            actor=by,
            action="codes.code_issue",
            obj=code,
            after={
                "kid": code.kid,
                **{k: v for k, v in claims.items() if k != "party"},
                "subject": subject.pk if subject is not None else None,
            },
        )
    return code


def _unit_of(officers: list, by):
    """The issuing unit: the team of the officer starting the visit if among those present, else the team
    most of them belong to."""
    mine = next((o for o in officers if o.pk == getattr(by, "officer_id", None)), None)
    if mine is not None:
        return mine.team
    counts = Counter(o.team_id for o in officers)
    best = min(counts, key=lambda team: (-counts[team], team))
    return next(o.team for o in officers if o.team_id == best)


def code_issue_for_case_action(case, action: str, document) -> ActionCode | None:
    """The listener cases calls inside each transition that addresses the party (告知, 听证通知, 决定, 送达):
    a code for the document, printed on it as a QR. Valid for ZHIFA_CODE_DOCUMENT_VALID_DAYS: the party
    keeps the paper and checks it later. A transition without a document of its own issues none."""
    if document is None:
        return None
    existing = ActionCode.objects.filter(document=document).first()
    if existing is not None:  # one paper, one code: 当场处罚 decides and serves with the same document
        return existing
    officers = [r.officer for r in case.case_officers.select_related("officer__team").order_by("role", "pk")]
    party = case.parties.select_related("subject").order_by("position", "pk").first()
    return code_issue(
        action=action,
        unit=case.unit,
        officers=officers,
        subject=party.subject if party else None,
        party_name=party.name if party else "",
        items=list(dict.fromkeys(case.causes.values_list("item__code", flat=True))),
        region_path=case.region_path,
        record=f"case/{case.pk}/{action}",
        case=case,
        document=document,
        valid_for=timedelta(days=settings.ZHIFA_CODE_DOCUMENT_VALID_DAYS),
        by=document.by or case.created_by,
    )


def code_qr_for_document(document) -> tuple[bytes, str] | None:
    """The QR printed on a case document that has a code, captioned with the party's rating secret (the
    paper is how it reaches the party): cases.hooks.register_document_qr."""
    code = ActionCode.objects.filter(document=document).only("code_id", "secret_hash").first()
    if code is None:
        return None
    secret = code_secret_shown(code)
    return code_qr_png(code.code_id), f"扫码核验 评价码{secret}" if secret else "扫码核验行政行为码"


def code_issue_for_inspection(*, inspection, by) -> str:
    """The hook inspections calls as a record starts: a code for the visit, shown before entering."""
    officers = list(inspection.officers.select_related("team").order_by("name", "pk"))
    code = code_issue(
        action=ActionType.INSPECTION,
        unit=_unit_of(officers, by),
        officers=officers,
        subject=inspection.subject,
        items=[i.code for i in inspection_checklist(inspection)],
        region_path=inspection.region_path,
        record=f"inspection/{inspection.pk}",
        inspection=inspection,
        by=by,
    )
    return code.code_id


# --- revoke ------------------------------------------------------------------------------------------------


def code_revoke(*, code: ActionCode, reason: str, by) -> ActionCode:
    """撤销 one code (issued by mistake, wrong officers …): it then verifies as revoked, with the reason."""
    scope = scope_for(by)
    if not scope.covers_path(code.region_path):
        raise Http404(NOT_FOUND)
    require_write(scope)
    if not (by.is_superuser or by.role in REVOKE_ROLES):
        raise PermissionError_("只有执法队员、指挥中心和管理员可以撤销行政行为码")
    reason = (reason or "").strip()
    if len(reason) < 2:
        _fail("reason", "请填写撤销原因")
    if len(reason) > 200:
        _fail("reason", "撤销原因不能超过 200 字")
    with transaction.atomic():
        current = ActionCode.objects.select_for_update().get(pk=code.pk)
        if current.revoked_at is not None:
            _fail("code", "该行政行为码已撤销", Conflict)
        current.revoked_at = timezone.now()
        current.revoked_reason = reason
        current.revoked_by = by
        current.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        audit_record(
            actor=by,
            action="codes.code_revoke",
            obj=current,
            after={"code": current.code_id, "reason": reason},
        )
    return current


# --- the party's rating ------------------------------------------------------------------------------------


def code_action_done_at(code: ActionCode):
    """When the action was done (a visit finished); None while it is not."""
    if code.inspection_id:
        inspection = code.inspection
        return inspection.finished_at if inspection.status == InspectionStatus.FINISHED else None
    return code.issued_at


def code_rate(*, code: ActionCode, secret: str, score, problems, comment: str = "") -> CodeRating:
    """The party rates the action once, with the secret handed over at the visit. Nobody is recorded as the
    rater: ratings are anonymous to the officers."""
    errors = []
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors.append({"field": "score", "message": "请选择 1 至 5 分"})
    problems = list(dict.fromkeys(str(p) for p in (problems or [])))
    unknown = [p for p in problems if p not in RatingProblem.values]
    if unknown:
        errors.append({"field": "problems", "message": "存在问题的选项无效"})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors.append({"field": "comment", "message": f"意见不能超过 {MAX_COMMENT} 字"})
    if errors:
        raise ServiceError("；".join(e["message"] for e in errors), errors)
    tries_key = f"codes:rate-tries:{code.code_id}"
    if (cache.get(tries_key) or 0) >= RATE_TRIES:
        _fail("secret", "评价码输错次数过多，请明天再试", PermissionError_)
    if not hmac.compare_digest(_secret_hash(secret), code.secret_hash):
        cache.set(tries_key, (cache.get(tries_key) or 0) + 1, RATE_TRIES_SECONDS)
        _fail("secret", "评价码不正确：请填写检查时执法人员出示或文书上印制的评价码", PermissionError_)
    with transaction.atomic():
        current = (
            ActionCode.objects.select_for_update(of=("self",)).select_related("inspection").get(pk=code.pk)
        )
        if current.revoked_at is not None:
            _fail("code", "该行政行为码已撤销，不能评价", Conflict)
        done = code_action_done_at(current)
        if done is None:
            _fail("code", "执法行为尚未完成，完成后才能评价")
        if timezone.now() > done + timedelta(days=settings.ZHIFA_CODE_RATING_DAYS):
            _fail("code", f"已超过评价期限（完成后 {settings.ZHIFA_CODE_RATING_DAYS} 天）")
        if CodeRating.objects.filter(code=current).exists():
            _fail("code", "该执法行为已评价过，每个评价码只能使用一次", Conflict)
        try:
            with transaction.atomic():
                rating = CodeRating.objects.create(
                    code=current, score=score, problems=problems, comment=comment, rated_at=timezone.now()
                )
        except IntegrityError:
            _fail("code", "该执法行为已评价过，每个评价码只能使用一次", Conflict)
        audit_record(
            actor="公众（匿名评价）",
            action="codes.code_rate",
            obj=rating,
            object_repr=f"评价 {current.code_id}",
            after={"code": current.code_id, "score": score, "problems": problems},
        )
    cache.delete(tries_key)
    return rating


def rating_review(*, rating: CodeRating, note: str, by) -> CodeRating:
    """执法监督 follows up a low rating: what it found, once. Oversight is read-only elsewhere; this is its work."""
    if not (by.is_superuser or by.role in REVIEW_ROLES):
        raise PermissionError_("只有执法监督人员可以核查评价")
    note = (note or "").strip()
    if len(note) < 2:
        _fail("note", "请填写核查情况")
    if len(note) > 2000:
        _fail("note", "核查情况不能超过 2000 字")
    with transaction.atomic():
        current = CodeRating.objects.select_for_update().get(pk=rating.pk)
        if current.score > LOW_SCORE:
            _fail("rating", "只有低分评价需要核查")
        if current.reviewed_at is not None:
            _fail("rating", "该评价已核查", Conflict)
        current.reviewed_at, current.reviewed_by, current.review_note = timezone.now(), by, note
        current.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        audit_record(actor=by, action="codes.rating_review", obj=current, object_repr=f"评价 {current.pk}",
                     after={"note": note})  # fmt: skip
    return current


# --- 一码安 ---------------------------------------------------------------------------------------------------


def shop_code_for(*, subject, by, renew: bool = False) -> ShopCode:
    """The subject's door code, made the first time it is asked for; `renew` replaces its public token (a
    printed code that must stop working)."""
    scope = scope_for(by)
    if not scope.covers_path(subject.region_path):
        raise Http404("监管对象不存在或不在您的辖区内")
    existing = ShopCode.objects.filter(subject=subject).first()
    if existing is not None and not renew:
        return existing
    require_write(scope)
    with transaction.atomic():
        current = ShopCode.objects.select_for_update().filter(subject=subject).first()
        token = secrets.token_urlsafe(16)
        if current is None:
            current = ShopCode.objects.create(
                subject=subject, token=token, created_at=timezone.now(), created_by=by
            )
            action = "codes.shop_code_create"
        elif renew:
            current.token, current.created_at, current.created_by = token, timezone.now(), by
            current.save(update_fields=["token", "created_at", "created_by"])
            action = "codes.shop_code_renew"
        else:
            return current
        audit_record(actor=by, action=action, obj=current, after={"subject": subject.pk})
    return current
