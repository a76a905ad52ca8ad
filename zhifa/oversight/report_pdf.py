"""The monthly report as a PDF with charts (bars drawn by Typst from the figures, so nothing but the typst wheel is
needed): the district first, the subdistricts compared, then a page per subdistrict."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from zhifa.core.documents import date_text
from zhifa.core.pdf import render_report

TEMPLATE = Path(__file__).resolve().parent / "pdf" / "monthly_report.typ"


def _bars(pairs) -> list[dict]:
    return [{"label": str(label), "value": value} for label, value in pairs if value]


def _area(a: dict) -> dict:
    return {
        **{
            k: a[k]
            for k in (
                "area",
                "events",
                "resolved",
                "on_time",
                "event_rating",
                "visits",
                "visited_subjects",
                "visits_per_subject",
                "code_share",
                "ratings",
                "rating_avg",
                "ratings_low",
                "cases_filed",
                "warnings",
                "trainings",
            )
        },  # fmt: skip
        "mix": [{k: m[k] for k in ("mode", "label", "count", "percent", "target")} for m in a["mix"]],
        "decided": sum(o["count"] for o in a["outcomes"]),
        "outcomes": _bars((o["label"], o["count"]) for o in a["outcomes"]),
        "models": _bars(a["warnings_by_model"]),
    }


def report_pdf_data(report: dict) -> dict:
    areas = [_area(a) for a in report["areas"]]
    district = areas[0] if report.get("district_wide") and areas else None
    subdistricts = areas[1:] if district else areas

    def compare(key: str):
        return [{"label": a["area"], "value": a[key]} for a in subdistricts if a[key] is not None]

    start, end = report["start"], report["end"]
    last = end.fromordinal(end.toordinal() - 1)
    return {
        "title": f"执法监督月度报告（{report['month']}）",
        "month": report["month"],
        "period": f"{date_text(start)}至{date_text(last)}",
        "generated": date_text(timezone.localdate()),
        "year": start.year,
        "trainings_year": report.get("trainings_year", 0),
        "district": district,
        "areas": areas,
        "subdistricts": subdistricts,
        "compare": {k: compare(k) for k in ("events", "on_time", "warnings", "visits")},
    }


def report_pdf(report: dict) -> bytes:
    return render_report(TEMPLATE, report_pdf_data(report))
