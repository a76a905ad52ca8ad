"""Organisation: the region tree, domains, units (command centres, departments, teams), officers, buildings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from zhifa.org.choices import TEAM_KINDS, RegionLevel, UnitKind, WorkerRole


class Region(models.Model):
    """区域 — one node of the tree district → subdistrict / functional area → community → grid → micro-grid."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=20, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("/330102/330102008/…/") so a subtree is one indexed prefix query.
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    geometry = models.JSONField("边界 (GeoJSON)", null=True, blank=True)
    centroid_lng = models.FloatField("中心经度", null=True, blank=True)
    centroid_lat = models.FloatField("中心纬度", null=True, blank=True)
    area_km2 = models.FloatField("面积 (km²)", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "区域"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="district") | Q(parent__isnull=False),
                name="region_parent_required_below_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + self.code + "/"
        super().save(*args, **kwargs)

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c]


class Domain(models.Model):
    """执法领域 (综合执法, 市场监管, 文化市场 …)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    is_core = models.BooleanField("1+5 领域", default=False)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "执法领域"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """单位 — a command centre, a department, an enforcement team or the oversight office."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=30, choices=UnitKind.choices)
    # The region the unit answers for: the district for district-level units, a subdistrict or functional area.
    region = models.ForeignKey(Region, verbose_name="辖区", on_delete=models.PROTECT, related_name="units")
    domain = models.ForeignKey(
        Domain, verbose_name="领域", null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    phone = models.CharField("值班电话", max_length=30, blank=True)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_team(self) -> bool:
        return self.kind in TEAM_KINDS


class Squad(models.Model):
    """混合编组 — a mixed squad inside a team, drawing officers of several specialities."""

    team = models.ForeignKey(Unit, verbose_name="所属队伍", on_delete=models.PROTECT, related_name="squads")
    name = models.CharField("名称", max_length=100)
    members = models.ManyToManyField("Officer", verbose_name="队员", related_name="squads", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "混合编组"
        ordering = ["team", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="squad_unique_name_in_team")]

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    """执法队员 — an enforcement officer, with home department and the team he or she works in now."""

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")], blank=True)
    birth_date = models.DateField("出生日期")
    certificate_no = models.CharField("执法证号", max_length=30, unique=True)
    home_department = models.ForeignKey(
        Unit, verbose_name="编制单位", on_delete=models.PROTECT, related_name="home_officers"
    )
    team = models.ForeignKey(Unit, verbose_name="所在队伍", on_delete=models.PROTECT, related_name="officers")
    seconded = models.BooleanField("下沉街道", default=False)
    qualified_domains = models.ManyToManyField(Domain, verbose_name="执法资格领域", related_name="officers")
    phone = models.CharField("手机", max_length=20, blank=True)
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法队员"
        ordering = ["team", "name"]
        indexes = [models.Index(fields=["active", "seconded"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"

    def clean(self) -> None:
        if self.team_id and not self.team.is_team:
            raise ValidationError({"team": "所在队伍必须是执法队伍"})
        if self.seconded and self.team_id and self.team.kind == UnitKind.DISTRICT_TEAM:
            raise ValidationError({"seconded": "下沉队员应编入街道或功能区执法队"})


class GridWorker(models.Model):
    """网格员 / 楼管员 / 协管员 — community-level workers attached to a grid."""

    name = models.CharField("姓名", max_length=50)
    role = models.CharField("角色", max_length=20, choices=WorkerRole.choices, default=WorkerRole.GRID_WORKER)
    region = models.ForeignKey(
        Region, verbose_name="所在网格", on_delete=models.PROTECT, related_name="workers"
    )
    phone = models.CharField("手机", max_length=20, blank=True)
    active = models.BooleanField("在岗", default=True)
    # Auxiliary forces merged into a subdistrict's 综管大队 keep the name of the force they came from.
    unit = models.ForeignKey(
        "Unit",
        verbose_name="所属综管大队",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="auxiliaries",
    )
    force = models.CharField("原辅助力量", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "网格员"
        ordering = ["region", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class Building(models.Model):
    """楼宇 — an office or commercial building, with its building manager (楼管员)."""

    code = models.CharField("编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        Region, verbose_name="所在网格", on_delete=models.PROTECT, related_name="buildings"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    lng = models.FloatField("经度")
    lat = models.FloatField("纬度")
    floors = models.PositiveSmallIntegerField("楼层数", default=1)
    manager = models.ForeignKey(
        GridWorker,
        verbose_name="楼管员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_buildings",
    )

    class Meta:
        verbose_name = verbose_name_plural = "楼宇"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
