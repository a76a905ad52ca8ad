"""python manage.py verify_pdf FILE [--trust CA.pem] — is a signed document valid, and if not, why."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhifa.codes.pdfsign import pdf_verify, trust_roots


class Command(BaseCommand):
    help = "核验执法文书 PDF 的电子签名：是否完整、签署人、签名后是否被修改"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--trust", action="append", default=[], help="另外信任的根证书（PEM），可多次指定"
        )

    def handle(self, *args, file: str, trust: list[str], **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        check = pdf_verify(path.read_bytes(), roots=trust_roots([Path(t) for t in trust]))
        self.stdout.write(("有效" if check.valid else "无效") + f"：{path.name}")
        if check.signer:
            self.stdout.write(f"  签署人：{check.signer}")
        if check.signed_at:
            self.stdout.write(f"  签名时间：{check.signed_at}")
        for reason in check.reasons:
            self.stdout.write(f"  - {reason}")
        if not check.valid:
            raise CommandError("签名核验未通过")
