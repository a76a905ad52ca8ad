"""Build the demo district (上城区-shaped) deterministically from a seed."""

from django.core.management.base import BaseCommand, CommandError

from zhifa.demo.builder import demo_district_build
from zhifa.org.models import Region


class Command(BaseCommand):
    help = (
        "生成演示城区：14 个街道、杭州东站枢纽、网格、1+5 队伍、执法队员、楼宇、执法事项清单、演示账号，"
        "以及 2025-12-01 至 2026-11-25 一年的指挥中心事件"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="随机种子：同一种子生成完全相同的城区")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时跳过而不报错")

    def handle(self, *args, seed: int, if_empty: bool, **options):
        if Region.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示城区生成")
                return
            raise CommandError("数据库中已有区域数据，演示城区只能在空库中生成（可先删除 db.sqlite3）")
        summary = demo_district_build(seed=seed)
        counts = "，".join(f"{k}={v}" for k, v in summary.counts.items())
        self.stdout.write(f"演示城区已生成（seed={seed}，用时 {summary.seconds:.1f} 秒）：{counts}")
