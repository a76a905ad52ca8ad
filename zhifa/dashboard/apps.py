from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "zhifa.dashboard"
    label = "dashboard"
    verbose_name = "驾驶舱"
