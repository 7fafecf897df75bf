"""Browser journey: an artisan files a dossier with a photo and submits it; the Sở sees the answer
deadline, opens the checklist and accepts the dossier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from kcvote.accounts.enums import Role
from kcvote.artisans.enums import CouncilLevel, NominationStatus
from kcvote.artisans.models import Nomination
from tests.artisans.factories import make_award_round
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, jpeg_bytes, make_user

pytestmark = pytest.mark.browser


def sign_in(browser: Any, live_server: str, email: str) -> tuple[Any, Any]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server + "/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()
    page.console_errors = errors  # checked at the end of the journey
    return context, page


def test_artisan_files_and_the_so_accepts(
    app: Flask, db: Any, seeded: None, live_server: str, browser: Any, tmp_path: Path
) -> None:
    award_round = make_award_round()
    artisan = make_user(Role.FACILITY, email="lua@example.vn", name="Trần Thị Lụa")
    organizer = make_user(Role.ORGANIZER, email="so-congthuong@example.vn")
    photo = tmp_path / "lua-van-hoa.jpg"
    photo.write_bytes(jpeg_bytes(1200, 900))

    context, page = sign_in(browser, live_server, artisan.email)
    page.goto(live_server + "/artisans/my")
    page.get_by_role("link", name="Lập hồ sơ đề nghị xét tặng").click()
    page.get_by_label("Danh hiệu đề nghị").select_option(label="Nghệ nhân ưu tú")
    page.get_by_label("Nghề").fill("Dệt lụa")
    page.get_by_role("button", name="Lập hồ sơ").click()
    page.get_by_text("Đã lập hồ sơ nháp").wait_for()

    page.get_by_label("Ngày sinh").fill("01/05/1968")
    page.get_by_label("Giới tính").select_option(label="Nữ")
    page.get_by_label("Số định danh cá nhân/CCCD").fill("001168009999")
    page.get_by_label("Nơi cư trú").fill("Vạn Phúc, Hà Đông, Hà Nội")
    page.get_by_label("Số người đã truyền nghề").fill("120")
    page.get_by_label("Việc truyền nghề").fill("Dạy nghề dệt cho thợ trẻ tại xưởng từ năm 2000")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    page.get_by_text("Đã lưu hồ sơ.").wait_for()

    page.get_by_label("Từ năm").fill("1990")
    page.get_by_label("Nơi hành nghề").fill("Làng lụa Vạn Phúc")
    page.get_by_role("button", name="Thêm giai đoạn").click()
    page.get_by_text("Đã thêm giai đoạn hành nghề.").wait_for()

    page.get_by_label("Tên tác phẩm").fill("Lụa vân hoa")
    page.get_by_label("Ngày hoàn thành").fill("05/01/2019")
    page.get_by_role("button", name="Thêm tác phẩm").click()
    page.get_by_text("Đã thêm tác phẩm.").wait_for()

    page.get_by_label("Cuộc thi, triển lãm").fill("Sản phẩm thủ công mỹ nghệ Việt Nam")
    page.get_by_label("Giải", exact=True).select_option(label="Giải nhì")
    page.get_by_label("Năm đạt giải").fill("2019")
    page.get_by_label("Tác phẩm đạt giải").select_option(label="Lụa vân hoa")
    page.get_by_role("button", name="Thêm giải thưởng").click()
    page.get_by_text("Đã thêm giải thưởng.").wait_for()

    page.get_by_label("Tệp (ảnh, PDF hoặc video MP4/WebM)").set_input_files(str(photo))
    page.get_by_label("Minh chứng cho").select_option(label="Ảnh, video tác phẩm: Lụa vân hoa")
    page.get_by_role("button", name="Tải lên").click()  # sent by upload.js with a progress bar
    page.get_by_test_id("evidence-item").get_by_text("Lụa vân hoa").wait_for()
    assert page.locator("#evidence img").first.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "artisan-dossier-filled")

    page.get_by_label("Tôi cam đoan").check()
    page.get_by_role("button", name="Nộp hồ sơ cho Sở Công Thương").click()
    page.get_by_test_id("nomination-status").get_by_text("Đã nộp, chờ Sở trả lời").wait_for()
    page.get_by_test_id("answer-due").get_by_text("Sở trả lời trong 10 ngày").wait_for()
    assert page.console_errors == []
    context.close()

    context, page = sign_in(browser, live_server, organizer.email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/manage/award-rounds/{award_round.id}/nominations")
    page.get_by_test_id("deadline").get_by_text("còn 10 ngày").wait_for()
    screenshot(page, "artisan-intake-list")
    page.get_by_role("link", name="Trần Thị Lụa").click()
    page.get_by_test_id("checklist").wait_for()
    assert "Có ít nhất 15 năm hành nghề" in page.get_by_test_id("checklist").inner_text()
    page.get_by_test_id("rule-version").get_by_text("06/06/2024").wait_for()
    screenshot(page, "artisan-intake-review")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.get_by_text("Đã tiếp nhận hồ sơ; hồ sơ chuyển Hội đồng cấp tỉnh.").wait_for()
    page.get_by_test_id("nomination-status").get_by_text("Sở đã tiếp nhận").wait_for()
    assert page.console_errors == []
    context.close()

    db.session.expire_all()
    nomination = db.session.scalars(select(Nomination)).one()
    assert (nomination.status, nomination.stage) == (NominationStatus.ACCEPTED, CouncilLevel.PROVINCIAL)
    assert [e.kind.value for e in nomination.evidence] == ["photo"]
