"""一码安: what a shop's door code shows the public. Built field by field from a whitelist — name, licence on
record, published inspection results, the district's rules for its industry in plain words — so nothing
private (credit class, risk colour unless published, coordinates, people, notes) can slip in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse

from zhifa.catalog.models import EnforcementItem
from zhifa.codes.models import ShopCode
from zhifa.inspections.choices import FindingResult, InspectionStatus
from zhifa.inspections.demands.selectors import subject_checks
from zhifa.inspections.models import Inspection
from zhifa.org.models import Domain
from zhifa.subjects.choices import SubjectKind, SubjectStatus
from zhifa.subjects.models import Subject

PUBLIC_INSPECTIONS = 20
ITEM_NAME = re.compile(r"^对(?P<act>.+?)的(?:行政处罚|行政强制措施|行政强制|行政检查|处罚|处理)$")


def plain_rule(name: str) -> str:
    """ "对未经批准在城市建筑物上张贴宣传品等的行政处罚" → "未经批准在城市建筑物上张贴宣传品等"."""
    match = ITEM_NAME.match(name.strip())
    return match.group("act") if match else name.strip()


@dataclass
class ShopPage:
    name: str
    kind: str
    industry: str
    address: str
    uscc: str
    opened_on: date | None
    status: str
    active: bool
    inspections: list[dict] = field(default_factory=list)
    rules: list[dict] = field(default_factory=list)  # per domain: {"domain", "items": [{"rule", "basis"}]}
    colour: str = ""  # only when the district publishes colours (ZHIFA_SHOP_PUBLISH_RISK)
    subdistrict_code: str = ""


def shop_code_of(subject: Subject) -> ShopCode | None:
    return ShopCode.objects.filter(subject=subject).first()


def shop_public_page(token: str) -> ShopPage | None:
    shop = (
        ShopCode.objects.select_related("subject", "subject__subdistrict")
        .defer("subject__subdistrict__geometry")
        .filter(token=str(token)[:32])
        .first()
    )
    if shop is None:
        return None
    s = shop.subject
    place = s.kind == SubjectKind.PLACE  # a rented flat or a site may be someone's home: no address
    page = ShopPage(
        name=s.name,
        kind=s.get_kind_display(),
        industry=s.industry_name,
        address="" if place else s.address,
        uscc=s.uscc,
        opened_on=s.opened_on,
        status=s.get_status_display(),
        active=s.status == SubjectStatus.ACTIVE,
        subdistrict_code=s.subdistrict.code,
        inspections=_published_inspections(s),
        rules=_rules(s),
    )
    if settings.ZHIFA_SHOP_PUBLISH_RISK:
        from zhifa.risk.models import SubjectRisk
        from zhifa.risk.services import colour_label

        colour = SubjectRisk.objects.filter(subject=s).values_list("colour", flat=True).first()
        page.colour = colour_label(colour) if colour else ""
    return page


def _published_inspections(subject: Subject) -> list[dict]:
    """Finished visits: date, kind and the published result (as the public draw pages publish it)."""
    rows = (
        Inspection.objects.filter(subject=subject, status=InspectionStatus.FINISHED)
        .annotate(n=Count("findings", filter=Q(findings__result=FindingResult.VIOLATION)))
        .order_by("-visited_on", "-id")[:PUBLIC_INSPECTIONS]
    )
    return [
        {
            "visited_on": r.visited_on,
            "kind": r.get_kind_display(),
            "result": f"发现问题 {r.n} 项，已依法处理" if r.n else "未发现问题",
        }
        for r in rows
    ]


def _rules(subject: Subject) -> list[dict]:
    """The district's checklist for this subject (its scenarios, else its industry's base list)."""
    checks = subject_checks([(subject.pk, subject.industry_code)]).get(subject.pk)
    if checks is None:
        return []
    codes = {c for items in checks.domains.values() for c in items}
    items = {i.code: i for i in EnforcementItem.objects.filter(code__in=codes)}
    names = dict(Domain.objects.filter(code__in=list(checks.domains)).values_list("code", "name"))
    order = {
        code: n
        for n, code in enumerate(Domain.objects.order_by("sort", "code").values_list("code", flat=True))
    }
    out = []
    for domain in sorted(checks.domains, key=lambda d: order.get(d, 999)):
        rows = [
            {"rule": plain_rule(items[c].name), "basis": items[c].legal_basis}
            for c in sorted(checks.domains[domain])
            if c in items
        ]
        if rows:
            out.append({"domain": names.get(domain, domain), "items": rows})
    return out


def report_url(page: ShopPage) -> str:
    """The public report page, filled in with the shop (name and address) so a customer only adds what."""
    where = page.address or page.name
    params = {
        "description": f"关于“{page.name}”：",
        "address": where[:200],
        "subdistrict": page.subdistrict_code,
    }
    return reverse("dispatch:report") + "?" + urlencode(params)


def party_name(v) -> str:
    """The party as the verification page names it: a registered business by name, a person masked."""
    if not v.shows_details:
        return ""
    subject = v.code.subject if v.code is not None else None
    if subject is not None and subject.uscc:
        return subject.name
    return ((v.claims or {}).get("party") or {}).get("name", "")
