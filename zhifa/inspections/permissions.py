"""Who may record inspections: shared by the capabilities that offer to start one (records, draws, plans)."""

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
