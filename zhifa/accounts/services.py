"""Account actions: users, login, API tokens."""

import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from zhifa.accounts.models import ApiToken, User, token_digest
from zhifa.accounts.network import client_ip
from zhifa.accounts.throttle import (
    login_failure_note,
    login_failures_forget,
    login_wait_seconds,
    wait_message,
)
from zhifa.audit.services import audit_record
from zhifa.core.errors import ServiceError

TOKEN_PREFIX = "zf_"


def user_create(
    *, username: str, password: str, role: str, unit=None, full_name: str = "", by=None, **extra
) -> User:
    if User.objects.filter(username=username).exists():
        raise ServiceError("用户名已存在", [{"field": "username", "message": f"用户名 {username} 已存在"}])
    with transaction.atomic():
        user = User(username=username, role=role, unit=unit, full_name=full_name, **extra)
        user.set_password(password)
        user.save()
        audit_record(
            actor=by or "system",
            action="accounts.user_create",
            obj=user,
            after={"username": username, "role": role, "unit": unit.code if unit else None},
        )
    return user


def login_attempt(*, request, username: str, password: str) -> User:
    """Authenticate one attempt on any login page; raises ServiceError (the failure counted) when refused."""
    ip = client_ip(request)
    wait = login_wait_seconds(username=username, ip=ip)
    if wait:
        raise ServiceError(wait_message(wait))
    # Counted before the (deliberately slow) password check so that parallel guesses see each other; a
    # success takes it back. Outside any transaction, so a refused attempt's row stays.
    login_failure_note(username=username, ip=ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ServiceError("用户名或密码错误")
    login_failures_forget(username=username, ip=ip)
    return user


def api_token_create(*, user: User, name: str, by=None) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    if not name.strip():
        raise ServiceError("请填写令牌用途", [{"field": "name", "message": "用途不能为空"}])
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:100], prefix=raw[:10], digest=token_digest(raw)
        )
        audit_record(
            actor=by or user, action="accounts.api_token_create", obj=token, after={"name": token.name}
        )
    return token, raw


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=by, action="accounts.api_token_revoke", obj=token, after={"revoked": True})
    return token


def api_token_authenticate(raw: str) -> User | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__unit__region")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch last_used at most once a minute: it is informational and must not cost a write per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
