"""Browser journeys: the organizer issues a round's certificates and watches the progress bar; anyone
opens the URL in a certificate's QR code on a phone and sees it; a facility downloads its own."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from kcvote.certificates import services
from kcvote.certificates.models import Certificate
from kcvote.core.storage import get_storage
from tests.browser.conftest import screenshot
from tests.certificates.conftest import DESIGN
from tests.factories import PASSWORD, make_finalized_round

pytestmark = pytest.mark.browser


def _sign_in(page: Any, live_server: str, email: str) -> None:
    page.goto(live_server + "/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()


def _qr_url(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "gcn.pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603  # fixed tools on our own files
        ["/usr/bin/pdftoppm", "-r", "200", "-png", str(tmp_path / "gcn.pdf"), str(tmp_path / "gcn")], check=True
    )
    out = subprocess.run(  # noqa: S603  # fixed tools on our own files
        ["/usr/bin/zbarimg", "--quiet", "--raw", *map(str, sorted(tmp_path.glob("gcn*.png")))],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def test_organizer_issues_then_the_public_scans_and_the_facility_downloads(
    app: Flask, db, seeded, live_server: str, browser, tmp_path: Path
) -> None:
    organizer, round_, entries = make_finalized_round(n_entries=3, n_recognised=2, prizes={0: "Giải nhất"})
    services.save_design(actor=organizer, round_=round_, fields=DESIGN)
    db.session.commit()
    app.config["CERTIFICATE_JOBS"] = "thread"  # as deployed: a background job, progress polled by the page
    app.config["PUBLIC_BASE_URL"] = live_server

    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _sign_in(page, live_server, organizer.email)
    page.goto(f"{live_server}/manage/rounds/{round_.id}")
    page.get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    page.get_by_role("button", name="Cấp giấy chứng nhận").click()
    page.get_by_test_id("issue-status").get_by_text("Đã cấp xong.").wait_for(timeout=60_000)
    page.get_by_text("Đã cấp 2 / 2 sản phẩm được công nhận.").wait_for()
    page.get_by_role("cell", name="1/GCN-SCT").wait_for()
    screenshot(page, "certificates-issued")
    context.close()
    assert errors == []

    db.session.expire_all()
    first = db.session.query(Certificate).order_by(Certificate.sequence).first()
    url = _qr_url(get_storage().read(first.pdf_key), tmp_path)
    assert url == f"{live_server}/v/{first.verification_code}"

    phone = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740}, is_mobile=True)
    public = phone.new_page()
    public.goto(url)
    card = public.get_by_test_id("certificate")
    card.get_by_text("Giấy chứng nhận số 1/GCN-SCT").wait_for()
    card.get_by_text("Giấy chứng nhận còn hiệu lực đến hết ngày").wait_for()
    card.get_by_text(entries[0].product.name).wait_for()
    assert public.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(public, "certificate-verified-phone")
    phone.close()

    holder = entries[0].facility.members[0].user
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    _sign_in(page, live_server, holder.email)
    page.get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"giay-chung-nhan-{first.year}-1.pdf"
    text = PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages[0].extract_text()
    assert "Số: 1/GCN-SCT" in text and entries[0].product.name in text
    screenshot(page, "certificates-facility")
    context.close()
