from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhifa.audit"
    label = "audit"
    verbose_name = "全过程记录"
