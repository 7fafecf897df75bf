"""Browser journey: a facility representative signs up, confirms, signs in, switches language, signs out."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from kcvote.accounts.models import User
from tests.browser.conftest import screenshot
from tests.conftest import link_in, outbox

pytestmark = pytest.mark.browser


def test_facility_signs_up_confirms_signs_in_switches_language_and_out(app: Flask, db, live_server: str, page) -> None:
    page.goto(live_server + "/")
    page.get_by_role("link", name="Đăng ký cơ sở").click()
    page.get_by_label("Họ và tên người đại diện").fill("Hoàng Thị Lan")
    page.get_by_label("Email").fill("lan@htx-labang.vn")
    page.get_by_label("Mật khẩu mới").fill("che-la-bang-2025")
    page.get_by_label("Nhập lại mật khẩu").fill("che-la-bang-2025")
    page.get_by_role("button", name="Đăng ký").click()
    page.get_by_role("heading", name="Kiểm tra hộp thư của bạn").wait_for()
    screenshot(page, "signup-check-email")

    messages = outbox(app)
    assert [m["To"] for m in messages] == ["lan@htx-labang.vn"]
    page.goto(live_server + link_in(messages[0]))
    page.get_by_text("Email đã được xác nhận. Bạn có thể đăng nhập.").wait_for()

    page.get_by_label("Email").fill("lan@htx-labang.vn")
    page.get_by_label("Mật khẩu", exact=True).fill("che-la-bang-2025")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào, Hoàng Thị Lan!").wait_for()
    screenshot(page, "signed-in-vi")

    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Tiếng Việt").wait_for()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.get_by_test_id("user-menu").click()  # fold the menu again
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "signed-in-en")
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "lan@htx-labang.vn"))
    assert user.locale == "en"

    page.get_by_role("button", name="Tiếng Việt").click()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_text("Bạn đã đăng xuất.").wait_for()
    navigation = page.get_by_role("navigation", name="Điều hướng chính")
    assert navigation.get_by_role("link", name="Đăng nhập").is_visible()
