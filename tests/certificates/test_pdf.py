"""The certificate PDF: official texts in Vietnamese, facts, A4 landscape, and a QR code that decodes
to the public verification URL (rendered with pdftoppm, read with zbarimg)."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from kcvote.certificates import render, services
from kcvote.core.storage import get_storage
from tests.factories import jpeg_bytes


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())


def _qr_codes(data: bytes, tmp_path: Path) -> list[str]:
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(data)
    subprocess.run(  # noqa: S603  # fixed tools on our own files
        ["/usr/bin/pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page*.png"))
    out = subprocess.run(  # noqa: S603  # fixed tools on our own files
        ["/usr/bin/zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", *map(str, pages)],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def test_pdf_holds_the_official_texts_and_the_facts(issued) -> None:
    _, _, entries, certificates = issued
    data = get_storage().read(certificates[0].pdf_key)
    reader = PdfReader(BytesIO(data))
    text = _text(data)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) > round(float(box.height))  # landscape
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ CÔNG THƯƠNG TỈNH THÁI NGUYÊN",
        "GIẤY CHỨNG NHẬN",
        "SẢN PHẨM CÔNG NGHIỆP NÔNG THÔN TIÊU BIỂU CẤP TỈNH NĂM 2025",
        "Số: 1/GCN-SCT",
        "Sản phẩm 1",
        "Cơ sở 1",
        "xã La Bằng, tỉnh Thái Nguyên",
        "Giải nhất",
        "Quyết định số 1234/QĐ-SCT ngày 10/12/2025",
        f"có giá trị đến hết ngày {certificates[0].valid_until:%d/%m/%Y}",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn Hùng",
        entries[0].code,
    ):
        assert expected in text, expected
    code = certificates[0].verification_code
    assert f"{code[:4]} {code[4:8]}" in text


def test_qr_decodes_to_the_public_verification_url(issued, app, tmp_path) -> None:
    certificate = issued[3][0]
    data = get_storage().read(certificate.pdf_key)
    assert _qr_codes(data, tmp_path) == [f"http://127.0.0.1:5000/v/{certificate.verification_code}"]


def test_qr_uses_the_configured_public_address(finalized, app, db, tmp_path) -> None:
    organizer, round_, _ = finalized
    app.config["PUBLIC_BASE_URL"] = "https://kcvote.sct.thainguyen.gov.vn/"
    certificate = services.issue_pending(actor=organizer, round_=round_, limit=1)[0]
    data = get_storage().read(certificate.pdf_key)
    assert _qr_codes(data, tmp_path) == [f"https://kcvote.sct.thainguyen.gov.vn/v/{certificate.verification_code}"]


def test_batch_rendering_gives_one_page_per_certificate_in_order(issued) -> None:
    _, round_, _, certificates = issued
    pdfs = render.certificates_pdfs(certificates, services.design_of(round_))
    assert [f"Số: {c.number}" in _text(pdf) for c, pdf in zip(certificates, pdfs, strict=True)] == [True, True]
    assert [len(PdfReader(BytesIO(p)).pages) for p in pdfs] == [1, 1]
    # each carries its own QR code only, not every image of the batch
    assert [len(PdfReader(BytesIO(p)).pages[0].images) for p in pdfs] == [1, 1]


def test_background_image_is_drawn_and_custom_blocks_render(finalized, db) -> None:
    organizer, round_, _ = finalized
    services.set_background(actor=organizer, round_=round_, data=jpeg_bytes(1754, 1240, (240, 220, 160)))
    services.save_design(
        actor=organizer,
        round_=round_,
        fields={"footer_text": "Chứng nhận {{ san_pham }} của {{ co_so }} ({{ tinh }})."},
    )
    certificate = services.issue_pending(actor=organizer, round_=round_, limit=1)[0]
    data = get_storage().read(certificate.pdf_key)
    page = PdfReader(BytesIO(data)).pages[0]
    sizes = sorted((image.image.width, image.image.height) for image in page.images)
    assert sizes[-1] == (1754, 1240)  # the border, beside the QR code's bitmap
    assert len(sizes) == 2
    assert "Chứng nhận Sản phẩm 1 của Cơ sở 1 (Thái Nguyên)." in _text(data)


def test_preview_is_marked_and_has_no_real_number(finalized, app) -> None:
    _, round_, _ = finalized
    design = services.design_of(round_)
    with app.test_request_context():
        data = render.preview_pdf(services.preview_certificate(round_, design), design)
    text = _text(data)
    assert "BẢN XEM TRƯỚC" in text
    assert "Số: …/GCN-SCT" in text
    assert "Sản phẩm 1" in text
