"""Browser journey: a facility registers a product with three photos and submits; the organizer
accepts it; the code appears on the facility's status page."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from kcvote.accounts.enums import Role
from tests.browser.conftest import screenshot
from tests.factories import MINIMAL_PDF, PASSWORD, jpeg_bytes, make_facility, make_round, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()


def test_facility_submits_and_organizer_accepts(
    app: Flask, db, seeded, live_server: str, browser, tmp_path: Path
) -> None:
    organizer = make_user(Role.ORGANIZER, email="so.ct@thainguyen.gov.vn", name="Sở Công Thương")
    round_ = make_round(organizer)
    owner = make_user(Role.FACILITY, email="lan@htx-labang.vn", name="Hoàng Thị Lan")
    make_facility(owner)
    photos = []
    for name, color in (("truoc", (200, 40, 40)), ("ben", (40, 160, 60)), ("tren", (40, 60, 200))):
        path = tmp_path / f"{name}.jpg"
        path.write_bytes(jpeg_bytes(1600, 1200, color))
        photos.append(path)
    registration = tmp_path / "dkkd.pdf"
    registration.write_bytes(MINIMAL_PDF)

    facility = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = facility.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, live_server, "lan@htx-labang.vn")
    page.goto(live_server + "/my")
    page.get_by_role("link", name="Đăng ký sản phẩm").click()
    page.get_by_label("Tên sản phẩm mới").fill("Chè xanh La Bằng đặc biệt")
    page.get_by_label("Nhóm sản phẩm").select_option(label="2. Chế biến nông, lâm, thủy sản và thực phẩm")
    page.get_by_role("button", name="Đăng ký sản phẩm").click()
    page.get_by_text("Đã đăng ký. Hãy hoàn thiện hồ sơ và nộp trước hạn.").wait_for()

    for path, view in zip(photos, ("Mặt trước", "Mặt bên", "Mặt trên"), strict=True):
        page.get_by_label("Ảnh (JPEG, PNG hoặc WebP)").set_input_files(str(path))
        page.locator("img.upload-preview").wait_for()  # the preview shows before uploading
        page.get_by_label("Góc chụp").select_option(label=view)
        with page.expect_navigation():  # uploaded with progress by XHR, then the page reloads
            page.get_by_role("button", name="Tải ảnh lên").click()
        page.get_by_role("heading", name=f"Ảnh đã tải ({photos.index(path) + 1})").wait_for()
    page.get_by_label("Tài liệu (PDF hoặc ảnh chụp)").set_input_files(str(registration))
    with page.expect_navigation():
        page.get_by_role("button", name="Tải tài liệu lên").click()

    page.get_by_label("Người liên hệ").fill("Hoàng Thị Lan")
    page.get_by_label("Điện thoại liên hệ").fill("0912 345 678")
    page.get_by_label("Nguyên liệu (nguồn gốc, tỷ lệ nguyên liệu địa phương)").fill("Búp chè tươi của xã La Bằng")
    page.get_by_label("Quy trình sản xuất").fill("Hái – héo – vò – sao – đóng gói")
    page.get_by_label("Năng lực sản xuất (sản lượng/năm, lao động)").fill("5 tấn/năm, 12 lao động")
    page.get_by_label("Thị trường tiêu thụ (trong nước, xuất khẩu)").fill("Hà Nội, Thái Nguyên")
    page.get_by_label("Giá bán").fill("400.000 đồng/kg")
    page.get_by_label("Nét độc đáo, khác biệt của sản phẩm").fill("Hương cốm, nước xanh")
    page.get_by_label("Cơ sở cam kết", exact=False).check()
    page.get_by_role("button", name="Lưu nháp").click()
    page.get_by_text("Hồ sơ đã đủ; có thể nộp.").wait_for()
    screenshot(page, "entry-ready-to-submit")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.get_by_test_id("entry-status").get_by_text("Đã nộp, chờ thẩm định").wait_for()

    staff = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    organizer_page = staff.new_page()
    organizer_page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(organizer_page, live_server, "so.ct@thainguyen.gov.vn")
    organizer_page.goto(f"{live_server}/manage/rounds/{round_.id}/entries?q=che+xanh")
    organizer_page.get_by_role("link", name="Chè xanh La Bằng đặc biệt").click()
    organizer_page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    organizer_page.get_by_test_id("entry-code").get_by_text("TN-2025-CBNLTS-001").wait_for()
    screenshot(organizer_page, "organizer-accepted")

    page.reload()
    assert page.get_by_test_id("entry-code").inner_text() == "TN-2025-CBNLTS-001"
    assert page.get_by_test_id("entry-status").inner_text() == "Đã tiếp nhận"
    screenshot(page, "facility-status-accepted")
    assert errors == []
    facility.close()
    staff.close()
