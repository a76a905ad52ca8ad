"""Choice values of oversight: warning states and severities, handling steps, evaluation kinds."""

from django.db import models


class AlertState(models.TextChoices):
    NEW = "new", "待下发"
    ASSIGNED = "assigned", "待说明整改"
    ANSWERED = "answered", "待核查"
    CLOSED = "closed", "已办结"
    RESOLVED = "resolved", "已自动消除"


# States in which the warning still asks something of someone.
OPEN_STATES = (AlertState.NEW, AlertState.ASSIGNED, AlertState.ANSWERED)


class Severity(models.TextChoices):
    YELLOW = "yellow", "提醒"
    RED = "red", "预警"


class StepAction(models.TextChoices):
    OPEN = "open", "生成预警"
    UPDATE = "update", "预警内容更新"
    REOPEN = "reopen", "问题再次出现"
    RESOLVE = "resolve", "记录已纠正，自动消除"
    ASSIGN = "assign", "下发责任单位"
    ANSWER = "answer", "说明或整改"
    VERIFY_PASS = "verify_pass", "核查通过"
    VERIFY_FAIL = "verify_fail", "核查不通过，退回"
    CLOSE = "close", "直接办结"
    REMIND = "remind", "到期提醒"
    OVERDUE = "overdue", "已逾期"
    ESCALATE = "escalate", "逾期升级"


class EvaluationKind(models.TextChoices):
    """五赋权一约束: the subdistricts rate the departments' legal support; the departments assess the
    subdistricts' enforcement."""

    REVERSE = "reverse", "法治支撑反向评价（街道评部门）"
    EFFECTIVENESS = "effectiveness", "执法成效考核（部门评街道）"


class PeriodStatus(models.TextChoices):
    OPEN = "open", "评价中"
    CLOSED = "closed", "已结束"


class Metric(models.TextChoices):
    """Criteria computed from the records instead of scored by hand (0–100 each)."""

    EVENT_ON_TIME = "event_on_time", "事件按时办结率"
    WARNINGS = "warnings", "监督预警（每条扣 5 分）"
    CODE_RATING = "code_rating", "企业评价平均分（× 20）"
    CASE_ON_TIME = "case_on_time", "案件按期办结率"


class TrainingKind(models.TextChoices):
    """培训与案件研讨: the kinds of record item 5 of the oversight issue keeps."""

    TRAINING = "training", "业务培训"
    DISCUSSION = "discussion", "疑难案件研讨"
    FILE_REVIEW = "file_review", "案卷评查"
    CASE_SELECTION = "case_selection", "优秀案例评选"
