"""Background jobs: long work a person started from a page (a big 12345 import, a district-wide risk recompute),
run by a Celery worker — or in-process when no broker is configured — with a status the page polls."""

import uuid

from django.conf import settings
from django.db import models

from zhifa.jobs.choices import JobStatus


class Job(models.Model):
    """后台任务 — one run of a registered job kind, its input, status and result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("任务类型", max_length=80, db_index=True)
    status = models.CharField("状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField("参数", default=dict, blank=True)
    payload = models.BinaryField("上传内容", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    result = models.JSONField("结果", null=True, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"
