"""Django admin of cases. Cases and everything in them change only through the services, so the admin shows
them; what the district maintains — the holiday calendar, the first-violation list, document prefixes — is
edited here, each save and delete on the audit chain, and a calendar edit moves the cases' deadlines."""

from django.contrib import admin
from django.db import transaction

from zhifa.audit.admin_base import AuditedAdmin, ReadOnlyAdmin
from zhifa.cases.models import (
    Case,
    CaseDocument,
    CaseEvidence,
    CaseStep,
    FirstViolationItem,
    Holiday,
    UnitCaseSettings,
)
from zhifa.cases.services import case_deadlines_refresh


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ("day", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "day"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(case_deadlines_refresh)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(case_deadlines_refresh)


@admin.register(FirstViolationItem)
class FirstViolationItemAdmin(AuditedAdmin):
    list_display = ("item", "lookback_years", "effective_from", "active")
    list_filter = ("active",)
    search_fields = ("item__code", "item__name", "conditions")
    raw_id_fields = ("item",)


@admin.register(UnitCaseSettings)
class UnitCaseSettingsAdmin(AuditedAdmin):
    list_display = ("unit", "prefix")
    search_fields = ("unit__name", "prefix")
    raw_id_fields = ("unit",)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "unit", "procedure", "stage", "outcome", "filed_on", "next_due")
    list_filter = ("stage", "procedure", "outcome", "unit")
    search_fields = ("number", "decision_number", "facts")
    list_select_related = ("unit",)
    date_hierarchy = "filed_on"


@admin.register(CaseDocument)
class CaseDocumentAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "number", "issued_on", "by")
    list_filter = ("kind",)
    search_fields = ("number", "case__number")
    list_select_related = ("case", "by")


@admin.register(CaseEvidence)
class CaseEvidenceAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "origin", "collector_name", "collected_at", "sha256")
    list_filter = ("kind", "origin")
    search_fields = ("case__number", "sha256", "description")
    list_select_related = ("case",)


@admin.register(CaseStep)
class CaseStepAdmin(ReadOnlyAdmin):
    list_display = ("case", "at", "action", "from_stage", "to_stage", "by")
    list_filter = ("action",)
    search_fields = ("case__number", "note")
    list_select_related = ("case", "by")
