"""Build the demo district (上城区-shaped) deterministically from a seed."""

from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zhifa.core.errors import ServiceError
from zhifa.demo.builder import demo_district_build
from zhifa.demo.jobs import demo_district_submit
from zhifa.jobs.choices import JobStatus
from zhifa.org.models import Region


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"日期应为 YYYY-MM-DD，如 2026-12-03：{text}") from None


class Command(BaseCommand):
    help = (
        "生成演示城区：14 个街道、杭州东站枢纽、网格、1+5 队伍、执法队员、楼宇、执法事项清单、演示账号，"
        "以及截至 --as-of 日期前一天的一年指挥中心事件、检查记录和冬季检查计划（默认今天）"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="随机种子：同一种子生成完全相同的城区")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时跳过而不报错")
        parser.add_argument(
            "--background",
            action="store_true",
            help="作为后台任务生成（配置了 Celery 时由 worker 执行，进度见 /jobs/<任务号>/；未配置时在本进程执行）",
        )
        parser.add_argument(
            "--as-of",
            type=_day,
            default=None,
            help="演示城区的“今天”（YYYY-MM-DD，默认今天）：事件截至前一天；同一种子和日期生成完全相同的城区",
        )

    def handle(
        self, *args, seed: int, if_empty: bool, as_of: date | None = None, background: bool = False, **options
    ):
        if Region.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示城区生成")
                return
            raise CommandError("数据库中已有区域数据，演示城区只能在空库中生成（可先删除 db.sqlite3）")
        if background:
            self._background(seed, as_of)
            return
        summary = demo_district_build(seed=seed, as_of=as_of)
        counts = "，".join(f"{k}={v}" for k, v in summary.counts.items())
        self.stdout.write(
            f"演示城区已生成（seed={seed}，截至 {summary.as_of:%Y-%m-%d}，用时 {summary.seconds:.1f} 秒）：{counts}"
        )

    def _background(self, seed: int, as_of: date | None) -> None:
        try:
            job = demo_district_submit(seed=seed, as_of=as_of)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        job.refresh_from_db()  # with no broker it has run already
        if job.status == JobStatus.SUCCEEDED:
            self.stdout.write(job.result["summary"])
        elif job.status == JobStatus.FAILED:
            raise CommandError(job.error)
        else:
            self.stdout.write(f"已提交后台任务 {job.pk}：进度见 /jobs/{job.pk}/（系统管理员）")
