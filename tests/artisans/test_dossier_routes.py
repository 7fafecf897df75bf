"""Dossier pages as the artisan and the Sở use them: bad input on every form (Vietnamese message, 4xx,
nothing half-written), deadlines on the intake list, the checklist, private data kept private."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from flask import render_template
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.artisans import services
from kcvote.artisans.enums import Gender, NominationStatus, Title
from kcvote.artisans.models import (
    AwardRound,
    CraftPeriod,
    Evidence,
    Nomination,
    Prize,
    SubmissionWindow,
    TitleRule,
    Work,
)
from kcvote.core.clock import add_days, today_vn
from kcvote.extensions import db
from tests.artisans.factories import make_award_round, make_council, make_nomination, province
from tests.conftest import csrf_token, login_as, mail_body, outbox, post_form, text_of
from tests.factories import jpeg_bytes, make_user

pytestmark = pytest.mark.usefixtures("seeded")

ID_NUMBER = "027065001234"  # tests/artisans/factories.make_nominee
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def award_round() -> AwardRound:
    return make_award_round()


@pytest.fixture
def artisan() -> Any:
    return make_user(Role.FACILITY, name="Trần Thị Lụa")


@pytest.fixture
def artisan_client(app: Any, artisan: Any) -> FlaskClient:
    return login_as(app.test_client(), artisan)


@pytest.fixture
def organizer_client(app: Any) -> FlaskClient:
    return login_as(app.test_client(), make_user(Role.ORGANIZER))


@pytest.fixture
def draft(award_round: AwardRound, artisan: Any) -> Nomination:
    nomination = services.start_nomination(
        actor=artisan, award_round=award_round, province=province(), title=Title.NNUT, fields={"name": "Trần Thị Lụa"}
    )
    db.session.commit()
    return nomination


def edit_url(nomination: Nomination, part: str = "edit") -> str:
    return f"/artisans/dossiers/{nomination.id}/{part}"


# --- the artisan ------------------------------------------------------------------------------------


def test_my_dossiers_lists_open_round(artisan_client: FlaskClient, award_round: AwardRound) -> None:
    page = artisan_client.get("/artisans/my")
    assert page.status_code == 200
    assert "Hồ sơ nghệ nhân của tôi" in text_of(page)
    assert award_round.name in text_of(page)


def test_start_creates_draft_and_opens_edit(artisan_client: FlaskClient, award_round: AwardRound) -> None:
    url = f"/artisans/award-rounds/{award_round.id}/start"
    response = post_form(
        artisan_client,
        url,
        {"province_id": province().id, "title": "nnut", "name": "Trần Thị Lụa", "craft": "Dệt lụa"},
        token_from=url,
    )
    nomination = db.session.scalars(select(Nomination)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(edit_url(nomination))
    assert (nomination.status, nomination.nominee.craft) == (NominationStatus.DRAFT, "Dệt lụa")


def test_start_bad_input_refused(artisan_client: FlaskClient, award_round: AwardRound) -> None:
    url = f"/artisans/award-rounds/{award_round.id}/start"
    response = post_form(
        artisan_client, url, {"province_id": province().id, "title": "nnut", "name": "", "craft": ""}, token_from=url
    )
    assert response.status_code == 422
    assert "Vui lòng nhập thông tin này." in text_of(response)
    assert count(Nomination) == 0


def test_start_when_window_closed_says_so(artisan_client: FlaskClient, award_round: AwardRound) -> None:
    url = f"/artisans/award-rounds/{award_round.id}/start"
    token = csrf_token(artisan_client, url)
    award_round.windows[0].closes_on = add_days(today_vn(), -1)
    db.session.commit()
    response = artisan_client.post(
        url, data={"csrf_token": token, "province_id": province().id, "title": "nnut", "name": "A", "craft": "B"}
    )
    assert response.status_code == 422
    assert "chỉ nhận hồ sơ từ" in text_of(response)
    assert count(Nomination) == 0


def test_edit_saves_declaration(artisan_client: FlaskClient, draft: Nomination) -> None:
    response = post_form(
        artisan_client,
        edit_url(draft),
        {
            "title": "nnut",
            "name": "Trần Thị Lụa",
            "birth_date": "01/05/1968",
            "gender": "female",
            "id_number": "027168009999",
            "address": "Vạn Phúc",
            "craft": "Dệt lụa",
            "current_title": "",
            "people_taught": "120",
            "teaching_description": "Dạy nghề",
        },
        token_from=edit_url(draft),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (draft.nominee.birth_date, draft.nominee.gender, draft.people_taught) == (
        date(1968, 5, 1),
        Gender.FEMALE,
        120,
    )


def test_edit_bad_input_refused_and_nothing_saved(artisan_client: FlaskClient, draft: Nomination) -> None:
    response = post_form(
        artisan_client,
        edit_url(draft),
        {
            "title": "nnut",
            "name": "Tên mới",
            "birth_date": "31/02/1968",
            "id_number": "12ab",
            "craft": "Dệt lụa",
            "people_taught": "-3",
        },
        token_from=edit_url(draft),
    )
    text = text_of(response)
    assert response.status_code == 422
    assert "Số định danh" in text and "Không được là số âm." in text
    db.session.refresh(draft.nominee)
    assert draft.nominee.name == "Trần Thị Lụa"


@pytest.mark.parametrize(
    ("part", "data", "message", "model"),
    [
        ("periods", {"period-from_year": "năm", "period-place": ""}, "Vui lòng nhập thông tin này.", CraftPeriod),
        (
            "periods",
            {"period-from_year": "2010", "period-to_year": "2005", "period-place": "Vạn Phúc"},
            "Năm kết thúc phải từ năm bắt đầu",
            CraftPeriod,
        ),
        ("works", {"work-name": "", "work-made_on": "32/13/2020"}, "Vui lòng nhập thông tin này.", Work),
        ("works", {"work-name": "Bình", "work-made_on": "01/01/2999"}, "không được sau hôm nay", Work),
        (
            "prizes",
            {"prize-contest": "", "prize-level": "national", "prize-rank": "2", "prize-year": "", "prize-work_id": "0"},
            "Vui lòng nhập thông tin này.",
            Prize,
        ),
        (
            "prizes",
            {"prize-contest": "X", "prize-level": "galactic", "prize-rank": "2", "prize-year": "2020"},
            "Lựa chọn không hợp lệ.",
            Prize,
        ),
    ],
    ids=["period-empty", "period-inverted", "work-empty", "work-future", "prize-empty", "prize-bad-level"],
)
def test_section_forms_bad_input(
    artisan_client: FlaskClient, draft: Nomination, part: str, data: dict[str, str], message: str, model: Any
) -> None:
    response = post_form(artisan_client, edit_url(draft, part), data, token_from=edit_url(draft))
    assert response.status_code == 422
    assert message in text_of(response)
    assert count(model) == 0


def test_add_and_remove_period_work_prize(artisan_client: FlaskClient, draft: Nomination) -> None:
    token_from = edit_url(draft)
    post_form(
        artisan_client,
        edit_url(draft, "periods"),
        {"period-from_year": "1990", "period-place": "Vạn Phúc"},
        token_from=token_from,
    )
    post_form(artisan_client, edit_url(draft, "works"), {"work-name": "Lụa vân hoa"}, token_from=token_from)
    work = db.session.scalars(select(Work)).one()
    response = post_form(
        artisan_client,
        edit_url(draft, "prizes"),
        {
            "prize-contest": "Hội chợ",
            "prize-level": "national",
            "prize-rank": "2",
            "prize-year": "2019",
            "prize-work_id": str(work.id),
        },
        token_from=token_from,
    )
    assert response.status_code == 302
    prize = db.session.scalars(select(Prize)).one()
    assert prize.work_id == work.id

    period = db.session.scalars(select(CraftPeriod)).one()
    post_form(artisan_client, edit_url(draft, f"periods/{period.id}/delete"), token_from=token_from)
    post_form(artisan_client, edit_url(draft, f"works/{work.id}/delete"), token_from=token_from)
    db.session.expire_all()
    assert (count(CraftPeriod), count(Work), db.session.get(Prize, prize.id).work_id) == (0, 0, None)


def upload(client: FlaskClient, nomination: Nomination, data: bytes, name: str, **extra: Any) -> Any:
    token = csrf_token(client, edit_url(nomination))
    payload = {"csrf_token": token, "evidence-purpose": "work", "evidence-file": (io.BytesIO(data), name)}
    return client.post(edit_url(nomination, "evidence"), data=payload, content_type="multipart/form-data", **extra)


def test_upload_photo_then_owner_sees_it(artisan_client: FlaskClient, draft: Nomination) -> None:
    response = upload(artisan_client, draft, jpeg_bytes(), "anh.jpg")
    assert response.status_code == 302
    evidence = db.session.scalars(select(Evidence)).one()
    thumb = artisan_client.get(f"/artisans/evidence/{evidence.id}/thumb")
    assert (thumb.status_code, thumb.mimetype) == (200, "image/jpeg")
    assert thumb.headers["X-Content-Type-Options"] == "nosniff"
    thumb.close()


def test_upload_svg_refused_with_message(artisan_client: FlaskClient, draft: Nomination) -> None:
    response = upload(artisan_client, draft, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "anh.jpg")
    assert response.status_code == 422
    assert "Chỉ nhận ảnh (JPEG, PNG, WebP), tệp PDF hoặc video ngắn" in text_of(response)
    assert count(Evidence) == 0


def test_upload_without_file_refused(artisan_client: FlaskClient, draft: Nomination) -> None:
    token = csrf_token(artisan_client, edit_url(draft))
    response = artisan_client.post(edit_url(draft, "evidence"), data={"csrf_token": token, "evidence-purpose": "work"})
    assert response.status_code == 422
    assert "Hãy chọn tệp để tải lên." in text_of(response)


def test_upload_json_error_for_the_progress_bar(artisan_client: FlaskClient, draft: Nomination) -> None:
    response = upload(artisan_client, draft, b"MZ\x90\x00", "x.mp4", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert "Chỉ nhận ảnh" in response.get_json()["error"]


def test_pdf_evidence_is_downloaded_not_shown(artisan_client: FlaskClient, draft: Nomination) -> None:
    upload(artisan_client, draft, PDF, "giay.pdf")
    evidence = db.session.scalars(select(Evidence)).one()
    response = artisan_client.get(f"/artisans/evidence/{evidence.id}/original")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()
    assert artisan_client.get(f"/artisans/evidence/{evidence.id}/thumb").status_code == 404


def test_submit_without_declaration_refused(artisan_client: FlaskClient, award_round: AwardRound, artisan: Any) -> None:
    nomination = make_nomination(award_round, status=NominationStatus.DRAFT, filed_by=artisan)
    response = post_form(artisan_client, edit_url(nomination, "submit"), {}, token_from=edit_url(nomination))
    assert response.status_code == 422
    assert "Hãy đánh dấu lời cam đoan" in text_of(response)
    db.session.refresh(nomination)
    assert nomination.status == NominationStatus.DRAFT


def test_submit_incomplete_lists_missing(artisan_client: FlaskClient, draft: Nomination) -> None:
    response = post_form(
        artisan_client, edit_url(draft, "submit"), {"submit-declaration_accepted": "y"}, token_from=edit_url(draft)
    )
    assert response.status_code == 422
    assert "ít nhất một giai đoạn hành nghề" in text_of(response)
    db.session.refresh(draft)
    assert draft.status == NominationStatus.DRAFT and draft.filed_on is None


def test_edit_after_submit_is_refused(artisan_client: FlaskClient, award_round: AwardRound, artisan: Any) -> None:
    nomination = make_nomination(award_round, status=NominationStatus.SUBMITTED, filed_by=artisan)
    assert artisan_client.get(edit_url(nomination)).status_code == 302  # to the read-only page
    response = post_form(
        artisan_client,
        edit_url(nomination, "works"),
        {"work-name": "Tác phẩm muộn"},
        token_from=f"/artisans/dossiers/{nomination.id}",
    )
    assert response.status_code == 422
    assert "chỉ sửa được khi còn là bản nháp" in text_of(response)
    assert count(Work) == 2


# --- the Sở -----------------------------------------------------------------------------------------


def test_award_round_new_bad_input(organizer_client: FlaskClient) -> None:
    url = "/manage/award-rounds/new"
    before = count(AwardRound)
    response = post_form(
        organizer_client, url, {"name": "", "number": "6", "start_year": "2026", "end_year": "2025"}, token_from=url
    )
    assert response.status_code == 422 and "Vui lòng nhập thông tin này." in text_of(response)
    response = post_form(
        organizer_client,
        url,
        {"name": "Lần 6", "number": "6", "start_year": "2026", "end_year": "2025"},
        token_from=url,
    )
    assert response.status_code == 422 and "Năm kết thúc không được trước năm bắt đầu." in text_of(response)
    assert count(AwardRound) == before


def test_award_round_new_and_window(organizer_client: FlaskClient) -> None:
    url = "/manage/award-rounds/new"
    response = post_form(
        organizer_client,
        url,
        {
            "name": "Xét tặng danh hiệu Nghệ nhân nhân dân, Nghệ nhân ưu tú lần thứ 6",
            "number": "6",
            "start_year": "2025",
            "end_year": "2026",
            "plan_decision_number": "2214/QĐ-BCT",
            "plan_decision_date": "15/08/2025",
        },
        token_from=url,
    )
    award_round = db.session.scalars(select(AwardRound)).one()
    assert response.status_code == 302
    edit = f"/manage/award-rounds/{award_round.id}"
    bad = post_form(
        organizer_client,
        f"{edit}/windows",
        {"window-province_id": province().id, "window-opens_on": "01/12/2026", "window-closes_on": "30/11/2026"},
        token_from=edit,
    )
    assert bad.status_code == 422 and "không được trước ngày bắt đầu" in text_of(bad)
    bad_date = post_form(
        organizer_client,
        f"{edit}/windows",
        {"window-province_id": province().id, "window-opens_on": "31/02/2026", "window-closes_on": "30/11/2026"},
        token_from=edit,
    )
    assert bad_date.status_code == 422
    assert count(SubmissionWindow) == 0
    good = post_form(
        organizer_client,
        f"{edit}/windows",
        {"window-province_id": province().id, "window-opens_on": "01/11/2026", "window-closes_on": "30/11/2026"},
        token_from=edit,
    )
    assert good.status_code == 302
    window = db.session.scalars(select(SubmissionWindow)).one()
    post_form(organizer_client, f"/manage/award-round-windows/{window.id}/delete", token_from=edit)
    assert count(SubmissionWindow) == 0


def test_intake_list_shows_days_left_and_overdue(organizer_client: FlaskClient, award_round: AwardRound) -> None:
    from tests.artisans.factories import make_nominee

    soon = make_nomination(award_round, status=NominationStatus.SUBMITTED, nominee=make_nominee(name="Nguyễn Còn Hạn"))
    late = make_nomination(award_round, status=NominationStatus.SUBMITTED, nominee=make_nominee(name="Lê Quá Hạn"))
    soon.answer_due = add_days(today_vn(), 10)
    late.answer_due = add_days(today_vn(), -2)
    db.session.commit()

    page = organizer_client.get(f"/manage/award-rounds/{award_round.id}/nominations")
    text = text_of(page)
    assert "còn 10 ngày" in text and "quá hạn 2 ngày" in text
    assert 'class="table-danger"' in page.get_data(as_text=True)
    overdue_only = text_of(organizer_client.get(f"/manage/award-rounds/{award_round.id}/nominations?overdue=1"))
    assert "Lê Quá Hạn" in overdue_only and "Nguyễn Còn Hạn" not in overdue_only


def test_intake_search_ignores_accents(organizer_client: FlaskClient, award_round: AwardRound) -> None:
    from tests.artisans.factories import make_nominee

    make_nomination(
        award_round,
        status=NominationStatus.SUBMITTED,
        nominee=make_nominee(name="Đặng Thị Lụa", craft="Dệt thổ cẩm"),
    )
    make_nomination(award_round, status=NominationStatus.SUBMITTED, nominee=make_nominee(name="Lê Văn Gốm"))
    db.session.commit()

    url = f"/manage/award-rounds/{award_round.id}/nominations"
    by_name = text_of(organizer_client.get(url, query_string={"q": "dang thi lua"}))
    assert "Đặng Thị Lụa" in by_name and "Lê Văn Gốm" not in by_name
    by_craft = text_of(organizer_client.get(url, query_string={"q": "THO CAM"}))
    assert "Đặng Thị Lụa" in by_craft and "Lê Văn Gốm" not in by_craft


def test_review_shows_dossier_checklist_and_rule_version(
    organizer_client: FlaskClient, award_round: AwardRound
) -> None:
    nomination = make_nomination(award_round, status=NominationStatus.SUBMITTED)
    text = text_of(organizer_client.get(f"/manage/artisans/nominations/{nomination.id}"))
    assert ID_NUMBER in text  # the Sở sees private data
    assert "Theo quy định có hiệu lực từ 06/06/2024" in text
    assert "cần xác nhận" in text  # the NNƯT rule is marked to confirm
    assert "Có ít nhất 15 năm hành nghề" in text


def test_review_actions_bad_input_and_accept(organizer_client: FlaskClient, award_round: AwardRound) -> None:
    nomination = make_nomination(award_round, status=NominationStatus.SUBMITTED)
    base = f"/manage/artisans/nominations/{nomination.id}"
    for part, data in (("completion", {"completion-message": " "}), ("return", {"return-reason": ""})):
        response = post_form(organizer_client, f"{base}/{part}", data, token_from=base)
        assert response.status_code == 422 and "Vui lòng nhập thông tin này." in text_of(response)
    db.session.refresh(nomination)
    assert nomination.status == NominationStatus.SUBMITTED

    assert post_form(organizer_client, f"{base}/accept", token_from=base).status_code == 302
    db.session.refresh(nomination)
    assert nomination.status == NominationStatus.ACCEPTED
    again = post_form(organizer_client, f"{base}/accept", token_from=base)
    assert again.status_code == 422 and "Hồ sơ đã được Sở trả lời." in text_of(again)


def test_completion_request_reaches_the_artisan(
    app: Any, organizer_client: FlaskClient, artisan_client: FlaskClient, award_round: AwardRound, artisan: Any
) -> None:
    nomination = make_nomination(award_round, status=NominationStatus.SUBMITTED, filed_by=artisan)
    base = f"/manage/artisans/nominations/{nomination.id}"
    post_form(organizer_client, f"{base}/completion", {"completion-message": "Bổ sung giấy khen"}, token_from=base)
    text = text_of(artisan_client.get(f"/artisans/dossiers/{nomination.id}"))
    assert "Bổ sung giấy khen" in text and "Bổ sung và nộp lại" in text
    db.session.refresh(nomination)
    (message,) = outbox(app)
    assert message["To"] == artisan.email and "cần bổ sung" in message["Subject"]
    body = mail_body(message)
    assert "Bổ sung giấy khen" in body and f"/artisans/dossiers/{nomination.id}" in body
    assert f"{nomination.completion_due:%d/%m/%Y}" in body


def test_intake_answers_are_mailed_to_the_artisan_and_the_filer_not_the_so(
    app: Any, organizer_client: FlaskClient, award_round: AwardRound, artisan: Any
) -> None:
    from tests.artisans.factories import make_nominee

    relative = make_user(Role.FACILITY, name="Trần Văn Con")
    mother = make_user(Role.FACILITY, name="Trần Thị Mẹ")
    own = make_nomination(
        award_round, status=NominationStatus.SUBMITTED, filed_by=artisan, nominee=make_nominee(artisan)
    )
    for_her = make_nomination(
        award_round, status=NominationStatus.SUBMITTED, filed_by=relative, nominee=make_nominee(mother)
    )
    by_so = make_nomination(
        award_round,
        status=NominationStatus.SUBMITTED,
        filed_by=make_user(Role.ORGANIZER),
        nominee=make_nominee(name="Lò Văn Không Tài Khoản"),
    )
    db.session.commit()

    def answer(nomination: Nomination, part: str, data: dict[str, str]) -> list[Any]:
        before = len(outbox(app))
        base = f"/manage/artisans/nominations/{nomination.id}"
        assert post_form(organizer_client, f"{base}/{part}", data, token_from=base).status_code == 302
        return outbox(app)[before:]

    (accepted,) = answer(own, "accept", {})
    assert accepted["To"] == artisan.email and "đã được tiếp nhận" in accepted["Subject"]
    assert "Hội đồng cấp tỉnh" in mail_body(accepted)

    returned = answer(for_her, "return", {"return-reason": "Thiếu giấy ủy quyền."})
    assert sorted(m["To"] for m in returned) == sorted([mother.email, relative.email])
    assert all("bị trả lại" in m["Subject"] and "Thiếu giấy ủy quyền." in mail_body(m) for m in returned)

    # Filed by the Sở for an artisan without an account: nobody to tell but the Sở itself.
    assert answer(by_so, "accept", {}) == []


def test_rules_page_marks_to_confirm_and_new_version_bad_input(app: Any, award_round: AwardRound) -> None:
    admin_client = login_as(app.test_client(), make_user(Role.ADMIN))
    text = text_of(admin_client.get("/manage/artisans/rules"))
    assert "cần xác nhận" in text and "đang áp dụng" in text
    url = "/manage/artisans/rules/title/nnut/new"
    form = admin_client.get(url)
    assert 'value="15"' in form.get_data(as_text=True)  # prefilled from the rule in force
    before = count(TitleRule)
    response = post_form(
        admin_client,
        url,
        {
            "effective_from": "06/06/2024",
            "min_years_in_craft": "15",
            "min_works": "-1",
            "national_max_rank": "3",
            "regional_max_rank": "3",
            "international_max_rank": "3",
            "provincial_max_rank": "2",
            "min_people_taught": "50",
            "special_craft_min_taught": "20",
        },
        token_from=url,
    )
    assert response.status_code == 422 and "Không được là số âm." in text_of(response)
    response = post_form(
        admin_client,
        url,
        {
            "effective_from": "06/06/2024",
            "min_years_in_craft": "15",
            "min_works": "2",
            "national_max_rank": "3",
            "regional_max_rank": "3",
            "international_max_rank": "3",
            "provincial_max_rank": "2",
            "min_people_taught": "50",
            "special_craft_min_taught": "20",
        },
        token_from=url,
    )
    assert response.status_code == 422 and "Đã có một phiên bản" in text_of(response)
    council = post_form(
        admin_client,
        "/manage/artisans/rules/council/new",
        {
            "effective_from": "01/01/2027",
            "answer_days": "0",
            "completion_days": "15",
            "quorum_percent": "75",
            "pass_percent": "90",
            "comment_days": "20",
        },
        token_from="/manage/artisans/rules/council/new",
    )
    assert council.status_code == 422
    assert count(TitleRule) == before


# --- private data -----------------------------------------------------------------------------------


def test_private_data_only_for_owner_and_so(app: Any, award_round: AwardRound, artisan: Any) -> None:
    nomination = make_nomination(award_round, status=NominationStatus.SUBMITTED, filed_by=artisan)
    _, members = make_council(award_round, members=5)
    owner = login_as(app.test_client(), artisan)
    assert ID_NUMBER in text_of(owner.get(f"/artisans/dossiers/{nomination.id}"))
    for user in (make_user(Role.FACILITY), members[0].user, make_user(Role.JUROR)):
        client = login_as(app.test_client(), user)
        assert client.get(f"/artisans/dossiers/{nomination.id}").status_code == 404

    # The partial the council pages include: no ID number, birth date or address without ``private``.
    with app.test_request_context():
        html = render_template("artisans/_dossier.html", nomination=nomination, private=False)
        private_html = render_template("artisans/_dossier.html", nomination=nomination, private=True)
    for secret in (ID_NUMBER, "12/04/1965", "thôn Phù Lãng"):
        assert secret not in html
        assert secret in private_html
    assert nomination.nominee.name in html


def test_evidence_file_for_council_of_the_round_only(app: Any, award_round: AwardRound, artisan: Any) -> None:
    nomination = make_nomination(award_round, status=NominationStatus.DRAFT, filed_by=artisan)
    evidence = services.add_evidence(actor=artisan, nomination=nomination, data=jpeg_bytes(), purpose="work")
    db.session.commit()
    _, members = make_council(award_round, members=5)
    _, strangers = make_council(make_award_round(number=7), members=5)
    url = f"/artisans/evidence/{evidence.id}/original"
    response = login_as(app.test_client(), members[2].user).get(url)
    assert response.status_code == 200
    response.close()
    assert login_as(app.test_client(), strangers[2].user).get(url).status_code == 404
    assert login_as(app.test_client(), make_user(Role.FACILITY)).get(url).status_code == 404


MP4_HEADER = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def test_video_larger_than_the_app_wide_limit_accepted_on_evidence_route(
    app: Any, artisan_client: FlaskClient, draft: Nomination
) -> None:
    size = app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024
    response = upload(artisan_client, draft, MP4_HEADER + b"\x00" * size, "video.mp4")
    assert response.status_code == 302
    assert db.session.scalars(select(Evidence)).one().content_type == "video/mp4"


def test_video_over_the_video_limit_refused_with_413(app: Any, artisan_client: FlaskClient, draft: Nomination) -> None:
    size = (app.config["ARTISAN_VIDEO_MAX_MB"] + 2) * 1024 * 1024
    response = upload(artisan_client, draft, MP4_HEADER + b"\x00" * size, "video.mp4")
    assert response.status_code == 413
    assert "Tệp bạn gửi vượt quá giới hạn dung lượng cho phép." in text_of(response)
    assert count(Evidence) == 0
