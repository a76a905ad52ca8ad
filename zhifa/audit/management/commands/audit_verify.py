"""Verify the audit hash chain; exit non-zero at the first tampered, missing or reordered row."""

import sys

from django.core.management.base import BaseCommand

from zhifa.audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计记录哈希链：报告第一条被篡改、删除或重排的记录，发现问题时以非零状态退出"

    def handle(self, *args, **options):
        count, found = audit_verify()
        if found is None:
            self.stdout.write(f"审计链完好：共校验 {count} 条记录")
            return
        self.stderr.write(f"审计链被破坏：第 {found.seq} 条记录 — {found.reason}")
        sys.exit(1)
