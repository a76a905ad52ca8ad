"""Choice values of inspections: kinds, demand sources and the statuses of requests, plans, visits and records."""

from django.db import models


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", "例行检查"
    JOINT = "joint", "综合查一次"
    DRAW = "draw", "双随机抽查"
    COMPLAINT = "complaint", "投诉核查"
    REQUEST = "request", "部门检查需求"
    GUIDANCE = "guidance", "执法体检（指导）"


class DemandSource(models.TextChoices):
    """Where a due check comes from (the engine's Demand.source)."""

    POLICY = "policy", "赋码频次"
    SCENARIO = "scenario", "场景监管"
    COMPLAINT = "complaint", "投诉举报"
    REQUEST = "request", "部门需求"
    GUIDANCE = "guidance", "新设主体体检"


class RequestStatus(models.TextChoices):
    OPEN = "open", "待安排"
    PLANNED = "planned", "已排入计划"
    DONE = "done", "已检查"
    CANCELLED = "cancelled", "已撤销"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "待检查"
    DONE = "done", "已检查"
    MISSED = "missed", "未检查"
    CANCELLED = "cancelled", "已取消"


class InspectionStatus(models.TextChoices):
    OPEN = "open", "检查中"
    FINISHED = "finished", "已完成"


class FindingResult(models.TextChoices):
    COMPLIANT = "compliant", "合规"
    VIOLATION = "violation", "违法"
    NOT_APPLICABLE = "na", "不适用"
