from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "执行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)
