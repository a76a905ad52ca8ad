"""Recompute the stored next deadline of every running case (after the holiday calendar or the rules change)."""

from django.core.management.base import BaseCommand

from zhifa.cases.services import case_deadlines_refresh


class Command(BaseCommand):
    help = "Recompute next_due of the cases still running; prints how many changed."

    def handle(self, *args, **options):
        self.stdout.write(f"{case_deadlines_refresh()} 件案件的期限已更新")
