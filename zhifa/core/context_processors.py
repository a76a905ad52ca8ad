"""Navigation for the page shell: which sections the user's role may open, and the scope label."""

from django.urls import reverse

from zhifa.core.scope import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        ("dashboard", "驾驶舱", reverse("dashboard:home")),
        ("board", "指挥调度", reverse("dispatch:board")),
        ("tasks", "我的任务", reverse("dispatch:my_tasks")),
        ("consultations", "会商联席", reverse("dispatch:consultation_list")),
        ("catalog", "执法事项", reverse("catalog:item_list")),
        ("scenarios", "监管一件事", reverse("catalog:scenario_list")),
        ("risk", "三色赋码", reverse("risk:overview")),
        ("draws", "双随机", reverse("inspections:draw_list")),
        ("jointplans", "综合查一次", reverse("inspections:jointplan_list")),
        ("records", "检查记录", reverse("inspections:record_list")),
        ("plan", "执法计划", reverse("inspections:plan")),
        ("regions", "区域网格", reverse("org:region_list")),
        ("teams", "执法队伍", reverse("org:team_list")),
        ("officers", "执法队员", reverse("org:officer_list")),
        ("buildings", "楼宇", reverse("org:building_list")),
        ("subjects", "监管对象", reverse("subjects:subject_list")),
    ]
    if user.role in ("grid_worker", "officer", "department"):
        items.insert(2, ("report_in", "现场上报", reverse("dispatch:report_in")))
    if user.role == "officer":
        items.insert(2, ("mydays", "我的检查日程", reverse("inspections:my_days")))
    if user.is_superuser or user.role in ("admin", "district_command"):
        items.insert(3, ("hotline_import", "12345 导入", reverse("dispatch:hotline_import")))
    if user.is_staff or user.role == "admin":
        items.append(("releases", "清单版本", reverse("catalog:release_list")))
    scope = scope_for(user)
    if scope.district_wide:
        scope_label = "全区"
    elif user.unit_id is None:
        scope_label = "无辖区"
    else:
        from zhifa.org.models import Region

        scope_label = Region.objects.filter(units__pk=user.unit_id).values_list("name", flat=True).first()
    return {"nav_items": items, "scope_label": scope_label, "user_scope": scope}
