"""Django admin for the catalog: items and releases are view-only (they change through releases); scenarios
and hub layers are edited here, each save and delete written to the audit chain."""

from django.contrib import admin
from django.db import transaction

from zhifa.audit.services import audit_record
from zhifa.catalog.models import (
    CatalogRelease,
    DiscretionBand,
    EnforcementItem,
    FunctionalAreaLayer,
    ReleaseChange,
    Scenario,
)
from zhifa.core.snapshot import snapshot


class ViewOnlyMixin:
    """Rows that only services write (releases keep the catalog's history), so the admin just shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DiscretionBandInline(ViewOnlyMixin, admin.TabularInline):
    model = DiscretionBand
    fields = ("level", "condition", "min_fine", "max_fine")
    extra = 0


@admin.register(EnforcementItem)
class EnforcementItemAdmin(ViewOnlyMixin, admin.ModelAdmin):
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
class DiscretionBandAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("item", "level", "condition", "min_fine", "max_fine")
    list_filter = ("level", "item__domain")
    search_fields = ("item__code", "item__name", "condition")
    list_select_related = ("item",)


@admin.register(CatalogRelease)
class CatalogReleaseAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("version", "title", "status", "created_at", "created_by", "applied_at", "applied_by")
    list_filter = ("status",)
    search_fields = ("version", "title", "source_name")
    list_select_related = ("created_by", "applied_by")
    # The payload is the whole imported file; showing it would make the page unusably long.
    exclude = ("payload",)


@admin.register(ReleaseChange)
class ReleaseChangeAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("release", "item_code", "kind", "fields")
    list_filter = ("kind", "release")
    search_fields = ("item_code",)
    list_select_related = ("release",)


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes go on the audit chain (the admin view already runs inside a transaction)."""

    audit_app = "catalog"
    audit_prefix = ""

    def save_model(self, request, obj, form, change):
        obj._audit_before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        verb = "update" if change else "create"
        audit_record(
            actor=request.user,
            action=f"{self.audit_app}.{self.audit_prefix}_{verb}",
            obj=obj,
            before=getattr(obj, "_audit_before", None),
            after=snapshot(obj),
        )

    def delete_model(self, request, obj):
        before = snapshot(obj)
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action=f"{self.audit_app}.{self.audit_prefix}_delete",
            object_type=obj._meta.label_lower,
            object_id=str(before["id"]),
            object_repr=str(obj),
            before=before,
        )

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action is not wrapped in a transaction by the admin.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(Scenario)
class ScenarioAdmin(AuditedAdmin):
    audit_prefix = "scenario"
    list_display = ("code", "name")
    search_fields = ("code", "name", "description")
    filter_horizontal = ("items",)


@admin.register(FunctionalAreaLayer)
class FunctionalAreaLayerAdmin(AuditedAdmin):
    audit_prefix = "layer"
    list_display = ("name", "region", "unit", "priority")
    list_filter = ("region",)
    search_fields = ("name", "unit__name")
    list_select_related = ("region", "unit")
    filter_horizontal = ("items",)
    raw_id_fields = ("region", "unit")
