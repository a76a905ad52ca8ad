"""Read-only admin view of the audit trail."""

from django.contrib import admin

from zhifa.audit.admin_base import ReadOnlyAdmin
from zhifa.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_repr", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_repr", "action", "object_repr", "object_id")
    date_hierarchy = "at"
