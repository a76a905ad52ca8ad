"""Users bound to a unit and a role, API tokens for machine clients, failed-login records for throttling."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from zhifa.accounts.choices import Role


class User(AbstractUser):
    """用户 — a person with one role, bound to one unit (and so to that unit's region)."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=30, choices=Role.choices, default=Role.OFFICER)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    officer = models.OneToOneField(
        "org.Officer", verbose_name="执法队员档案", null=True, blank=True, on_delete=models.SET_NULL
    )
    grid_worker = models.OneToOneField(
        "org.GridWorker", verbose_name="网格员档案", null=True, blank=True, on_delete=models.SET_NULL
    )
    # Set when an administrator creates the account or resets its password: the temporary password only
    # opens the page where the user chooses their own.
    must_change_password = models.BooleanField("须修改密码", default=False)
    # 适老化: larger text and touch targets on every page, kept with the account (anonymous visitors: a cookie).
    large_text = models.BooleanField("大字模式", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """接口令牌 — a bearer token for a machine client; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12, db_index=True)
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """登录失败记录 — one failed login, counted per account + address to slow repeated guessing."""

    username = models.CharField("用户名", max_length=150)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["username", "ip", "at"], name="loginfailure_account_address"),
            models.Index(fields=["ip", "at"], name="loginfailure_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip or '?'}"
