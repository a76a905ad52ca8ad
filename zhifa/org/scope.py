"""Jurisdiction as data: what a user may read and write follows from role, unit and the unit's region."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from zhifa.accounts.choices import Role

# Roles that see the whole district; oversight reads everything but writes nothing.
DISTRICT_WIDE_ROLES = {Role.ADMIN, Role.DISTRICT_COMMAND, Role.OVERSIGHT, Role.DEPARTMENT}
READ_ONLY_ROLES = {Role.OVERSIGHT}


@dataclass(frozen=True)
class Scope:
    """The part of the district a user acts in: `region_path` None means the whole district."""

    user_id: int | None
    role: str
    unit_id: int | None
    region_path: str | None
    can_write: bool

    @property
    def district_wide(self) -> bool:
        return self.region_path is None

    def q(self, path_field: str) -> Q:
        """Q object keeping rows whose region path (through `path_field`) lies inside the scope."""
        if self.region_path is None:
            return Q()
        return Q(**{f"{path_field}__startswith": self.region_path})

    def filter(self, qs: QuerySet, path_field: str) -> QuerySet:
        return qs.filter(self.q(path_field)) if self.region_path is not None else qs

    def covers_path(self, path: str | None) -> bool:
        return self.region_path is None or (path or "").startswith(self.region_path)


NO_SCOPE = Scope(user_id=None, role="", unit_id=None, region_path="/nowhere/", can_write=False)


def scope_for(user) -> Scope:
    """Build the scope of an authenticated user; anonymous or unbound users see nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    role = user.role
    can_write = role not in READ_ONLY_ROLES
    if user.is_superuser or role in DISTRICT_WIDE_ROLES:
        return Scope(user.pk, role, user.unit_id, None, can_write)
    if user.unit_id is None:
        return Scope(user.pk, role, None, "/nowhere/", False)
    cached = getattr(user, "_zhifa_scope", None)
    if cached is not None and (cached.unit_id, cached.role) == (user.unit_id, role):
        return cached
    # Only the path is needed: loading the unit's region would drag its polygon into every request.
    from zhifa.org.models import Region

    path, parent_id = Region.objects.filter(units__pk=user.unit_id).values_list("path", "parent_id").get()
    # A unit whose region is the district itself (a district team) sees the district.
    scope = Scope(user.pk, role, user.unit_id, path if parent_id is not None else None, can_write)
    user._zhifa_scope = scope
    return scope


def get_in_scope_or_404(qs: QuerySet, scope: Scope, path_field: str, **lookup):
    """Fetch one row inside the scope; a row outside it is indistinguishable from a missing one."""
    obj = scope.filter(qs, path_field).filter(**lookup).first()
    if obj is None:
        raise Http404("记录不存在或不在您的辖区内")
    return obj
