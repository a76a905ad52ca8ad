"""Account actions: users, login, passwords, API tokens."""

import secrets
from datetime import timedelta

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.accounts.models import ApiToken, User, token_digest
from zhifa.accounts.network import client_ip
from zhifa.accounts.throttle import (
    login_failure_note,
    login_failures_forget,
    login_wait_seconds,
    wait_message,
)
from zhifa.audit.services import audit_record
from zhifa.core.errors import PermissionError_, ServiceError

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
            after={
                "username": username,
                "role": role,
                "unit": unit.code if unit else None,
                "must_change_password": user.must_change_password,
            },
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


# --- passwords ---------------------------------------------------------------------------------------------

TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def can_manage_users(user) -> bool:
    """System administrators (role admin, or a superuser) reset other people's passwords."""
    return bool(user and user.is_authenticated and user.is_active) and (
        user.is_superuser or user.role == Role.ADMIN
    )


def _validated(password: str, user: User, field: str) -> list[dict]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return [{"field": field, "message": message} for message in exc.messages]
    return []


def password_change(*, user: User, old_password: str, new_password: str, new_password_again: str) -> User:
    """The user's own change: the old password, the new one twice, Django's password validators."""
    errors = []
    if not user.check_password(old_password or ""):
        errors.append({"field": "old_password", "message": "原密码不正确"})
    if not new_password:
        errors.append({"field": "new_password", "message": "请输入新密码"})
    elif new_password != new_password_again:
        errors.append({"field": "new_password_again", "message": "两次输入的新密码不一致"})
    elif new_password == old_password:
        errors.append({"field": "new_password", "message": "新密码不能与原密码相同"})
    else:
        errors += _validated(new_password, user, "new_password")
    if errors:
        raise ServiceError(errors[0]["message"] if len(errors) == 1 else f"有 {len(errors)} 处错误", errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        forced = user.must_change_password
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(actor=user, action="accounts.password_change", obj=user, after={"was_required": forced})
    return user


def user_display_set(*, user: User, large_text: bool) -> User:
    """The user's own display choice (大字模式, 适老化); recorded only when it changes."""
    if not isinstance(large_text, bool):
        raise ServiceError(
            "大字模式的取值应为开启或关闭", [{"field": "large_text", "message": "应为开启或关闭"}]
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.large_text != large_text:
            before = user.large_text
            user.large_text = large_text
            user.save(update_fields=["large_text"])
            audit_record(
                actor=user,
                action="accounts.display_set",
                obj=user,
                before={"large_text": before},
                after={"large_text": large_text},
            )
    return user


def _temporary_password(user: User) -> str:
    while True:
        raw = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(15))
        candidate = "-".join(raw[i : i + 5] for i in range(0, 15, 5))
        if not _validated(candidate, user, "password"):
            return candidate


def password_reset(*, user: User, by: User) -> tuple[User, str]:
    """An administrator gives `user` a temporary password (returned once, never stored in clear) that must be
    changed at the next login; the user's sessions end with the old password."""
    if not can_manage_users(by):
        raise PermissionError_("只有系统管理员可以重置他人密码")
    if user.pk == by.pk:
        raise ServiceError("请在“修改密码”页面修改自己的密码")
    if user.is_superuser and not by.is_superuser:
        # Otherwise resetting a superuser's password would make any administrator a superuser.
        raise PermissionError_("超级管理员的密码只能由超级管理员重置")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        temporary = _temporary_password(user)
        user.set_password(temporary)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        audit_record(
            actor=by, action="accounts.password_reset", obj=user, after={"must_change_password": True}
        )
    return user, temporary


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
        # Not the region's polygon (a district's is large): decoded on every API request for nothing.
        .defer("user__unit__region__geometry")
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
