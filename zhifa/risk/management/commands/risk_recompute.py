"""python manage.py risk_recompute [--batch 5000] — recompute every subject's colour from its records."""

from django.core.management.base import BaseCommand

from zhifa.risk.services import risk_recompute_all


class Command(BaseCommand):
    help = "重新计算全部监管对象的三色赋码（分批；只写入有变化的记录；可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="每批对象数（默认 5000）")

    def handle(self, *args, batch: int, **options):
        if batch < 1:
            self.stderr.write("--batch 须为正整数")
            raise SystemExit(2)
        report = risk_recompute_all(batch_size=batch)
        c = report.counts
        self.stdout.write(
            f"已评定 {report.subjects} 户，变化 {report.changed} 户，用时 {report.seconds:.1f} 秒；"
            f"绿码 {c['green']}、黄码 {c['yellow']}、红码 {c['red']}"
        )
