"""The site's 403 / 404 / 500 pages: in Chinese, in the site frame, saying why and where to go.

The 403 and 404 pages show the reason a view gave (our views raise PermissionDenied / Http404 with a Chinese
sentence such as "事件不存在或不在您的辖区内"); Django's own English reasons (no URL matched) are not shown. The 500
page reads nothing from the database: the failure may be the database itself.
"""

import re

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from zhifa.navigation import start_url_name

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _reason(exception) -> str:
    """The view's own Chinese message, or nothing (Django's English resolver texts stay out of the page)."""
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    return message if isinstance(message, str) and _CJK.search(message) else ""


def _where_to_go(request) -> list[tuple[str, str]]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return [("回到我的首页", reverse(start_url_name(user)))]
    return [
        ("登录", f"{reverse('accounts:login')}?next={request.path}"),
        ("我要反映（无需登录）", reverse("dispatch:report")),
        ("查询办理进度", reverse("dispatch:track")),
    ]


def permission_denied(request, exception=None):
    context = {
        "status": 403,
        "heading": "没有权限打开此页",
        "reason": _reason(exception) or "您的角色或辖区不能查看或办理这项内容。",
        "advice": "如需办理，请联系本单位的系统管理员开通权限，或由有权限的同事办理。",
        "links": _where_to_go(request),
    }
    return render(request, "error.html", context, status=403)


def page_not_found(request, exception=None):
    context = {
        "status": 404,
        "heading": "找不到此页",
        "reason": _reason(exception) or f"地址 {request.path} 不存在，可能输入有误，或该记录已不在系统中。",
        "advice": "请检查地址，或从下面的链接重新进入。",
        "links": _where_to_go(request),
    }
    return render(request, "error.html", context, status=404)


def server_error(request):
    # No request context: the context processors query the database, which may be what failed.
    context = {
        "status": 500,
        "heading": "系统出错了",
        "reason": "处理您的请求时发生内部错误，您提交的内容可能没有保存。错误已记录，系统管理员会处理。",
        "advice": "请稍后重试；如果仍然出错，请联系系统管理员并告知出错的时间和页面地址。",
        "links": [("回到首页", "/")],
        "bare": True,
    }
    return HttpResponseServerError(render_to_string("error.html", context))


def csrf_failure(request, reason=""):
    """A form sent from a page that has expired (or with cookies off): say so in Chinese, status 403."""
    context = {
        "status": 403,
        "heading": "页面已过期，请重新提交",
        "reason": "为防止他人冒用您的身份提交表单，系统需要核对页面的安全标记；此页面已过期或浏览器未保存 Cookie。",
        "advice": "请返回上一页，刷新后重新填写并提交；如仍然出现，请确认浏览器允许本网站的 Cookie。",
        "links": _where_to_go(request),
    }
    return render(request, "error.html", context, status=403)
