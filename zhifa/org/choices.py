"""Choice values of the organisation: region levels, unit kinds, worker roles."""

from django.db import models


class RegionLevel(models.TextChoices):
    DISTRICT = "district", "区"
    SUBDISTRICT = "subdistrict", "街道"
    FUNCTIONAL_AREA = "functional_area", "功能区"
    COMMUNITY = "community", "社区"
    GRID = "grid", "网格"
    MICRO_GRID = "micro_grid", "微网格"


class UnitKind(models.TextChoices):
    DISTRICT_COMMAND = "district_command", "区协调指挥中心"
    SUBDISTRICT_COMMAND = "subdistrict_command", "街道指挥室"
    DEPARTMENT = "department", "区级部门"
    DISTRICT_TEAM = "district_team", "区级执法队"
    SUBDISTRICT_TEAM = "subdistrict_team", "街道综合行政执法队"
    STATIONED_TEAM = "stationed_team", "功能区驻点执法队"
    OVERSIGHT_OFFICE = "oversight_office", "执法监督机构"
    AUXILIARY_BRIGADE = "auxiliary_brigade", "街道综管大队"


TEAM_KINDS = (UnitKind.DISTRICT_TEAM, UnitKind.SUBDISTRICT_TEAM, UnitKind.STATIONED_TEAM)


class WorkerRole(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员"
    BUILDING_MANAGER = "building_manager", "楼管员"
    AUXILIARY = "auxiliary", "协管员"
