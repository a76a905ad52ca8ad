"""Pages of the 行政行为码. Public, no login, phone first: verify a code (/c/<token>), paste or scan one (/c/),
rate the action with the one-time secret, the JWKS, a shop's 一码安 page (/s/<token>). Staff: the scoped
list of codes with revocation, oversight's ratings and visits without a code, the printable door code."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhifa.codes import selectors as sel
from zhifa.codes import services as svc
from zhifa.codes import shops
from zhifa.codes.choices import LOW_SCORE, ActionType
from zhifa.codes.forms import RatingForm, ReviewForm, RevokeForm
from zhifa.codes.keys import code_keys
from zhifa.codes.pdfsign import signing_dir
from zhifa.codes.qr import public_url, qr_svg, qr_version
from zhifa.codes.throttle import allowed
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.core.pagination import paginate, query_without_page
from zhifa.org.scope import scope_for
from zhifa.subjects.selectors import subject_get

TOKEN_IN_TEXT = re.compile(r"([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")


def _too_many(request, template: str = "codes/verify.html"):
    return render(request, template, {"throttled": True}, status=429)


# --- public ------------------------------------------------------------------------------------------------


def jwks(request):
    """The public keys (JWKS, RFC 7517): every key that may have signed a code still in use."""
    response = JsonResponse(code_keys().jwks)
    response["Content-Type"] = "application/jwk-set+json"
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def pdf_ca(request):
    """The certificate that signed documents chain to, for importing into a PDF reader's trusted list."""
    path = signing_dir() / "ca.pem"
    if not path.exists():
        raise Http404("尚未配置文书签章证书")
    response = HttpResponse(path.read_bytes(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="zhifa-ca.pem"'
    return response


def verify_entry(request):
    """Paste a code (or the address a QR holds), or scan it with the phone's camera, to verify it."""
    text = (request.GET.get("token") or "").strip()
    if text:
        found = TOKEN_IN_TEXT.search(text)
        if found:
            return redirect("codes:verify", token=found.group(1))
        return render(
            request,
            "codes/verify_entry.html",
            {"error": "没有识别出行政行为码，请粘贴完整的码或扫码得到的网址"},
            status=400,
        )
    return render(request, "codes/verify_entry.html", {})


def _verify_page(request, token: str, *, form=None, status: int = 200):
    v = sel.code_verify(token)
    context = {
        "v": v,
        "token": token,
        "form": form or RatingForm(),
        "chosen_problems": form.data.getlist("problems") if form is not None and form.is_bound else [],
        "report_url": reverse("dispatch:report"),
        "action_label": dict(ActionType.choices).get((v.claims or {}).get("act", ""), "执法行为"),
        "party_name": shops.party_name(v),
    }
    response = render(request, "codes/verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    # The token is in the address: other sites get no referrer. ("no-referrer" would make the browser send
    # "Origin: null" with the rating form, which CSRF rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def verify(request, token: str):
    if not allowed(request, "verify-page"):
        return _too_many(request)
    return _verify_page(request, token)


def verify_by_id(request, code_id: str):
    """The short address printed on paper (a 22 mm QR must stay coarse to scan): the code's own page."""
    if not allowed(request, "verify-page"):
        return _too_many(request)
    token = sel.code_token_by_id(code_id)
    if token is None:
        return render(request, "codes/verify_entry.html", {"error": "没有这个码号，请核对后重试"}, status=404)
    return redirect("codes:verify", token=token)


@require_POST
def rate(request, token: str):
    if not allowed(request, "rate", per_minute=10):
        return _too_many(request)
    v = sel.code_verify(token)
    if v.code is None:
        return _verify_page(request, token, status=400)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _verify_page(request, token, form=form, status=400)
    data = form.cleaned_data
    try:
        svc.code_rate(
            code=v.code,
            secret=data["secret"],
            score=data["score"],
            problems=data["problems"],
            comment=data["comment"],
        )
    except ServiceError as err:
        form.add_error("secret" if err.errors and err.errors[0]["field"] == "secret" else None, err.message)
        return _verify_page(request, token, form=form, status=err.status)
    messages.success(request, "感谢您的评价！评价对执法人员匿名，由执法监督部门查看。")
    return redirect("codes:verify", token=token)


def shop_public(request, token: str):
    if not allowed(request, "shop"):
        return _too_many(request, "codes/shop_public.html")
    page = shops.shop_public_page(token)
    if page is None:
        return render(request, "codes/shop_public.html", {"missing": True}, status=404)
    return render(request, "codes/shop_public.html", {"p": page, "report_url": shops.report_url(page)})


# --- staff -------------------------------------------------------------------------------------------------


@login_required
def code_list(request):
    get = request.GET
    qs = sel.code_list_for_user(user=request.user)
    state = get.get("state", "")
    now = timezone.now()
    if state == "valid":
        qs = qs.filter(revoked_at__isnull=True, expires_at__gt=now)
    elif state == "expired":
        qs = qs.filter(revoked_at__isnull=True, expires_at__lte=now)
    elif state == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    q = (get.get("q") or "").strip()[:40]
    if q:
        qs = qs.filter(code_id__iexact=q) | qs.filter(subject__name__icontains=q)
    context = {
        "active_nav": "codes",
        "page": paginate(request, qs.order_by("-issued_at", "-id")),
        "query": query_without_page(request),
        "f": {"state": state, "q": q},
        "now": now,
        "share": sel.code_share(user=request.user),
    }
    return render(request, "codes/code_list.html", context)


@login_required
def code_detail(request, code_id: str):
    code = sel.code_get_for_user(user=request.user, code_id=code_id)
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                svc.code_revoke(code=code, reason=form.cleaned_data["reason"], by=request.user)
            except ServiceError as err:
                form.add_error("reason", err.message)
                status = err.status
            else:
                messages.success(request, f"已撤销行政行为码 {code.code_id}")
                return redirect("codes:code_detail", code_id=code.code_id)
        else:
            status = 400
    url = public_url(request, reverse("codes:verify", args=[code.token]))
    context = {
        "active_nav": "codes",
        "code": code,
        "v": sel.code_verify(code.token),
        "url": url,
        "qr": qr_svg(url),
        "qr_version": qr_version(url),
        "form": form,
        "can_revoke": scope_for(request.user).can_write and not code.revoked_at,
    }
    return render(request, "codes/code_detail.html", context, status=status)


@login_required
def ratings(request):
    """执法评价: figures per unit and officer; oversight also reads each rating and reviews the low ones."""
    user = request.user
    try:
        figures = sel.rating_figures(user=user)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    detail = user.is_superuser or user.role in sel.RATING_DETAIL_ROLES
    low = (
        sel.rating_list_for_user(user=user).filter(score__lte=LOW_SCORE).order_by("reviewed_at", "-rated_at")
        if detail
        else None
    )
    context = {
        "active_nav": "ratings",
        "figures": figures,
        "detail": detail,
        "low": paginate(request, low) if low is not None else None,
        "missing": paginate(request, sel.inspections_without_code(user=user), per_page=20),
        "share": sel.code_share(user=user),
        "form": ReviewForm(),
    }
    return render(request, "codes/ratings.html", context)


@login_required
@require_POST
def rating_review(request, pk: int):
    try:
        rating = sel.rating_get_for_user(user=request.user, pk=pk)
    except PermissionError_ as exc:
        raise PermissionDenied(exc.message) from None
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写核查情况")
        return redirect("codes:ratings")
    try:
        svc.rating_review(rating=rating, note=form.cleaned_data["note"], by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, "已记录核查情况")
    return redirect("codes:ratings")


@login_required
def shop_print(request, subject_id: int):
    """The door code of a subject, on one A5-sized page to print; made (or renewed) with a POST."""
    subject = subject_get(user=request.user, pk=subject_id)
    if request.method == "POST":
        try:
            svc.shop_code_for(subject=subject, by=request.user, renew=request.POST.get("renew") == "1")
        except ServiceError as err:
            messages.error(request, err.message)
        return redirect("codes:shop_print", subject_id=subject.pk)
    shop = shops.shop_code_of(subject)
    context = {"active_nav": "subjects", "subject": subject, "shop": shop}
    if shop is not None:
        url = public_url(request, reverse("codes:shop_public", args=[shop.token]))
        context.update(url=url, qr=qr_svg(url), can_renew=scope_for(request.user).can_write)
    return render(request, "codes/shop_print.html", context)
