"""The login throttle shared by every login path: failures counted per account + client address with growing
delays, and per address across accounts. Counters are rows in the database, so every server sees them."""

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from zhifa.accounts.models import LoginFailure

MAX_DOUBLINGS = 30  # 2**30 seconds already exceeds any cap; keeps the power small


def backoff_seconds(failures: int, *, free: int, base: int, cap: int) -> int:
    """The wait after `failures` failures: none below `free`, then base, 2·base, 4·base … never above cap."""
    if failures < free:
        return 0
    return min(cap, base * 2 ** min(failures - free, MAX_DOUBLINGS))


def throttle_key(username: str) -> str:
    return username.strip().lower()[:150]


def _wait(rows, *, free: int, now) -> float:
    found = rows.aggregate(n=Count("id"), last=Max("at"))
    delay = backoff_seconds(
        found["n"],
        free=free,
        base=settings.LOGIN_BACKOFF_SECONDS,
        cap=settings.LOGIN_BACKOFF_MAX_SECONDS,
    )
    if not delay:
        return 0
    return max(0.0, (found["last"] + timedelta(seconds=delay) - now).total_seconds())


def login_wait_seconds(*, username: str, ip: str | None, now=None) -> int:
    """Seconds before this account may try again from this address (0: go ahead)."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(
        at__gte=now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    )
    wait = _wait(
        recent.filter(username=throttle_key(username), ip=ip), free=settings.LOGIN_MAX_FAILURES, now=now
    )
    if ip:
        # One address guessing at many accounts: slowed the same way, at a higher bar (an office behind NAT).
        wait = max(wait, _wait(recent.filter(ip=ip), free=settings.LOGIN_ADDRESS_MAX_FAILURES, now=now))
    return math.ceil(wait)


def login_failure_note(*, username: str, ip: str | None) -> None:
    """Count one failed attempt (and forget failures older than the window)."""
    now = timezone.now()
    LoginFailure.objects.filter(
        at__lt=now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    ).delete()
    LoginFailure.objects.create(username=throttle_key(username), ip=ip)


def login_failures_forget(*, username: str, ip: str | None) -> None:
    """A success from this address clears its count; failures from other addresses stand."""
    LoginFailure.objects.filter(username=throttle_key(username), ip=ip).delete()


def wait_message(seconds: int) -> str:
    if seconds >= 60:
        return f"登录失败次数过多，请 {math.ceil(seconds / 60)} 分钟后再试"
    return f"登录失败次数过多，请 {seconds} 秒后再试"
