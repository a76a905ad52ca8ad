"""JSON API of the 改革成效 page (/api/v1/reform): the same figures as the page, from the same selectors."""

from ninja import Router, Schema

from zhifa.dashboard import reform

router = Router(tags=["改革成效"])


class FigureOut(Schema):
    key: str
    label: str
    value: int | float | None
    shown: str
    unit: str
    reference: str
    url: str
    note: str


class SectionOut(Schema):
    key: str
    title: str
    url: str
    figures: list[FigureOut]
    rows: list[dict]


class ReformOut(Schema):
    region: str | None  # subdistrict code, or None for the whole district
    sections: list[SectionOut]


@router.get("", response=ReformOut, summary="改革成效：全区（全区用户）")
def district(request):
    return {"region": None, "sections": reform.as_dict(reform.reform_district(user=request.user))}


@router.get("/{code}", response=ReformOut, summary="改革成效：一个街道（本街道或全区用户）")
def subdistrict(request, code: str):
    region, sections = reform.reform_subdistrict(user=request.user, code=code)
    return {"region": region.code, "sections": reform.as_dict(sections)}
