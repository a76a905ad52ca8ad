"""Run the early-warning models over the records, then the warnings' deadlines (reminders, overdue marks,
escalations); idempotent: schedule it daily or hourly."""

from django.core.management.base import BaseCommand, CommandError

from zhifa.core.errors import ServiceError
from zhifa.oversight.deadlines import alert_deadlines_run
from zhifa.oversight.services import oversight_scan


class Command(BaseCommand):
    help = "运行执法监督预警模型：新增、更新或自动消除预警（重复运行不产生重复预警）"

    def add_arguments(self, parser):
        parser.add_argument("--model", action="append", dest="codes", help="只运行指定模型（编码，可重复）")

    def handle(self, *args, codes=None, **options):
        try:
            run = oversight_scan(codes=codes)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        for code, c in run.per_rule.items():
            self.stdout.write(
                f"{code:24} 发现 {c['found']:6}  新增 {c['created']:5}  更新 {c['updated']:5}  "
                f"再现 {c['reopened']:4}  消除 {c['resolved']:5}  {c['seconds']:.2f}s"
            )
        self.stdout.write(
            f"合计：新增 {run.created}，更新 {run.updated}，再现 {run.reopened}，自动消除 {run.resolved}；用时 {run.seconds:.2f} 秒"
        )
        d = alert_deadlines_run()
        self.stdout.write(f"期限：到期提醒 {d['reminded']}，逾期 {d['overdue']}，升级 {d['escalated']}")
