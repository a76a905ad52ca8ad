"""Admin screens of the command centre: the routing rule table and SLA policies are edited here."""

from django.contrib import admin

from zhifa.dispatch.models import Escalation, Event, EventStatusChange, Open311ApiKey, RoutingRule, SlaPolicy


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
