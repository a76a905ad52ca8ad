"""Admin screens for users and API tokens; the admin site's login form goes through the same throttle as the
app's login page."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zhifa.accounts.forms import AdminLoginForm
from zhifa.accounts.models import ApiToken, User

admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "unit", "is_active", "last_login")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "full_name", "unit__name")
    raw_id_fields = ("unit", "officer", "grid_worker")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("岗位", {"fields": ("full_name", "role", "unit", "officer", "grid_worker")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("岗位", {"fields": ("full_name", "role", "unit")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")

    def has_add_permission(self, request):
        # Tokens are issued on the user's token page, which shows the raw value once.
        return False
