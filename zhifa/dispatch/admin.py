"""Admin screens of the command centre: the routing rule table and SLA policies are edited here."""

from django.contrib import admin

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


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
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
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "priority", "respond_minutes", "link_minutes", "on_site_minutes")


class HistoryInline(admin.TabularInline):
    model = EventStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "at", "by", "unit", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: events change only through the workflow services."""

    list_display = ("receipt_no", "title", "channel", "status", "priority", "lead_unit", "received_at")
    list_filter = ("status", "channel", "priority")
    search_fields = ("receipt_no", "title", "description", "address")
    date_hierarchy = "received_at"
    inlines = [HistoryInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("event", "clock", "to_unit", "due_at", "at")
    list_filter = ("clock",)


@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "created_at")
    readonly_fields = ("digest",)


class _ReadOnly(admin.ModelAdmin):
    """Coordination records change only through the coordination services (append-only, audited)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "file"]
