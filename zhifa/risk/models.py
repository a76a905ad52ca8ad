"""三色赋码: each subject's current colour with its reasons, and the append-only history of colour changes."""

from django.db import models

COLOUR_CHOICES = [("green", "绿码"), ("yellow", "黄码"), ("red", "红码")]


class SubjectRisk(models.Model):
    subject = models.OneToOneField(
        "subjects.Subject", verbose_name="监管对象", on_delete=models.PROTECT, related_name="risk"
    )
    score = models.FloatField("风险分")
    colour = models.CharField("赋码", max_length=6, choices=COLOUR_CHOICES, db_index=True)
    # Every factor with its points, largest first: [{"factor", "label", "value", "points"}].
    reasons = models.JSONField("理由", default=list)
    computed_at = models.DateTimeField("评定时间")

    class Meta:
        verbose_name = verbose_name_plural = "风险赋码"


class RiskColourChange(models.Model):
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="colour_changes")
    from_colour = models.CharField(max_length=6, blank=True)
    to_colour = models.CharField(max_length=6, choices=COLOUR_CHOICES)
    score = models.FloatField()
    reason = models.CharField(max_length=200)
    at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "赋码变化记录"
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("colour history is append-only")
        super().save(*args, **kwargs)

    @property
    def from_colour_label(self) -> str:
        return dict(COLOUR_CHOICES).get(self.from_colour, "")


class RiskPolicyVersion(models.Model):
    """风险赋码策略版本 — thresholds, weights and frequency per colour as published; exactly one is active."""

    data = models.JSONField("策略")  # RiskPolicy.to_dict() of the engine
    note = models.CharField("修改说明", max_length=200)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("发布时间")
    active = models.BooleanField("现行", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "风险赋码策略版本"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="risk_policy_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"策略 v{self.pk} {self.note}"
