"""Browser journey: on a phone a juror scores three entries; the connection drops in the middle and
the scores arrive once it is back."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from kcvote.judging.enums import SheetStatus
from kcvote.judging.models import ScoreSheet
from tests.browser.conftest import LAUNCH_ARGS, screenshot
from tests.factories import make_judging_round

pytestmark = pytest.mark.browser


def test_juror_scores_on_a_phone_through_an_outage(app: Flask, db, seeded, live_server: str, browser) -> None:
    _, round_, entries, [juror] = make_judging_round(n_entries=3, n_jurors=1)
    from kcvote.accounts.services import accept_invitation

    accept_invitation(juror, "giam-khao-123")
    db.session.commit()
    assert LAUNCH_ARGS  # the shared launch arguments (no sandbox, no background networking) are in use
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server + "/account/login")
    page.get_by_label("Email").fill(juror.email)
    page.get_by_label("Mật khẩu", exact=True).fill("giam-khao-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()
    page.goto(f"{live_server}/judge/rounds/{round_.id}")
    page.get_by_test_id("queue-progress").get_by_text("Đã chấm 0/3").wait_for()

    criteria = entries[0].round.rubric.criteria
    for index, entry in enumerate(entries):
        page.goto(f"{live_server}/judge/entries/{entry.id}")
        state = page.get_by_test_id("save-state")
        if index == 1:
            context.set_offline(True)
        for criterion in criteria:
            page.locator(f"#c-{criterion.id}").fill(str(min(7.5, float(criterion.max_points))))
        if index == 1:
            page.locator("[data-testid=save-state][data-state=offline]").wait_for()
            assert state.inner_text() == "Mất kết nối – sẽ gửi khi có mạng"
            screenshot(page, "juror-offline")
            db.session.rollback()
            assert db.session.scalar(select(ScoreSheet).where(ScoreSheet.entry_id == entry.id)) is None
            context.set_offline(False)
        page.locator("[data-testid=save-state][data-state=saved]").wait_for()
        expected_total = sum(min(7.5, float(c.max_points)) for c in criteria)
        assert page.get_by_test_id("sheet-total").inner_text() == f"{expected_total:g}".replace(".", ",")
        page.get_by_role("button", name="Nộp phiếu chấm").click()
        page.get_by_test_id("queue-progress").get_by_text(f"Đã chấm {index + 1}/3").wait_for()
    screenshot(page, "juror-queue-done")
    context.close()

    db.session.rollback()
    sheets = db.session.scalars(select(ScoreSheet).order_by(ScoreSheet.entry_id)).all()
    assert [s.status for s in sheets] == [SheetStatus.SUBMITTED] * 3
    assert all(len(s.scores) == len(criteria) for s in sheets)
