"""Browser journey: the secretary opens a secret ballot; five members vote at the same time from their
phones (five browser contexts); the secretary closes the ballot and downloads the minutes PDF."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from tests.artisans.test_council_services import setup_meeting
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _signed_in(browser: Any, live_server: str, email: str, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(locale="vi-VN", viewport=viewport, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server + "/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()
    return context, page, errors


def test_five_members_vote_at_once_and_secretary_prints_minutes(
    app: Flask, db, seeded, live_server: str, browser
) -> None:
    _, _, council, listed, meeting, (first, second) = setup_meeting(members=5, nominations=2)
    secretary = listed[-1]
    contexts = []
    sec_context, sec, sec_errors = _signed_in(
        browser, live_server, secretary.user.email, {"width": 1280, "height": 900}
    )
    contexts.append(sec_context)
    sec.goto(f"{live_server}/councils/meetings/{meeting.id}")
    sec.get_by_test_id("quorum").get_by_text("5/5 thành viên có mặt: đủ điều kiện").wait_for()
    sec.get_by_label(first.nominee.name).check()
    sec.get_by_label(second.nominee.name).check()
    sec.get_by_role("button", name="Mở bỏ phiếu kín").click()
    sec.get_by_text("Đã mở bỏ phiếu kín").wait_for()

    # Member i votes yes on the first nomination; members 0-2 yes on the second: 5 and 3 yes of 5 listed.
    phones = []
    for i, member in enumerate(listed):
        context, page, errors = _signed_in(browser, live_server, member.user.email, PHONE)
        contexts.append(context)
        page.goto(f"{live_server}/councils/mine")
        page.get_by_test_id("open-ballot").click()
        page.get_by_role("heading", name="Phiếu bầu của bạn").wait_for()
        page.locator(f"label[for=vote-yes-{first.id}]").click()
        page.locator(f"label[for=vote-{'yes' if i < 3 else 'no'}-{second.id}]").click()
        phones.append((page, errors))
    screenshot(phones[0][0], "artisans-ballot-phone")
    for page, _ in phones:  # all five send without waiting for each other
        page.get_by_role("button", name="Gửi phiếu bầu").click(no_wait_after=True)
    for page, _ in phones:
        page.get_by_test_id("voted").wait_for()

    sec.reload()
    sec.get_by_test_id("progress").get_by_text("5/5 thành viên có mặt đã bỏ phiếu.").wait_for()
    assert sec.get_by_test_id("tally").count() == 0
    sec.get_by_role("button", name="Kết thúc bỏ phiếu và kiểm phiếu").click()
    sec.get_by_text("Đã kết thúc bỏ phiếu và kiểm phiếu.").wait_for()
    tally = sec.get_by_test_id("tally")
    assert "Đạt" in tally.inner_text() and "Không đạt" in tally.inner_text()
    screenshot(sec, "artisans-ballot-closed")
    with sec.expect_download() as download_info:
        sec.get_by_test_id("minutes").click()
    pdf = Path(download_info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in text and "BIÊN BẢN KIỂM PHIẾU" in text and "DANH SÁCH ĐỀ NGHỊ" in text
    assert "Số phiếu thu về" in text and first.nominee.name in text
    assert council.name in text
    for context in contexts:
        context.close()
    assert sec_errors == [] and all(errors == [] for _, errors in phones)
