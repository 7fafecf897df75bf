"""Organizer pages for rounds."""

from __future__ import annotations

from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.reference.models import Level, ProductGroup, Province
from tests.conftest import login_as, post_form, text_of
from tests.factories import make_round, make_user


def _form(db, **overrides) -> dict:
    data = {
        "name": "Bình chọn sản phẩm CNNT tiêu biểu tỉnh Thái Nguyên 2027",
        "level_id": db.session.scalar(select(Level.id).where(Level.code == "tinh")),
        "year": 2027,
        "scope_province_id": db.session.scalar(select(Province.id).where(Province.name == "Thái Nguyên")),
        "scope_region_id": 0,
        "group_ids": db.session.scalars(select(ProductGroup.id)).all(),
        "code_prefix": "TN",
        "registration_opens_on": "01/03/2027",
        "registration_deadline": "30/04/2027",
        "pass_threshold": "70",
        "min_photos": 3,
        "max_photo_mb": 10,
        "max_document_mb": 10,
        "certificate_validity_years": 4,
        "completion_days": 15,
        "aggregate_method": "mean",
        "trim_min_jurors": 5,
        "disagreement_sd": "10",
    }
    data.update(overrides)
    return data


def test_organizer_creates_round_from_the_page(client, db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    login_as(client, organizer)
    response = post_form(
        client, "/manage/rounds/new", _form(db), token_from="/manage/rounds/new", follow_redirects=True
    )
    assert "Đã tạo đợt bình chọn (bản nháp)." in text_of(response)
    round_ = db.session.scalar(select(Round))
    assert (round_.year, round_.registration_deadline.isoformat(), round_.state) == (
        2027,
        "2027-04-30",
        RoundState.DRAFT,
    )
    assert "Tạo đợt bình chọn" in text_of(client.get("/manage/rounds/"))


def test_round_form_bad_input_is_422_in_vietnamese(client, db, seeded) -> None:
    login_as(client, make_user(Role.ORGANIZER))
    cases = [
        ({"registration_deadline": "31/02/2027"}, "Ngày không hợp lệ"),
        ({"registration_deadline": "01/01/2027"}, "Hạn nộp phải sau ngày mở đăng ký."),
        ({"pass_threshold": "150"}, "Từ 0 đến 100."),
        ({"group_ids": []}, "Chọn ít nhất một nhóm sản phẩm."),
        ({"code_prefix": "T N"}, "Chỉ gồm chữ không dấu và số."),
        ({"scope_province_id": 0}, "Hãy chọn tỉnh, thành phố tổ chức đợt bình chọn."),
    ]
    for change, message in cases:
        response = post_form(client, "/manage/rounds/new", _form(db, **change), token_from="/manage/rounds/new")
        assert (response.status_code, message in text_of(response)) == (422, True), message
    assert db.session.scalar(select(func.count(Round.id))) == 0


def test_transition_button_reports_guard_in_vietnamese(client, db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}"
    response = post_form(client, f"{page}/transition/screening", token_from=page, follow_redirects=True)
    assert "Hạn đăng ký chưa kết thúc" in text_of(response)
    db.session.rollback()
    assert round_.state == RoundState.OPEN


def test_rubric_editor_saves_new_version_and_refuses_bad_total(client, db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, open_it=False)
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}/rubric"
    rows = {}
    for i, criterion in enumerate(round_.rubric.criteria):
        rows[f"rows-{i}-group"] = criterion.group.name
        rows[f"rows-{i}-criterion"] = criterion.name
        rows[f"rows-{i}-max_points"] = str(criterion.max_points)
    bad = post_form(client, page, {**rows, "rows-0-max_points": "5"}, token_from=page)
    assert bad.status_code == 422
    assert "Tổng điểm tối đa phải là 100 (hiện là 95)." in text_of(bad)
    good = post_form(
        client, page, {**rows, "rows-0-criterion": "Đáp ứng thị hiếu"}, token_from=page, follow_redirects=True
    )
    assert "phiên bản 2" in text_of(good)


def test_copy_round_page(client, db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}"
    response = post_form(client, f"{page}/copy", {"year": 2027}, token_from=page)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Round.id))) == 2
