"""Admin screens for regulated subjects: subjects are saved through the subjects services (same checks, place
and jurisdiction as the pages, version bumped); violations are recorded through violation_record and edited
on the audit chain; nothing here is deleted, since inspections, events and risk colours refer to them."""

from django.contrib import admin

from zhifa.audit.admin_base import AuditedAdmin, ReadOnlyAdmin
from zhifa.subjects.models import Subject, SubjectEvent, Violation
from zhifa.subjects.services import EDITABLE, subject_create, subject_update, violation_record

# The fields the services let anyone change, under the model's names.
SUBJECT_FIELDS = tuple("industry_code" if name == "industry" else name for name in EDITABLE)


def _service_value(name: str, value) -> tuple[str, object]:
    """A form value as the subjects services take it (codes, not rows)."""
    if name == "industry_code":
        return "industry", value
    if name in ("subdistrict", "building"):
        return name, value.code if value else ""
    if name == "scenarios":
        return name, sorted(s.code for s in value)
    return name, value


@admin.register(Subject)
class SubjectAdmin(AuditedAdmin):
    list_display = ("name", "uscc", "kind", "industry_code", "subdistrict", "credit_class", "status")
    list_filter = ("kind", "credit_class", "status", "industry_code")
    search_fields = ("name", "uscc", "address")
    fields = (*SUBJECT_FIELDS, "grid", "region_path", "version")
    raw_id_fields = ("subdistrict", "building")
    filter_horizontal = ("scenarios",)
    # The grid and the path follow from the place; the version from each save.
    readonly_fields = ("grid", "region_path", "version")
    service_fields = {"industry": "industry_code"}

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = dict(_service_value(n, data[n]) for n in form.changed_data if n in SUBJECT_FIELDS)
            return subject_update(subject=obj, by=request.user, **changes)
        values = dict(_service_value(n, data.get(n)) for n in SUBJECT_FIELDS)
        return subject_create(by=request.user, **values)


@admin.register(Violation)
class ViolationAdmin(AuditedAdmin):
    """New violations through violation_record (its checks); corrections audited here."""

    list_display = ("subject", "item", "found_on", "severity", "source")
    list_filter = ("severity",)
    fields = ("subject", "item", "found_on", "severity", "source", "event", "recorded_by", "created_at")
    raw_id_fields = ("subject", "item", "event")
    readonly_fields = ("recorded_by", "created_at")
    audit_action = "subject.violation"

    def get_readonly_fields(self, request, obj=None):
        # A violation stays with the subject it was found at; a wrong subject is a new record.
        return ("subject", *self.readonly_fields) if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        if change:
            return None
        data = form.cleaned_data
        return violation_record(
            subject=data["subject"],
            item=data["item"],
            found_on=data["found_on"],
            severity=data["severity"],
            source=data["source"],
            event=data.get("event"),
            by=request.user,
        )


@admin.register(SubjectEvent)
class SubjectEventAdmin(ReadOnlyAdmin):
    """Links are made by subject_link_event."""

    list_display = ("subject", "event", "linked_at")
    raw_id_fields = ("subject", "event", "linked_by")
