"""Roles of DESIGN.md: what a user may see and do follows from role and unit."""

from django.db import models


class Role(models.TextChoices):
    DISTRICT_COMMAND = "district_command", "区协调指挥中心"
    SUBDISTRICT_COMMAND = "subdistrict_command", "街道指挥室"
    OFFICER = "officer", "执法队员"
    DEPARTMENT = "department", "区级部门"
    GRID_WORKER = "grid_worker", "网格员"
    OVERSIGHT = "oversight", "执法监督"
    ADMIN = "admin", "系统管理员"
