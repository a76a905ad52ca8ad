"""manage.py restore FOLDER --yes — replace the database and evidence files with a backup, then check it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhifa.audit.services import audit_verify
from zhifa.core.backup import backup_compare, backup_read_manifest, backup_restore
from zhifa.core.errors import ServiceError
from zhifa.core.memo import memo_clear_all


class Command(BaseCommand):
    help = "用备份替换当前数据库与证据文件，随后核对各表行数并校验审计链"

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true", help="确认替换当前数据库（不加则只显示备份内容）")

    def handle(self, *args, folder, yes, **options):
        try:
            manifest = backup_read_manifest(Path(folder))
            if not yes:
                self.stdout.write(
                    f"备份时间 {manifest['created_at']}，{manifest['vendor']}，"
                    f"{sum(manifest['counts'].values())} 行。加 --yes 才会替换当前数据库。"
                )
                return
            backup_restore(folder=Path(folder))
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        memo_clear_all()
        problems = backup_compare(manifest)
        report = audit_verify()
        if problems or not report.ok:
            listed = "；".join(problems[:10] + [str(p) for p in report.problems[:10]])
            raise CommandError(f"恢复后核对未通过：{listed}")
        self.stdout.write(f"已恢复 {folder}：各表行数与备份一致，审计链校验通过（{report.count} 条）")
