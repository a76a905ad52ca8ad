"""Anchor the audit chain's head in the signed, append-only anchor file.

A district runs it every few minutes (cron, a systemd timer, or Celery beat); whoever can write the database
cannot then shorten or rewrite the chain up to the last anchor without `audit_verify` noticing.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from zhifa.audit.services import audit_anchor_write
from zhifa.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "把审计链的链头（序号、MAC、记录数、时间）签名后追加到锚点文件（ZHIFA_AUDIT_ANCHOR_FILE）；"
        "先核对上一锚点之后的记录，未通过则不写入并以非零状态退出。请每隔几分钟定时运行"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--create-key",
            action="store_true",
            help="签名密钥文件不存在时生成（生产环境首次使用；开发与演示环境自动生成）",
        )

    def handle(self, *args, create_key: bool, **options):
        try:
            written = audit_anchor_write(create_key=create_key or settings.ZHIFA_AUDIT_ANCHOR_KEY_AUTOCREATE)
        except ServiceError as exc:
            self.stderr.write(f"未写入锚点：{exc.message}")
            sys.exit(1)
        if written is None:
            self.stdout.write("自上一锚点以来审计链没有新记录，未写入锚点")
            return
        if written.public_pem:
            self.stdout.write(
                f"已生成锚点签名密钥 {settings.ZHIFA_AUDIT_ANCHOR_KEY_FILE}（签名密钥编号 {written.signer}）。"
                "请把下面的公钥另行保存，以便日后核对：\n" + written.public_pem
            )
        a = written.anchor
        self.stdout.write(
            f"已写入锚点：{settings.ZHIFA_AUDIT_ANCHOR_FILE} 第 {a.line} 行，链头第 {a.seq} 条，"
            f"共 {a.count} 条记录，{a.at}"
        )
