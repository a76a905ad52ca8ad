from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "zhifa.risk"
    label = "risk"
    verbose_name = "风险赋码"
