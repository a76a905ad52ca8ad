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
