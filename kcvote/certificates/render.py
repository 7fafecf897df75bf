"""The certificate as HTML and PDF (WeasyPrint, A4 landscape, DejaVu fonts, QR code by segno).

The page layout is our template (templates/certificates/print.html); the organizer's text blocks go
through the sandbox (sandbox.py) and see only the strings of ``context_of``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING

import segno
from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup, escape

from kcvote.certificates.sandbox import render_block
from kcvote.core.pdf import RESOURCE_PREFIX, html_to_pdf, split_pdf
from kcvote.core.storage import get_storage
from kcvote.core.urls import public_url

if TYPE_CHECKING:
    from kcvote.certificates.models import Certificate, CertificateDesign


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def verify_url(certificate: Certificate) -> str:
    """The public verification page the QR code points to."""
    return public_url("certificates.verify_code", verification_code=certificate.verification_code)


def context_of(certificate: Certificate) -> dict[str, str]:
    """The strings a text block may use (sandbox.VARIABLES)."""
    return {
        "so": certificate.number,
        "san_pham": certificate.subject,
        "co_so": certificate.holder,
        "dia_chi": certificate.holder_address,
        "tinh": certificate.province,
        "nhom": certificate.group,
        "cap": _lower_first(certificate.level),
        "dot": certificate.round_name,
        "nam": str(certificate.round.year) if certificate.round else str(certificate.year),
        "ma_so": certificate.entry_code,
        "giai": certificate.prize,
        "quyet_dinh": certificate.decision_number,
        "ngay_quyet_dinh": _d(certificate.decision_date),
        "co_gia_tri_den": _d(certificate.valid_until),
        "ngay_cap": _d(certificate.issued_on),
    }


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a PNG, 8 pixels a module (medium error correction survives a worn
    print). A bitmap rather than SVG: WeasyPrint draws a PNG in microseconds where it parses an SVG
    path in about 25 ms, and a thousand certificates pay that a thousand times."""
    buffer = BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=0)
    return buffer.getvalue()


def _page(certificate: Certificate, design: CertificateDesign, qr_name: str) -> dict[str, Markup | str]:
    context = context_of(certificate)
    url = verify_url(certificate)
    alt = escape(f"QR {url}")
    return {
        "title": render_block(design.title, context),
        "body": render_block(design.body_text, context),
        "footer": render_block(design.footer_text, context),
        "qr": Markup(f'<img src="{RESOURCE_PREFIX}{qr_name}" alt="{alt}">'),  # noqa: S704  # our URL, escaped
        "verify_url": url,
    }


def _document(
    certificates: Sequence[Certificate], design: CertificateDesign, *, preview: bool = False
) -> tuple[str, dict[str, tuple[bytes, str]]]:
    """The HTML of one page per certificate (an official document, so always in Vietnamese) and the
    images it names: the background and each page's QR code."""
    resources = _resources(design)
    pages = []
    for index, certificate in enumerate(certificates):
        name = f"qr-{index}.png"
        resources[name] = (qr_png(verify_url(certificate)), "image/png")
        pages.append((certificate, _page(certificate, design, name)))
    with force_locale("vi"):
        html = render_template(
            "certificates/print.html",
            pages=pages,
            design=design,
            background=RESOURCE_PREFIX + "background" if design.background_key else None,
            preview=preview,
        )
    return html, resources


def certificates_html(certificates: Sequence[Certificate], design: CertificateDesign, *, preview: bool = False) -> str:
    """One page per certificate (the images it names are made by ``_document``)."""
    return _document(certificates, design, preview=preview)[0]


def _resources(design: CertificateDesign) -> dict[str, tuple[bytes, str]]:
    if not design.background_key:
        return {}
    content_type = "image/png" if design.background_key.endswith(".png") else "image/jpeg"
    return {"background": (get_storage().read(design.background_key), content_type)}


def certificate_pdf(certificate: Certificate, design: CertificateDesign) -> bytes:
    """One certificate as a one-page PDF."""
    return certificates_pdfs([certificate], design)[0]


def certificates_pdfs(certificates: Sequence[Certificate], design: CertificateDesign) -> list[bytes]:
    """Several certificates rendered as one document (WeasyPrint's fixed cost, the style sheet and
    the fonts, paid once), then split into one single-page PDF each."""
    if not certificates:
        return []
    html, resources = _document(certificates, design)
    document = html_to_pdf(html, resources=resources)
    if len(certificates) == 1:
        return [document]
    pages = split_pdf(document)
    if len(pages) != len(certificates):  # a text block overflowing its page would shift every later one
        raise RuntimeError(f"{len(certificates)} certificates rendered as {len(pages)} pages")
    return pages


def preview_pdf(certificate: Certificate, design: CertificateDesign) -> bytes:
    """A certificate not issued (no number yet), marked as a preview."""
    html, resources = _document([certificate], design, preview=True)
    return html_to_pdf(html, resources=resources)
