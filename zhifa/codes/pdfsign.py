"""PAdES signatures (ETSI EN 319 142, baseline B-B) on every document rendered through zhifa.core.pdf, with the
certificate of the unit the document names as its agency, through pyHanko; and their verification.

The signing folder (ZHIFA_PDF_SIGNING_DIR, outside the repository):
  ca.pem                 the trust anchor(s): the district's CA, or the demo CA
  ca.key.pem             demo only: the demo CA's key, which issues unit certificates on first use
  units/<agency>.pem     a unit's certificate (then its chain), <agency> being the name documents print
  units/<agency>.key.pem its private key (PKCS#8 PEM; the folder is the secret)
With ZHIFA_KEYS_AUTOCREATE the demo CA and each unit's certificate are made the first time they are needed;
otherwise a unit without a certificate cannot sign, and rendering says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import load_certs_from_pemder
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from zhifa.core.documents import DocumentError

DEMO_CA_NAME = "zhifa 演示 CA（仅供演示，不具法律效力）"
FIELD_NAME = "执法机关电子签章"


def signing_dir() -> Path:
    return Path(settings.ZHIFA_PDF_SIGNING_DIR)


def _write_once(path: Path, data: bytes) -> bool:
    """Write a file readable by its owner only, unless it exists (two processes: the first one wins)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "zhifa 演示"),
            x509.NameAttribute(NameOID.COMMON_NAME, common[:64]),
        ]
    )


def demo_ca_ensure() -> None:
    """The demo CA (ECDSA P-256, ten years), made once into the signing folder."""
    folder = signing_dir()
    if (folder / "ca.pem").exists():
        return
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(DEMO_CA_NAME))
        .issuer_name(_name(DEMO_CA_NAME))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_once(folder / "ca.key.pem", _pem_key(key))
    _write_once(folder / "ca.pem", cert.public_bytes(serialization.Encoding.PEM))


def _unit_certificate_issue(slug: str, agency: str) -> None:
    """A demo certificate for one unit, issued by the demo CA: digital signature and non-repudiation."""
    folder = signing_dir()
    demo_ca_ensure()
    ca_key = serialization.load_pem_private_key((folder / "ca.key.pem").read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(agency))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    units = folder / "units"
    if _write_once(units / f"{slug}.key.pem", _pem_key(key)):
        _write_once(units / f"{slug}.pem", cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(
            serialization.Encoding.PEM
        ))  # fmt: skip


def unit_slug(agency: str) -> str:
    """The file name of an agency's certificate: the agency's name as the document prints it (a file an
    operator recognises), without anything a path could be made of."""
    name = "".join(ch for ch in agency.strip() if ch.isprintable() and ch not in '/\\:*?"<>|').strip(". ")
    return name[:80] or "agency-" + hashlib.sha256(agency.encode()).hexdigest()[:16]


_signers: dict[tuple, signers.SimpleSigner] = {}
_lock = threading.Lock()


def unit_signer(agency: str) -> signers.SimpleSigner:
    slug = unit_slug(agency)
    folder = signing_dir() / "units"
    cert_path, key_path = folder / f"{slug}.pem", folder / f"{slug}.key.pem"
    if not cert_path.exists():
        if not settings.ZHIFA_KEYS_AUTOCREATE:
            raise DocumentError(f"“{agency}”没有签章证书（{cert_path}），文书不能签名")
        with _lock:
            _unit_certificate_issue(slug, agency)
    stamp = (str(cert_path), cert_path.stat().st_mtime_ns)
    signer = _signers.get(stamp)
    if signer is None:
        certs = list(load_certs_from_pemder([str(cert_path)]))
        key = asn1_keys.PrivateKeyInfo.load(
            serialization.load_pem_private_key(key_path.read_bytes(), password=None).private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        signer = signers.SimpleSigner(
            signing_cert=certs[0],
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs(certs[1:]),
        )
        _signers[stamp] = signer
    return signer


def pdf_signer(pdf: bytes, document) -> bytes:
    """The signer registered with zhifa.core.pdf: the agency's PAdES signature is the last change."""
    if not settings.ZHIFA_PDF_SIGN:
        return pdf
    agency = document.agency.name
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"{agency}签发《{document.title}》",
        name=agency,
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=unit_signer(agency))
    return out.getvalue()


# --- verification ------------------------------------------------------------------------------------------


@dataclass
class PdfCheck:
    valid: bool
    reasons: list[str] = field(default_factory=list)
    signer: str = ""
    signed_at: str = ""


def trust_roots(extra: list[Path] | None = None) -> list[asn1_x509.Certificate]:
    paths = [p for p in [signing_dir() / "ca.pem", *(extra or [])] if p.exists()]
    return list(load_certs_from_pemder([str(p) for p in paths])) if paths else []


def pdf_verify(data: bytes, *, roots: list | None = None) -> PdfCheck:
    """Is the PDF signed, intact, by a certificate that chains to a trusted root, and unchanged since?"""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged file fails in many ways inside the PDF parser
        return PdfCheck(False, [f"无法读取 PDF（文件已损坏或被改动）：{exc}"])
    if not signatures:
        return PdfCheck(False, ["文档没有电子签名"])
    context = ValidationContext(
        trust_roots=roots if roots is not None else trust_roots(), allow_fetching=False
    )
    check = PdfCheck(True)
    for sig in signatures:
        try:
            status = validate_pdf_signature(sig, context)
        except Exception as exc:
            return PdfCheck(False, [f"签名“{sig.field_name}”无法核验：{exc}"])
        check.signer = status.signing_cert.subject.human_friendly
        check.signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
        if not status.intact:
            check.valid = False
            check.reasons.append("签名后文档内容被改动：签名覆盖部分的摘要与签名时不符")
        elif not status.valid:
            check.valid = False
            check.reasons.append("签名值不正确：签名不是由证书对应的私钥作出")
        else:
            check.reasons.append("签名完整：签名覆盖的内容与签名时一致")
        if not status.trusted:
            check.valid = False
            check.reasons.append("签名证书不能链到受信任的根证书（演示 CA 或本区 CA）")
        else:
            check.reasons.append("签名证书可信：链到受信任的根证书")
        coverage = status.coverage.name if status.coverage else ""
        if coverage != "ENTIRE_FILE":
            level = status.modification_level.name if status.modification_level else "未知"
            if level in ("NONE", "LTA_UPDATES"):
                check.reasons.append("签名后仅追加了验证信息，文档内容未变")
            else:
                check.valid = False
                check.reasons.append(f"签名后文档又被修改（修改级别：{level}）")
        else:
            check.reasons.append("签名后文档未被修改（签名覆盖整个文件）")
    return check
