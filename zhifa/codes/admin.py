"""Admin screens: read-only. Codes are issued, revoked and rated only through the services (audited)."""

from django.contrib import admin

from zhifa.codes.models import ActionCode, CodeRating, ShopCode


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionCode)
class ActionCodeAdmin(_ReadOnly):
    list_display = ("code_id", "action", "unit", "subject", "issued_at", "expires_at", "revoked_at")
    list_filter = ("action",)
    search_fields = ("code_id",)
    exclude = ("secret_hash",)


@admin.register(CodeRating)
class CodeRatingAdmin(_ReadOnly):
    list_display = ("code", "score", "rated_at", "reviewed_at")


@admin.register(ShopCode)
class ShopCodeAdmin(_ReadOnly):
    list_display = ("subject", "created_at")
    exclude = ("token",)
