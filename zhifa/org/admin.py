"""Django admin for the organisation, every save and delete on the audit chain; the GeoJSON boundary is
summarised, not loaded into lists or forms."""

from django.contrib import admin

from zhifa.audit.admin_base import AuditedAdmin
from zhifa.org.models import Building, Domain, GridWorker, Officer, Region, Squad, Unit


def _count_points(coords) -> int:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return 1
    if isinstance(coords, (list, tuple)):
        return sum(_count_points(c) for c in coords)
    return 0


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    # Boundaries come from survey data and the demo generator; editing raw GeoJSON in a textarea helps no one.
    exclude = ("geometry",)
    readonly_fields = ("path", "geometry_summary")
    audit_exclude = ("geometry",)  # not edited here; a polygon would swamp the audit record

    def get_readonly_fields(self, request, obj=None):
        # A region's place in the tree is in the path of every row below it and of every subject and event
        # inside it: code, parent and level are set once.
        fixed = ("code", "parent", "level") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def get_queryset(self, request):
        # Deferred so the change list never pulls the polygons; the form loads it on demand for the summary.
        return super().get_queryset(request).defer("geometry", "parent__geometry")

    @admin.display(description="边界 (GeoJSON)")
    def geometry_summary(self, obj) -> str:
        geometry = obj.geometry if obj and obj.pk else None
        if not isinstance(geometry, dict):
            return "无"
        return f"{geometry.get('type', '?')}，{_count_points(geometry.get('coordinates'))} 个顶点"


@admin.register(Domain)
class DomainAdmin(AuditedAdmin):
    list_display = ("code", "name", "is_core", "sort")
    list_filter = ("is_core",)
    search_fields = ("code", "name")


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "region", "domain", "active")
    list_filter = ("kind", "active", "domain")
    search_fields = ("code", "name")
    list_select_related = ("region", "domain")
    raw_id_fields = ("region", "parent")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("region__geometry")


@admin.register(Squad)
class SquadAdmin(AuditedAdmin):
    list_display = ("name", "team")
    list_filter = ("team",)
    search_fields = ("name", "team__name")
    list_select_related = ("team",)
    filter_horizontal = ("members",)


@admin.register(Officer)
class OfficerAdmin(AuditedAdmin):
    list_display = ("name", "certificate_no", "team", "home_department", "seconded", "active")
    list_filter = ("team__kind", "seconded", "active")
    search_fields = ("name", "certificate_no")
    list_select_related = ("team", "home_department")
    filter_horizontal = ("qualified_domains",)


@admin.register(GridWorker)
class GridWorkerAdmin(AuditedAdmin):
    audit_action = "org.grid_worker"
    list_display = ("name", "role", "region", "phone", "active")
    list_filter = ("role", "active")
    search_fields = ("name", "phone")
    list_select_related = ("region",)
    raw_id_fields = ("region",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("region__geometry")


@admin.register(Building)
class BuildingAdmin(AuditedAdmin):
    list_display = ("code", "name", "region", "floors", "manager")
    search_fields = ("code", "name", "address")
    list_select_related = ("region", "manager")
    raw_id_fields = ("region", "manager")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("region__geometry")
