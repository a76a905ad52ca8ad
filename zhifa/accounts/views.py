"""Login, logout, the user's own password and API tokens; the administrators' user list and password reset."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from zhifa.accounts import selectors
from zhifa.accounts.display import LARGE_TEXT_COOKIE, LARGE_TEXT_COOKIE_AGE
from zhifa.accounts.forms import PasswordChangeForm
from zhifa.accounts.models import ApiToken
from zhifa.accounts.services import (
    api_token_create,
    api_token_revoke,
    can_manage_users,
    login_attempt,
    password_change,
    password_reset,
    user_display_set,
)
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.core.pagination import paginate, query_without_page


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


@require_POST
def display_view(request):
    """大字模式 on or off, for anyone: kept on the account when signed in, and in a cookie for this browser."""
    value = request.POST.get("large_text", "")
    if value not in ("0", "1"):
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "heading": "无法切换字号",
                "reason": "请求中的“大字模式”取值应为 1（开启）或 0（关闭）。",
                "advice": "请回到原页面，点击页面顶部的“大字”按钮切换。",
                "links": [("回到首页", "/")],
            },
            status=400,
        )
    large_text = value == "1"
    if request.user.is_authenticated:
        user_display_set(user=request.user, large_text=large_text)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie(
        LARGE_TEXT_COOKIE, value, max_age=LARGE_TEXT_COOKIE_AGE, samesite="Lax", httponly=True
    )
    return response


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
    context = {"tokens": tokens, "new_token": new_token, "can_manage_users": can_manage_users(request.user)}
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, f"令牌“{token.name}”已吊销")
    return redirect("accounts:tokens")


@sensitive_post_parameters("old_password", "new_password", "new_password_again")
@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = password_change(user=request.user, **form.cleaned_data)
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                # The new password ends every other session; this one stays signed in.
                update_session_auth_hash(request, user)
                messages.success(request, "密码已修改")
                return redirect("start")
        status = 400
    context = {
        "form": form,
        "required": request.user.must_change_password,
        "can_manage_users": can_manage_users(request.user),
    }
    return render(request, "accounts/password_change.html", context, status=status)


@login_required
def user_list_view(request):
    q = request.GET.get("q", "").strip()[:100]
    try:
        users = selectors.user_list(user=request.user, q=q)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    page = paginate(request, users)
    context = {"page": page, "query": query_without_page(request), "q": q, "can_manage_users": True}
    return render(request, "accounts/user_list.html", context)


@never_cache
@login_required
def user_password_reset_view(request, pk: int):
    """GET asks to confirm; POST sets a temporary password and shows it this once."""
    try:
        target = selectors.user_get_for_admin(user=request.user, pk=pk)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    temporary = error = None
    if request.method == "POST":
        try:
            target, temporary = password_reset(user=target, by=request.user)
        except PermissionError_ as exc:
            raise PermissionDenied(exc.message) from None
        except ServiceError as exc:
            error = exc.message
    context = {"target": target, "temporary": temporary, "error": error, "can_manage_users": True}
    return render(request, "accounts/user_password_reset.html", context, status=400 if error else 200)
