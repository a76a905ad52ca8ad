"""Admin screens for users (audited; created through user_create), API tokens (view and revoke), failed logins
(view); and the admin site's login form, which goes through the same throttle as the app's login page."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from zhifa.accounts.forms import AdminLoginForm
from zhifa.accounts.models import ApiToken, LoginFailure, User
from zhifa.accounts.services import api_token_revoke, user_create
from zhifa.audit.admin_base import AuditedAdmin, ReadOnlyAdmin

admin.site.login_form = AdminLoginForm


class UserAddForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "role", "unit")


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = (
        "username",
        "full_name",
        "role",
        "unit",
        "is_active",
        "must_change_password",
        "last_login",
    )
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "full_name", "unit__name")
    raw_id_fields = ("unit", "officer", "grid_worker")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("岗位", {"fields": ("full_name", "role", "unit", "officer", "grid_worker", "must_change_password")}),
    )
    add_form = UserAddForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("岗位", {"fields": ("full_name", "role", "unit")}),
    )
    audit_exclude = ("password",)

    def save_through_service(self, request, obj, form, change):
        if change:
            return None
        data = form.cleaned_data
        # The password the administrator typed is only for the first login: the user then chooses their own.
        return user_create(
            username=data["username"],
            password=data["password1"],
            role=data["role"],
            unit=data.get("unit"),
            full_name=data.get("full_name", ""),
            must_change_password=True,
            by=request.user,
        )

    def user_change_password(self, request, id, form_url=""):
        # One audited way to set someone else's password: the reset page (temporary password, forced change).
        user = self.get_object(request, unquote(id))
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if user is None:
            raise Http404
        return redirect("accounts:user_password_reset", pk=user.pk)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued on the user's token page (which shows the raw value once); here they can be revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    exclude = ("digest",)
    actions = ["revoke"]

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description="吊销所选令牌", permissions=["revoke"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, by=request.user)
        self.message_user(request, f"已吊销 {len(tokens)} 个令牌", messages.SUCCESS)


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "ip")
    search_fields = ("username", "ip")
    date_hierarchy = "at"
