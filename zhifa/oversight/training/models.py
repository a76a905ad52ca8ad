"""培训与案件研讨: training sessions, difficult-case discussions, case-file reviews and case selections, with the
officers who took part, their hours, the materials and the cases discussed (tables of the oversight app)."""

from django.db import models
from django.db.models import Q

from zhifa.oversight.choices import TrainingKind


class Training(models.Model):
    """培训研讨记录 — one session: its kind, topic, day, organiser, participants, hours and the cases discussed."""

    kind = models.CharField("类型", max_length=20, choices=TrainingKind.choices)
    topic = models.CharField("主题", max_length=200)
    held_on = models.DateField("日期")
    organiser = models.ForeignKey(
        "org.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    place = models.CharField("地点", max_length=100, blank=True)
    summary = models.TextField("内容纪要", blank=True)
    participants = models.ManyToManyField("org.Officer", verbose_name="参加人员", related_name="trainings")
    cases = models.ManyToManyField(
        "cases.Case", verbose_name="研讨案件", related_name="trainings", blank=True
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("修改时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "培训研讨记录"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="training_hours_0_24"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.topic}"


def material_upload_to(instance, filename: str) -> str:
    dot = filename.rfind(".")
    suffix = filename[dot:].lower()[:8] if dot > 0 else ""
    return f"oversight/training/{instance.training_id}/{instance.sha256[:16]}{suffix}"


class TrainingMaterial(models.Model):
    """培训材料 — a file of a session (slides as PDF, photos of the sign-in sheet), kept with its digest."""

    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="materials")
    file = models.FileField("文件", upload_to=material_upload_to, max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "培训材料"
        ordering = ["training", "uploaded_at", "id"]
