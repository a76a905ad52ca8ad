"""Every page of the site and who opens it in the accessibility audit, and every URL that is not a page.

A URL pattern that is in none of AUDITED, NOT_PAGES and NOT_YET fails `test_every_url_has_an_audit_entry`:
a new page comes with its audit entry. Each page is audited once per width, as the role that works on it;
each role's own start page is audited as that role too (the menu and header differ by role)."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    name: str  # the URL name ("dispatch:event_detail"), or "error:<code>" for an error page
    role: str | None  # the username in the audit's world; None: anonymous
    path: Callable  # world -> path
    label: str
    status: int = 200
    # Before the audit: fill these fields (CSS selector -> value) and click this button, to audit a form's errors.
    fill: dict = field(default_factory=dict)
    submit: str = ""


def p(name, role, path, label, **kw) -> Page:
    return Page(name, role, path if callable(path) else (lambda w, _p=path: _p), label, **kw)


# The users of tests/a11y/conftest.py's world, one per role.
ROLES = {
    None: "公众（未登录）",
    "alice": "执法队员（南星）",
    "carol": "区协调指挥中心",
    "sam": "街道指挥室（南星）",
    "dept": "区级部门（市场监管）",
    "gina": "网格员（南星）",
    "olga": "执法监督",
    "root": "系统管理员",
}

AUDITED: list[Page] = [
    # Public pages (no login).
    p("accounts:login", None, "/accounts/login/", "登录"),
    p(
        "accounts:login",
        None,
        "/accounts/login/",
        "登录（密码错误）",
        status=400,
        fill={"#id_username": "alice", "#id_password": "wrong-password"},
        submit="button[type=submit]",
    ),
    p("dispatch:report", None, "/dispatch/report/", "我要反映"),
    p(
        "dispatch:report",
        None,
        "/dispatch/report/",
        "我要反映（未填写就提交）",
        status=400,
        submit="form.stack button[type=submit]",
    ),
    p("dispatch:track", None, "/dispatch/track/", "办理进度查询"),
    p("dispatch:track_detail", None, lambda w: f"/dispatch/track/{w.event.receipt_no}/", "办理进度"),
    p("codes:verify_entry", None, "/c/", "行政行为码核验入口"),
    p("codes:verify", None, lambda w: f"/c/{w.code.token}", "行政行为码核验"),
    p("codes:verify_by_id", None, lambda w: f"/c/id/{w.code.code_id}", "行政行为码（短地址）"),
    p("codes:shop_public", None, lambda w: f"/s/{w.shop_code.token}", "一码安公开页"),
    p("inspections:draw_public", None, lambda w: f"/inspections/public/draws/{w.draw.pk}/", "双随机公开页"),
    p("api:openapi-view", None, "/api/v1/docs", "接口文档（Swagger UI）"),
    p("error:404", None, "/no-such-page/", "404 找不到此页", status=404),
    # 指挥 (command): the district command centre, a subdistrict's command room, an officer.
    p("dispatch:board", "carol", "/dispatch/", "指挥调度"),
    p("dispatch:board", "sam", "/dispatch/", "指挥调度（街道）"),
    p("dispatch:event_new", "carol", "/dispatch/events/new/", "录入事件"),
    p("dispatch:event_detail", "carol", lambda w: f"/dispatch/events/{w.event.pk}/", "事件"),
    p("dispatch:my_tasks", "alice", "/dispatch/tasks/", "我的任务"),
    p("dispatch:report_in", "gina", "/dispatch/report-in/", "现场上报"),
    p("dispatch:report_in", "alice", "/dispatch/report-in/", "现场上报（队员）"),
    p("dispatch:consultation_list", "sam", "/dispatch/consultations/", "会商联席"),
    p("dispatch:consultation_detail", "alice", lambda w: f"/dispatch/consultations/{w.meeting.pk}/", "会商"),
    p("dispatch:hotline_import", "carol", "/dispatch/imports/hotline/", "12345 导入"),
    p("dispatch:routing_accuracy", "carol", "/dispatch/accuracy/", "智能分类准确率"),
    p("jobs:status", "carol", lambda w: f"/jobs/{w.job.pk}/", "后台任务进度"),
    # 监管 (supervision).
    p("subjects:subject_list", "carol", "/subjects/", "监管对象"),
    p("subjects:subject_detail", "alice", lambda w: f"/subjects/{w.nanxing_shop.pk}/", "监管对象详情"),
    p("subjects:subject_new", "carol", "/subjects/new/", "新增监管对象"),
    p(
        "subjects:subject_new",
        "carol",
        "/subjects/new/",
        "新增监管对象（未填写就提交）",
        status=400,
        submit="form button[type=submit]",
    ),
    p("subjects:subject_edit", "carol", lambda w: f"/subjects/{w.nanxing_shop.pk}/edit/", "编辑监管对象"),
    p("subjects:subject_import", "carol", "/subjects/import/", "导入监管对象"),
    p("risk:overview", "sam", "/risk/", "三色赋码"),
    p("risk:policy", "carol", "/risk/policy/", "赋码策略"),
    p("inspections:record_list", "alice", "/inspections/records/", "检查记录"),
    p(
        "inspections:record_new",
        "alice",
        lambda w: f"/inspections/records/new/?subject={w.nanxing_shop.pk}",
        "开始检查",
    ),
    p("inspections:record_detail", "alice", lambda w: f"/inspections/records/{w.record.pk}/", "检查记录详情"),
    p("inspections:guidance", "alice", "/inspections/guidance/", "执法体检"),
    p("codes:code_list", "alice", "/codes/", "行政行为码"),
    p("codes:code_detail", "alice", lambda w: f"/codes/{w.code.code_id}/", "行政行为码详情"),
    p("codes:ratings", "olga", "/codes/ratings/", "执法评价"),
    p("codes:shop_print", "carol", lambda w: f"/codes/shop/{w.nanxing_shop.pk}/", "一码安打印"),
    p("inspections:jointplan_list", "sam", "/inspections/joint-plans/", "综合查一次"),
    p("inspections:jointplan_new", "carol", "/inspections/joint-plans/new/", "编制综合查一次"),
    p(
        "inspections:jointplan_detail",
        "carol",
        lambda w: f"/inspections/joint-plans/{w.plan.pk}/",
        "综合查一次日历",
    ),
    p(
        "inspections:jointplan_squadday",
        "carol",
        lambda w: f"/inspections/joint-plans/{w.plan.pk}/days/{w.squad_day.pk}/",
        "检查组日程",
    ),
    p("inspections:my_days", "alice", "/inspections/my-days/", "我的检查日程"),
    p("inspections:draw_list", "carol", "/inspections/draws/", "双随机"),
    p("inspections:draw_new", "carol", "/inspections/draws/new/", "新建抽查"),
    p("inspections:draw_detail", "carol", lambda w: f"/inspections/draws/{w.draw.pk}/", "抽查详情"),
    p("inspections:plan", "carol", "/inspections/plan/", "执法计划"),
    p("inspections:demands", "sam", "/inspections/demands/", "检查需求"),
    p("inspections:request_list", "dept", "/inspections/requests/", "部门检查需求"),
    p("inspections:request_new", "dept", "/inspections/requests/new/", "提出检查需求"),
    p("catalog:scenario_list", "alice", "/catalog/scenarios/", "监管一件事"),
    p("catalog:scenario_detail", "alice", lambda w: f"/catalog/scenarios/{w.scenario.code}/", "场景详情"),
    # 办案 (cases) and the catalog.
    p("cases:case_list", "alice", "/cases/", "案件"),
    p("cases:case_new", "alice", "/cases/new/", "立案"),
    p("cases:case_detail", "alice", lambda w: f"/cases/{w.case.pk}/", "案件详情"),
    p("cases:on_spot", "alice", "/cases/on-spot/", "当场处罚"),
    p("catalog:item_list", "dept", "/catalog/", "执法事项"),
    p("catalog:item_detail", "dept", "/catalog/items/ZH0101/", "执法事项详情"),
    p("catalog:release_list", "root", "/catalog/releases/", "清单版本"),
    p("catalog:release_new", "root", "/catalog/releases/new/", "导入清单版本"),
    p("catalog:release_detail", "root", lambda w: f"/catalog/releases/{w.release_pk}/", "清单版本详情"),
    # 队伍与区域 (organisation).
    p("org:region_list", "carol", "/org/regions/", "区域网格"),
    p("org:region_detail", "sam", "/org/regions/330102008/", "区域详情"),
    p("org:team_list", "carol", "/org/teams/", "执法队伍"),
    p("org:team_detail", "carol", "/org/teams/ST-330102008/", "队伍详情"),
    p("org:officer_list", "carol", "/org/officers/", "执法队员"),
    p("org:officer_detail", "carol", lambda w: f"/org/officers/{w.nanxing_officer_record.pk}/", "队员详情"),
    p("org:building_list", "carol", "/org/buildings/", "楼宇"),
    p("org:building_detail", "carol", lambda w: f"/org/buildings/{w.building.code}/", "楼宇详情"),
    # 监督 and accounts.
    p("dashboard:home", "olga", "/", "驾驶舱"),
    p("dashboard:reform", "carol", "/reform/", "改革成效"),
    p("dashboard:reform_subdistrict", "sam", "/reform/330102008/", "改革成效（南星街道）"),
    # 监督 (oversight): its start page, a warning, the models, the monthly report and the evaluations.
    p("oversight:board", "olga", "/oversight/", "监督预警"),
    p("oversight:board", "carol", "/oversight/?state=new", "监督预警（区指挥中心，筛选）"),
    p("oversight:alert_detail", "olga", lambda w: f"/oversight/warnings/{w.alert.pk}/", "预警"),
    p("oversight:alert_detail", "sam", lambda w: f"/oversight/warnings/{w.alert.pk}/", "预警（街道答复）"),
    p("oversight:rules", "olga", "/oversight/models/", "预警模型"),
    p("oversight:monthly", "olga", "/oversight/report/", "月度报告"),
    p("oversight:evaluation_list", "carol", "/oversight/evaluations/", "五赋权一约束"),
    p(
        "oversight:evaluation_detail",
        "dept",
        lambda w: f"/oversight/evaluations/{w.period.pk}/",
        "评价（部门打分）",
    ),
    p("oversight:training_list", "olga", "/oversight/trainings/", "培训研讨"),
    p("oversight:training_new", "sam", "/oversight/trainings/new/", "登记培训研讨"),
    p("oversight:training_detail", "sam", lambda w: f"/oversight/trainings/{w.training.pk}/", "培训研讨记录"),
    p(
        "oversight:training_edit",
        "sam",
        lambda w: f"/oversight/trainings/{w.training.pk}/edit/",
        "修改培训研讨",
    ),
    p("oversight:training_hours", "carol", "/oversight/trainings/hours/", "培训学时统计"),
    p("accounts:tokens", "alice", "/accounts/tokens/", "账号与接口令牌"),
    p("accounts:password_change", "alice", "/accounts/password/", "修改密码"),
    p(
        "accounts:password_change",
        "alice",
        "/accounts/password/",
        "修改密码（原密码错误）",
        status=400,
        fill={"#id_old_password": "wrong", "#id_new_password": "x", "#id_new_password_again": "y"},
        submit="form button[type=submit]",
    ),
    p("accounts:user_list", "root", "/accounts/users/", "用户"),
    p(
        "accounts:user_password_reset",
        "root",
        lambda w: f"/accounts/users/{w.alice.pk}/password-reset/",
        "重置密码",
    ),
    # Error pages in the site frame.
    p("error:403", "alice", "/dispatch/events/new/", "403 没有权限", status=403),
    p("error:404", "alice", "/dispatch/events/999999/", "404 不在辖区内", status=404),
    p("error:500", None, "/__error_500__/", "500 系统出错", status=500),
    # Each remaining role's own start page (the header and menu are the role's).
    p("dispatch:board", "root", "/dispatch/", "指挥调度（管理员）"),
    p("dispatch:my_tasks", "dept", "/dispatch/tasks/", "我的任务（部门）"),
]

# URL names that answer with something other than a page: a POST action that redirects to an audited page, a
# file, JSON or XML. Each with why.
POST_ACTION = "POST only: redirects to an audited page (its errors show there as messages)"
NOT_PAGES: dict[str, str] = {
    "start": "redirects to the role's start page",
    "accounts:logout": POST_ACTION,
    "accounts:display": POST_ACTION,
    "accounts:token_revoke": POST_ACTION,
    "catalog:item_export": "xlsx download",
    "catalog:release_apply": POST_ACTION,
    "catalog:release_discard": POST_ACTION,
    "dispatch:event_action": POST_ACTION,
    "dispatch:ledger": "xlsx download",
    "dispatch:consultation_record": POST_ACTION,
    "dispatch:consultation_new": POST_ACTION,
    "dispatch:evidence_attach": POST_ACTION,
    "dispatch:evidence_file": "evidence file download",
    "dispatch:evidence_withdraw": POST_ACTION,
    "dispatch:evidence_adopt": POST_ACTION,
    "dispatch:hotline_import_template": "xlsx download",
    "dispatch:track_rate": POST_ACTION,
    "inspections:plan_xlsx": "xlsx download",
    "inspections:request_cancel": POST_ACTION,
    "inspections:draw_publish": POST_ACTION,
    "inspections:jointplan_publish": POST_ACTION,
    "inspections:jointplan_withdraw": POST_ACTION,
    "inspections:jointplan_xlsx": "xlsx download",
    "inspections:jointplan_visit_mark": POST_ACTION,
    "inspections:record_photo": "photo file download",
    "risk:assess": POST_ACTION,
    "risk:recompute": POST_ACTION,
    "cases:case_action": POST_ACTION,
    "cases:evidence_file": "evidence file download",
    "cases:document_pdf": "PDF download",
    "cases:document_signature": "signature image download",
    "cases:site_record_pdf": "PDF download (现场检查笔录)",
    "codes:rate": POST_ACTION,
    "codes:jwks": "JSON key set",
    "codes:pdf_ca": "PEM certificate",
    "codes:rating_review": POST_ACTION,
    "open311:*": "Open311 GeoReport v2: JSON / XML for machine clients",
    "api:*": "JSON API (its one page, the Swagger UI at /api/v1/docs, is audited as api:openapi-view)",
    "oversight:board_xlsx": "xlsx download",
    "oversight:monthly_xlsx": "xlsx download",
    "oversight:scan": POST_ACTION,
    "oversight:rule_edit": POST_ACTION,
    "oversight:alert_action": POST_ACTION,
    "oversight:step_file": "attachment download",
    "oversight:evaluation_new": POST_ACTION,
    "oversight:evaluation_score": POST_ACTION,
    "oversight:evaluation_weights": POST_ACTION,
    "oversight:evaluation_close": POST_ACTION,
    "oversight:training_material": POST_ACTION,
    "oversight:monthly_generate": POST_ACTION,
    "oversight:monthly_file": "report download (the job's starter only)",
    "oversight:training_material_file": "attachment download",
    "admin:*": "Django's own admin (system administrators only), outside the site frame",
}

# Pages that are being written on other branches: audited when they land (move them to AUDITED then). A name
# listed here that resolves on this branch fails the coverage test, so the entry cannot outlive its reason.
NOT_YET: dict[str, str] = {}
