"""Choice values of the command centre."""

from django.db import models


class Channel(models.TextChoices):
    WEB = "web", "群众网上诉求"
    STAFF = "staff", "指挥中心录入"
    GRID = "grid", "网格吹哨"
    PATROL = "patrol", "巡查发现"
    DEPARTMENT = "department", "部门移交"
    API = "api", "接口接入"
    HOTLINE = "12345", "12345 热线"
    OPEN311 = "open311", "Open311"


# Complaints (投诉) are the events that came from the public: 12345, the web form, Open311 / API and the command
# centre's own entry of a call. Patrol findings (an inspection's own event among them), grid reports and
# department transfers are the administration's own. The one definition the plan, demands and risk share.
COMPLAINT_CHANNELS = (Channel.HOTLINE, Channel.WEB, Channel.OPEN311, Channel.API, Channel.STAFF)


class Priority(models.TextChoices):
    URGENT = "urgent", "紧急"
    NORMAL = "normal", "一般"


class EventStatus(models.TextChoices):
    RECEIVED = "received", "待派发"
    DISPATCHED = "dispatched", "已派发"
    ACCEPTED = "accepted", "已受理"
    ON_SITE = "on_site", "已到场"
    RESOLVED = "resolved", "已处置"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"
    RETURNED = "returned", "已退单"
    MERGED = "merged", "已合并"


OPEN_STATUSES = (
    EventStatus.RECEIVED,
    EventStatus.DISPATCHED,
    EventStatus.ACCEPTED,
    EventStatus.ON_SITE,
    EventStatus.RETURNED,
)


class ResolutionMode(models.TextChoices):
    SERVICE = "service", "服务"
    MANAGEMENT = "management", "管理"
    ENFORCEMENT = "enforcement", "执法"


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头"
    ASSIST = "assist", "协办"


class ConsultationKind(models.TextChoices):
    CONSULTATION = "consultation", "会商"
    JOINT_MEETING = "joint_meeting", "现场联席会"


class ConsultationStatus(models.TextChoices):
    PLANNED = "planned", "待召开"
    HELD = "held", "已召开"


class EvidenceMethod(models.TextChoices):
    PHOTO = "photo", "现场拍照"
    VIDEO = "video", "视频"
    INTERVIEW = "interview", "询问笔录"
    TEST_REPORT = "test_report", "检测报告"
    SURVEILLANCE = "surveillance", "监控调取"
    ELECTRONIC = "electronic", "电子数据"
