"""Admin screens: read-only. Warnings, models' parameters and evaluations change only through the services
(audited); the pages under /oversight/ do that."""

from django.contrib import admin

from zhifa.audit.admin_base import ReadOnlyAdmin
from zhifa.oversight.models import Alert, AlertRule, EvaluationPeriod, EvaluationScore, ScanRun


@admin.register(AlertRule)
class AlertRuleAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "version", "active", "updated_at")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("id", "rule", "title", "unit", "state", "opened_at", "due_on")
    list_filter = ("state", "rule")
    search_fields = ("title",)


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "by", "created", "updated", "reopened", "resolved", "seconds")


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "start", "end", "status")


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(ReadOnlyAdmin):
    list_display = ("criterion", "evaluator", "target", "score", "at")
