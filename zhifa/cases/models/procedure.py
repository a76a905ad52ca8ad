"""What happens between the notice and the end of a case: the party's answers, the hearing, the legal review
and collective discussion, extensions of the period, payments, and the soft outcomes' records."""

from django.db import models
from django.db.models import Q

from zhifa.cases.choices import ResponseKind
from zhifa.cases.models.case import MONEY, Case, CaseParty


class PartyResponse(models.Model):
    """当事人陈述申辩 — what the party said after the notice, asked (a hearing) or waived."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="responses")
    party = models.ForeignKey(CaseParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=ResponseKind.choices)
    received_on = models.DateField("收到日期")
    content = models.TextField("内容", blank=True)
    adopted = models.BooleanField("意见是否采纳", null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "陈述申辩"
        ordering = ["case", "received_on", "id"]


class Hearing(models.Model):
    """听证 — asked by the party, notified at least seven working days before, held by someone not on the case."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="hearing")
    requested_on = models.DateField("申请日期")
    notice_on = models.DateField("通知日期")
    held_on = models.DateField("举行日期")
    place = models.CharField("地点", max_length=200)
    host = models.ForeignKey(
        "accounts.User", verbose_name="主持人", on_delete=models.PROTECT, related_name="+"
    )
    public = models.BooleanField("公开举行", default=True)
    held = models.BooleanField("已举行", default=False)
    report = models.TextField("听证报告", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "听证"
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__gt=models.F("notice_on")), name="hearing_after_notice"
            ),
            models.CheckConstraint(condition=Q(held=False) | ~Q(report=""), name="hearing_held_has_report"),
        ]


class LegalReview(models.Model):
    """法制审核 — by a reviewer who is not on the case; a decision that needs one waits for a passed review."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        "accounts.User", verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField("审核日期")
    passed = models.BooleanField("审核通过")
    opinion = models.TextField("审核意见")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "法制审核"
        ordering = ["case", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(opinion=""), name="review_has_opinion")]


class CollectiveDiscussion(models.Model):
    """集体讨论 — the heads' discussion of a complex or major case (行政处罚法 第五十七条)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="discussions")
    held_on = models.DateField("讨论日期")
    attendees = models.TextField("参加人员")
    conclusion = models.TextField("讨论结论")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "集体讨论"
        ordering = ["case", "held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(attendees="") & ~Q(conclusion=""), name="discussion_complete")
        ]


class Extension(models.Model):
    """延长办案期限 — approved, with its reason and approver (行政处罚法 第六十条)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField("延长天数")
    reason = models.TextField("理由")
    approver = models.ForeignKey(
        "accounts.User", verbose_name="批准人", on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField("批准日期")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "延长办案期限"
        ordering = ["case", "approved_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0) & ~Q(reason=""), name="extension_days_and_reason")
        ]


class Payment(models.Model):
    """缴款 — a payment of the fine and of the late fee (加处罚款) on a day, with the bank's receipt."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField("罚款（元）", **MONEY)
    late_fee = models.DecimalField("加处罚款（元）", **MONEY, default=0)
    paid_on = models.DateField("缴款日期")
    receipt_no = models.CharField("缴款凭证号", max_length=60)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "缴款记录"
        ordering = ["case", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(late_fee__gte=0), name="payment_nonnegative"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0) | Q(late_fee__gt=0), name="payment_not_empty"),
        ]


class StudyRecord(models.Model):
    """以学代罚 — the party studied the rules it broke: topic, day and duration; the decision records it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="studies")
    topic = models.CharField("学习内容", max_length=200)
    studied_on = models.DateField("学习日期")
    minutes = models.PositiveSmallIntegerField("时长（分钟）")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "以学代罚学习记录"
        ordering = ["case", "studied_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0) & ~Q(topic=""), name="study_complete")
        ]


class PublicService(models.Model):
    """公益抵罚 — public-service hours that offset part of the fine once their completion is confirmed."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="public_service")
    hours = models.PositiveSmallIntegerField("公益服务时长（小时）")
    offset_amount = models.DecimalField("抵扣罚款（元）", **MONEY)
    content = models.CharField("服务内容", max_length=200)
    due_on = models.DateField("完成期限")
    completed_on = models.DateField("完成日期", null=True, blank=True)
    failed = models.BooleanField("未完成", default=False)
    confirmed_by = models.ForeignKey(
        "accounts.User",
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "公益抵罚"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(offset_amount__gt=0), name="public_service_positive"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(failed=False), name="public_service_done_or_failed"
            ),
        ]
