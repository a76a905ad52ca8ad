"""The smaller things a new user meets in the first hour (issue 15, finding 10): the address `make run` prints,
Chinese domain names in the catalog export, the annual plan's year, the admin's 超时督办, the draw form refused
at once to oversight, the classifier built at start-up, and the demands page asking for a region's subjects by
subquery rather than by a list of thousands of ids."""

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.dispatch.conftest import district  # noqa: F401 (fixture)
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.dispatch import directory
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import Escalation
from zhifa.inspections.demands.selectors import inspection_demands

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("args", "url"),
    [
        ((), "http://127.0.0.1:8000/"),
        (("--port", "8080"), "http://127.0.0.1:8080/"),
        (("--host", "0.0.0.0", "--port", "9000"), "http://127.0.0.1:9000/"),
        (("--host", "192.168.1.20", "--port", "8001"), "http://192.168.1.20:8001/"),
        (("--host", "::1", "--port", "8002"), "http://[::1]:8002/"),
    ],
)
def test_demo_logins_print_the_address_served(world, args, url):
    user_create(username="command", password="x-12345678", role=Role.DISTRICT_COMMAND, unit=world.command)
    out = io.StringIO()
    call_command("demo_logins", *args, stdout=out)
    assert f"请打开 {url} 登录" in out.getvalue()
    assert ("其他电脑请用本机的 IP 地址" in out.getvalue()) == ("0.0.0.0" in args)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_passes_port_and_host_on():
    dry = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "run", "PORT=8123", "HOST=0.0.0.0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "demo_logins --host 0.0.0.0 --port 8123" in dry and "runserver 0.0.0.0:8123" in dry
    plain = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8000" in plain


def test_catalog_export_names_domains_in_chinese(district):  # noqa: F811
    res = client_for(district.alice).get("/catalog/export.xlsx")
    assert res.status_code == 200
    sheet = load_workbook(io.BytesIO(res.content))["事项"]
    domains = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert domains == {"综合执法", "市场监管"}


def test_annual_plan_workbook_is_named_for_the_plan_year(district):  # noqa: F811
    res = client_for(district.carol).get("/inspections/plan.xlsx", {"year": 2026, "threshold": 1})
    assert res.status_code == 200
    book = load_workbook(io.BytesIO(res.content))
    assert book.sheetnames == ["2027年执法计划"]
    assert book.active["A1"].value.startswith("2027 年度执法计划表（依据 2026 年投诉")


def test_admin_names_escalations_in_chinese(district):  # noqa: F811
    event = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=district.carol)
    Escalation.objects.create(
        event=event,
        clock="link",
        to_unit=district.command,
        due_at=timezone.now() - timedelta(minutes=5),
        at=timezone.now(),
    )
    admin = client_for(district.root)
    index = admin.get("/admin/").content.decode()
    assert "超时督办" in index and "Escalations" not in index
    page = admin.get("/admin/dispatch/escalation/").content.decode()
    assert "督办单位" in page and "联动" in page  # the clock as people call it, not "link"


def test_the_draw_form_is_refused_to_oversight_at_once(district):  # noqa: F811
    res = client_for(district.olga).get("/inspections/draws/new/")
    assert res.status_code == 403
    assert client_for(district.olga).post("/inspections/draws/new/", {"name": "x"}).status_code == 403
    assert client_for(district.alice).get("/inspections/draws/new/").status_code == 403  # officers neither
    assert client_for(district.carol).get("/inspections/draws/new/").status_code == 200
    listing = client_for(district.olga).get("/inspections/draws/").content.decode()
    assert "新建抽查" not in listing


def test_the_classifier_is_built_before_the_first_report(district):  # noqa: F811
    directory.classifier_forget()
    assert directory._classifier is None
    directory.classifier_warm(background=False)
    built = directory._classifier
    assert built is not None
    assert directory.classifier() is built.classifier  # the first report uses it, nothing rebuilt
    directory.classifier_forget()
    thread = directory.classifier_warm()  # as zhifa.wsgi does: in the background
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert "classifier_warm()" in (ROOT / "zhifa" / "wsgi.py").read_text(encoding="utf-8")


def test_demands_ask_for_a_regions_subjects_by_subquery(district):  # noqa: F811
    with CaptureQueriesContext(connection) as queries:
        inspection_demands(
            region=district.nanxing,
            period_start=timezone.localdate(),
            period_end=timezone.localdate() + timedelta(days=90),
        )
    in_lists = [q["sql"] for q in queries if '"subject_id" IN (' in q["sql"]]
    assert in_lists and all('"subject_id" IN (SELECT' in sql for sql in in_lists), in_lists
