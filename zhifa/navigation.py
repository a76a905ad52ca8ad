"""The page shell: the menu grouped by work (指挥 / 监管 / 办案 / 队伍与区域 / 监督) with what the user's role may
open, the scope label, and each role's start page after login."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse

from zhifa.accounts.choices import Role
from zhifa.accounts.display import large_text_for
from zhifa.org.models import Region
from zhifa.org.scope import scope_for

# Where each role starts its day (after login, and from the brand link).
START_PAGES = {
    Role.OFFICER: "dispatch:my_tasks",
    Role.DEPARTMENT: "dispatch:my_tasks",
    Role.GRID_WORKER: "dispatch:report_in",
    Role.DISTRICT_COMMAND: "dispatch:board",
    Role.SUBDISTRICT_COMMAND: "dispatch:board",
    Role.OVERSIGHT: "oversight:board",
    Role.ADMIN: "dashboard:home",
}
# Where on a start page to land, by role (none at present: each start page opens at its top).
START_FRAGMENTS: dict[str, str] = {}


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    items: tuple[tuple[str, str, str], ...]  # (active_nav key, label, url)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _, _ in self.items)


def start_url_name(user) -> str:
    if user.is_superuser:
        return "dashboard:home"
    return START_PAGES.get(user.role, "dashboard:home")


def start_url(user) -> str:
    url = reverse(start_url_name(user))
    return url if user.is_superuser else url + START_FRAGMENTS.get(user.role, "")


@login_required
def start(request):
    return redirect(start_url(request.user))


def _groups(user) -> list[NavGroup]:
    role = user.role
    command = user.is_superuser or role in (Role.ADMIN, Role.DISTRICT_COMMAND)
    fields = role in (Role.GRID_WORKER, Role.OFFICER, Role.DEPARTMENT)
    dispatching = [
        ("board", "指挥调度", reverse("dispatch:board")),
        ("tasks", "我的任务", reverse("dispatch:my_tasks")),
        *([("report_in", "现场上报", reverse("dispatch:report_in"))] if fields else []),
        *([("hotline_import", "12345 导入", reverse("dispatch:hotline_import"))] if command else []),
        ("consultations", "会商联席", reverse("dispatch:consultation_list")),
        ("accuracy", "分类准确率", reverse("dispatch:routing_accuracy")),
    ]
    supervision = [
        *([("mydays", "我的检查日程", reverse("inspections:my_days"))] if role == Role.OFFICER else []),
        ("subjects", "监管对象", reverse("subjects:subject_list")),
        ("risk", "三色赋码", reverse("risk:overview")),
        ("records", "检查记录", reverse("inspections:record_list")),
        ("codes", "行政行为码", reverse("codes:code_list")),
        ("jointplans", "综合查一次", reverse("inspections:jointplan_list")),
        ("draws", "双随机", reverse("inspections:draw_list")),
        ("scenarios", "监管一件事", reverse("catalog:scenario_list")),
        ("plan", "执法计划", reverse("inspections:plan")),
    ]
    cases = [
        ("cases", "案件", reverse("cases:case_list")),
        ("catalog", "执法事项", reverse("catalog:item_list")),
        *(
            [("releases", "清单版本", reverse("catalog:release_list"))]
            if user.is_staff or role == Role.ADMIN
            else []
        ),
    ]
    organisation = [
        ("regions", "区域网格", reverse("org:region_list")),
        ("teams", "执法队伍", reverse("org:team_list")),
        ("officers", "执法队员", reverse("org:officer_list")),
        ("buildings", "楼宇", reverse("org:building_list")),
    ]
    oversight = [
        ("dashboard", "驾驶舱", reverse("dashboard:home")),
        *([("reform", "改革成效", reverse("dashboard:reform"))] if role != Role.GRID_WORKER else []),
        *([("oversight", "监督预警", reverse("oversight:board"))] if role != Role.GRID_WORKER else []),
        ("oversight_models", "预警模型", reverse("oversight:rules")),
        *(
            [
                ("evaluations", "五赋权一约束", reverse("oversight:evaluation_list")),
                ("trainings", "培训研讨", reverse("oversight:training_list")),
            ]
            if role != Role.GRID_WORKER
            else []
        ),
        # Ratings are anonymous to the officers: oversight and the district command see them.
        *(
            [("ratings", "执法评价", reverse("codes:ratings"))]
            if user.is_superuser or role in (Role.OVERSIGHT, Role.ADMIN, Role.DISTRICT_COMMAND)
            else []
        ),
    ]
    groups = [
        NavGroup("command", "指挥", tuple(dispatching)),
        NavGroup("supervision", "监管", tuple(supervision)),
        NavGroup("cases", "办案", tuple(cases)),
        NavGroup("organisation", "队伍与区域", tuple(organisation)),
        NavGroup("oversight", "监督", tuple(oversight)),
    ]
    return [g for g in groups if g.items]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"large_text": large_text_for(request)}
    groups = _groups(user)
    scope = scope_for(user)
    if scope.district_wide:
        scope_label = "全区"
    elif user.unit_id is None:
        scope_label = "无辖区"
    else:
        scope_label = Region.objects.filter(units__pk=user.unit_id).values_list("name", flat=True).first()
    return {
        "nav_groups": groups,
        "start_url": start_url(user),
        "scope_label": scope_label,
        "user_scope": scope,
        "large_text": large_text_for(request),
    }
