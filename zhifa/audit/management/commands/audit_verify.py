"""Verify the audit chain: every MAC, link and key, the head row, the count and every anchor; exit 1 on a problem."""

import sys

from django.core.management.base import BaseCommand

from zhifa.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "校验全过程记录：逐条核对 MAC（密钥在数据库之外）、前后衔接与序号，核对链头、记录数与锚点文件的每一行；"
        "逐条列出问题（记录序号与 id，或锚点行号，以及未通过的检查），发现问题时以非零状态退出"
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="最多列出多少处问题（其余只计数）")

    def handle(self, *args, limit: int, **options):
        report = audit_verify(limit=max(limit, 1))
        if report.ok:
            anchored = "，尚无锚点（请定期运行 audit_anchor）"
            if report.last_anchor is not None:
                last = report.last_anchor
                anchored = f"，最近锚点记到第 {last.seq} 条（{last.at}）"
            self.stdout.write(f"审计链完好：共校验 {report.count} 条记录、{report.anchors} 个锚点{anchored}")
            return
        for problem in report.problems:
            self.stderr.write(str(problem))
        total = len(report.problems) + report.more
        more = f"（只列出前 {len(report.problems)} 处）" if report.more else ""
        self.stderr.write(
            f"审计链被破坏：共校验 {report.count} 条记录、{report.anchors} 个锚点，发现 {total} 处问题{more}"
        )
        sys.exit(1)
