"""Escalate overdue events to the level above; run every minute from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from zhifa.dispatch.sla import sla_scan


class Command(BaseCommand):
    help = "扫描超时事件并逐级督办（可每分钟运行，同一时限只督办一次）"

    def handle(self, *args, **options):
        raised = sla_scan()
        self.stdout.write(f"本次督办 {raised} 项超时")
