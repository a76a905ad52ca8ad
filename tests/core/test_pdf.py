"""Enforcement documents as PDF: each of the ten renders with its Chinese text found again by extraction, fonts
embedded, user text printed literally, a district's template winning, bad data refused with the field named."""

import copy
import datetime as dt
import io
import re
import time
from decimal import Decimal

import pypdf
import pypdfium2
import pytest
import segno

from zhifa.core.document_samples import document_samples
from zhifa.core.documents import DOCUMENTS, DocumentError, document_build, yuan_in_words
from zhifa.core.pdf import register_pdf_signer, render_pdf

AGENCY = "杭州市上城区综合行政执法局"
NUMBERS = {
    "case_filing_approval": "杭上综执立字〔2026〕第35号",
    "correction_order": "杭上综执责改字〔2026〕第7号",
    "penalty_notice": "杭上综执罚告字〔2026〕第9号",
    "hearing_notice": "杭上综执听通字〔2026〕第2号",
    "penalty_decision": "杭上综执罚决字〔2026〕第12号",
    "no_penalty_decision": "杭上综执不罚字〔2026〕第3号",
    "service_receipt": "杭上综执立字〔2026〕第35号",
    "case_closing_report": "杭上综执立字〔2026〕第35号",
}
PARTIES = {"no_penalty_decision": "测试乙", "inquiry_record": "测试丙"}
A4 = (595.28, 841.89)


def sample(name: str) -> dict:
    return copy.deepcopy(document_samples()[name])


def text_of(pdf: bytes) -> str:
    """All text of the PDF with white space removed: justified lines break anywhere inside a sentence."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def qr_png() -> bytes:
    out = io.BytesIO()
    segno.make("https://zhifa.invalid/c/sample.token.sig", error="m").save(out, kind="png", scale=5)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_renders_with_its_title_number_and_party(name):
    pdf = render_pdf(name, sample(name))

    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert [round(float(v), 2) for v in reader.pages[0].mediabox[2:]] == list(A4)
    text = text_of(pdf)
    assert sample(name).get("heading", DOCUMENTS[name].title) in text  # a record form names itself
    assert AGENCY in text
    if name in NUMBERS:
        assert NUMBERS[name] in text
    assert PARTIES.get(name, "示例某某餐饮管理有限公司") in text


def test_decision_prints_amount_payment_late_fee_and_remedies():
    text = text_of(render_pdf("penalty_decision", sample("penalty_decision")))

    assert "杭上综执罚决字〔2026〕第12号" in text
    assert "当事人：示例某某餐饮管理有限公司" in text
    assert "罚款人民币伍仟元整（¥5,000.00）" in text
    assert "应当自收到本决定书之日起十五日内" in text
    assert "每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额" in text
    assert (
        "如不服本处罚决定，可以自收到本决定书之日起六十日内向杭州市上城区人民政府申请行政复议，"
        "也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
    ) in text
    assert "行政复议或者行政诉讼期间，本处罚决定不停止执行" in text


def test_decision_names_the_court_when_the_agency_has_one():
    context = sample("penalty_decision")
    context["agency"]["court"] = "示例区人民法院"
    context["fine"] = None
    context["penalties"] = ["警告"]

    text = text_of(render_pdf("penalty_decision", context))

    assert "六个月内依法向示例区人民法院提起行政诉讼" in text
    assert "1.警告。" in text
    assert "十五日内" not in text  # no fine, nothing to pay


def test_notice_states_the_rights_and_the_hearing_only_where_the_law_gives_it():
    context = sample("penalty_notice")
    text = text_of(render_pdf("penalty_notice", context))
    assert "拟对你单位作出如下行政处罚：1.罚款人民币伍仟元整（¥5,000.00）。" in text
    assert "第四十四条、第四十五条" in text
    assert "有权进行陈述和申辩" in text
    assert "请于收到本告知书之日起五日内" in text
    assert "不因你单位陈述、申辩而给予更重的处罚" in text
    assert "有权要求举行听证。如要求听证，应当在收到本告知书之日起五日内向本机关提出" in text

    context["hearing_right"] = False
    context["fine"] = Decimal("200")
    text = text_of(render_pdf("penalty_notice", context))
    assert "听证" not in text
    assert "罚款人民币贰佰元整（¥200.00）" in text


def test_hearing_notice_is_refused_less_than_seven_days_before_the_hearing():
    context = sample("hearing_notice")
    text = text_of(render_pdf("hearing_notice", context))
    assert "本机关定于2026年2月16日9时30分在杭州市上城区综合行政执法局听证室" in text
    assert "有权申请回避" in text

    context["notified_on"] = dt.date(2026, 2, 10)  # six days before
    with pytest.raises(DocumentError, match="hearing_at") as refused:
        render_pdf("hearing_notice", context)
    assert "七日" in refused.value.message


def test_records_print_officers_with_certificates_and_a_signature_line_on_every_page():
    text = text_of(render_pdf("inquiry_record", sample("inquiry_record")))
    assert "王示例（执法证号33010000TEST01）" in text
    assert "问：楼顶的广告牌是谁设置的？答：是我们店里设置的" in text
    assert "被询问人签名" in text

    pdf = render_pdf("site_inspection_record", sample("site_inspection_record"))
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    for number, page in enumerate(pages, start=1):
        page_text = re.sub(r"\s+", "", page.extract_text())
        assert "当事人（在场人）签名" in page_text
        assert f"第{number}页共{len(pages)}页" in page_text


def test_every_font_is_embedded():
    # The approval form uses both families: serif for text, sans for the labels of the table.
    for name in ("penalty_decision", "case_filing_approval"):
        fonts = list(_fonts(pypdf.PdfReader(io.BytesIO(render_pdf(name, sample(name))))))
        names = " ".join(str(f.get("/BaseFont")) for f in fonts)
        assert "NotoSerifCJKsc-Bold" in names and "NotoSerifCJKsc-Regular" in names
        if name == "case_filing_approval":
            assert "NotoSansCJKsc-Regular" in names
        for font in fonts:
            if font["/Subtype"] == "/Type3":
                continue  # glyphs drawn inside the font itself
            descriptors = (
                [d.get_object()["/FontDescriptor"] for d in font["/DescendantFonts"]]
                if font["/Subtype"] == "/Type0"
                else [font["/FontDescriptor"]]
            )
            for descriptor in descriptors:
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font


def _fonts(reader: pypdf.PdfReader):
    """Every font object in the file, wherever it is used from."""
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free entry of the cross-reference table
            continue
        # CID fonts are reached through the Type0 font that uses them.
        is_font = isinstance(obj, pypdf.generic.DictionaryObject) and obj.get("/Type") == "/Font"
        if is_font and obj.get("/Subtype") not in ("/CIDFontType0", "/CIDFontType2"):
            yield obj


def test_markup_in_user_text_prints_literally():
    tricky = '示例"<b>#set page(paper: "a5")$x^2$*粗体*_斜体_{1+1}@ref`code`//注释[链接](x)\\#&~公司'
    context = sample("penalty_decision")
    context["party"]["name"] = tricky
    context["facts"] = '= 不是标题\n- 不是列表\n+ 不是编号\n#eval("1 + 1")与 #(1 + 1) 原样打印'

    pdf = render_pdf("penalty_decision", context)

    text = text_of(pdf)
    assert re.sub(r"\s+", "", tricky) in text
    assert '=不是标题-不是列表+不是编号#eval("1+1")与#(1+1)原样打印' in text
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert all([round(float(v), 2) for v in p.mediabox[2:]] == list(A4) for p in reader.pages)


def test_missing_or_wrong_fields_are_refused_with_their_names():
    context = sample("penalty_decision")
    del context["party"]["name"]
    del context["facts"]
    context["fine"] = 5000.5  # money is never a float
    context["officer"] = "王示例"  # no such field

    with pytest.raises(DocumentError) as refused:
        render_pdf("penalty_decision", context)

    fields = {e["field"]: e["message"] for e in refused.value.errors}
    assert fields == {
        "party.name": "缺少必填项",
        "facts": "缺少必填项",
        "fine": "应为金额（Decimal、整数或数字文字）",
        "officer": "不是本文书的字段",
    }
    assert "《行政处罚决定书》的数据有误" in refused.value.message
    assert "party.name：缺少必填项" in refused.value.message


def test_lists_enums_and_dates_are_checked():
    context = sample("case_filing_approval")
    context["officers"] = context["officers"][:1]  # 行政处罚法 第四十二条: two officers
    context["parties"][0]["kind"] = "company"
    context["found_on"] = "2026-01-12"
    with pytest.raises(DocumentError) as refused:
        render_pdf("case_filing_approval", context)
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"officers", "parties[0].kind", "found_on"}


def test_a_decision_without_evidence_or_penalty_is_refused():
    context = sample("penalty_decision")
    context["evidence"] = []
    with pytest.raises(DocumentError, match="evidence：至少需要 1 项"):
        render_pdf("penalty_decision", context)
    context = sample("penalty_decision")
    context["fine"] = None
    with pytest.raises(DocumentError, match="penalties：行政处罚内容不能为空"):
        render_pdf("penalty_decision", context)


def test_unknown_document_and_bad_template_names_are_refused():
    with pytest.raises(DocumentError, match="没有名为 'warning_letter' 的文书"):
        render_pdf("warning_letter", {})
    with pytest.raises(DocumentError, match="名称无效"):
        render_pdf("../../etc/passwd", {})


def test_typed_documents_are_accepted_as_they_are():
    document = document_build("penalty_decision", sample("penalty_decision"))
    assert document.fine == Decimal("5000")
    assert document.party.name == "示例某某餐饮管理有限公司"
    assert "第12号" in text_of(render_pdf("penalty_decision", document))


def test_a_district_template_of_the_same_name_wins(settings, tmp_path):
    (tmp_path / "penalty_decision.typ").write_text(
        '#import "_common.typ": *\n'
        '#show: letter.with(title: "行政处罚决定书（区定样式）", number: data.number)\n'
        "#party-block(data.party)\n"
        "#par[本区样式：罚款#yuan(data.fine)。]\n",
        encoding="utf-8",
    )
    settings.ZHIFA_DOCUMENT_TEMPLATES_DIR = str(tmp_path)

    decision = text_of(render_pdf("penalty_decision", sample("penalty_decision")))
    notice = text_of(render_pdf("penalty_notice", sample("penalty_notice")))

    assert "行政处罚决定书（区定样式）" in decision
    assert "本区样式：罚款人民币伍仟元整（¥5,000.00）。" in decision
    assert "行政复议" not in decision
    assert "行政处罚事先告知书" in notice  # the other documents keep the shipped templates

    settings.ZHIFA_DOCUMENT_TEMPLATES_DIR = ""
    assert "区定样式" not in text_of(render_pdf("penalty_decision", sample("penalty_decision")))


def test_a_broken_district_template_is_refused_with_typst_message(settings, tmp_path):
    (tmp_path / "penalty_notice.typ").write_text('#import "_common.typ": *\n#data.nonexistent\n')
    settings.ZHIFA_DOCUMENT_TEMPLATES_DIR = str(tmp_path)
    with pytest.raises(DocumentError, match="文书模板 penalty_notice.typ 有误"):
        render_pdf("penalty_notice", sample("penalty_notice"))


def test_templates_cannot_read_files_outside_their_folder(settings, tmp_path):
    (tmp_path / "penalty_notice.typ").write_text('#read("/../../../../etc/hostname")\n')
    settings.ZHIFA_DOCUMENT_TEMPLATES_DIR = str(tmp_path)
    with pytest.raises(DocumentError, match="escape"):
        render_pdf("penalty_notice", sample("penalty_notice"))


def test_without_chinese_fonts_a_clear_error_instead_of_boxes(settings, tmp_path):
    settings.ZHIFA_PDF_FONT_DIRS = [str(tmp_path)]
    with pytest.raises(DocumentError, match="未找到中文字体，请安装 fonts-noto-cjk"):
        render_pdf("penalty_decision", sample("penalty_decision"))


def test_qr_code_png_and_svg_are_placed_and_other_bytes_refused():
    context = sample("penalty_decision")
    context["qr_code"] = qr_png()
    pdf = render_pdf("penalty_decision", context)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert any(x.get("/Subtype") == "/Image" for x in images)
    assert "扫码核验行政行为码" in text_of(pdf)

    out = io.BytesIO()
    segno.make("https://zhifa.invalid/c/x").save(out, kind="svg")
    context["qr_code"] = out.getvalue()
    assert "扫码核验行政行为码" in text_of(render_pdf("penalty_decision", context))

    context["qr_code"] = b"GIF89a not a png"
    with pytest.raises(DocumentError, match="qr_code"):
        render_pdf("penalty_decision", context)


def test_page_one_renders_to_an_image_with_ink_where_the_title_is(tmp_path):
    # The pictures looked at by eye during development are made the same way.
    for name in ("penalty_decision", "penalty_notice"):
        context = sample(name)
        context["qr_code"] = qr_png()
        document = pypdfium2.PdfDocument(render_pdf(name, context))
        try:
            image = document[0].render(scale=1).to_pil().convert("L")
        finally:
            document.close()
        image.save(tmp_path / f"{name}.png")
        assert image.size == (596, 842)
        dark = sum(image.crop((100, 130, 496, 230)).histogram()[:128])
        assert dark > 2000  # the bold title is there, not an empty band


def test_a_registered_signer_gets_the_rendered_bytes_last():
    seen = []

    def signer(pdf, document):
        seen.append(document.template)
        return pdf + b"%signed\n"

    register_pdf_signer(signer)
    try:
        pdf = render_pdf("service_receipt", sample("service_receipt"))
    finally:
        register_pdf_signer(None)
    assert seen == ["service_receipt"]
    assert pdf.endswith(b"%signed\n")


def test_a_warm_render_takes_well_under_a_second():
    render_pdf("penalty_decision", sample("penalty_decision"))
    started = time.process_time()  # CPU, not wall time: the machine may be busy with other work
    render_pdf("penalty_decision", sample("penalty_decision"))
    assert time.process_time() - started < 1.0


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("5000", "伍仟元整"),
        ("200", "贰佰元整"),
        ("10", "壹拾元整"),
        ("1010", "壹仟零壹拾元整"),
        ("10050.5", "壹万零伍拾元伍角整"),
        ("100000", "壹拾万元整"),
        ("10000001", "壹仟万零壹元整"),
        ("100010000", "壹亿零壹万元整"),
        ("1.05", "壹元零伍分"),
        ("0.05", "伍分"),
        ("0", "零元整"),
        ("3456.78", "叁仟肆佰伍拾陆元柒角捌分"),
    ],
)
def test_amounts_in_words(amount, words):
    assert yuan_in_words(Decimal(amount)) == words


def test_a_missing_district_template_folder_stops_start_up():
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**os.environ, "ZHIFA_DOCUMENT_TEMPLATES_DIR": "/nonexistent/zhifa-documents"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "ZHIFA_DOCUMENT_TEMPLATES_DIR='/nonexistent/zhifa-documents' is not a directory" in proc.stderr


def test_the_sample_command_writes_a_district_preview(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("document_sample", "penalty_decision", output_dir=str(tmp_path), stdout=out)
    assert "行政处罚决定书" in out.getvalue()
    assert "第12号" in text_of((tmp_path / "penalty_decision.pdf").read_bytes())
    with pytest.raises(CommandError, match="没有这些文书：warning_letter"):
        call_command("document_sample", "warning_letter", output_dir=str(tmp_path))


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_renders_with_only_its_required_fields(name):
    import dataclasses

    optional = {
        f.name
        for f in dataclasses.fields(DOCUMENTS[name])
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }
    context = {k: v for k, v in sample(name).items() if k not in optional}
    context["agency"] = {"name": AGENCY, "review_body": "杭州市上城区人民政府"}
    for key in ("party", "interviewee"):
        if key in context:
            context[key] = {k: context[key][k] for k in ("kind", "name") if k in context[key]}
    if "parties" in context:
        context["parties"] = [{"kind": "person", "name": "测试丁"}]
    if name in ("penalty_notice", "penalty_decision"):
        context["penalties"] = ["警告"]

    text = text_of(render_pdf(name, context))

    assert context.get("heading", DOCUMENTS[name].title) in text


def test_optional_branches_print_what_they_carry():
    decision = sample("penalty_decision")
    decision.update(penalties=["警告"], confiscation=Decimal("1234.5"), notice_number=None)
    text = text_of(render_pdf("penalty_decision", decision))
    assert (
        "1.警告；2.罚款人民币伍仟元整（¥5,000.00）；3.没收违法所得人民币壹仟贰佰叁拾肆元伍角整（¥1,234.50）。"
        in text
    )

    hearing = sample("hearing_notice")
    hearing.update(public=False, members=[], requested_on=None)
    text = text_of(render_pdf("hearing_notice", hearing))
    assert "一案依法不公开举行听证" in text and "听证员" not in text

    order = sample("correction_order")
    order["deadline"] = None
    assert "本机关责令你单位立即改正上述违法行为" in text_of(render_pdf("correction_order", order))

    receipt = sample("service_receipt")
    receipt["served_at"] = dt.datetime(2026, 2, 21, 6, 5, tzinfo=dt.UTC)  # 14:05 in Shanghai
    receipt["documents"].append({"title": "责令改正通知书", "number": None})
    text = text_of(render_pdf("service_receipt", receipt))
    assert "2026年2月21日14时05分" in text and "《责令改正通知书》" in text

    report = sample("case_closing_report")
    report["leader_opinion"] = {"text": "同意结案。", "signer": "钱示例", "signed_on": dt.date(2026, 3, 4)}
    report["parties"].append(sample("no_penalty_decision")["party"])
    text = text_of(render_pdf("case_closing_report", report))
    assert "同意结案。" in text and "签名：钱示例2026年3月4日" in text and "测试乙" in text
