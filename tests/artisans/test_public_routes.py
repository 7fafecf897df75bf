"""Public comment pages, the secretary's handling, the organizer's outcome page, the final list,
the gallery, the artisan's certificates and verification; no private data on any public page."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.artisans.enums import CommentStatus, CouncilLevel, EvidenceKind
from kcvote.artisans.models import AwardRound, CommentPeriod, Nomination, PublicComment
from kcvote.certificates.models import Certificate, CertificateDesign
from kcvote.core.clock import add_days, today_vn
from tests.artisans.public_factories import (
    PRIVATE,
    add_work_photo,
    issued,
    open_period,
    pass_at,
    posted_list,
    recognise,
    secretary_of,
)
from tests.conftest import csrf_token, login_as, post_form, text_of
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("seeded")


def _comments(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PublicComment))


def _comment(client, period, **overrides):
    url = f"/artisans/comment/{period.id}"
    data = {"name": "Phạm Văn Dân", "contact": "0912 345 678", "nomination": "", "text": "Tôi đồng ý.", **overrides}
    return post_form(client, url, data, token_from=url)


def _assert_no_private_data(html: str) -> None:
    leaked = [value for value in PRIVATE if value in html]
    assert leaked == []


# -- the public ----------------------------------------------------------------------------------


def test_period_page_lists_nominees_without_private_data(app, client) -> None:
    posted = posted_list()
    response = client.get(f"/artisans/comment/{posted.period.id}")

    page = text_of(response)
    assert response.status_code == 200
    assert "Nguyễn Văn Gốm" in page and "Trần Thị Lụa" in page
    assert "Gốm Phù Lãng" in page and "Giải nhì quốc gia 2018" in page
    html = response.get_data(as_text=True)
    _assert_no_private_data(html)
    assert "001170009999" not in html and "phố Vạn Phúc" not in html


def test_open_periods_are_listed(app, client) -> None:
    posted = posted_list()
    page = text_of(client.get("/artisans/comment"))
    assert "Danh sách của Hội đồng chuyên ngành cấp Bộ" in page
    assert posted.award_round.name in page


def test_comment_sent_is_stored(app, client, db) -> None:
    posted = posted_list()
    response = _comment(client, posted.period, nomination=str(posted.nominations[1].id))

    assert response.status_code == 302
    comment = db.session.scalar(select(PublicComment))
    assert (comment.name, comment.contact, comment.nomination_id) == (
        "Phạm Văn Dân",
        "0912 345 678",
        posted.nominations[1].id,
    )
    assert "Cảm ơn bạn đã góp ý" in text_of(client.get(response.headers["Location"]))


def test_comment_with_missing_fields_refused(app, client, db) -> None:
    posted = posted_list()
    response = _comment(client, posted.period, name="", text="")

    assert response.status_code == 422
    assert "Vui lòng nhập thông tin này." in text_of(response)
    assert _comments(db) == 0


def test_comment_about_someone_not_listed_refused(app, client, db) -> None:
    posted = posted_list()
    response = _comment(client, posted.period, nomination="999999")
    assert response.status_code == 422
    assert "Lựa chọn không hợp lệ." in text_of(response)
    assert _comments(db) == 0


def test_honeypot_answered_as_accepted_and_nothing_stored(app, client, db) -> None:
    posted = posted_list()
    response = _comment(client, posted.period, website="http://spam.example")

    assert response.status_code == 302
    assert "Cảm ơn bạn đã góp ý" in text_of(client.get(response.headers["Location"]))
    assert _comments(db) == 0


def test_honeypot_is_hidden_by_a_class_not_a_style(app, client) -> None:
    posted = posted_list()
    html = client.get(f"/artisans/comment/{posted.period.id}").get_data(as_text=True)
    assert 'class="d-none" aria-hidden="true"' in html
    assert "style=" not in html


def test_comment_closed_after_the_last_day(app, client, db) -> None:
    posted = posted_list()
    url = f"/artisans/comment/{posted.period.id}"
    token = csrf_token(client, url)
    posted.period.starts_on = add_days(today_vn(), -30)
    posted.period.ends_on = add_days(today_vn(), -1)
    db.session.commit()

    page = client.get(url)
    response = client.post(url, data={"csrf_token": token, "name": "A", "contact": "a", "text": "muộn"})

    assert "Thời gian lấy ý kiến đã kết thúc" in text_of(page)
    assert 'data-testid="comment-form"' not in page.get_data(as_text=True)
    assert response.status_code == 409
    assert _comments(db) == 0


@pytest.fixture
def app_config(app_config):
    app_config["COMMENT_RATE_LIMIT"] = "2 per minute"
    return app_config


def test_comment_rate_limit_answers_429(app, client, db) -> None:
    posted = posted_list()
    answers = [_comment(client, posted.period, text=f"Ý kiến {i}").status_code for i in range(3)]
    assert answers == [302, 302, 429]
    assert _comments(db) == 2


def test_form_errors_do_not_use_up_the_rate_limit(app, client, db) -> None:
    posted = posted_list()
    answers = [_comment(client, posted.period, text="").status_code for _ in range(3)]
    answers.append(_comment(client, posted.period).status_code)
    assert answers == [422, 422, 422, 302]


# -- the secretary --------------------------------------------------------------------------------


def test_secretary_records_handling(app, client, db) -> None:
    posted = posted_list()
    _comment(client, posted.period)
    comment = db.session.scalar(select(PublicComment))
    login_as(client, posted.secretary)
    url = f"/manage/artisans/comment-periods/{posted.period.id}"

    assert "1 ý kiến chưa xử lý" in text_of(client.get("/manage/artisans/comments"))
    page = client.get(url)
    assert "Tôi đồng ý." in text_of(page) and "0912 345 678" in text_of(page)
    response = post_form(
        client,
        f"/manage/artisans/comments/{comment.id}/handle",
        {f"y{comment.id}-handling": "Ghi nhận, chuyển Hội đồng cấp Nhà nước."},
        token_from=url,
    )

    assert response.status_code == 302
    db.session.refresh(comment)
    assert (comment.status, comment.handling, comment.handled_by_id) == (
        CommentStatus.HANDLED,
        "Ghi nhận, chuyển Hội đồng cấp Nhà nước.",
        posted.secretary.id,
    )


def test_empty_handling_refused(app, client, db) -> None:
    posted = posted_list()
    _comment(client, posted.period)
    comment = db.session.scalar(select(PublicComment))
    login_as(client, posted.secretary)
    url = f"/manage/artisans/comment-periods/{posted.period.id}"

    response = post_form(client, f"/manage/artisans/comments/{comment.id}/handle", {}, token_from=url)

    assert response.status_code == 422
    assert "Vui lòng nhập thông tin này." in text_of(response)
    db.session.refresh(comment)
    assert (comment.status, comment.handling) == (CommentStatus.NEW, "")


def test_inbox_lists_only_the_secretarys_periods(app, client, db) -> None:
    posted = posted_list()
    other = posted_list(number=7)
    login_as(client, posted.secretary)
    page = text_of(client.get("/manage/artisans/comments"))
    assert posted.award_round.name in page and other.award_round.name not in page
    assert client.get(f"/manage/artisans/comment-periods/{other.period.id}").status_code == 403


def test_provincial_secretary_has_no_comment_inbox(app, client, db) -> None:
    """A provincial council's list is never posted for comment: its secretary gets no inbox link and
    no inbox, while the ministry council's secretary gets both."""
    from tests.artisans.factories import make_council

    posted = posted_list()
    provincial, _ = make_council(posted.award_round, level=CouncilLevel.PROVINCIAL)
    login_as(client, secretary_of(provincial))
    assert "Ý kiến góp ý cần xử lý" not in text_of(client.get("/councils/mine"))
    assert client.get("/manage/artisans/comments").status_code == 403

    ministry = login_as(app.test_client(), posted.secretary)
    assert "Ý kiến góp ý cần xử lý" in text_of(ministry.get("/councils/mine"))
    assert ministry.get("/manage/artisans/comments").status_code == 200


# -- the organizer --------------------------------------------------------------------------------


def test_organizer_publishes_the_state_list(app, client, db) -> None:
    posted = posted_list()
    pass_at(posted.award_round, CouncilLevel.STATE, posted.nominations)
    login_as(client, posted.organizer)
    url = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"

    response = post_form(
        client, f"/manage/artisans/rounds/{posted.award_round.id}/comment-periods", {"level": "state"}, token_from=url
    )

    assert response.status_code == 302
    period = db.session.scalar(select(CommentPeriod).where(CommentPeriod.level == CouncilLevel.STATE))
    assert (period.starts_on, period.ends_on) == (today_vn(), add_days(today_vn(), 19))
    assert f"đến hết ngày {period.ends_on:%d/%m/%Y}" in text_of(client.get(url))


def test_publish_bad_input_and_twice_refused(app, client, db) -> None:
    posted = posted_list()
    login_as(client, posted.organizer)
    url = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"
    target = f"/manage/artisans/rounds/{posted.award_round.id}/comment-periods"

    bad = post_form(client, target, {"level": "provincial"}, token_from=url)
    twice = post_form(client, target, {"level": "ministry"}, token_from=url)

    assert (bad.status_code, twice.status_code) == (422, 422)
    assert "Lựa chọn không hợp lệ." in text_of(bad)
    assert "đã được đăng lấy ý kiến" in text_of(twice)
    assert db.session.scalar(select(func.count()).select_from(CommentPeriod)) == 1


def test_final_list_bad_date_refused(app, client, db) -> None:
    posted = posted_list()
    login_as(client, posted.organizer)
    url = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"
    response = post_form(
        client,
        f"/manage/artisans/rounds/{posted.award_round.id}/final-list",
        {"decision_number": "1/QĐ", "decision_date": "31/02/2026"},
        token_from=url,
    )
    assert response.status_code == 422
    db.session.refresh(posted.award_round)
    assert posted.award_round.final_decision_number == ""


def test_final_list_recorded_through_the_page(app, client, db) -> None:
    posted = posted_list()
    pass_at(posted.award_round, CouncilLevel.STATE, posted.nominations)
    open_period(posted.award_round, CouncilLevel.STATE, days_ago=25)
    login_as(client, posted.organizer)
    url = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"
    day = add_days(today_vn(), -1)

    response = post_form(
        client,
        f"/manage/artisans/rounds/{posted.award_round.id}/final-list",
        {"decision_number": "1234/QĐ-CTN", "decision_date": day.strftime("%d/%m/%Y")},
        token_from=url,
    )

    assert response.status_code == 302
    assert "2 nghệ nhân được công nhận" in text_of(client.get(url))
    db.session.expire_all()
    assert db.session.get(AwardRound, posted.award_round.id).final_decision_number == "1234/QĐ-CTN"


def test_design_bad_input_refused(app, client, db) -> None:
    posted = posted_list()
    login_as(client, posted.organizer)
    url = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"
    response = post_form(
        client,
        f"/manage/artisans/rounds/{posted.award_round.id}/certificate-design",
        {"design-issuer_code": "có dấu cách", "design-title": "GIẤY CHỨNG NHẬN"},
        token_from=url,
    )
    assert response.status_code == 422
    assert "Chỉ dùng chữ không dấu" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(CertificateDesign)) == 0


def test_organizer_issues_certificates_from_the_page(app, client, db) -> None:
    posted = posted_list()
    recognise(posted)
    login_as(client, posted.organizer)
    url = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"
    design = {
        "design-parent_body": "BỘ CÔNG THƯƠNG",
        "design-issuer_name": "CỤC KHUYẾN CÔNG",
        "design-issuer_code": "BCT-NN",
        "design-number_suffix": "GCN-NN",
        "design-place": "Hà Nội",
        "design-signer_title": "CỤC TRƯỞNG",
        "design-signer_name": "Nguyễn Hồng Diên",
        "design-title": "GIẤY CHỨNG NHẬN",
        "design-body_text": "DANH HIỆU {{ san_pham|upper }}",
        "design-footer_text": "Theo Quyết định số {{ quyet_dinh }}.",
    }
    assert (
        post_form(
            client, f"/manage/artisans/rounds/{posted.award_round.id}/certificate-design", design, token_from=url
        ).status_code
        == 302
    )

    response = post_form(client, f"/manage/artisans/rounds/{posted.award_round.id}/certificates", token_from=url)
    again = post_form(client, f"/manage/artisans/rounds/{posted.award_round.id}/certificates", token_from=url)

    assert (response.status_code, again.status_code) == (302, 302)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2
    assert "Đã cấp 0 giấy chứng nhận." in text_of(client.get(again.headers["Location"]))


def test_outcome_pages_refused_to_others(app, client) -> None:
    posted = posted_list()
    login_as(client, make_user(Role.FACILITY))
    assert client.get(f"/manage/artisans/rounds/{posted.award_round.id}/outcome").status_code == 403
    assert client.get(f"/manage/artisans/comment-periods/{posted.period.id}").status_code == 403


# -- final list, gallery, certificates ------------------------------------------------------------


def test_final_list_page_shows_the_decision_without_private_data(app, client) -> None:
    posted = posted_list()
    assert client.get(f"/artisans/final/{posted.award_round.id}").status_code == 404
    recognise(posted)

    response = client.get(f"/artisans/final/{posted.award_round.id}")

    page = text_of(response)
    assert "Quyết định số 1234/QĐ-CTN" in page
    assert "Nghệ nhân nhân dân (1)" in page and "Nghệ nhân ưu tú (1)" in page
    _assert_no_private_data(response.get_data(as_text=True))


def test_gallery_shows_recognised_artisans_with_their_work_photo(app, client) -> None:
    posted = posted_list()
    photo = add_work_photo(posted.nominations[0])
    teaching = add_work_photo(posted.nominations[0], purpose="teaching")
    before = client.get(f"/artisans/photos/{photo.id}")
    recognise(posted)

    response = client.get("/artisans/gallery")
    only_nnnd = text_of(client.get("/artisans/gallery?danh_hieu=nnnd"))

    page = text_of(response)
    html = response.get_data(as_text=True)
    assert before.status_code == 404  # not recognised yet
    assert "Nguyễn Văn Gốm" in page and "Trần Thị Lụa" in page and "1234/QĐ-CTN" in page
    assert f"/artisans/photos/{photo.id}" in html
    _assert_no_private_data(html)
    assert "Trần Thị Lụa" in only_nnnd and "Nguyễn Văn Gốm" not in only_nnnd
    served = client.get(f"/artisans/photos/{photo.id}")
    served.close()
    assert (served.status_code, served.mimetype) == (200, "image/jpeg")
    assert client.get(f"/artisans/photos/{teaching.id}").status_code == 404


def test_gallery_ignores_nonsense_filters(app, client) -> None:
    assert client.get("/artisans/gallery?dot=abc&tinh=-1&danh_hieu=x&page=zz").status_code == 200


def test_document_evidence_is_never_served(app, client) -> None:
    posted = posted_list()
    video = add_work_photo(posted.nominations[0], kind=EvidenceKind.DOCUMENT)
    recognise(posted)
    assert client.get(f"/artisans/photos/{video.id}").status_code == 404


def test_artisan_downloads_their_certificate_and_verification_reads_right(app, client, db) -> None:
    posted = posted_list()
    issued(posted)
    mine = db.session.scalar(select(Certificate).where(Certificate.holder_user_id == posted.artisan.id))
    theirs = db.session.scalar(select(Certificate).where(Certificate.id != mine.id))
    login_as(client, posted.artisan)

    listing = text_of(client.get("/my/artisan-certificates"))
    pdf = client.get(f"/certificates/{mine.id}.pdf")
    other = client.get(f"/certificates/{theirs.id}.pdf")
    verify = client.get(f"/v/{mine.verification_code}")
    pdf_bytes = pdf.data
    pdf.close()

    assert mine.number in listing and "Nghệ nhân ưu tú" in listing and theirs.number not in listing
    assert (pdf.status_code, other.status_code) == (200, 404)
    text = PdfReader(BytesIO(pdf_bytes)).pages[0].extract_text()
    assert "Nghệ nhân ưu tú" in text and "Nguyễn Văn Gốm" in text and "Gốm Phù Lãng" in text
    assert "Sản phẩm" not in text
    page = text_of(verify)
    assert "danh hiệu không có thời hạn" in page and "Không thời hạn" in page
    assert "Gốm Phù Lãng" in page and "Sản phẩm" not in page and "31/12/9999" not in page
    _assert_no_private_data(verify.get_data(as_text=True))


def test_organizer_revokes_an_artisan_certificate_with_a_reason(app, client, db) -> None:
    posted = posted_list()
    certificate, other = issued(posted)
    login_as(client, posted.organizer)
    manage = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"
    url = f"/manage/artisans/certificates/{certificate.id}/revoke"

    empty = post_form(client, url, {"reason-reason": "  "}, token_from=manage)
    db.session.refresh(certificate)
    assert empty.status_code == 422 and "Cần ghi lý do thu hồi." in text_of(empty)
    assert certificate.status.value == "valid" and not certificate.revoked_reason and certificate.revoked_at is None

    done = post_form(client, url, {"reason-reason": "Hồ sơ kê khai không trung thực."}, token_from=manage)
    db.session.refresh(certificate)
    db.session.refresh(other)
    assert done.status_code == 302
    assert certificate.status.value == "revoked" and certificate.revoked_reason == "Hồ sơ kê khai không trung thực."
    assert other.status.value == "valid"
    page = text_of(client.get(manage))
    assert f"Đã thu hồi giấy chứng nhận số {certificate.number} ({certificate.year})." in page
    assert "Hồ sơ kê khai không trung thực." in page
    public = text_of(app.test_client().get(f"/v/{certificate.verification_code}"))
    assert "Giấy chứng nhận đã bị thu hồi" in public and "Lý do: Hồ sơ kê khai không trung thực." in public

    twice = post_form(client, url, {"reason-reason": "Lần nữa."}, token_from=manage)
    assert twice.status_code == 422
    assert "Chỉ thu hồi được giấy chứng nhận đang có hiệu lực." in text_of(twice)
    # Revoked is final for the nomination: issuing the missing certificates does not make a new one.
    post_form(client, f"/manage/artisans/rounds/{posted.award_round.id}/certificates", {}, token_from=manage)
    count = db.session.scalar(
        select(func.count()).select_from(Certificate).where(Certificate.award_round_id == posted.award_round.id)
    )
    assert count == 2


def test_revoke_refuses_other_roles_and_unknown_certificates(app, client, db) -> None:
    posted = posted_list()
    certificate, _ = issued(posted)
    login_as(client, posted.secretary)
    url = f"/manage/artisans/certificates/{certificate.id}/revoke"
    response = post_form(client, url, {"reason-reason": "Không có quyền."}, token_from="/councils/mine")
    assert response.status_code == 403
    db.session.refresh(certificate)
    assert certificate.status.value == "valid"
    login_as(client, posted.organizer)
    assert client.get("/manage/artisans/certificates/999999/revoke").status_code == 405
    manage = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"
    missing = post_form(
        client, "/manage/artisans/certificates/999999/revoke", {"reason-reason": "x"}, token_from=manage
    )
    assert missing.status_code == 404


def test_artisan_revocation_refuses_a_product_certificate(app, db) -> None:
    from datetime import date

    from kcvote.certificates import artisan as artisan_certificates
    from kcvote.certificates import services as certificate_services
    from kcvote.core.errors import NotAllowed
    from tests.factories import make_finalized_round

    owner, round_, _ = make_finalized_round(n_entries=1, n_recognised=1)
    fields = {"decision_number": "1/QĐ-SCT", "decision_date": date(2025, 12, 1), "signer_name": "Nguyễn Văn A"}
    certificate_services.save_design(actor=owner, round_=round_, fields=fields)
    (product,) = certificate_services.issue_pending(actor=owner, round_=round_, render_pdf=False)
    admin = make_user(Role.ADMIN)
    with pytest.raises(NotAllowed):
        artisan_certificates.revoke_artisan_certificate(actor=admin, certificate=product, reason="Nhầm loại.")
    assert product.status.value == "valid"


def test_organizer_reissues_a_corrected_artisan_certificate(app, client, db) -> None:
    posted = posted_list()
    certificate, _ = issued(posted)
    nominee = db.session.get(Nomination, certificate.nomination_id).nominee
    login_as(client, posted.organizer)
    manage = f"/manage/artisans/rounds/{posted.award_round.id}/outcome"
    url = f"/manage/artisans/certificates/{certificate.id}/reissue"
    before = db.session.scalar(select(func.count()).select_from(Certificate))

    empty = post_form(client, url, {"reason-reason": ""}, token_from=manage)
    assert empty.status_code == 422 and "Cần ghi lý do cấp lại." in text_of(empty)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == before

    nominee.name = "Nguyễn Văn Gốm Sửa"  # the name was misspelt on the first certificate
    db.session.commit()
    done = post_form(client, url, {"reason-reason": "Sai chính tả họ tên."}, token_from=manage)
    assert done.status_code == 302
    db.session.expire_all()
    old = db.session.get(Certificate, certificate.id)
    new = db.session.get(Certificate, old.replaced_by_id)
    assert old.status.value == "replaced" and new.status.value == "valid"
    assert (new.generation, new.nomination_id, new.holder) == (2, old.nomination_id, "Nguyễn Văn Gốm Sửa")
    assert new.number != old.number and new.pdf_key
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == before + 1
    page = text_of(client.get(manage))
    assert f"giấy chứng nhận số {new.number} ({new.year}) thay thế số {old.number} ({old.year})" in page
    assert f"đã được thay thế bằng giấy số {new.number}" in text_of(
        app.test_client().get(f"/v/{old.verification_code}")
    )

    again = post_form(client, url, {"reason-reason": "Lần nữa."}, token_from=manage)
    assert again.status_code == 422 and "Chỉ cấp lại giấy chứng nhận đang có hiệu lực" in text_of(again)
