"""Recorded and replayed accuracy of automatic classification for a year, per domain: the share of first
suggestions kept as recorded, beside a prequential replay (each day by the model as it stood the day before)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhifa.dispatch.events.accuracy import replay, routing_accuracy_for_user


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    —"


class Command(BaseCommand):
    help = "智能分类准确率：记录的第一条建议保留率，与逐日重放（每天用前一天为止的模型预测）对照，按领域"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="年份，默认今年")
        parser.add_argument(
            "--rebuild-days", type=int, default=1, help="重放时每隔几天重建一次模型（默认每天）"
        )

    def handle(self, *args, year, rebuild_days, **options):
        year = year or timezone.localdate().year
        if rebuild_days < 1:
            raise CommandError("--rebuild-days 至少为 1")
        recorded = routing_accuracy_for_user(user=None, year=year)
        started = time.perf_counter()
        replayed = replay(user=None, year=year, rebuild_every_days=rebuild_days)
        took = time.perf_counter() - started
        out = self.stdout.write
        total = recorded.total()
        if not total.events:
            out(f"{year} 年没有已分类的事件")
            return
        out(
            f"{year} 年 {total.events} 件已分类事件（未识别 {recorded.unclassified} 件）；重放用时 {took:.0f} 秒"
        )
        out("领域\t件数\t记录：首条建议保留\t重放：首条正确\t重放：前三条含正确\t重放：领域正确")
        for code, name in recorded.domains:
            r, p = recorded.total(domain=code), replayed.total(domain=code)
            out(
                f"{name}\t{r.events}\t{_pct(r.top1, r.events)}\t{_pct(p.top1, p.events)}"
                f"\t{_pct(p.top3, p.events)}\t{_pct(p.domain_top1, p.events)}"
            )
        p = replayed.total()
        out(
            f"合计\t{total.events}\t{_pct(total.top1, total.events)}\t{_pct(p.top1, p.events)}"
            f"\t{_pct(p.top3, p.events)}\t{_pct(p.domain_top1, p.events)}"
        )
        out(
            "按月（重放，首条正确）："
            + "  ".join(
                f"{m[5:]}月 {_pct(t.top1, t.events).strip()}"
                for m in replayed.months
                for t in [replayed.total(month=m)]
            )
        )
