"""Certificate pages: design form, preview, bulk issue with progress, registry actions, the holder's
downloads, and public verification."""

from __future__ import annotations

import time
from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.certificates import jobs, services
from kcvote.certificates.enums import CertificateStatus, JobStatus
from kcvote.certificates.models import Certificate, CertificateDesign, IssueJob
from kcvote.core.db import utcnow
from kcvote.facilities.models import FacilityMember
from tests.conftest import login_as, post_form, text_of
from tests.factories import make_facility, make_user


def _design_form(**overrides: str) -> dict[str, str]:
    data = {
        "design-parent_body": "UBND TỈNH THÁI NGUYÊN",
        "design-issuer_name": "SỞ CÔNG THƯƠNG",
        "design-issuer_code": "SCT-TN",
        "design-number_suffix": "GCN-SCT",
        "design-place": "Thái Nguyên",
        "design-decision_number": "55/QĐ-SCT",
        "design-decision_date": "12/12/2025",
        "design-signer_title": "GIÁM ĐỐC",
        "design-signer_name": "Trần Thị Mai",
        "design-title": "GIẤY CHỨNG NHẬN",
        "design-body_text": "SẢN PHẨM TIÊU BIỂU {{ cap|upper }} NĂM {{ nam }}",
        "design-footer_text": "Theo Quyết định số {{ quyet_dinh }}.",
    }
    data.update(overrides)
    return data


def _holder(entry):
    member = entry.facility.members[0]
    return member.user


def test_organizer_saves_the_design(finalized, client, db) -> None:
    organizer, round_, _ = finalized
    login_as(client, organizer)
    url = f"/manage/rounds/{round_.id}/certificates"
    response = post_form(client, f"{url}/design", _design_form(), token_from=url)
    assert response.status_code == 302
    design = db.session.scalar(select(CertificateDesign))
    assert (design.decision_number, design.signer_name, design.decision_date.isoformat()) == (
        "55/QĐ-SCT",
        "Trần Thị Mai",
        "2025-12-12",
    )


def test_design_form_refuses_bad_input_and_saves_nothing(finalized, client, db) -> None:
    organizer, round_, _ = finalized
    login_as(client, organizer)
    url = f"/manage/rounds/{round_.id}/certificates"
    bad = _design_form(
        **{"design-decision_date": "31/02/2025", "design-issuer_code": "SCT TN!", "design-signer_name": ""}
    )
    response = post_form(client, f"{url}/design", bad, token_from=url)
    assert response.status_code == 422
    text = text_of(response)
    assert "Vui lòng nhập thông tin này." in text
    assert "Chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang." in text
    refused = post_form(client, f"{url}/design", _design_form(**{"design-footer_text": "{{ config }}"}), token_from=url)
    assert refused.status_code == 422
    assert "Mẫu chữ dùng tên không được phép: config" in text_of(refused)
    assert db.session.scalar(select(CertificateDesign.decision_number)) == "1234/QĐ-SCT"


def test_background_upload_refuses_what_is_not_an_image(finalized, client, db) -> None:
    organizer, round_, _ = finalized
    login_as(client, organizer)
    url = f"/manage/rounds/{round_.id}/certificates"
    data = {"background-image": (BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "khung.svg")}
    response = post_form(client, f"{url}/background", data, token_from=url, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(select(CertificateDesign.background_key)) is None


def test_preview_is_a_pdf_marked_as_preview(finalized, client) -> None:
    organizer, round_, _ = finalized
    login_as(client, organizer)
    response = client.get(f"/manage/rounds/{round_.id}/certificates/preview.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert "BẢN XEM TRƯỚC" in PdfReader(BytesIO(response.data)).pages[0].extract_text()


def test_issue_from_the_web_issues_each_recognised_product_once(finalized, client, db) -> None:
    organizer, round_, _ = finalized
    login_as(client, organizer)
    url = f"/manage/rounds/{round_.id}/certificates"
    first = post_form(client, f"{url}/issue", token_from=url)
    second = post_form(client, f"{url}/issue", token_from=url)
    assert (first.status_code, second.status_code) == (302, 302)
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
    assert client.get(f"{url}/progress").get_json() == {"total": 2, "done": 2, "state": "done", "error": ""}
    page = text_of(client.get(url))
    assert "Đã cấp 2 / 2 sản phẩm được công nhận." in page
    combined = client.get(f"{url}/all.pdf")
    assert len(PdfReader(BytesIO(combined.data)).pages) == 2


def test_issue_before_finalize_is_refused_with_a_reason(db, seeded, client) -> None:
    from tests.factories import make_judging_round

    organizer, round_, _, _ = make_judging_round(n_entries=1, n_jurors=1)
    login_as(client, organizer)
    url = f"/manage/rounds/{round_.id}/certificates"
    response = post_form(client, f"{url}/issue", token_from=url)
    assert response.status_code == 422
    assert "Chỉ cấp giấy chứng nhận khi kết quả đợt đã được chốt." in text_of(response)
    assert db.session.scalar(select(func.count(IssueJob.id))) == 0


def test_background_thread_issues_and_reports_progress(finalized, app, client, db) -> None:
    organizer, round_, _ = finalized
    app.config["CERTIFICATE_JOBS"] = "thread"
    login_as(client, organizer)
    url = f"/manage/rounds/{round_.id}/certificates"
    assert post_form(client, f"{url}/issue", token_from=url).status_code == 302
    deadline = time.monotonic() + 60
    progress = client.get(f"{url}/progress").get_json()
    while progress["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        progress = client.get(f"{url}/progress").get_json()
    assert progress == {"total": 2, "done": 2, "state": "done", "error": ""}


def test_an_interrupted_issue_resumes_without_duplicates(finalized, db) -> None:
    organizer, round_, _ = finalized
    # A job died after numbering one certificate and before rendering it.
    job, _ = jobs.start_issue(actor=organizer, round_=round_)
    services.issue_pending(actor=organizer, round_=round_, limit=1, render_pdf=False)
    job.status, job.heartbeat_at = JobStatus.RUNNING, utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert jobs.progress(round_)["state"] == "interrupted"
    resumed, started = jobs.start_issue(actor=organizer, round_=round_)
    db.session.commit()
    assert started and resumed.id != job.id
    jobs.run_job(resumed.id)
    certificates = db.session.scalars(select(Certificate).order_by(Certificate.sequence)).all()
    assert [(c.number, c.pdf_key is not None) for c in certificates] == [("1/GCN-SCT", True), ("2/GCN-SCT", True)]
    assert jobs.progress(round_) == {"total": 2, "done": 2, "state": "done", "error": ""}


def test_revoke_from_the_registry_needs_a_reason(issued, client, db) -> None:
    organizer, round_, _, certificates = issued
    login_as(client, organizer)
    url = f"/manage/rounds/{round_.id}/certificates"
    target = f"/manage/certificates/{certificates[0].id}/revoke"
    missing = post_form(client, target, {"reason-reason": ""}, token_from=url)
    assert missing.status_code == 422
    assert "Cần ghi lý do thu hồi." in text_of(missing)
    done = post_form(client, target, {"reason-reason": "Giả mạo hồ sơ"}, token_from=url)
    assert done.status_code == 302
    db.session.refresh(certificates[0])
    assert (certificates[0].status, certificates[0].revoked_reason) == (CertificateStatus.REVOKED, "Giả mạo hồ sơ")


def test_reissue_from_the_registry(issued, client, db) -> None:
    organizer, round_, _, certificates = issued
    login_as(client, organizer)
    url = f"/manage/rounds/{round_.id}/certificates"
    response = post_form(
        client, f"/manage/certificates/{certificates[1].id}/reissue", {"reason-reason": "Sai địa chỉ"}, token_from=url
    )
    assert response.status_code == 302
    rows = db.session.execute(select(Certificate.number, Certificate.status).order_by(Certificate.id)).all()
    assert [tuple(r) for r in rows] == [
        ("1/GCN-SCT", CertificateStatus.VALID),
        ("2/GCN-SCT", CertificateStatus.REPLACED),
        ("3/GCN-SCT", CertificateStatus.VALID),
    ]


def test_facility_sees_and_downloads_only_its_own_certificates(issued, client) -> None:
    _, _, entries, certificates = issued
    login_as(client, _holder(entries[0]))
    page = text_of(client.get("/my/certificates"))
    assert certificates[0].number in page
    assert certificates[1].number not in page
    own = client.get(f"/certificates/{certificates[0].id}.pdf")
    assert (own.status_code, own.mimetype) == (200, "application/pdf")
    assert "giay-chung-nhan-" in own.headers["Content-Disposition"]
    own.close()
    assert client.get(f"/certificates/{certificates[1].id}.pdf").status_code == 404


def test_qr_target_shows_facts_and_status_without_private_data(issued, client) -> None:
    _, _, entries, certificates = issued
    response = client.get(f"/v/{certificates[0].verification_code}")
    text = text_of(response)
    assert response.status_code == 200
    assert "Giấy chứng nhận số 1/GCN-SCT" in text
    assert "Giấy chứng nhận còn hiệu lực đến hết ngày" in text
    assert "Sản phẩm 1" in text and "Cơ sở 1" in text and "Giải nhất" in text
    facility = entries[0].facility
    assert facility.phone not in text and facility.registration_no not in text
    assert entries[0].contact_phone not in text
    photo = client.get(f"/v/{certificates[0].verification_code}/photo")
    assert (photo.status_code, photo.mimetype) == (200, "image/jpeg")
    photo.close()


def test_revoked_and_replaced_certificates_say_so(issued, client, db) -> None:
    organizer, _, _, certificates = issued
    services.revoke_certificate(actor=organizer, certificate=certificates[0], reason="Vi phạm an toàn thực phẩm")
    new = services.reissue_certificate(actor=organizer, certificate=certificates[1], reason="Sai tên")
    db.session.commit()
    revoked = text_of(client.get(f"/v/{certificates[0].verification_code}"))
    assert "Giấy chứng nhận đã bị thu hồi" in revoked and "Vi phạm an toàn thực phẩm" in revoked
    replaced = text_of(client.get(f"/v/{certificates[1].verification_code}"))
    assert f"đã được thay thế bằng giấy số {new.number}" in replaced


def test_verify_by_number_and_short_code(issued, client) -> None:
    certificate = issued[3][0]
    found = post_form(
        client,
        "/verify",
        {"number": certificate.number, "code": certificate.verification_code[:8].lower()},
        token_from="/verify",
    )
    assert found.status_code == 200
    assert "Giấy chứng nhận số 1/GCN-SCT" in text_of(found)


def test_wrong_code_says_not_found_whether_or_not_the_number_exists(issued, client) -> None:
    certificate = issued[3][0]
    real_number = post_form(client, "/verify", {"number": certificate.number, "code": "ZZZZZZZZ"}, token_from="/verify")
    no_number = post_form(client, "/verify", {"number": "987/GCN-SCT", "code": "ZZZZZZZZ"}, token_from="/verify")
    assert real_number.status_code == no_number.status_code == 404
    assert text_of(real_number) == text_of(no_number).replace("987/GCN-SCT", certificate.number)
    assert "Không tìm thấy giấy chứng nhận" in text_of(real_number)
    assert client.get("/v/NOTACODE").status_code == 404


def test_verify_form_refuses_empty_input_in_vietnamese(client) -> None:
    response = post_form(client, "/verify", {"number": "", "code": ""}, token_from="/verify")
    assert response.status_code == 422
    assert "Vui lòng nhập thông tin này." in text_of(response)


def test_verification_is_rate_limited(issued, app, client) -> None:
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    code = issued[3][0].verification_code
    statuses = [client.get(f"/v/{code}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_expiring_list_shows_only_soon_expiring_valid_certificates_of_my_rounds(issued, app, client, db) -> None:
    from kcvote.core.clock import today_vn

    organizer, _, _, certificates = issued
    certificates[0].valid_until = today_vn() + timedelta(days=30)
    db.session.commit()
    login_as(client, organizer)
    text = text_of(client.get("/manage/certificates/expiring"))
    assert certificates[0].number in text
    assert certificates[1].number not in text
    other = make_user(Role.ORGANIZER)
    stranger = app.test_client()
    login_as(stranger, other)
    assert certificates[0].number not in text_of(stranger.get("/manage/certificates/expiring"))


def test_a_facility_member_of_another_facility_gets_404(issued, client, db) -> None:
    certificate = issued[3][0]
    user = make_user(Role.FACILITY)
    make_facility(user, name="Cơ sở khác")
    assert db.session.scalar(select(func.count(FacilityMember.id))) >= 3
    login_as(client, user)
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 404
