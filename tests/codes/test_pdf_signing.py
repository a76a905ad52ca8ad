"""Signed documents: every PDF rendered through render_pdf carries the agency's PAdES signature (demo CA on
first use); it verifies, and one flipped byte after signing fails with its reason — also through
`manage.py verify_pdf`."""

import io

import pytest
from asn1crypto import cms
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils.reader import PdfFileReader

from zhifa.codes.pdfsign import pdf_signer, pdf_verify, signing_dir
from zhifa.core.document_samples import AGENCY as AGENCY_DATA
from zhifa.core.document_samples import document_samples
from zhifa.core.documents import DocumentError
from zhifa.core.pdf import register_pdf_signer, render_pdf

AGENCY = AGENCY_DATA["name"]


@pytest.fixture(autouse=True)
def _our_signer():
    # Another test module may have registered its own stand-in signer and removed it again.
    register_pdf_signer(pdf_signer)
    yield
    register_pdf_signer(pdf_signer)


@pytest.fixture(scope="module")
def decision_unsigned():
    register_pdf_signer(None)
    try:
        return render_pdf("penalty_decision", document_samples()["penalty_decision"])
    finally:
        register_pdf_signer(pdf_signer)


def render_signed() -> bytes:
    return render_pdf("penalty_decision", document_samples()["penalty_decision"])


def flipped(pdf: bytes, at: int) -> bytes:
    data = bytearray(pdf)
    data[at] ^= 0x01
    return bytes(data)


def test_a_rendered_document_is_signed_and_verifies():
    pdf = render_signed()
    check = pdf_verify(pdf)
    assert check.valid, check.reasons
    assert AGENCY in check.signer
    assert "签名后文档未被修改（签名覆盖整个文件）" in check.reasons
    assert "签名证书可信：链到受信任的根证书" in check.reasons
    # PAdES: ETSI.CAdES.detached, SHA-256, the signing certificate in the signed attributes (B-B level).
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    signed_attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in signed_attrs and "message_digest" in signed_attrs
    assert isinstance(sig.signed_data, cms.SignedData)
    assert (signing_dir() / "ca.pem").exists() and (signing_dir() / "units" / f"{AGENCY}.pem").exists()


def test_one_flipped_byte_after_signing_fails_with_its_reason():
    pdf = render_signed()
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    start, length = sig.byte_range[0], sig.byte_range[1]
    check = pdf_verify(flipped(pdf, start + length // 2))  # in the signed content, inside the first range
    assert not check.valid
    assert "签名后文档内容被改动：签名覆盖部分的摘要与签名时不符" in check.reasons


def test_a_document_changed_after_signing_is_named(decision_unsigned):
    """An appended revision (what an editor does when it saves a signed file) is not the signed document."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    pdf = render_signed()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    check = pdf_verify(out.getvalue())
    assert not check.valid
    assert any(r.startswith("签名后文档又被修改") for r in check.reasons), check.reasons


def test_unsigned_and_untrusted(decision_unsigned, tmp_path, settings):
    assert pdf_verify(decision_unsigned).reasons == ["文档没有电子签名"]
    pdf = render_signed()
    untrusted = pdf_verify(pdf, roots=[])
    assert not untrusted.valid and "签名证书不能链到受信任的根证书（演示 CA 或本区 CA）" in untrusted.reasons
    assert pdf_verify(b"not a pdf").valid is False


def test_no_certificate_without_autocreate(settings, tmp_path):
    settings.ZHIFA_KEYS_AUTOCREATE = False
    settings.ZHIFA_PDF_SIGNING_DIR = tmp_path / "empty"
    with pytest.raises(DocumentError, match="没有签章证书"):
        render_signed()
    settings.ZHIFA_PDF_SIGN = False
    assert pdf_verify(render_signed()).reasons == ["文档没有电子签名"]


def test_verify_pdf_command(tmp_path, capsys):
    good = tmp_path / "decision.pdf"
    good.write_bytes(render_signed())
    call_command("verify_pdf", str(good))
    out = capsys.readouterr().out
    assert out.startswith("有效：decision.pdf") and "签署人：" in out and AGENCY in out
    bad = tmp_path / "changed.pdf"
    data = good.read_bytes()
    sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    bad.write_bytes(flipped(data, sig.byte_range[1] // 2))
    with pytest.raises(CommandError, match="签名核验未通过"):
        call_command("verify_pdf", str(bad))
    out = capsys.readouterr().out
    assert out.startswith("无效：changed.pdf") and "签名后文档内容被改动" in out
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("verify_pdf", str(tmp_path / "none.pdf"))


def test_a_document_carries_its_code_and_is_signed(visit, settings):
    """What case documents will do: the code's QR in `qr_code`, rendered through render_pdf, signed."""
    from zhifa.codes.qr import code_qr_png

    settings.ZHIFA_PUBLIC_URL = "https://zhifa.example.gov.cn"
    data = document_samples()["penalty_decision"]
    data["qr_code"] = code_qr_png(visit.code.code_id)
    pdf = render_pdf("penalty_decision", data)
    assert pdf_verify(pdf).valid
    assert len(PdfFileReader(io.BytesIO(pdf)).embedded_signatures) == 1


def test_the_printed_qr_is_short_and_leads_to_the_code(visit, settings):
    from django.test import Client

    from zhifa.codes.qr import qr_make

    settings.ZHIFA_PUBLIC_URL = "https://zhifa.example.gov.cn"
    assert qr_make(f"https://zhifa.example.gov.cn/c/id/{visit.code.code_id}").version <= 4
    response = Client().get(f"/c/id/{visit.code.code_id.lower()}")
    assert response.status_code == 302 and response["Location"] == f"/c/{visit.code.token}"
    assert Client().get("/c/id/0000000000").status_code == 404
