"""python manage.py codes_keys init|rotate|retire KID|show — the 行政行为码 signing keys (see zhifa/codes/keys.py)."""

import json

from django.core.management.base import BaseCommand, CommandError

from zhifa.codes import keys
from zhifa.codes.pdfsign import demo_ca_ensure, signing_dir


class Command(BaseCommand):
    help = "行政行为码签名密钥：init 首次生成（已有则不动），rotate 轮换（旧密钥继续用于核验），retire KID 停用，show 显示公钥"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["init", "rotate", "retire", "show"])
        parser.add_argument("kid", nargs="?", default="")

    def handle(self, *args, action: str, kid: str, **options):
        try:
            if action == "init":
                made = keys.keys_init()
                self.stdout.write(("已生成签名密钥：" if made else "签名密钥已存在：") + keys.code_keys().kid)
                from django.conf import settings

                if settings.ZHIFA_KEYS_AUTOCREATE and settings.ZHIFA_PDF_SIGN:
                    demo_ca_ensure()
                    self.stdout.write(f"文书签章演示 CA：{signing_dir() / 'ca.pem'}")
            elif action == "rotate":
                self.stdout.write(f"新签名密钥：{keys.keys_rotate()}（旧密钥保留用于核验）")
            elif action == "retire":
                if not kid:
                    raise CommandError("请指定要停用的 kid")
                keys.keys_retire(kid)
                self.stdout.write(f"已停用密钥 {kid}：用它签发的码将核验为“签发密钥未知”")
            else:
                self.stdout.write(json.dumps(keys.code_keys().jwks, ensure_ascii=False, indent=2))
        except keys.CodeKeyError as exc:
            raise CommandError(str(exc)) from None
