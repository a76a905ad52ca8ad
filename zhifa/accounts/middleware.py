"""A user holding a temporary password (set by an administrator) reaches only the page that replaces it."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (
                reverse("accounts:password_change"),
                reverse("accounts:logout"),
                reverse("accounts:display"),
            )
            if request.path not in allowed:
                if request.path.startswith("/api/"):
                    body = {"message": "请先修改临时密码", "errors": []}
                    return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
                return redirect("accounts:password_change")
        return self.get_response(request)
