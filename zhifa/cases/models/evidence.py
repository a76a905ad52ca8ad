"""Evidence of a case: a link to a file the district already holds, an upload, or another unit's adopted."""

from django.db import models
from django.db.models import Q

from zhifa.cases.choices import EvidenceKind, EvidenceOrigin
from zhifa.cases.models.case import Case, case_file_upload_to


class CaseEvidence(models.Model):
    """案件证据 — one piece of evidence with its statutory kind and provenance.

    The bytes are never copied: an event's evidence and an inspection photo are linked; a file uploaded to the
    case is stored once; evidence adopted from a transferred case points at the sending case's row."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField("证据种类", max_length=12, choices=EvidenceKind.choices)
    # The catalog's required-evidence entry this answers (e.g. 询问笔录), if any.
    requirement = models.CharField("对应证据清单", max_length=200, blank=True)
    description = models.TextField("证据说明")
    origin = models.CharField("来源", max_length=12, choices=EvidenceOrigin.choices)
    event_evidence = models.ForeignKey(
        "dispatch.Evidence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspection_photo = models.ForeignKey(
        "inspections.InspectionPhoto", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_from = models.ForeignKey(
        "self",
        verbose_name="采纳自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    file = models.FileField("文件", upload_to=case_file_upload_to, max_length=200, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    source_unit = models.ForeignKey(
        "org.Unit", verbose_name="收集单位", on_delete=models.PROTECT, related_name="+"
    )
    collector_name = models.CharField("收集人", max_length=50)
    collected_at = models.DateTimeField("收集时间")
    device = models.CharField("采集设备", max_length=100, blank=True)
    place = models.CharField("收集地点", max_length=200, blank=True)
    added_by = models.ForeignKey(
        "accounts.User", verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField("登记时间")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.TextField("撤回理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件证据"
        ordering = ["case", "added_at", "id"]
        # The evidence a case holds, by requirement: the oversight scan's anti-join of required against held.
        indexes = [
            models.Index(
                fields=["case", "requirement"],
                condition=Q(withdrawn_at__isnull=True),
                name="case_evidence_held",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="case_evidence_file_once"),
            # Exactly one place the bytes are: the event's evidence, the photo, the case's file, the sender's row.
            models.CheckConstraint(
                condition=(
                    Q(origin=EvidenceOrigin.EVENT, event_evidence__isnull=False)
                    & Q(inspection_photo__isnull=True, adopted_from__isnull=True, file="")
                )
                | (
                    Q(origin=EvidenceOrigin.INSPECTION, inspection_photo__isnull=False)
                    & Q(event_evidence__isnull=True, adopted_from__isnull=True, file="")
                )
                | (
                    Q(origin=EvidenceOrigin.UPLOAD)
                    & ~Q(file="")
                    & Q(event_evidence__isnull=True, inspection_photo__isnull=True, adopted_from__isnull=True)
                )
                | (
                    Q(origin=EvidenceOrigin.ADOPTED, adopted_from__isnull=False)
                    & Q(event_evidence__isnull=True, inspection_photo__isnull=True, file="")
                ),
                name="case_evidence_one_source",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdraw_reason=""),
                name="case_evidence_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description[:40]}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def delete(self, *args, **kwargs):
        raise RuntimeError("case evidence is append-only: withdraw it with a reason instead")
