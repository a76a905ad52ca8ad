"""Who may record inspections and in which domains and with which officers: shared by the capabilities that
start one or pick inspectors (records, draws, plans), so a page and the API apply the same rules."""

from zhifa.accounts.choices import Role
from zhifa.org.scope import scope_for

INSPECT_ROLES = (
    Role.ADMIN,
    Role.DISTRICT_COMMAND,
    Role.SUBDISTRICT_COMMAND,
    Role.OFFICER,
    Role.DEPARTMENT,
)


def can_inspect(user) -> bool:
    return scope_for(user).can_write and (user.is_superuser or user.role in INSPECT_ROLES)


def own_domain_codes(user) -> set[str] | None:
    """The domains a district department acts in: its own (none when it has no domain); None — any domain
    (command centres, teams, administrators), whose officers' qualifications decide instead."""
    if user.is_superuser or user.role != Role.DEPARTMENT:
        return None
    unit = user.unit if user.unit_id else None
    return {unit.domain.code} if unit is not None and unit.domain_id else set()


def serves_place(officer, region_path: str) -> bool:
    """Whether the officer's team answers for a place: a district-level team everywhere, a subdistrict or
    stationed team inside its own area only. The team's region must be loaded (select_related)."""
    region = officer.team.region
    return region.parent_id is None or (region_path or "").startswith(region.path)
