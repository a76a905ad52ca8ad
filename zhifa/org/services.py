"""Organisation actions: create and change regions, units, officers, workers and buildings."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from zhifa.accounts.choices import Role
from zhifa.audit.services import audit_record
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.core.snapshot import snapshot
from zhifa.org.models import Building, Domain, GridWorker, Officer, Region, Unit
from zhifa.org.scope import scope_for

ORG_MANAGER_ROLES = {Role.ADMIN, Role.DISTRICT_COMMAND}


def _require_org_manager(by) -> None:
    """People who change the organisation: admins and the district command centre; a string actor is the system."""
    if by is None or isinstance(by, str):
        return
    if not (by.is_superuser or by.role in ORG_MANAGER_ROLES) or not scope_for(by).can_write:
        raise PermissionError_("只有系统管理员或区协调指挥中心可以调整组织机构")


def _full_clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
        raise ServiceError("；".join(e["message"] for e in errors), errors) from None


def _create(obj, *, by, action: str):
    _require_org_manager(by)
    _full_clean(obj)
    with transaction.atomic():
        obj.save()
        audit_record(actor=by, action=action, obj=obj, after=snapshot(obj))
    return obj


def region_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: Region | None = None,
    geometry=None,
    by=None,
    centroid: tuple[float, float] | None = None,
) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent, geometry=geometry)
    if centroid:
        region.centroid_lng, region.centroid_lat = centroid
    region.path = (parent.path if parent else "/") + code + "/"
    return _create(region, by=by or "system", action="org.region_create")


def domain_create(*, code: str, name: str, is_core: bool = False, sort: int = 0, by=None) -> Domain:
    return _create(
        Domain(code=code, name=name, is_core=is_core, sort=sort),
        by=by or "system",
        action="org.domain_create",
    )


def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    region: Region,
    domain: Domain | None = None,
    parent: Unit | None = None,
    by=None,
) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, region=region, domain=domain, parent=parent)
    return _create(unit, by=by or "system", action="org.unit_create")


def officer_create(
    *,
    name: str,
    birth_date: date,
    certificate_no: str,
    home_department: Unit,
    team: Unit,
    seconded: bool = False,
    domains: list[Domain] = (),
    gender: str = "",
    by=None,
) -> Officer:
    _require_org_manager(by)
    officer = Officer(
        name=name,
        birth_date=birth_date,
        certificate_no=certificate_no,
        gender=gender,
        home_department=home_department,
        team=team,
        seconded=seconded,
    )
    _full_clean(officer)
    with transaction.atomic():
        officer.save()
        officer.qualified_domains.set(domains)
        audit_record(actor=by or "system", action="org.officer_create", obj=officer, after=snapshot(officer))
    return officer


def officer_transfer(*, officer: Officer, team: Unit, seconded: bool, by) -> Officer:
    """Move an officer to another team (下沉 to a subdistrict, or back to the district team)."""
    _require_org_manager(by)
    with transaction.atomic():
        officer = Officer.objects.select_for_update().get(pk=officer.pk)
        before = snapshot(officer, fields=["team", "seconded"])
        officer.team, officer.seconded = team, seconded
        _full_clean(officer)
        officer.save(update_fields=["team", "seconded"])
        audit_record(
            actor=by,
            action="org.officer_transfer",
            obj=officer,
            before=before,
            after=snapshot(officer, fields=["team", "seconded"]),
        )
    return officer


def grid_worker_create(*, name: str, role: str, region: Region, phone: str = "", by=None) -> GridWorker:
    return _create(
        GridWorker(name=name, role=role, region=region, phone=phone),
        by=by or "system",
        action="org.grid_worker_create",
    )


def building_create(
    *,
    code: str,
    name: str,
    region: Region,
    lng: float,
    lat: float,
    address: str = "",
    floors: int = 1,
    manager: GridWorker | None = None,
    by=None,
) -> Building:
    building = Building(
        code=code, name=name, region=region, lng=lng, lat=lat, address=address, floors=floors, manager=manager
    )
    return _create(building, by=by or "system", action="org.building_create")
