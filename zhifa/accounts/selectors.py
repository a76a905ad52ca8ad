"""Reads of accounts that a user triggers: the user list is for system administrators only."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from zhifa.accounts.models import User
from zhifa.accounts.services import can_manage_users
from zhifa.core.errors import PermissionError_

NOT_ADMIN_MESSAGE = "只有系统管理员可以管理用户"


def user_list(*, user, q: str = "") -> QuerySet[User]:
    if not can_manage_users(user):
        raise PermissionError_(NOT_ADMIN_MESSAGE)
    qs = User.objects.select_related("unit").order_by("username")
    q = q.strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(unit__name__icontains=q))
    return qs


def user_get_for_admin(*, user, pk: int) -> User:
    if not can_manage_users(user):
        raise PermissionError_(NOT_ADMIN_MESSAGE)
    return get_object_or_404(User.objects.select_related("unit"), pk=pk)
