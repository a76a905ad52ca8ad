from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhifa.demo"
    label = "demo"
    verbose_name = "演示城区"

    def ready(self) -> None:
        from zhifa.demo.jobs import DEMO_JOB, demo_build_job
        from zhifa.jobs.registry import register_job

        register_job(DEMO_JOB, label="生成演示城区", run=demo_build_job)
