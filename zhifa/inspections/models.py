"""双随机一公开: random draws recorded so anyone can re-run them, and inspectors' declared conflicts (回避)."""

from django.db import models
from django.db.models import Q


class RandomDraw(models.Model):
    name = models.CharField("抽查名称", max_length=120)
    domain = models.ForeignKey(
        "org.Domain", verbose_name="检查领域", on_delete=models.PROTECT, related_name="+"
    )
    # The pool's definition as the person chose it (subdistrict, industry, scenario), and its size.
    pool_filter = models.JSONField("抽查范围", default=dict)
    pool_size = models.PositiveIntegerField("对象库数量")
    ratio = models.DecimalField("抽取比例", max_digits=5, decimal_places=4, null=True, blank=True)
    count = models.PositiveIntegerField("抽取数量", null=True, blank=True)
    seed = models.CharField("随机种子", max_length=128)
    pool_digest = models.CharField("对象库摘要", max_length=64)
    algorithm = models.CharField("算法版本", max_length=30)
    record = models.JSONField("完整记录")  # the engine's record: with it anyone can re-run the draw
    region_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("抽取时间")
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "双随机抽查"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ratio__isnull=True) & Q(count__isnull=False))
                | (Q(ratio__isnull=False) & Q(count__isnull=True)),
                name="draw_ratio_xor_count",
            )
        ]

    def __str__(self) -> str:
        return self.name


class InspectorConflict(models.Model):
    """回避 — an officer declares a conflict of interest with a subject; draws never send them there."""

    officer = models.ForeignKey(
        "org.Officer", verbose_name="执法人员", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="监管对象", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("回避理由", max_length=200)
    declared_at = models.DateTimeField("申报时间")

    class Meta:
        verbose_name = verbose_name_plural = "回避申报"
        constraints = [models.UniqueConstraint(fields=["officer", "subject"], name="conflict_once")]
