"""Django admin for the catalog: items and releases are view-only (they change through releases); scenarios
and hub layers are edited here, each save and delete written to the audit chain."""

from django.contrib import admin

from zhifa.audit.admin_base import AuditedAdmin, ReadOnlyAdmin, ReadOnlyMixin
from zhifa.catalog.models import (
    CatalogRelease,
    DiscretionBand,
    EnforcementItem,
    FunctionalAreaLayer,
    ReleaseChange,
    Scenario,
)
from zhifa.catalog.services import scenario_create


class DiscretionBandInline(ReadOnlyMixin, admin.TabularInline):
    model = DiscretionBand
    fields = ("level", "condition", "min_fine", "max_fine")
    extra = 0


@admin.register(EnforcementItem)
class EnforcementItemAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "domain",
        "kind",
        "delegated",
        "delegated_from",
        "high_frequency",
        "status",
    )
    list_filter = ("status", "domain", "kind", "delegated", "high_frequency", "dormant")
    search_fields = ("code", "name", "legal_basis", "penalty_basis")
    list_select_related = ("domain",)
    inlines = [DiscretionBandInline]
    list_per_page = 50


@admin.register(DiscretionBand)
class DiscretionBandAdmin(ReadOnlyAdmin):
    list_display = ("item", "level", "condition", "min_fine", "max_fine")
    list_filter = ("level", "item__domain")
    search_fields = ("item__code", "item__name", "condition")
    list_select_related = ("item",)


@admin.register(CatalogRelease)
class CatalogReleaseAdmin(ReadOnlyAdmin):
    list_display = ("version", "title", "status", "created_at", "created_by", "applied_at", "applied_by")
    list_filter = ("status",)
    search_fields = ("version", "title", "source_name")
    list_select_related = ("created_by", "applied_by")
    # The payload is the whole imported file; showing it would make the page unusably long.
    exclude = ("payload",)


@admin.register(ReleaseChange)
class ReleaseChangeAdmin(ReadOnlyAdmin):
    list_display = ("release", "item_code", "kind", "fields")
    list_filter = ("kind", "release")
    search_fields = ("item_code",)
    list_select_related = ("release",)


@admin.register(Scenario)
class ScenarioAdmin(AuditedAdmin):
    """A new scenario goes through scenario_create (which refuses retired items); edits are audited here."""

    list_display = ("code", "name")
    search_fields = ("code", "name", "description")
    filter_horizontal = ("items",)

    def save_through_service(self, request, obj, form, change):
        if change:
            return None
        data = form.cleaned_data
        return scenario_create(
            code=data["code"],
            name=data["name"],
            description=data.get("description", ""),
            items=list(data["items"]),
            by=request.user,
        )


@admin.register(FunctionalAreaLayer)
class FunctionalAreaLayerAdmin(AuditedAdmin):
    audit_action = "catalog.layer"
    list_display = ("name", "region", "unit", "priority")
    list_filter = ("region",)
    search_fields = ("name", "unit__name")
    list_select_related = ("region", "unit")
    filter_horizontal = ("items",)
    raw_id_fields = ("region", "unit")
