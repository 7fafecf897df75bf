"""Browser journey: the organizer closes scoring, selects the recognised products, finalizes and
downloads the results minutes as PDF."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from kcvote.judging import services
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_judging_round

pytestmark = pytest.mark.browser


def test_organizer_finalizes_and_downloads_results_pdf(app: Flask, db, seeded, live_server: str, browser) -> None:
    organizer, round_, entries, jurors = make_judging_round(n_entries=2, n_jurors=2)
    for entry, share in zip(entries, ("1", "0.5"), strict=True):
        for juror in jurors:
            points = {
                c.id: str((Decimal(share) * c.max_points * 2).quantize(Decimal(1)) / 2)
                for c in entry.round.rubric.criteria
            }
            services.save_sheet(actor=juror, entry=entry, points=points)
            services.submit_sheet(actor=juror, entry=entry)
    db.session.commit()
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server + "/account/login")
    page.get_by_label("Email").fill(organizer.email)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()
    page.goto(f"{live_server}/manage/rounds/{round_.id}")
    page.get_by_role("button", name="Kết thúc chấm điểm").click()
    page.get_by_test_id("round-state").get_by_text("Đã kết thúc chấm").wait_for()
    page.get_by_role("link", name="Kết quả").click()
    page.get_by_label(f"Công nhận {entries[0].code}").select_option(label="Công nhận")
    page.get_by_role("button", name="Lưu lựa chọn của hội đồng").click()
    page.get_by_text("Đã lưu lựa chọn: 1 sản phẩm được công nhận.").wait_for()
    page.goto(f"{live_server}/manage/rounds/{round_.id}")
    page.get_by_role("button", name="Chốt kết quả").click()
    page.get_by_test_id("round-state").get_by_text("Đã chốt kết quả").wait_for()
    page.get_by_role("link", name="Kết quả").click()
    page.get_by_text("Kết quả đã chốt").wait_for()
    screenshot(page, "results-finalized")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="In biên bản kết quả (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"bien-ban-ket-qua-{round_.id}.pdf"
    pdf = Path(download.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "BIÊN BẢN TỔNG HỢP KẾT QUẢ" in text
    assert entries[0].code in text
    context.close()
