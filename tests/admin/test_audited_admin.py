"""The admin writes like the services: edits of subjects, violations, units and users through /admin/ leave an
audit record naming the administrator and the change, the chain still verifies, a service's refusal comes
back on the form with nothing written, rows other records point at are not deleted, read-only screens refuse
every POST."""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.db import transaction
from django.forms import MultiWidget
from django.test import RequestFactory

from tests.conftest import client_for
from tests.subjects.conftest import code
from zhifa.accounts.models import ApiToken, User
from zhifa.accounts.services import api_token_create
from zhifa.audit.admin_base import AuditedAdmin, ReadOnlyMixin, editable_inlines
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import audit_verify
from zhifa.catalog.models import EnforcementItem, Scenario
from zhifa.dispatch.models import RoutingRule
from zhifa.org.models import Domain, Unit
from zhifa.org.services import domain_create
from zhifa.subjects.models import Subject, Violation
from zhifa.subjects.services import violation_record


def form_data(client, url: str) -> dict:
    """What the admin's form would post back unchanged: its initial values, inlines' management forms too."""
    res = client.get(url)
    assert res.status_code == 200
    form = res.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    for inline in res.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def last_audit(action: str) -> AuditRecord:
    return AuditRecord.objects.filter(action=action).order_by("-seq").first()


@pytest.fixture
def root_client(world):
    return client_for(world.root)


def assert_chain_verifies():
    report = audit_verify()
    assert report.problems == [] and report.count == AuditRecord.objects.count()


# --- subjects: through subject_update / subject_create -------------------------------------------------------


def test_admin_subject_edit_goes_through_the_service_and_the_chain(subjects, root_client):
    shop = subjects.nanxing_shop
    url = f"/admin/subjects/subject/{shop.pk}/change/"
    data = form_data(root_client, url)
    data.update(name="杭州示例0001小吃店（更名）", credit_class="C")
    res = root_client.post(url, data)
    assert res.status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.credit_class, shop.version) == ("杭州示例0001小吃店（更名）", "C", 2)
    record = last_audit("subject.update")
    assert record.actor == subjects.root and record.object_id == str(shop.pk)
    assert (
        record.before["name"] == "杭州示例0001小吃店" and record.after["name"] == "杭州示例0001小吃店（更名）"
    )
    assert (record.before["credit_class"], record.after["credit_class"]) == ("A", "C")
    assert_chain_verifies()


def test_admin_subject_edit_refused_by_the_service_changes_nothing(subjects, root_client):
    shop = subjects.nanxing_shop
    url = f"/admin/subjects/subject/{shop.pk}/change/"
    data = form_data(root_client, url)
    data["uscc"] = "123"
    before = AuditRecord.objects.count()
    res = root_client.post(url, data)
    assert res.status_code == 200
    errors = res.context["adminform"].form.errors
    assert "统一社会信用代码“123”有误" in errors["uscc"][0]
    shop.refresh_from_db()
    assert shop.uscc != "123" and shop.version == 1
    assert AuditRecord.objects.count() == before


def test_admin_subject_service_error_lands_on_the_form_field(subjects, root_client):
    url = "/admin/subjects/subject/add/"
    data = form_data(root_client, url)
    data.update(
        name="示例新店", kind="individual", industry_code="H62", credit_class="B", status="active",
        uscc=code(5, "2"), subdistrict=str(subjects.jiubao.pk), address="南星街道示例路9号",
    )  # fmt: skip
    before = AuditRecord.objects.count()
    res = root_client.post(url, data)
    assert res.status_code == 200
    form = res.context["adminform"].form
    assert form.errors["subdistrict"] == ["所填街道“330102018”与定位结果“南星街道”不符"]
    assert "所填街道“330102018”与定位结果“南星街道”不符" in form.non_field_errors()
    assert not Subject.objects.filter(name="示例新店").exists()
    assert AuditRecord.objects.count() == before


def test_admin_subject_add_goes_through_subject_create(subjects, root_client):
    url = "/admin/subjects/subject/add/"
    data = form_data(root_client, url)
    data.update(
        name="示例出租屋", kind="place", industry_code="K70", credit_class="B", status="active",
        subdistrict=str(subjects.nanxing.pk), address="南星街道示例路10号",
    )  # fmt: skip
    res = root_client.post(url, data)
    assert res.status_code == 302
    created = Subject.objects.get(name="示例出租屋")
    assert created.region_path == subjects.nanxing.path
    assert last_audit("subject.create").object_id == str(created.pk)
    assert last_audit("subject.create").actor == subjects.root


# --- violations -----------------------------------------------------------------------------------------------


def test_admin_violation_edit_is_audited(subjects, root_client):
    violation = violation_record(
        subject=subjects.nanxing_shop,
        item=EnforcementItem.objects.get(code="ZH0101"),
        found_on=date(2025, 5, 1),
        severity="serious",
        source="日常检查",
        by=subjects.alice,
    )
    url = f"/admin/subjects/violation/{violation.pk}/change/"
    data = form_data(root_client, url)
    data.update(severity="minor", source="日常检查（复核更正）")
    res = root_client.post(url, data)
    assert res.status_code == 302
    violation.refresh_from_db()
    assert (violation.severity, violation.subject) == ("minor", subjects.nanxing_shop)
    record = last_audit("subject.violation_update")
    assert record.actor == subjects.root and record.object_id == str(violation.pk)
    assert (record.before["severity"], record.after["severity"]) == ("serious", "minor")
    assert record.after["source"] == "日常检查（复核更正）"
    assert_chain_verifies()
    # A violation is never deleted: risk colours and inspections rest on it.
    assert (
        root_client.post(f"/admin/subjects/violation/{violation.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Violation.objects.filter(pk=violation.pk).exists()


def test_admin_violation_add_goes_through_violation_record(subjects, root_client):
    url = "/admin/subjects/violation/add/"
    data = form_data(root_client, url)
    item = EnforcementItem.objects.get(code="ZH0101")
    tomorrow = date.today() + timedelta(days=1)
    data.update(
        subject=str(subjects.nanxing_shop.pk), item=str(item.pk), found_on=tomorrow.isoformat(),
        severity="minor", source="投诉核查",
    )  # fmt: skip
    res = root_client.post(url, data)
    assert res.status_code == 200
    assert res.context["adminform"].form.errors["found_on"] == ["发现日期不能为空，也不能晚于今天"]
    assert not Violation.objects.exists()
    data["found_on"] = date.today().isoformat()
    assert root_client.post(url, data).status_code == 302
    violation = Violation.objects.get()
    assert violation.recorded_by == subjects.root
    assert last_audit("subject.violation_record").object_id == str(violation.pk)


# --- organisation and users --------------------------------------------------------------------------------


def test_admin_unit_edit_is_audited(world, root_client):
    unit = world.nanxing_team
    url = f"/admin/org/unit/{unit.pk}/change/"
    data = form_data(root_client, url)
    data["name"] = "南星街道综合行政执法中队"
    assert root_client.post(url, data).status_code == 302
    record = last_audit("org.unit_update")
    assert record.actor == world.root and record.object_id == str(unit.pk)
    assert (
        record.before["name"] == "南星街道综合行政执法队"
        and record.after["name"] == "南星街道综合行政执法中队"
    )
    assert Unit.objects.get(pk=unit.pk).name == "南星街道综合行政执法中队"
    assert_chain_verifies()


def test_admin_user_edit_is_audited_without_the_password_hash(world, root_client):
    url = f"/admin/accounts/user/{world.bob.pk}/change/"
    data = form_data(root_client, url)
    data.update(full_name="九堡队员（调岗）", role="subdistrict_command")
    assert root_client.post(url, data).status_code == 302
    record = last_audit("accounts.user_update")
    assert record.actor == world.root and record.object_id == str(world.bob.pk)
    assert (record.before["role"], record.after["role"]) == ("officer", "subdistrict_command")
    assert record.after["full_name"] == "九堡队员（调岗）"
    assert "password" not in record.before and "password" not in record.after
    assert User.objects.get(pk=world.bob.pk).password not in str(record.after)
    assert_chain_verifies()


def test_admin_user_add_goes_through_user_create_and_forces_a_change(world, root_client):
    url = "/admin/accounts/user/add/"
    data = form_data(root_client, url)
    data.update(
        username="dave", password1="Kaishi-mima-2026", password2="Kaishi-mima-2026",
        full_name="新队员", role="officer", unit=str(world.nanxing_team.pk),
    )  # fmt: skip
    res = root_client.post(url, data)
    assert res.status_code == 302
    dave = User.objects.get(username="dave")
    assert (
        dave.must_change_password
        and dave.unit == world.nanxing_team
        and dave.check_password("Kaishi-mima-2026")
    )
    record = last_audit("accounts.user_create")
    assert record.actor == world.root and record.after["must_change_password"] is True
    # Django's validators speak Chinese on the admin form too.
    data.update(username="erin", password1="12345678", password2="12345678")
    res = root_client.post(url, data)
    assert res.status_code == 200 and not User.objects.filter(username="erin").exists()
    assert "这个密码太常见了。" in res.content.decode()


def test_admin_password_page_leads_to_the_audited_reset(world, root_client):
    res = root_client.get(f"/admin/accounts/user/{world.bob.pk}/password/")
    assert res.status_code == 302 and res["Location"] == f"/accounts/users/{world.bob.pk}/password-reset/"
    res = root_client.post(
        f"/admin/accounts/user/{world.bob.pk}/password/", {"password1": "x", "password2": "x"}
    )
    assert res.status_code == 302
    assert User.objects.get(pk=world.bob.pk).check_password("Zhifa-test-2026")


# --- deleting ---------------------------------------------------------------------------------------------------


def test_admin_refuses_to_delete_a_unit_that_users_belong_to(world, root_client):
    unit = world.nanxing_team
    res = root_client.post(f"/admin/org/unit/{unit.pk}/delete/", {"post": "yes"})
    assert res.status_code == 200
    assert "用户：南星队员" in res.content.decode()
    assert Unit.objects.filter(pk=unit.pk).exists()
    assert last_audit("org.unit_delete") is None
    # The bulk action refuses the same way.
    res = root_client.post(
        "/admin/org/unit/", {"action": "delete_selected", "_selected_action": [unit.pk], "post": "yes"}
    )
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_admin_delete_of_an_unused_row_is_audited(world, root_client):
    domain = domain_create(code="temp", name="临时领域", by=world.root)
    res = root_client.post(f"/admin/org/domain/{domain.pk}/delete/", {"post": "yes"})
    assert res.status_code == 302
    assert not Domain.objects.filter(pk=domain.pk).exists()
    record = last_audit("org.domain_delete")
    assert record.actor == world.root and record.object_id == str(domain.pk)
    assert record.before["code"] == "temp" and record.after is None
    assert_chain_verifies()


def test_admin_scenario_add_goes_through_scenario_create(district, root_client):
    url = "/admin/catalog/scenario/add/"
    data = form_data(root_client, url)
    item = EnforcementItem.objects.get(code="ZH0101")
    data.update(code="SC09", name="夜市", description="夜市一次检查", items=[str(item.pk)])
    assert root_client.post(url, data).status_code == 302
    scenario = Scenario.objects.get(code="SC09")
    assert list(scenario.items.all()) == [item]
    assert last_audit("catalog.scenario_create").actor == district.root


# --- read-only screens ------------------------------------------------------------------------------------------


def test_read_only_models_refuse_every_post(world, root_client):
    token, _ = api_token_create(user=world.alice, name="巡查终端", by=world.alice)
    record = AuditRecord.objects.order_by("seq").first()
    item_urls = [
        (f"/admin/audit/auditrecord/{record.pk}/change/", {"action": "forged"}),
        (f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "改名", "user": str(world.bob.pk)}),
    ]
    for url, data in item_urls:
        assert root_client.get(url).status_code == 200  # viewable
        assert root_client.post(url, data).status_code == 403
    for url in [
        "/admin/audit/auditrecord/add/",
        "/admin/accounts/apitoken/add/",
        "/admin/accounts/loginfailure/add/",
        "/admin/catalog/enforcementitem/add/",
        "/admin/dispatch/event/add/",
        "/admin/dispatch/escalation/add/",
        "/admin/subjects/subjectevent/add/",
    ]:
        assert root_client.post(url, {}).status_code == 403, url
    assert (
        root_client.post(f"/admin/audit/auditrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    token.refresh_from_db()
    assert (token.name, token.user) == ("巡查终端", world.alice)
    assert AuditRecord.objects.filter(pk=record.pk, action=record.action).exists()


def test_admin_revokes_a_token_through_the_service(world, root_client):
    token, _ = api_token_create(user=world.alice, name="巡查终端", by=world.alice)
    res = root_client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "已吊销 1 个令牌" in res.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert last_audit("accounts.api_token_revoke").actor == world.root
    assert ApiToken.objects.count() == 1


def test_routing_rule_edited_in_the_changelist_is_audited(world, root_client):
    rule = RoutingRule.objects.create(order=10, name="属地街道", target="subdistrict_team")
    res = root_client.post(
        "/admin/dispatch/routingrule/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(rule.pk),
            "form-0-order": "20",
            "_save": "保存",
        },
    )
    assert res.status_code == 302
    rule.refresh_from_db()
    assert (rule.order, rule.active) == (20, False)  # an unticked box is a switch-off
    record = last_audit("dispatch.routingrule_update")
    assert record.actor == world.root and (record.before["order"], record.after["order"]) == (10, 20)
    assert (record.before["active"], record.after["active"]) == (True, False)
    assert_chain_verifies()


def test_an_editable_inline_on_an_audited_admin_fails_the_checks():
    class Editable(admin.TabularInline):
        model = Scenario.items.through

    class Shown(ReadOnlyMixin, admin.TabularInline):
        model = Scenario.items.through

    site = admin.AdminSite(name="check")
    site.register(Scenario, type("ScenarioEditing", (AuditedAdmin,), {"inlines": [Editable]}))
    errors = editable_inlines(site)
    assert [e.id for e in errors] == ["zhifa.E001"]
    assert "ScenarioEditing has the editable inline Editable" in errors[0].msg
    site = admin.AdminSite(name="check")
    site.register(Scenario, type("ScenarioShowing", (AuditedAdmin,), {"inlines": [Shown]}))
    assert editable_inlines(site) == []
    assert editable_inlines(admin.site) == []  # the project's own admin


def test_a_save_without_a_service_bumps_the_version(subjects):
    # No app admin edits a versioned model without its service today; the base still bumps it.
    model_admin = AuditedAdmin(Subject, admin.AdminSite(name="generic"))
    request = RequestFactory().post("/")
    request.user = subjects.root
    shop = subjects.nanxing_shop
    form = model_admin.get_form(request, shop, change=True, fields=["name"])({"name": "新名"}, instance=shop)
    assert form.is_valid()
    with transaction.atomic():
        obj = model_admin.save_form(request, form, change=True)
        model_admin.save_model(request, obj, form, change=True)
        model_admin.save_related(request, form, [], change=True)
    shop.refresh_from_db()
    assert (shop.name, shop.version) == ("新名", 2)
    record = last_audit("subjects.subject_update")
    assert (record.before["version"], record.after["version"]) == (1, 2)
    assert record.actor == subjects.root
    assert_chain_verifies()
