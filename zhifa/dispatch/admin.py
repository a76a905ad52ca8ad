"""Admin screens of the command centre: the routing rule table, SLA policies and Open311 keys are edited here
(audited); events, escalations and coordination records change only through the workflow services."""

from django.contrib import admin

from zhifa.audit.admin_base import AuditedAdmin, ReadOnlyAdmin, ReadOnlyMixin
from zhifa.dispatch.models import (
    Consultation,
    Escalation,
    Event,
    EventStatusChange,
    Evidence,
    Open311ApiKey,
    RoutingRule,
    SlaPolicy,
)
from zhifa.engine.sla import CLOCK_LABELS


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = (
        "order",
        "name",
        "target",
        "target_unit",
        "delegated",
        "needs_place",
        "in_layer",
        "active",
    )
    list_editable = ("order", "active")
    list_display_links = ("name",)
    raw_id_fields = ("target_unit",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin):
    list_display = ("code", "name", "priority", "respond_minutes", "link_minutes", "on_site_minutes")


class HistoryInline(ReadOnlyMixin, admin.TabularInline):
    model = EventStatusChange
    extra = 0
    fields = ("from_status", "to_status", "at", "by", "unit", "note")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Events change only through the workflow services."""

    list_display = ("receipt_no", "title", "channel", "status", "priority", "lead_unit", "received_at")
    list_filter = ("status", "channel", "priority")
    search_fields = ("receipt_no", "title", "description", "address")
    date_hierarchy = "received_at"
    inlines = [HistoryInline]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    """Escalations are written by the SLA clock."""

    list_display = ("event", "clock_label", "to_unit", "due_at", "at")
    list_filter = ("clock",)

    @admin.display(description="超时时限", ordering="clock")
    def clock_label(self, obj):
        return CLOCK_LABELS.get(obj.clock, obj.clock)


@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(AuditedAdmin):
    """A key is registered with its raw value by open311_key_create; here it is renamed or switched off."""

    list_display = ("name", "active", "created_at")
    readonly_fields = ("digest", "created_at")

    def has_add_permission(self, request):
        return False


class _ReadOnly(ReadOnlyAdmin):
    """Coordination records change only through the coordination services (append-only, audited)."""


@admin.register(Consultation)
class ConsultationAdmin(_ReadOnly):
    list_display = ("topic", "kind", "held_at", "convened_by", "status")
    list_filter = ("kind", "status")
    search_fields = ("topic", "place", "decisions")
    date_hierarchy = "held_at"


@admin.register(Evidence)
class EvidenceAdmin(_ReadOnly):
    # No link to the file: evidence files are served only through the page that checks jurisdiction.
    list_display = ("original_name", "event", "unit", "collector_name", "method", "collected_at", "sha256")
    list_filter = ("method",)
    search_fields = ("sha256", "original_name", "description", "event__receipt_no")
    exclude = ("file",)
