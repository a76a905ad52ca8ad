"""python manage.py document_sample [NAME ...] [--output-dir DIR] — each document as a PDF from sample data,
through the district's templates (ZHIFA_DOCUMENT_TEMPLATES_DIR) when set: see an edited template at once."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhifa.core.document_samples import document_samples
from zhifa.core.documents import DOCUMENTS, DocumentError
from zhifa.core.pdf import render_pdf


class Command(BaseCommand):
    help = "用示例数据生成执法文书 PDF（使用本区模板目录中的模板），便于修改模板后查看效果"

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="文书模板名（默认全部）：" + "、".join(DOCUMENTS))
        parser.add_argument("--output-dir", default=".", help="PDF 写入的目录（默认当前目录）")

    def handle(self, *args, names: list[str], output_dir: str, **options):
        samples = document_samples()
        unknown = [n for n in names if n not in samples]
        if unknown:
            raise CommandError(f"没有这些文书：{'、'.join(unknown)}；可选：{'、'.join(samples)}")
        folder = Path(output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for name in names or list(samples):
            try:
                pdf = render_pdf(name, samples[name])
            except DocumentError as exc:
                raise CommandError(exc.message) from None
            path = folder / f"{name}.pdf"
            path.write_bytes(pdf)
            self.stdout.write(f"{DOCUMENTS[name].title}：{path}")
