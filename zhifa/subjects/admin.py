from django.contrib import admin

from zhifa.subjects.models import Subject, SubjectEvent, Violation


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "kind", "industry_code", "subdistrict", "credit_class", "status")
    list_filter = ("kind", "credit_class", "status", "industry_code")
    search_fields = ("name", "uscc", "address")
    raw_id_fields = ("grid", "subdistrict", "building")
    readonly_fields = ("region_path", "version")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ("subject", "item", "found_on", "severity", "source")
    list_filter = ("severity",)
    raw_id_fields = ("subject", "item", "event", "recorded_by")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SubjectEvent)
class SubjectEventAdmin(admin.ModelAdmin):
    list_display = ("subject", "event", "linked_at")
    raw_id_fields = ("subject", "event", "linked_by")
