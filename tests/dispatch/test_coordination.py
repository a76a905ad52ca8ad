"""Coordination: consultations and joint meetings linked to events, evidence shared between the units working an
event with its provenance (unit, person, method, SHA-256), adoption by another unit (证据互通互认), withdrawal,
and jurisdiction on every page, file and API call."""

import hashlib
import json
import struct
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import client_for
from zhifa.accounts.choices import Role
from zhifa.accounts.services import user_create
from zhifa.audit.models import AuditRecord
from zhifa.core.errors import Conflict, PermissionError_, ServiceError
from zhifa.dispatch.choices import ConsultationStatus, UnitRole
from zhifa.dispatch.coordination import services as svc
from zhifa.dispatch.events.intake import event_intake
from zhifa.dispatch.models import Consultation, ConsultationParticipant, Event, Evidence, EvidenceUse
from zhifa.org.choices import UnitKind
from zhifa.org.services import unit_create

API = "/api/v1/dispatch"
HX = {"HTTP_HX_REQUEST": "true"}


def png_bytes(width: int = 4, height: int = 3, rgb=(200, 40, 40)) -> bytes:
    """A real, tiny PNG (so a browser can show the thumbnail), made without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x11" * 500 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()]


@pytest.fixture
def coord(district):
    """A 南星 event with two domains: 南星's team leads, the district market team assists (dora works there)."""
    w = district
    w.dora = user_create(
        username="dora", password="x-12345678", role=Role.OFFICER, unit=w.market_team, full_name="测试张某"
    )
    w.traffic = unit_create(
        code="DT-traffic", name="区交警大队", kind=UnitKind.DEPARTMENT, region=w.district, domain=None
    )
    w.nanxing_command = unit_create(
        code="SC-330102008", name="南星街道指挥室", kind=UnitKind.SUBDISTRICT_COMMAND, region=w.nanxing
    )
    w.sam = user_create(
        username="sam",
        password="x-12345678",
        role=Role.SUBDISTRICT_COMMAND,
        unit=w.nanxing_command,
        full_name="南星指挥员",
    )
    w.nx = event_intake(
        channel="12345",
        description="南星街道某小吃店油烟扰民，没有食品经营许可证",
        subdistrict="南星街道",
        item_codes=["ZH0101", "SJ0001"],
        by=w.carol,
    )
    w.jb = event_intake(channel="12345", description="九堡街道某饭店油烟扰民", by=w.carol)
    # Routing makes the non-delegated item's team the lead; here the subdistrict team leads, as in the reform's
    # "属地牵头" practice, and the district market team assists.
    w.nx.event_units.filter(unit=w.market_team).update(role=UnitRole.ASSIST)
    w.nx.event_units.filter(unit=w.nanxing_team).update(role=UnitRole.LEAD)
    Event.objects.filter(pk=w.nx.pk).update(lead_unit=w.nanxing_team)
    w.nx.refresh_from_db()
    units = {eu.unit_id: eu.role for eu in w.nx.event_units.filter(active=True)}
    assert units == {w.nanxing_team.pk: UnitRole.LEAD, w.market_team.pk: UnitRole.ASSIST}
    assert w.jb.lead_unit == w.jiubao_team
    w.c = {name: client_for(getattr(w, name)) for name in ("alice", "bob", "carol", "olga", "dora", "sam")}
    return w


def attach_page(client, event, content=JPEG, name="现场照片.jpg", **fields):
    data = {
        "method": "photo",
        "description": "店内排烟管道直排，无油烟净化设施",
        "collector_name": "测试张某",
        "photo": SimpleUploadedFile(name, content),
        **fields,
    }
    return client.post(f"/dispatch/events/{event.pk}/evidence/new/", data)


def attach(w, *, by=None, content=JPEG, name="现场照片.jpg", **kwargs) -> Evidence:
    kwargs.setdefault("method", "photo")
    kwargs.setdefault("description", "店内排烟管道直排")
    return svc.evidence_attach(event=w.nx, file=SimpleUploadedFile(name, content), by=by or w.dora, **kwargs)


def meeting(w, *, by=None, participants=None, events=None, held_at=None, **kwargs) -> Consultation:
    return svc.consultation_create(
        kind=kwargs.pop("kind", "consultation"),
        topic=kwargs.pop("topic", "南星某小吃店油烟及无证经营联合处置"),
        held_at=held_at or timezone.now() - timedelta(hours=1),
        place=kwargs.pop("place", "南星街道指挥室"),
        participants=participants if participants is not None else [w.market_team],
        events=events if events is not None else [w.nx],
        by=by or w.alice,
        **kwargs,
    )


# --- meetings -------------------------------------------------------------------------------------------


def test_meeting_of_two_units_linked_to_the_event_then_decisions_recorded(coord):
    w = coord
    page = w.c["alice"].get(f"/dispatch/events/{w.nx.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "召集会商 / 现场联席会" in body and "尚无关联的会商或联席会" in body

    res = w.c["alice"].post(
        f"/dispatch/events/{w.nx.pk}/consultations/new/",
        {
            "kind": "joint_meeting",
            "topic": "油烟直排及无证经营现场联席会",
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "南星街道某小吃店门口",
            "participants": ["ST-330102008", "DT-market"],
            "follow_up_deadline": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    m = Consultation.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/dispatch/consultations/{m.pk}/"
    assert m.kind == "joint_meeting" and m.status == ConsultationStatus.PLANNED
    assert m.convened_by == w.nanxing_team
    assert sorted(m.participants.values_list("unit__code", flat=True)) == ["DT-market", "ST-330102008"]
    assert list(m.events.all()) == [w.nx]

    # Both units see it on the event page and in their list; the record form is the convener's.
    assert "油烟直排及无证经营现场联席会" in w.c["alice"].get(f"/dispatch/events/{w.nx.pk}/").content.decode()
    dora_page = w.c["dora"].get(f"/dispatch/consultations/{m.pk}/").content.decode()
    assert "区市场监管综合执法大队" in dora_page and "保存决定" not in dora_page
    assert "油烟直排及无证经营现场联席会" in w.c["dora"].get("/dispatch/consultations/").content.decode()

    res = w.c["alice"].post(
        f"/dispatch/consultations/{m.pk}/record/",
        {
            "decisions": "由南星街道综合行政执法队牵头责令整改油烟直排；区市场监管综合执法大队依法查处无证经营。",
            "attended_ST-330102008": "on",
            "person_ST-330102008": "测试队员甲",
            "attended_DT-market": "on",
            "person_DT-market": "测试张某",
        },
    )
    assert res.status_code == 302
    m.refresh_from_db()
    assert m.status == ConsultationStatus.HELD and m.recorded_by == w.alice
    assert m.decisions.startswith("由南星街道综合行政执法队牵头")
    assert dict(m.participants.values_list("unit__code", "person_name")) == {
        "ST-330102008": "测试队员甲",
        "DT-market": "测试张某",
    }
    assert set(m.participants.values_list("attended", flat=True)) == {True}
    detail = w.c["dora"].get(f"/dispatch/consultations/{m.pk}/").content.decode()
    assert "依法查处无证经营" in detail and "已召开" in detail
    api = w.c["dora"].get(f"{API}/consultations/{m.pk}").json()
    assert api["status"] == "held" and api["events"] == [w.nx.receipt_no]
    assert AuditRecord.objects.filter(action="dispatch.consultation_record", object_id=str(m.pk)).exists()


def test_recording_twice_is_a_conflict_and_needs_decisions_and_attendance(coord):
    w = coord
    m = meeting(w)
    with pytest.raises(ServiceError) as err:
        svc.consultation_record(
            consultation=m, decisions="  ", attendance={"DT-market": (True, "")}, by=w.alice
        )
    assert err.value.errors[0] == {"field": "decisions", "message": "请填写会议决定"}
    with pytest.raises(ServiceError, match="请至少勾选一个到会单位"):
        svc.consultation_record(consultation=m, decisions="限期整改", attendance={}, by=w.alice)
    with pytest.raises(ServiceError, match="不是本次会议的参会单位：ST-330102018"):
        svc.consultation_record(
            consultation=m, decisions="限期整改", attendance={"ST-330102018": (True, "")}, by=w.alice
        )
    stale = Consultation.objects.get(pk=m.pk)
    svc.consultation_record(
        consultation=m, decisions="限期整改", attendance={"DT-market": (True, "")}, by=w.alice
    )
    with pytest.raises(Conflict, match="该会议已记录决定"):
        svc.consultation_record(
            consultation=stale, decisions="另一个决定", attendance={"DT-market": (True, "")}, by=w.carol
        )
    m.refresh_from_db()
    assert m.decisions == "限期整改"
    assert dict(m.participants.values_list("unit__code", "attended")) == {
        "ST-330102008": False,
        "DT-market": True,
    }
    # A meeting an hour from now has not taken place yet.
    later = meeting(w, held_at=timezone.now() + timedelta(hours=2))
    with pytest.raises(ServiceError, match="会议尚未召开"):
        svc.consultation_record(
            consultation=later, decisions="x", attendance={"DT-market": (True, "")}, by=w.alice
        )


def test_convening_needs_two_units_a_topic_and_the_right_to_work_the_event(coord):
    w = coord
    with pytest.raises(ServiceError) as err:
        meeting(w, participants=[w.nanxing_team], topic="")
    assert {e["message"] for e in err.value.errors} == {
        "请填写议题",
        "会商至少需要两个单位参加，请选择参会单位",
    }
    with pytest.raises(ServiceError, match="请填写联席会现场位置"):
        meeting(w, kind="joint_meeting", place=" ")
    with pytest.raises(PermissionError_, match="该事件不由您所在单位承办"):
        meeting(w, by=w.bob, participants=[w.nanxing_team])
    with pytest.raises(PermissionError_, match="只读"):
        meeting(w, by=w.olga)
    with pytest.raises(PermissionError_, match="只有指挥中心可以召集不关联事件的会商"):
        meeting(w, events=[])
    assert Consultation.objects.count() == 0
    # Through the page: the error is in Chinese, the input is kept, nothing is created.
    res = w.c["alice"].post(
        f"/dispatch/events/{w.nx.pk}/consultations/new/",
        {
            "kind": "consultation",
            "topic": "油烟问题会商",
            "held_at": "",
            "place": "指挥室",
            "participants": [],
        },
    )
    body = res.content.decode()
    assert res.status_code == 400 and "请填写召开时间" in body and "油烟问题会商" in body
    assert Consultation.objects.count() == 0
    # 九堡 cannot even reach the form of 南星's event.
    res = w.c["bob"].post(f"/dispatch/events/{w.nx.pk}/consultations/new/", {"topic": "x"})
    assert res.status_code == 404


def test_meeting_visibility_follows_participants_convener_and_area(coord):
    w = coord
    # The district command convenes 九堡's team about 南星's event: 九堡 sees the meeting, not the event.
    m = meeting(w, by=w.carol, participants=[w.jiubao_team])
    for name in ("carol", "olga", "sam", "bob"):
        assert w.c[name].get(f"/dispatch/consultations/{m.pk}/").status_code == 200, name
    assert w.c["alice"].get(f"/dispatch/consultations/{m.pk}/").status_code == 404
    assert w.c["dora"].get(f"/dispatch/consultations/{m.pk}/").status_code == 404
    assert w.c["alice"].get(f"{API}/consultations").json()["count"] == 0
    bob_page = w.c["bob"].get(f"/dispatch/consultations/{m.pk}/").content.decode()
    assert w.nx.receipt_no not in bob_page and "另有 1 件不在您的辖区内" in bob_page
    assert w.c["bob"].get(f"{API}/consultations/{m.pk}").json()["events"] == []
    # Oversight reads but cannot record.
    olga_page = w.c["olga"].get(f"/dispatch/consultations/{m.pk}/").content.decode()
    assert "保存决定" not in olga_page and "您的角色为只读" in olga_page
    res = w.c["olga"].post(f"/dispatch/consultations/{m.pk}/record/", {"decisions": "x", "attended_DC": "on"})
    assert res.status_code == 403 and "只读" in res.content.decode()
    # The subdistrict command of the event's area may record it.
    res = w.c["sam"].post(
        f"{API}/consultations/{m.pk}/record",
        json.dumps(
            {
                "decisions": "九堡街道协助排查同一业主名下店铺",
                "attendance": [{"unit": "DC", "attended": True}],
            }
        ),
        content_type="application/json",
    )
    assert res.status_code == 200 and res.json()["status"] == "held"


def test_meeting_list_search_and_pages(coord, django_assert_max_num_queries):
    w = coord
    for i in range(23):
        meeting(w, by=w.carol, topic=f"第{i + 1}次占道经营整治会商", participants=[w.nanxing_team], events=[])
    meeting(
        w,
        by=w.carol,
        topic="东站网约车接驳秩序联席会",
        kind="joint_meeting",
        participants=[w.hub_team],
        events=[],
    )
    res = w.c["carol"].get("/dispatch/consultations/")
    body = res.content.decode()
    assert res.status_code == 200 and body.count('id="meeting-') == 20 and "第 1 / 2 页，共 24 条" in body
    assert w.c["carol"].get("/dispatch/consultations/?page=2").content.decode().count('id="meeting-') == 4
    with django_assert_max_num_queries(12):
        frag = w.c["carol"].get("/dispatch/consultations/?q=网约车", **HX)
    text = frag.content.decode()
    assert "<html" not in text and text.count('id="meeting-') == 1 and "东站网约车接驳秩序联席会" in text
    assert "共 1 条" in w.c["carol"].get("/dispatch/consultations/?kind=joint_meeting").content.decode()
    by_receipt = meeting(w, topic="按事件编号查找")
    found = w.c["carol"].get(f"{API}/consultations?q={w.nx.receipt_no.lower()}").json()
    assert [r["id"] for r in found["results"]] == [by_receipt.pk]
    # Alice (南星 team) sees the 23 she was invited to and her own, not the hub's.
    assert w.c["alice"].get(f"{API}/consultations").json()["count"] == 24


# --- evidence -------------------------------------------------------------------------------------------


def test_evidence_of_the_assisting_team_is_shown_to_the_lead_with_its_provenance(coord, media):
    w = coord
    res = attach_page(w.c["dora"], w.nx, collected_at="2026-05-01T09:30")
    ev = Evidence.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/dispatch/events/{w.nx.pk}/#evidence-{ev.pk}"
    digest = hashlib.sha256(JPEG).hexdigest()
    assert (ev.unit, ev.collector_name, ev.method, ev.sha256, ev.size) == (
        w.market_team,
        "测试张某",
        "photo",
        digest,
        len(JPEG),
    )
    assert ev.file.name.startswith("evidence/") and ev.file.name.endswith(".jpg")
    assert "现场照片" not in ev.file.name  # the user's file name never reaches the file system
    assert ev.provenance == f"来源：区市场监管综合执法大队 测试张某 2026-05-01 09:30 现场拍照 sha256 {digest}"

    body = w.c["alice"].get(f"/dispatch/events/{w.nx.pk}/").content.decode()
    for text in (
        "区市场监管综合执法大队",
        "测试张某",
        "2026-05-01 09:30",
        "现场拍照",
        digest,
        "现场照片.jpg",
    ):
        assert text in body, text
    listed = w.c["alice"].get(f"{API}/events/{w.nx.pk}/evidence").json()
    assert len(listed) == 1
    assert listed[0]["unit"] == {"code": "DT-market", "name": "区市场监管综合执法大队"}
    assert (listed[0]["collector_name"], listed[0]["method_label"], listed[0]["sha256"]) == (
        "测试张某",
        "现场拍照",
        digest,
    )
    assert listed[0]["provenance"] == ev.provenance

    # The download is the same bytes, with the digest alongside.
    got = w.c["alice"].get(listed[0]["file_url"] + "?download=1")
    content = b"".join(got.streaming_content)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert content == JPEG and hashlib.sha256(content).hexdigest() == got["X-Evidence-SHA256"] == digest
    assert "attachment" in got["Content-Disposition"] and "sandbox" in got["Content-Security-Policy"]
    assert AuditRecord.objects.filter(action="dispatch.evidence_attach", object_id=str(ev.pk)).exists()


def test_jiubao_cannot_see_or_download_nanxing_evidence(coord):
    w = coord
    ev = attach(w)
    assert w.c["bob"].get(f"/dispatch/events/{w.nx.pk}/").status_code == 404
    assert w.c["bob"].get(f"/dispatch/evidence/{ev.pk}/file/").status_code == 404
    assert w.c["bob"].get(f"{API}/events/{w.nx.pk}/evidence").status_code == 404
    res = w.c["bob"].get(f"{API}/evidence/{ev.pk}")
    assert res.status_code == 404 and res.json()["message"] == "记录不存在或不在您的辖区内"
    assert attach_page(w.c["bob"], w.nx).status_code == 404
    assert w.c["bob"].post(f"/dispatch/evidence/{ev.pk}/adopt/").status_code == 404
    assert client_for(w.otto).get(f"/dispatch/evidence/{ev.pk}/file/").status_code == 404
    anonymous = w.c["bob"].__class__().get(f"/dispatch/evidence/{ev.pk}/file/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Evidence.objects.count() == 1


def test_oversight_reads_evidence_but_cannot_attach(coord, media):
    w = coord
    ev = attach(w)
    page = w.c["olga"].get(f"/dispatch/events/{w.nx.pk}/").content.decode()
    assert ev.sha256 in page and "提交证据" not in page and "召集会商" not in page
    assert w.c["olga"].get(f"/dispatch/evidence/{ev.pk}/file/").status_code == 200
    res = attach_page(w.c["olga"], w.nx, content=PDF, name="检测报告.pdf")
    assert res.status_code == 403 and "只读" in res.content.decode()
    api = w.c["olga"].post(
        f"{API}/events/{w.nx.pk}/evidence",
        {"method": "test_report", "description": "油烟检测报告", "file": SimpleUploadedFile("r.pdf", PDF)},
    )
    assert api.status_code == 403
    assert Evidence.objects.count() == 1 and len(stored_files(media)) == 1


@pytest.mark.parametrize(
    "content,name,message",
    [
        (
            b"just some text, not a photo",
            "照片.jpg",
            "文件类型不支持：证据只接受图片（JPG、PNG、GIF、WebP、HEIC）或 PDF 文件",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg", "文件类型不支持"),
        (b"", "空.jpg", "所提交的是空文件"),
        (JPEG + b"\x00" * 3000, "大.jpg", "证据文件不能超过"),
    ],
)
def test_wrong_type_or_too_large_is_refused_and_nothing_is_stored(
    coord, media, settings, content, name, message
):
    w = coord
    settings.ZHIFA_EVIDENCE_MAX_BYTES = 2048
    res = attach_page(w.c["dora"], w.nx, content=content, name=name)
    body = res.content.decode()
    assert res.status_code == 400
    assert message in body
    assert "店内排烟管道直排，无油烟净化设施" in body  # the rest of the input is kept
    assert Evidence.objects.count() == 0 and stored_files(media) == []
    assert not AuditRecord.objects.filter(action="dispatch.evidence_attach").exists()


def test_api_attach_accepts_a_pdf_and_refuses_a_bad_method(coord, media):
    w = coord
    res = w.c["alice"].post(
        f"{API}/events/{w.nx.pk}/evidence",
        {
            "method": "test_report",
            "description": "第三方油烟浓度检测报告",
            "file": SimpleUploadedFile("检测报告.pdf", PDF),
        },
    )
    assert res.status_code == 201, res.content
    data = res.json()
    assert data["content_type"] == "application/pdf" and data["unit"]["code"] == "ST-330102008"
    assert data["sha256"] == hashlib.sha256(PDF).hexdigest() and data["method_label"] == "检测报告"
    bad = w.c["alice"].post(
        f"{API}/events/{w.nx.pk}/evidence",
        {"method": "guess", "description": "x", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert bad.status_code == 400 and bad.json()["errors"] == [
        {"field": "method", "message": "请选择收集方式"}
    ]
    assert Evidence.objects.count() == 1 and len(stored_files(media)) == 1


def test_withdrawal_keeps_the_row_and_the_file(coord, media):
    w = coord
    ev = attach(w)
    with pytest.raises(PermissionError_, match="只有收集单位或指挥中心可以撤回证据"):
        svc.evidence_withdraw(evidence=ev, reason="拍错了", by=w.alice)
    res = w.c["dora"].post(f"/dispatch/evidence/{ev.pk}/withdraw/", {"reason": ""})
    assert res.status_code == 400 and "请填写撤回理由" in res.content.decode()
    res = w.c["dora"].post(f"/dispatch/evidence/{ev.pk}/withdraw/", {"reason": "照片拍摄的是隔壁店铺，误传"})
    assert res.status_code == 302
    ev.refresh_from_db()
    assert ev.withdrawn and ev.withdrawn_by == w.dora and ev.withdraw_reason == "照片拍摄的是隔壁店铺，误传"
    assert Evidence.objects.count() == 1 and len(stored_files(media)) == 1
    body = w.c["alice"].get(f"/dispatch/events/{w.nx.pk}/").content.decode()
    assert "已撤回" in body and "照片拍摄的是隔壁店铺，误传" in body and ev.sha256 in body
    assert w.c["alice"].get(f"{API}/evidence/{ev.pk}").json()["withdrawn"] is True
    with pytest.raises(Conflict, match="该证据已撤回"):
        svc.evidence_withdraw(evidence=Evidence.objects.get(pk=ev.pk), reason="再撤一次", by=w.carol)
    with pytest.raises(ServiceError, match="该证据已撤回，不能采纳"):
        svc.evidence_adopt(evidence=ev, by=w.alice)
    with pytest.raises(RuntimeError, match="append-only"):
        ev.delete()


def test_lead_team_adopts_the_assisting_teams_evidence_once(coord):
    w = coord
    ev = attach(w)
    res = w.c["alice"].post(f"/dispatch/evidence/{ev.pk}/adopt/", {"purpose": "作为油烟直排的现场证据"})
    assert res.status_code == 302
    use = EvidenceUse.objects.get()
    assert (use.unit, use.by, use.purpose) == (w.nanxing_team, w.alice, "作为油烟直排的现场证据")
    body = w.c["dora"].get(f"/dispatch/events/{w.nx.pk}/").content.decode()
    assert "南星街道综合行政执法队 南星队员 于" in body and "采纳：作为油烟直排的现场证据" in body
    api = w.c["carol"].get(f"{API}/evidence/{ev.pk}").json()
    assert api["uses"][0]["unit"]["code"] == "ST-330102008" and api["unit"]["code"] == "DT-market"
    again = w.c["alice"].post(f"{API}/evidence/{ev.pk}/adopt", "{}", content_type="application/json")
    assert again.status_code == 409 and again.json()["message"] == "本单位已采纳该证据"
    with pytest.raises(ServiceError, match="本单位收集的证据无需采纳"):
        svc.evidence_adopt(evidence=ev, by=w.dora)
    # The command centre sees everything but does not handle the case: it does not adopt.
    with pytest.raises(PermissionError_, match="只有承办该事件的单位可以采纳证据"):
        svc.evidence_adopt(evidence=ev, by=w.carol)
    assert EvidenceUse.objects.count() == 1


def test_evidence_shared_with_named_units_only(coord):
    w = coord
    # 南星's team shares a witness record with the traffic police only: the market team does not see it.
    ev = attach(
        w, by=w.alice, method="interview", description="询问笔录（测试某某）", shared_with=[w.traffic]
    )
    assert list(ev.shared_with.all()) == [w.traffic]
    assert w.c["dora"].get(f"/dispatch/evidence/{ev.pk}/file/").status_code == 404
    assert w.c["dora"].get(f"{API}/events/{w.nx.pk}/evidence").json() == []
    assert "询问笔录（测试某某）" not in w.c["dora"].get(f"/dispatch/events/{w.nx.pk}/").content.decode()
    for name in ("alice", "carol", "sam", "olga"):
        assert w.c[name].get(f"/dispatch/evidence/{ev.pk}/file/").status_code == 200, name
    # By default every unit working the event sees it, including one linked later.
    open_ev = attach(w, by=w.alice, description="现场全景照片")
    assert [e["id"] for e in w.c["dora"].get(f"{API}/events/{w.nx.pk}/evidence").json()] == [open_ev.pk]


def test_only_units_working_the_event_attach(coord):
    w = coord
    w.nx.event_units.filter(unit=w.market_team).update(active=False)  # re-routed: the market team is off it
    with pytest.raises(PermissionError_, match="该事件不由您所在单位承办"):
        attach(w, by=w.dora)
    # The subdistrict command of the area may attach; its unit is the provenance.
    ev = attach(w, by=w.sam, method="surveillance", description="社区监控调取截图")
    assert ev.unit == w.nanxing_command and "来源：南星街道指挥室 南星指挥员" in ev.provenance
    assert Evidence.objects.count() == 1


def test_meeting_participant_rows_are_unique(coord):
    w = coord
    m = meeting(w, participants=[w.market_team, w.market_team, w.nanxing_team])
    assert ConsultationParticipant.objects.filter(consultation=m).count() == 2


def test_admin_shows_evidence_read_only_without_a_file_link(coord):
    w = coord
    ev = attach(w)
    res = w.c["carol"].__class__()
    res.force_login(w.root)
    page = res.get(f"/admin/dispatch/evidence/{ev.pk}/change/")
    body = page.content.decode()
    assert (
        page.status_code == 200 and ev.sha256 in body and "/media/" not in body and ev.file.name not in body
    )
    assert res.post(f"/admin/dispatch/evidence/{ev.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Evidence.objects.filter(pk=ev.pk).exists()
