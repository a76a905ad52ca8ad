"""Demo logins: one user per role, bound to real units of the demo district."""

from django.conf import settings

from zhifa.accounts.choices import Role
from zhifa.accounts.models import User
from zhifa.accounts.services import user_create
from zhifa.demo.spec import DEMO_PASSWORD
from zhifa.dispatch.events.services import open311_key_create
from zhifa.org.models import GridWorker, Officer, Unit

# (username, full name, role, unit code, what they can try)
DEMO_USERS = (
    ("admin", "系统管理员（演示）", Role.ADMIN, "DC", "全部功能、清单版本导入、后台管理 /admin/"),
    ("command", "区指挥中心值班员（演示）", Role.DISTRICT_COMMAND, "DC", "全区驾驶舱与指挥调度"),
    ("nanxing_cmd", "南星街道指挥员（演示）", Role.SUBDISTRICT_COMMAND, "SC-330102008", "仅南星街道辖区"),
    ("jiubao_cmd", "九堡街道指挥员（演示）", Role.SUBDISTRICT_COMMAND, "SC-330102018", "仅九堡街道辖区"),
    ("nanxing_officer", None, Role.OFFICER, "ST-330102008", "南星街道执法队员（手机端）"),
    ("jiubao_officer", None, Role.OFFICER, "ST-330102018", "九堡街道执法队员（手机端）"),
    ("market_dept", "区市场监管局联络员（演示）", Role.DEPARTMENT, "DEP-market", "区级部门视角"),
    ("grid_sjq", None, Role.GRID_WORKER, "SC-330102014", "四季青街道网格员（网格吹哨）"),
    ("oversight", "执法监督员（演示）", Role.OVERSIGHT, "OV", "只读全区、执法监督"),
)


def create_demo_open311_key(*, by) -> None:
    """The key an Open311 client uses to post to the demo at once (setting OPEN311_DEMO_API_KEY)."""
    open311_key_create(name="演示 Open311 客户端", raw_key=settings.OPEN311_DEMO_API_KEY, by=by)


def create_demo_users(*, by) -> list[User]:
    users = []
    for username, full_name, role, unit_code, _note in DEMO_USERS:
        unit = Unit.objects.get(code=unit_code)
        extra = {}
        if role == Role.OFFICER:
            officer = Officer.objects.filter(team=unit).order_by("certificate_no").first()
            extra["officer"] = officer
            full_name = officer.name
        if role == Role.GRID_WORKER:
            worker = (
                GridWorker.objects.filter(region__path__startswith=unit.region.path).order_by("pk").first()
            )
            extra["grid_worker"] = worker
            full_name = worker.name
        if role == Role.ADMIN:
            extra.update(is_staff=True, is_superuser=True)
        users.append(
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                unit=unit,
                full_name=full_name,
                by=by,
                **extra,
            )
        )
    create_demo_open311_key(by=by)
    return users
