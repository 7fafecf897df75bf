"""Browser journey: someone reads a list posted for comment and sends a comment; the council's
secretary records how it was handled; once the final list is recorded the gallery shows the artisan
with a photo of their work."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from kcvote.artisans.enums import CommentStatus
from kcvote.artisans.models import PublicComment
from tests.artisans.public_factories import PRIVATE, add_work_photo, posted_list, recognise
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _context(browser: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return context, page, errors


def test_public_comments_the_secretary_handles_the_gallery_shows_the_artisan(
    app: Flask, db, seeded, live_server: str, browser
) -> None:
    posted = posted_list()
    add_work_photo(posted.nominations[0])

    # Someone reads the posted list and sends a comment about one nominee.
    context, page, errors = _context(browser)
    page.goto(live_server + "/artisans/comment")
    page.get_by_role("link", name="Danh sách của Hội đồng chuyên ngành cấp Bộ").click()
    page.get_by_role("heading", name="Trần Thị Lụa").wait_for()
    assert page.get_by_text("Gốm Phù Lãng").first.is_visible()
    assert not page.get_by_label("Trang web (để trống)").is_visible()  # the honeypot
    html = page.content()
    assert [value for value in PRIVATE if value in html] == []
    page.get_by_label("Họ và tên").fill("Phạm Văn Dân")
    page.get_by_label("Địa chỉ liên hệ (thư điện tử hoặc số điện thoại)").fill("dan@example.vn")
    page.get_by_label("Góp ý về").select_option(label="Nguyễn Văn Gốm — Nghệ nhân ưu tú, Bắc Ninh")
    page.get_by_label("Nội dung góp ý").fill("Ông Gốm đã truyền nghề cho hơn 200 thanh niên trong làng.")
    page.get_by_role("button", name="Gửi góp ý").click()
    page.get_by_text("Cảm ơn bạn đã góp ý").wait_for()
    screenshot(page, "artisans-public-comment-sent")
    context.close()
    assert errors == []

    # The ministry council's secretary reads it and records how it was handled.
    context, page, errors = _context(browser)
    page.goto(live_server + "/account/login")
    page.get_by_label("Email").fill(posted.secretary.email)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()
    page.goto(live_server + "/manage/artisans/comments")
    assert page.get_by_text("1 ý kiến chưa xử lý").is_visible()
    page.get_by_role("link", name="Danh sách của Hội đồng chuyên ngành cấp Bộ").click()
    comment = page.get_by_test_id("comment")
    assert "Nguyễn Văn Gốm" in comment.inner_text() and "dan@example.vn" in comment.inner_text()
    comment.get_by_label("Nội dung xử lý").fill("Đã đối chiếu hồ sơ: đúng; báo cáo Hội đồng cấp Nhà nước.")
    comment.get_by_role("button", name="Lưu xử lý").click()
    page.get_by_test_id("handled").wait_for()
    screenshot(page, "artisans-public-comment-handled")
    context.close()
    assert errors == []
    db.session.expire_all()
    stored = db.session.scalar(select(PublicComment))
    assert (stored.status, stored.handled_by_id) == (CommentStatus.HANDLED, posted.secretary.id)

    # The State council passes them, its comment period ends, the final list is recorded.
    recognise(posted)

    context, page, errors = _context(browser)
    page.goto(live_server + "/artisans/gallery")
    card = page.get_by_test_id("artisan").filter(has_text="Nguyễn Văn Gốm")
    card.wait_for()
    assert "1234/QĐ-CTN" in card.inner_text() and "Nghệ nhân ưu tú" in card.inner_text()
    image = card.get_by_role("img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    page.get_by_label("Danh hiệu").select_option(label="Nghệ nhân nhân dân")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("heading", name="Trần Thị Lụa").wait_for()
    assert page.get_by_test_id("artisan").count() == 1
    page.goto(live_server + "/artisans/gallery")
    screenshot(page, "artisans-public-gallery")
    context.close()
    assert errors == []
