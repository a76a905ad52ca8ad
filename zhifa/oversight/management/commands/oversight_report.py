"""Write the monthly oversight report (xlsx and/or a PDF with charts) for the district and each subdistrict."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhifa.accounts.choices import Role
from zhifa.oversight.report import month_bounds, monthly_report, report_xlsx
from zhifa.oversight.report_pdf import report_pdf


class _District:
    """The reader of a scheduled report: the whole district (as oversight reads it)."""

    is_authenticated = is_active = True
    is_superuser = False
    role = Role.OVERSIGHT
    unit_id = None
    pk = None


class Command(BaseCommand):
    help = "生成执法监督月度报告（xlsx 和/或含图表的 PDF）：全区及各街道的事件与 721、按时率、检查、案件、亮码与评价、预警"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="月份，如 2026-03（默认上月）")
        parser.add_argument("--output", help="xlsx 文件路径")
        parser.add_argument("--pdf", help="PDF 文件路径（含图表：全区、各街道对比、每个街道）")

    def handle(self, *args, month=None, output=None, pdf=None, **options):
        if not output and not pdf:
            raise CommandError("请用 --output 指定 xlsx 文件，或用 --pdf 指定 PDF 文件")
        if not month:
            first = timezone.localdate().replace(day=1)
            month = (first.replace(day=1) - timezone.timedelta(days=1)).strftime("%Y-%m")
        try:
            month_bounds(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        report = monthly_report(user=_District(), month=month)
        for path, render in ((output, report_xlsx), (pdf, report_pdf)):
            if path:
                Path(path).write_bytes(render(report))
                self.stdout.write(f"已生成 {path}：{month}，{len(report['areas'])} 个区域")
