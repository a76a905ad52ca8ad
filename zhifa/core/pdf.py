"""Enforcement documents as PDF: a Typst template + a document's data → an A4 PDF with Chinese fonts embedded.

Typst (the `typst` wheel carries the compiler, so nothing but Python is needed) reads the data as JSON from
`sys.inputs`; user text is data, printed as text and never spliced into markup. Templates ship in
`pdf_templates/`; a file of the same name in `ZHIFA_DOCUMENT_TEMPLATES_DIR` wins, so a district edits its
documents without touching the code. Fonts come only from `ZHIFA_PDF_FONT_DIRS` (and Typst's own Latin
fonts), so a PDF looks the same on every machine.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import typst
from django.conf import settings

from zhifa.core.documents import DocumentContext, DocumentError, document_build, document_data, image_format

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "pdf_templates"
# The shipped templates set these families; without them Chinese text would print as empty boxes.
REQUIRED_FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

PdfSigner = Callable[[bytes, DocumentContext], bytes]
_signer: PdfSigner | None = None


def render_pdf(template_name: str, context: Mapping | DocumentContext) -> bytes:
    """The PDF of one document: the context is checked against the document's contract first."""
    name = template_name.removesuffix(".typ")
    if not _NAME.match(name):
        raise DocumentError(f"文书模板名称无效：{template_name!r}")
    document = document_build(name, context)
    return pdf_sign(render_document(document), document=document)


def render_document(document: DocumentContext) -> bytes:
    """The unsigned PDF of a checked document."""
    fonts = _fonts(tuple(settings.ZHIFA_PDF_FONT_DIRS))
    with _workspace.lock:
        root = _workspace.prepare(_override_dir())
        try:
            data = document_data(document, attach=_workspace.attach)
            source = (root / f"{document.template}.typ").read_bytes()
            compiler = typst.Compiler(
                source,
                root=str(root),
                font_paths=fonts,
                ignore_system_fonts=True,
                sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            )
            pdf, warnings = compiler.compile_with_warnings(format="pdf")
        except FileNotFoundError:
            raise DocumentError(f"找不到文书模板 {document.template}.typ") from None
        except typst.TypstError as exc:
            raise DocumentError(f"文书模板 {document.template}.typ 有误：{exc.message}") from None
        finally:
            _workspace.detach()
    for warning in warnings:
        # e.g. a rare character no configured font has: the PDF is still right in every other place.
        logger.warning("文书 %s：%s", document.template, warning.message)
    assert isinstance(pdf, bytes)
    return pdf


def render_report(template: Path, data: Mapping) -> bytes:
    """A report that is not an enforcement document (no contract, no seal, no signature): an app's own Typst file
    with its data as JSON in `sys.inputs.data`, printed with the same fonts. The file's folder is Typst's root,
    so the report reads nothing else of the server."""
    fonts = _fonts(tuple(settings.ZHIFA_PDF_FONT_DIRS))
    try:
        compiler = typst.Compiler(
            template.read_bytes(),
            root=str(template.parent),
            font_paths=fonts,
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
        )
        pdf, warnings = compiler.compile_with_warnings(format="pdf")
    except FileNotFoundError:
        raise DocumentError(f"找不到报告模板 {template.name}") from None
    except typst.TypstError as exc:
        raise DocumentError(f"报告模板 {template.name} 有误：{exc.message}") from None
    for warning in warnings:
        logger.warning("报告 %s：%s", template.name, warning.message)
    assert isinstance(pdf, bytes)
    return pdf


# --- the place for the PAdES signature ---------------------------------------------------------------


def register_pdf_signer(signer: PdfSigner | None) -> None:
    """The codes app registers its PAdES signer here (in its AppConfig.ready); None removes it."""
    global _signer
    _signer = signer


def pdf_sign(pdf: bytes, *, document: DocumentContext) -> bytes:
    """Sign the rendered PDF (PAdES, ETSI EN 319 142) with the registered signer; unsigned without one.

    The signature must be the last change to the bytes: anything written after it shows as a modification in
    a PDF reader. So it happens here, after rendering, and nothing in this module touches the bytes after.
    """
    return _signer(pdf, document) if _signer else pdf


# --- fonts -------------------------------------------------------------------------------------------

_fonts_cache: dict[tuple[str, ...], typst.Fonts] = {}


def _fonts(dirs: tuple[str, ...]) -> typst.Fonts:
    fonts = _fonts_cache.get(dirs)
    if fonts is None:
        fonts = typst.Fonts(
            include_system_fonts=False,
            include_embedded_fonts=True,
            font_paths=[d for d in dirs if os.path.isdir(d)],
        )
        missing = [family for family in REQUIRED_FONT_FAMILIES if family not in fonts.families()]
        if missing:
            raise DocumentError(
                "未找到中文字体，请安装 fonts-noto-cjk"
                f"（在 {('、'.join(dirs) or '未配置的目录')} 中没有 {'、'.join(missing)}；"
                "字体目录由 ZHIFA_PDF_FONT_DIRS 设置）"
            )
        _fonts_cache[dirs] = fonts
    return fonts


# --- where Typst reads templates and images ----------------------------------------------------------


def _override_dir() -> Path | None:
    configured = settings.ZHIFA_DOCUMENT_TEMPLATES_DIR
    if not configured:
        return None
    if not os.path.isdir(configured):
        raise DocumentError(f"文书模板目录 {configured} 不存在（ZHIFA_DOCUMENT_TEMPLATES_DIR）")
    return Path(configured)


class _Workspace:
    """A private folder per process that Typst sees as its root: links to the shipped templates, replaced
    by the district's files of the same name, and the images of the document being rendered.

    Typst reads nothing outside it, so a template cannot reach other files of the server.
    """

    ATTACHMENTS = "_attachments"

    def __init__(self):
        self.lock = threading.Lock()
        self._root: Path | None = None

    def prepare(self, override: Path | None) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="zhifa-pdf-"))
            atexit.register(shutil.rmtree, self._root, True)
        wanted = {p.name: p for p in TEMPLATES_DIR.iterdir() if not p.name.startswith((".", "_attach"))}
        if override is not None:
            wanted.update({p.name: p for p in override.iterdir() if not p.name.startswith((".", "_attach"))})
        for entry in self._root.iterdir():
            if entry.name != self.ATTACHMENTS and entry.name not in wanted:
                entry.unlink()
        for name, source in wanted.items():
            link = self._root / name
            if link.is_symlink() and os.readlink(link) == str(source):
                continue
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(source)
        return self._root

    def attach(self, data: bytes) -> str:
        assert self._root is not None
        folder = self._root / self.ATTACHMENTS
        folder.mkdir(exist_ok=True)
        name = f"{hashlib.sha256(data).hexdigest()[:32]}.{image_format(data)}"
        (folder / name).write_bytes(data)
        return f"/{self.ATTACHMENTS}/{name}"

    def detach(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root / self.ATTACHMENTS, ignore_errors=True)


_workspace = _Workspace()
