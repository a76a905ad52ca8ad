"""立案: parties, causes, officers, limitation, numbers, sources — each refusal names what is missing."""

from datetime import date

import pytest

from tests.cases.conftest import open_case
from zhifa.audit.models import AuditRecord
from zhifa.cases.choices import DocumentKind, PartyKind, Stage
from zhifa.cases.models import Case, CaseParty, UnitCaseSettings
from zhifa.core.errors import PermissionError_, ServiceError
from zhifa.engine.idcard import id_make


def test_open_a_case_with_its_number_document_and_step(cw):
    w = cw
    case = open_case(w)
    assert case.number == "南星街道综合行政执法队立字〔2026〕第1号"
    assert (case.year, case.serial, case.stage, case.filed_on) == (2026, 1, Stage.FILED, date(2026, 3, 2))
    assert case.domain.code == "comprehensive" and case.region_path == w.nanxing.path
    party = case.parties.get()
    # A 个体工商户 (credit code 92…) answers as a citizen for the law's amounts.
    assert (party.kind, party.subject, party.uscc) == (PartyKind.PERSON, w.nanxing_shop, w.nanxing_shop.uscc)
    cause = case.causes.get()
    assert (cause.item.code, cause.legal_basis) == ("ZH0101", "《中华人民共和国大气污染防治法》第八十一条")
    assert [o.role for o in case.case_officers.order_by("-role")] == ["lead", "assist"]
    doc = case.documents.get()
    assert doc.kind == DocumentKind.FILING and doc.data["officers"][0]["certificate_no"] == "ZJ-TEST-0001"
    assert case.steps.get().action == "open"
    assert AuditRecord.objects.filter(action="cases.case_open", object_id=str(case.pk)).exists()
    assert case.next_clock == "decision" and case.next_due == date(2026, 5, 31)
    # The next case of the unit that year takes the next number; a configured prefix is used.
    UnitCaseSettings.objects.create(unit=w.nanxing_team, prefix="杭上综执南星")
    assert open_case(w).number == "杭上综执南星立字〔2026〕第2号"


def test_parties_by_credit_code_or_id_number_validated_and_masked(cw):
    w = cw
    number = id_make(born=date(1980, 6, 1), sequence=17)
    case = open_case(
        w,
        parties=[
            {"kind": "person", "name": "张三", "id_number": number},
            {"kind": "organisation", "name": "九堡示例公司", "uscc": w.jiubao_firm.uscc},
        ],
    )
    person, org = case.parties.order_by("position")
    assert person.id_masked == number[:6] + "********" + number[-4:] and number not in str(person.__dict__)
    assert (org.kind, org.subject) == (PartyKind.ORGANISATION, w.jiubao_firm)
    assert case.causes.count() == 2  # one cause, charged to each party
    valid = id_make(born=date(1980, 6, 1), sequence=18)
    bad = valid[:17] + ("1" if valid[17] != "1" else "2")
    with pytest.raises(ServiceError) as err:
        open_case(
            w,
            parties=[
                {"kind": "person", "name": "李四", "id_number": bad},
                {"kind": "organisation", "name": "x", "uscc": "91330102MA0000000X"},
            ],
        )
    fields = {e["field"] for e in err.value.errors}
    assert fields == {"parties.0.id_number", "parties.1.uscc"}
    assert "第 1 个当事人身份证号码有误：校验位错误" in err.value.message
    assert Case.objects.count() == 1 and CaseParty.objects.count() == 2


def test_officers_two_with_certificates_in_the_unit_and_qualified(cw):
    w = cw
    with pytest.raises(ServiceError) as err:
        open_case(w, officers=[w.nanxing_officer_record])
    assert err.value.message == "办案执法人员不得少于两人（《中华人民共和国行政处罚法》第四十二条）"
    with pytest.raises(ServiceError) as err:
        open_case(w, officers=[w.nanxing_officer_record, w.jiubao_officer_record])
    assert err.value.message == "测试队员乙不是南星街道综合行政执法队的执法人员"
    # 测试队员丁 holds 综合执法 only: qualified for a delegated item (handled under 综合执法), not for 市场监管.
    made = open_case(w, officers=["ZJ-TEST-0004", "ZJ-TEST-0003"])
    assert made.case_officers.get(role="lead").officer == w.third
    w.third.qualified_domains.clear()
    with pytest.raises(ServiceError) as err:
        open_case(w, officers=[w.third, w.partner])
    assert (
        err.value.message
        == "测试队员丁（ZJ-TEST-0004）不具备综合执法执法资格（《中华人民共和国行政处罚法》第四十二条）"
    )
    w.partner.certificate_no = ""
    w.partner.save()
    with pytest.raises(ServiceError, match="测试队员丙没有执法证号，不能办案"):
        open_case(w, officers=[w.nanxing_officer_record, w.partner])
    with pytest.raises(ServiceError, match="执法人员“ZJ-NONE”不存在"):
        open_case(w, officers=["ZJ-TEST-0001", "ZJ-NONE"])


def test_market_items_need_market_qualified_officers_of_the_market_team(cw):
    w = cw
    with pytest.raises(ServiceError) as err:
        open_case(w, causes=[{"item": "SJ0001"}])
    assert (
        err.value.message
        == "SJ0001 对未取得食品经营许可从事食品经营活动的行政处罚属市场监管领域，不由南星街道综合行政执法队办理，请移送主管部门"
    )
    case = open_case(w, causes=[{"item": "SJ0001"}], officers=[w.market_a, w.market_b], by=w.mia)
    assert (case.unit, case.domain.code) == (w.market_team, "market")
    with pytest.raises(ServiceError, match="ZH0101 .*已赋权街道，由属地街道综合行政执法队办理"):
        open_case(w, officers=[w.market_a, w.market_b], by=w.mia)


def test_limitation_two_years_or_five_where_harm_was_done(cw):
    w = cw
    with pytest.raises(ServiceError) as err:
        open_case(w, conduct_ended_on=date(2024, 3, 1))
    assert err.value.message == (
        "违法行为终了于 2024-03-01，至发现之日（2026-03-02）已超过二年，依法不再给予行政处罚（《中华人民共和国行政处罚法》第三十六条）"
    )
    assert open_case(w, conduct_ended_on=date(2024, 3, 2)).stage == Stage.FILED  # the last day
    assert open_case(w, conduct_ended_on=date(2022, 3, 2), harmed=True).harmed
    with pytest.raises(ServiceError, match="已超过五年"):
        open_case(w, conduct_ended_on=date(2021, 3, 1), harmed=True)
    # What counts is when the conduct was discovered, not when the case is filed.
    assert open_case(
        w, conduct_ended_on=date(2024, 2, 1), discovered_on=date(2026, 1, 31)
    ).discovered_on == date(2026, 1, 31)


def test_who_may_open(cw):
    w = cw
    with pytest.raises(PermissionError_, match="只读"):
        open_case(w, by=w.olga)
    with pytest.raises(PermissionError_, match="只有执法队伍或区级部门可以立案"):
        open_case(w, by=w.carol)
    with pytest.raises(PermissionError_):
        open_case(w, by=w.otto)
    assert Case.objects.count() == 0


def test_fast_procedure_needs_the_partys_consent(cw):
    w = cw
    with pytest.raises(ServiceError, match="请填写当事人同意快速办理的日期"):
        open_case(w, procedure="fast")
    case = open_case(w, procedure="fast", fast_consent_on=date(2026, 3, 2))
    assert case.next_due == date(2026, 3, 11)  # seven working days


def test_the_simple_procedure_is_not_opened_as_a_case(cw):
    with pytest.raises(ServiceError, match="简易程序当场作出处罚决定，请使用当场处罚"):
        open_case(cw, procedure="simple")


def test_decline_to_file_records_the_reason_without_a_number(cw):
    from zhifa.cases.services import case_decline

    w = cw
    with pytest.raises(ServiceError, match="请填写不予立案理由"):
        case_decline(source="manual", facts="群众反映占道经营", reason="", by=w.alice)
    case = case_decline(
        source="manual", facts="群众反映占道经营", reason="经核查当事人已自行撤离，违法事实不存在", by=w.alice
    )
    assert (case.stage, case.number, case.filed_on, case.next_due) == (Stage.NOT_FILED, "", None, None)
    assert case.documents.get().kind == DocumentKind.NOT_FILED
    assert open_case(w).number.endswith("第1号")  # a refused source takes no number


def test_the_decision_number_uses_the_units_prefix(cw, clock):
    from tests.cases.conftest import notified_case
    from zhifa.cases import services as svc

    w = cw
    UnitCaseSettings.objects.create(unit=w.nanxing_team, prefix="杭上综执")
    case = notified_case(w)
    svc.case_respond(case=case, kind="waiver", by=w.alice)
    case = svc.case_decide(case=case, outcome="penalty", by=w.alice)
    assert case.decision_number == "杭上综执罚决字〔2026〕第1号"
    assert case.documents.get(kind="notice").number == "杭上综执罚告字〔2026〕第1号"


def test_fast_procedure_refuses_a_penalty_that_needs_a_hearing(cw):
    from tests.cases.conftest import add_required_evidence
    from zhifa.cases import services as svc

    w = cw
    case = open_case(w, procedure="fast", fast_consent_on=date(2026, 3, 2))
    svc.case_investigate(case=case, by=w.alice)
    add_required_evidence(w, case)
    heavy = [{"cause": "ZH0101", "circumstance": "较重", "kinds": ["fine"], "fine": 20000}]
    with pytest.raises(ServiceError, match="不适用快速办理，请按普通程序办理"):
        svc.case_notify(case=case, penalties=heavy, by=w.alice)
    light = [{"cause": "ZH0101", "circumstance": "一般", "kinds": ["fine"], "fine": 1000}]
    assert svc.case_notify(case=case, penalties=light, by=w.alice).stage == Stage.NOTIFIED


def test_the_source_named_matches_the_source_given(cw):
    from tests.cases.conftest import enforcement_event

    w = cw
    with pytest.raises(ServiceError, match="案件来源为“其他来源”，与所附的案源不一致"):
        open_case(w, event=enforcement_event(w))
