"""Login, logout and the user's own API tokens."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zhifa.accounts.models import ApiToken
from zhifa.accounts.services import api_token_create, api_token_revoke, login_attempt
from zhifa.core.errors import ServiceError


def login_view(request):
    error = None
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        if not username or not password:
            error = "请输入用户名和密码"
        else:
            try:
                user = login_attempt(request=request, username=username, password=password)
            except ServiceError as exc:
                error = exc.message
            else:
                login(request, user)
                # The site root means "where I start", which depends on the role.
                if next_url == "/" or not url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}
                ):
                    next_url = ""
                return redirect(next_url or "start")
    status = 400 if error else 200
    return render(request, "accounts/login.html", {"error": error, "next": next_url}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def tokens_view(request):
    new_token = None
    if request.method == "POST":
        try:
            _, new_token = api_token_create(
                user=request.user, name=request.POST.get("name", ""), by=request.user
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, f"令牌“{token.name}”已吊销")
    return redirect("accounts:tokens")
