"""Evidence in a case: linked from the event or the inspection it came from (no copy of the bytes), uploaded and
checked by content, typed by the eight statutory kinds, withdrawn with a reason, adopted with its origin;
files served only through the case's jurisdiction check."""

import json
from datetime import date

import pytest
from django.http import Http404

from tests.cases.conftest import JPEG, enforcement_event, open_case, pdf, photo
from tests.conftest import client_for
from zhifa.cases import services as svc
from zhifa.cases.evidence_kinds import requirement_kind
from zhifa.cases.models import CaseEvidence
from zhifa.core.errors import Conflict, ServiceError
from zhifa.dispatch.coordination.services import evidence_attach


def _file_bytes(res) -> bytes:
    return b"".join(res.streaming_content)


def test_link_an_events_evidence_without_copying_it(cw):
    w = cw
    event = enforcement_event(w)
    attached = evidence_attach(
        event=event, file=photo("e.jpg", JPEG + b"event"), method="photo", description="现场照片", by=w.alice
    )
    case = open_case(w, source="event", event=event)
    row = svc.case_evidence_link(
        case=case,
        event_evidence=attached,
        kind="audiovisual",
        requirement="现场照片或视频",
        description="事件现场照片",
        device="手机",
        by=w.alice,
    )
    assert (row.origin, row.file.name, row.sha256, row.source_unit) == (
        "event",
        "",
        attached.sha256,
        w.nanxing_team,
    )
    assert row.collector_name == attached.collector_name and row.collected_at == attached.collected_at
    res = client_for(w.alice).get(f"/cases/{case.pk}/evidence/{row.pk}/file/")
    assert _file_bytes(res) == JPEG + b"event"
    with pytest.raises(Conflict, match="该文件已在本案证据中"):
        svc.case_evidence_link(
            case=case, event_evidence=attached, kind="audiovisual", description="again", by=w.alice
        )
    # Evidence of an event the caller may not see is a 404.
    from zhifa.dispatch.events.intake import event_intake
    from zhifa.dispatch.events.services import event_accept

    other = event_accept(
        event=event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=w.carol), by=w.bob
    )
    foreign = evidence_attach(
        event=other, file=photo("b.jpg", JPEG + b"bob"), method="photo", description="x", by=w.bob
    )
    with pytest.raises(Http404):
        svc.case_evidence_link(
            case=case, event_evidence=foreign, kind="audiovisual", description="x", by=w.alice
        )


def test_link_an_inspection_photo_with_where_it_was_taken(cw):
    w = cw
    from zhifa.catalog.models import EnforcementItem
    from zhifa.inspections.records.services import inspection_photo_add, inspection_start

    w.scenario.items.set(EnforcementItem.objects.filter(code="ZH0101"))
    record = inspection_start(
        subject=w.nanxing_shop,
        kind="routine",
        visited_on=date(2026, 3, 2),
        officers=[w.nanxing_officer_record, w.partner],
        domains=["comprehensive"],
        by=w.alice,
    )
    shot = inspection_photo_add(
        inspection=record, upload=photo("i.jpg", JPEG + b"insp"), lng=120.17, lat=30.22, by=w.alice
    )
    case = open_case(w)
    row = svc.case_evidence_link(
        case=case, inspection_photo=shot, kind="audiovisual", description="检查照片", by=w.alice
    )
    assert (row.origin, row.place, row.sha256) == ("inspection", "120.170000, 30.220000", shot.sha256)
    assert _file_bytes(client_for(w.alice).get(f"/cases/{case.pk}/evidence/{row.pk}/file/")) == JPEG + b"insp"
    assert client_for(w.bob).get(f"/cases/{case.pk}/evidence/{row.pk}/file/").status_code == 404


def test_upload_is_checked_by_content_and_typed(cw):
    w = cw
    case = open_case(w)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(ServiceError, match="文件类型不支持"):
        svc.case_evidence_upload(case=case, file=fake, kind="audiovisual", description="x", by=w.alice)
    with pytest.raises(ServiceError, match="请选择证据种类"):
        svc.case_evidence_upload(case=case, file=pdf(), kind="paper", description="x", by=w.alice)
    with pytest.raises(ServiceError, match="“营业执照”不在本案执法事项的证据清单中"):
        svc.case_evidence_upload(
            case=case, file=pdf(), kind="documentary", requirement="营业执照", description="x", by=w.alice
        )
    row = svc.case_evidence_upload(
        case=case,
        file=pdf(),
        kind="party",
        requirement="询问笔录",
        description="询问笔录",
        place="队部",
        by=w.alice,
    )
    assert (
        row.origin == "upload"
        and row.file.name.startswith("cases/evidence/2026/03/")
        and row.file.name.endswith(".pdf")
    )
    assert CaseEvidence.objects.count() == 1
    with pytest.raises(Conflict):
        svc.case_evidence_upload(case=case, file=pdf(), kind="party", description="again", by=w.alice)
    row = svc.case_evidence_withdraw(evidence=row, reason="笔录未经当事人签字", by=w.alice)
    assert row.withdrawn and row.withdraw_reason == "笔录未经当事人签字"
    with pytest.raises(RuntimeError, match="append-only"):
        row.delete()


def test_upload_and_link_through_the_api(cw):
    w = cw
    case = open_case(w)
    alice = client_for(w.alice)
    res = alice.post(
        f"/api/v1/cases/{case.pk}/evidence/upload",
        {
            "file": pdf("api.pdf", b"api"),
            "kind": "party",
            "requirement": "询问笔录",
            "description": "询问笔录",
        },
    )
    assert res.status_code == 200, res.content
    evidence = res.json()["evidence"][0]
    assert evidence["kind_label"] == "当事人的陈述" and evidence["url"].endswith(
        f"/evidence/{evidence['id']}/file"
    )
    assert alice.get(evidence["url"]).status_code == 200
    assert client_for(w.bob).get(evidence["url"]).status_code == 404
    res = alice.post(
        f"/api/v1/cases/{case.pk}/evidence",
        json.dumps({"kind": "audiovisual", "description": "x"}),
        content_type="application/json",
    )
    assert res.status_code == 400 and res.json()["message"] == "请选择一份事件证据或一张检查照片"
    res = alice.post(
        f"/api/v1/cases/{case.pk}/evidence/{evidence['id']}/withdraw",
        json.dumps({"reason": "重复"}),
        content_type="application/json",
    )
    assert res.json()["evidence"][0]["withdrawn"] is True


def test_adopted_evidence_is_served_from_the_sending_cases_file(cw):
    w = cw
    case = open_case(w)
    svc.case_investigate(case=case, by=w.alice)
    svc.case_evidence_upload(
        case=case, file=photo("s.jpg", JPEG + b"sent"), kind="audiovisual", description="x", by=w.alice
    )
    case = svc.case_transfer(case=case, to_unit=w.market_team, reason="属市场监管", by=w.alice)
    received = open_case(
        w,
        source="transfer",
        transfer_from=case,
        causes=[{"item": "SJ0001"}],
        officers=[w.market_a, w.market_b],
        by=w.mia,
    )
    row = received.evidence.get()
    assert (row.origin, row.file.name) == ("adopted", "")
    res = client_for(w.mia).get(f"/cases/{received.pk}/evidence/{row.pk}/file/")
    assert _file_bytes(res) == JPEG + b"sent"
    # The receiving unit sees the sending case (it was sent to it), not the other way round for later cases.
    assert client_for(w.mia).get(f"/cases/{case.pk}/").status_code == 200
    assert client_for(w.alice).get(f"/cases/{received.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("entry", "kind"),
    [
        ("询问笔录", "party"),
        ("现场检查笔录", "record"),
        ("现场照片或视频", "audiovisual"),
        ("当事人身份证明或营业执照", "documentary"),
        ("责令改正通知书", "documentary"),
        ("噪声监测记录", "expert"),
        ("油烟排放检测报告", "expert"),
        ("扬尘在线监测数据", "electronic"),
        ("广告截图或实物照片", "electronic"),
        ("占用面积测量记录", "record"),
        ("扣押及没收物品清单", "documentary"),
        ("证人证言", "witness"),
        ("物证:涉案食品样品", "physical"),
    ],
)
def test_required_evidence_read_as_the_statutory_kinds(entry, kind):
    assert requirement_kind(entry) == kind
