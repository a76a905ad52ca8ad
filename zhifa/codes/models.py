"""行政行为码 (signed action codes), the party's rating of an action, and 一码安 shop codes."""

from django.db import models
from django.db.models import Q

from zhifa.codes.choices import ActionType, RatingProblem


class ActionCode(models.Model):
    """行政行为码 — the signed code of one enforcement action towards a party (a compact JWS).

    The token carries everything a verifier needs offline; the row keeps what the token cannot: whether the
    code was revoked, the hash of the party's one-time rating secret, and the links for scoping and figures.
    """

    code_id = models.CharField("码号", max_length=16, unique=True)  # the token's `jti`
    action = models.CharField("执法行为", max_length=20, choices=ActionType.choices)
    kid = models.CharField("签名密钥", max_length=40)
    token = models.TextField("行政行为码")
    claims = models.JSONField("签名内容")
    unit = models.ForeignKey("org.Unit", verbose_name="执法单位", on_delete=models.PROTECT, related_name="+")
    officers = models.ManyToManyField("org.Officer", verbose_name="执法人员", related_name="+")
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="当事人（监管对象）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_codes",
    )
    inspection = models.OneToOneField(
        "inspections.Inspection",
        verbose_name="检查记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_code",
    )
    # A case action's code: the case and the document that addresses the party (notice, decision, receipt …).
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_codes",
    )
    document = models.OneToOneField(
        "cases.CaseDocument",
        verbose_name="文书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_code",
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)  # the subject's
    issued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("签发时间")
    not_before = models.DateTimeField("生效时间")
    expires_at = models.DateTimeField("失效时间")
    # SHA-256 of the one-time rating secret handed to the party; the secret itself is not stored.
    secret_hash = models.CharField(max_length=64)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "行政行为码"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(not_before__lt=models.F("expires_at")), name="action_code_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="action_code_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.code_id}"


class CodeRating(models.Model):
    """企业评价 — the party's one rating of an action: anonymous to the officers, read by oversight."""

    code = models.OneToOneField(ActionCode, on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField("评分")
    problems = models.JSONField("存在问题", default=list, blank=True)  # RatingProblem values
    comment = models.TextField("意见", blank=True)
    rated_at = models.DateTimeField("评价时间")
    # Oversight's follow-up of a low rating (执法监督核查).
    reviewed_at = models.DateTimeField("核查时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField("核查情况", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政行为评价"
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="code_rating_score_1_5"),
        ]

    @property
    def problem_labels(self) -> list[str]:
        labels = dict(RatingProblem.choices)
        return [labels.get(p, p) for p in self.problems or []]


class ShopCode(models.Model):
    """一码安 — a subject's door code: a random public token opens its public page (never the row id)."""

    subject = models.OneToOneField(
        "subjects.Subject", verbose_name="监管对象", on_delete=models.PROTECT, related_name="shop_code"
    )
    token = models.CharField("公开标识", max_length=32, unique=True)
    created_at = models.DateTimeField("生成时间")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "一码安"

    def __str__(self) -> str:
        return f"一码安 {self.subject}"
