"""Admin screens that write the way services do. Every app's admin.py uses one of two bases:

- `AuditedAdmin` for what the admin may edit: each save and delete goes on the audit chain through
  `audit_record`, a `version` field is bumped, a row that other records point at is never deleted, and an app
  can route the save through its own service (`save_through_service`) so the admin passes the same rules as
  the pages; a refusal comes back on the form with the service's messages and nothing is written.
- `ReadOnlyAdmin` (and `ReadOnlyMixin` for inlines) for rows that only services write: view, never add,
  change or delete.

It lives in audit, not core: core sits below audit in the import layers and may not call `audit_record`.
"""

from django.contrib import admin
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ForeignObjectRel
from django.utils.text import capfirst

from zhifa.audit.services import audit_record
from zhifa.core.errors import ServiceError
from zhifa.core.snapshot import snapshot

SHOWN_PER_RELATION = 5
REFUSAL_ATTR = "_zhifa_admin_refusal"


class ReadOnlyMixin:
    """View only: the rows change through services (with their audit records) or not at all."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


def dependents(obj) -> list[str]:
    """Rows elsewhere that point at `obj` (foreign keys, one-to-ones, many-to-many of other models), described
    for the refusal page. The hidden table behind obj's own many-to-many fields is obj's, not a dependent."""
    found = []
    for rel in obj._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel) or rel.related_model._meta.auto_created:
            continue
        rows = rel.related_model._base_manager.filter(**{rel.field.name: obj})
        count = rows.count()
        if not count:
            continue
        label = capfirst(rel.related_model._meta.verbose_name)
        found += [f"{label}：{row}" for row in rows[:SHOWN_PER_RELATION]]
        if count > SHOWN_PER_RELATION:
            found.append(f"{label}：另有 {count - SHOWN_PER_RELATION} 条")
    return found


class AuditedAdmin(admin.ModelAdmin):
    """Edits on the audit chain (the admin runs its change and delete views inside a transaction). Its inlines
    are read-only (a system check says so): rows saved by an inline formset would skip the chain."""

    # "<app>.<entity>", giving actions like "org.unit_update"; by default the model's app label and name.
    audit_action = ""
    # Fields never copied into the audit record (a password hash does not belong in a readable trail).
    audit_exclude: tuple[str, ...] = ()
    # Service field name -> form field name where they differ ({"industry": "industry_code"}), so that a
    # service's per-field message lands on the right field.
    service_fields: dict[str, str] = {}

    # --- hooks -------------------------------------------------------------------------------------------

    def save_through_service(self, request, obj, form, change):
        """Write with the app's service and return the saved row (the service writes its own audit record),
        or None to save here. A ServiceError comes back on the form and nothing is saved."""
        return None

    # --- saving ------------------------------------------------------------------------------------------

    def _action(self, verb: str) -> str:
        prefix = self.audit_action or f"{self.opts.app_label}.{self.opts.model_name}"
        return f"{prefix}_{verb}"

    def _snapshot(self, obj) -> dict:
        return snapshot(obj, exclude=("search_text", *self.audit_exclude))

    def _has_version(self) -> bool:
        return any(f.name == "version" for f in self.opts.concrete_fields)

    def save_model(self, request, obj, form, change):
        saved = self.save_through_service(request, obj, form, change)
        if saved is not None:
            obj.pk = saved.pk
            obj._state.adding = False
            obj.refresh_from_db()
            obj._zhifa_service_saved = True
            return
        obj._zhifa_audit_before = None
        if change:
            current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            obj._zhifa_audit_before = self._snapshot(current)
            if self._has_version():
                obj.version = current.version + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if getattr(obj, "_zhifa_service_saved", False):
            # The service set the many-to-many fields already; only inlines are left.
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)
            return
        super().save_related(request, form, formsets, change)
        audit_record(
            actor=request.user,
            action=self._action("update" if change else "create"),
            obj=obj,
            before=getattr(obj, "_zhifa_audit_before", None),
            after=self._snapshot(obj),
        )

    # --- a service's refusal, shown on the form ------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceError as exc:
            if request.method != "POST" or getattr(request, REFUSAL_ATTR, None) is not None:
                raise
            # The admin's transaction has rolled back. Validate the same POST again with the service's reasons
            # added, so the form comes back with the admin's input and the messages, and saves nothing.
            setattr(request, REFUSAL_ATTR, exc)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, REFUSAL_ATTR, None)
        if refusal is None:
            return form_class
        form_field = self.service_fields

        class Refused(form_class):
            def clean(self):
                cleaned = super().clean()
                for error in refusal.errors:
                    field = form_field.get(error.get("field"), error.get("field"))
                    self.add_error(field if field in self.fields else None, error["message"])
                self.add_error(None, refusal.message)
                return cleaned

        return Refused

    # --- deleting ----------------------------------------------------------------------------------------

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for obj in objs:
            protected += dependents(obj)
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        if dependents(obj):
            raise PermissionDenied("仍有记录引用该对象，不能删除")
        before = self._snapshot(obj)
        pk = obj.pk
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action=self._action("delete"),
            object_type=obj._meta.label_lower,
            object_id=str(pk),
            object_repr=str(obj)[:200],
            before=before,
        )

    def delete_queryset(self, request, queryset):
        # The "delete selected" action is not wrapped in a transaction by the admin; one refusal undoes all.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


def editable_inlines(site: admin.AdminSite) -> list[checks.Error]:
    errors = []
    for model_admin in site._registry.values():
        if not isinstance(model_admin, AuditedAdmin):
            continue
        for inline in model_admin.inlines:
            if not issubclass(inline, ReadOnlyMixin):
                errors.append(
                    checks.Error(
                        f"{type(model_admin).__name__} has the editable inline {inline.__name__}: "
                        "its rows would be saved without an audit record",
                        hint="Give the inline ReadOnlyMixin, or edit those rows through a service.",
                        obj=type(model_admin),
                        id="zhifa.E001",
                    )
                )
    return errors


@checks.register(checks.Tags.admin)
def _audited_admin_inlines(app_configs=None, **kwargs):
    return editable_inlines(admin.site)
