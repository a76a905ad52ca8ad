"""Forms that shape input for the account pages and the admin's login; the services decide what is valid."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from zhifa.accounts.services import login_attempt
from zhifa.core.errors import ServiceError


class AdminLoginForm(AdminAuthenticationForm):
    """/admin/login/ through the same throttle as the app's login page."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_attempt(request=self.request, username=username, password=password)
            except ServiceError as exc:
                raise ValidationError(exc.message, code="invalid_login") from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password_again = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def add_service_errors(self, exc: ServiceError) -> None:
        for error in exc.errors:
            field = error.get("field")
            self.add_error(field if field in self.fields else None, error["message"])
        if not exc.errors:
            self.add_error(None, exc.message)
