"""Account and administration routes through the test client."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.accounts.models import User
from kcvote.core.audit import AuditEntry
from tests.conftest import csrf_token, link_in, login_as, outbox, post_form, text_of
from tests.factories import PASSWORD, make_user

SIGNUP = {
    "name": "Hoàng Thị Lan",
    "email": "lan@example.vn",
    "password": "mot-mat-khau-dai",
    "confirm": "mot-mat-khau-dai",
}


def _count(db, model: Any) -> int:
    return db.session.scalar(select(func.count(model.id))) or 0


def _sign_in(client, email: str, password: str = PASSWORD, **kw: Any) -> Any:
    return post_form(
        client, "/account/login", {"email": email, "password": password}, token_from="/account/login", **kw
    )


def test_signup_confirm_and_sign_in(client, app, db) -> None:
    response = post_form(client, "/account/signup", SIGNUP, token_from="/account/signup")
    assert response.status_code == 200
    assert "Kiểm tra hộp thư" in text_of(response)
    messages = outbox(app)
    assert [m["To"] for m in messages] == ["lan@example.vn"]

    refused = _sign_in(client, "lan@example.vn", "mot-mat-khau-dai")
    assert refused.status_code == 401
    assert "xác nhận địa chỉ email" in text_of(refused)

    confirmed = client.get(link_in(messages[0]), follow_redirects=True)
    assert "Email đã được xác nhận" in text_of(confirmed)

    signed_in = _sign_in(client, "lan@example.vn", "mot-mat-khau-dai", follow_redirects=True)
    assert "Xin chào, Hoàng Thị Lan!" in text_of(signed_in)
    user = db.session.scalar(select(User).where(User.email == "lan@example.vn"))
    assert user.is_confirmed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Địa chỉ email không hợp lệ."),
        ("password", "short", "Mật khẩu phải có ít nhất 10 ký tự."),
        ("confirm", "different-password", "Hai mật khẩu không khớp."),
        ("name", "", "Vui lòng nhập thông tin này."),
    ],
)
def test_signup_bad_input_shows_message_and_writes_nothing(client, db, field: str, value: str, message: str) -> None:
    response = post_form(client, "/account/signup", {**SIGNUP, field: value}, token_from="/account/signup")
    assert response.status_code == 422
    assert message in text_of(response)
    assert _count(db, User) == 0
    assert _count(db, AuditEntry) == 0


def test_signup_with_registered_email_reveals_nothing_and_mails_owner(client, app, db) -> None:
    make_user(Role.FACILITY, email="lan@example.vn")
    response = post_form(client, "/account/signup", SIGNUP, token_from="/account/signup")
    assert response.status_code == 200
    assert "Kiểm tra hộp thư" in text_of(response)
    assert _count(db, User) == 1
    assert [m["Subject"] for m in outbox(app)] == ["Bạn đã có tài khoản kcvote"]


def test_confirmation_link_forged_is_refused(client) -> None:
    response = client.get("/account/confirm/not-a-token", follow_redirects=True)
    assert "không hợp lệ hoặc đã hết hạn" in text_of(response)


def test_sign_in_wrong_password_is_refused_and_audited(client, db) -> None:
    make_user(Role.JUROR, email="gk@example.vn")
    response = _sign_in(client, "gk@example.vn", "wrong-password")
    assert response.status_code == 401
    assert "Email hoặc mật khẩu không đúng." in text_of(response)
    assert db.session.scalars(select(AuditEntry.action)).all() == ["auth.sign_in_failed"]


def test_sign_in_redirects_to_safe_next_only(client) -> None:
    make_user(Role.JUROR, email="gk@example.vn")
    data = {"email": "gk@example.vn", "password": PASSWORD, "next": "https://evil.example/x"}
    response = post_form(client, "/account/login", data, token_from="/account/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_rate_limit_locks_out(app_config, make_app) -> None:
    app_config["LOGIN_RATE_LIMIT"] = "3 per minute"
    app = make_app(app_config)
    with app.app_context():
        make_user(Role.JUROR, email="gk@example.vn")
        client = app.test_client()
        statuses = [_sign_in(client, "gk@example.vn", "wrong-password").status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        locked = _sign_in(client, "gk@example.vn", PASSWORD)
        assert locked.status_code == 429
        assert "Quá nhiều yêu cầu" in text_of(locked)


def test_sign_out_requires_post_and_is_audited(client, db) -> None:
    user = make_user(Role.JUROR)
    _sign_in(client, user.email)
    assert client.get("/account/logout").status_code == 405
    response = post_form(client, "/account/logout", follow_redirects=True)
    assert "Bạn đã đăng xuất." in text_of(response)
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
        "auth.sign_in",
        "auth.sign_out",
    ]
    assert client.get("/account/profile").status_code == 302


def test_password_reset_is_single_use(client, app, db) -> None:
    make_user(Role.FACILITY, email="lan@example.vn")
    post_form(client, "/account/password/forgot", {"email": "lan@example.vn"}, token_from="/account/password/forgot")
    link = link_in(outbox(app)[-1])
    new = {"password": "mat-khau-moi-456", "confirm": "mat-khau-moi-456"}
    done = post_form(client, link, new, token_from=link, follow_redirects=True)
    assert "Mật khẩu đã được đặt lại" in text_of(done)
    assert _sign_in(client, "lan@example.vn", "mat-khau-moi-456").status_code == 302
    reused = client.get(link, follow_redirects=True)
    assert "không hợp lệ, đã dùng hoặc đã hết hạn" in text_of(reused)


def test_forgot_password_unknown_email_says_the_same(client, app) -> None:
    response = post_form(
        client, "/account/password/forgot", {"email": "ghost@example.vn"}, token_from="/account/password/forgot"
    )
    assert response.status_code == 200
    assert "Kiểm tra hộp thư" in text_of(response)
    assert outbox(app) == []


def test_invitation_flow(client, app, db) -> None:
    organizer = make_user(Role.ORGANIZER)
    login_as(client, organizer)
    response = post_form(
        client,
        "/admin/invite",
        {"name": "Lê Giám Khảo", "email": "gk@example.vn", "role": "juror"},
        token_from="/admin/invite",
    )
    assert response.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "gk@example.vn"))
    assert invited.role_names == ["juror"]
    message = outbox(app)[-1]
    assert message["To"] == "gk@example.vn"
    link = link_in(message)

    other = app.test_client()
    short = post_form(other, link, {"password": "abc", "confirm": "abc"}, token_from=link)
    assert short.status_code == 422
    assert "ít nhất 10 ký tự" in text_of(short)
    accepted = post_form(other, link, {"password": "gk-mat-khau-1", "confirm": "gk-mat-khau-1"}, token_from=link)
    assert accepted.status_code == 302
    assert _sign_in(other, "gk@example.vn", "gk-mat-khau-1").status_code == 302
    assert "đã được dùng" in text_of(other.get(link, follow_redirects=True))


def test_organizer_cannot_invite_an_admin(client, db) -> None:
    login_as(client, make_user(Role.ORGANIZER))
    response = post_form(
        client, "/admin/invite", {"name": "X", "email": "x@example.vn", "role": "admin"}, token_from="/admin/invite"
    )
    assert response.status_code == 422
    assert "Not a valid choice" in text_of(response) or "không hợp lệ" in text_of(response)
    assert db.session.scalar(select(User).where(User.email == "x@example.vn")) is None


def test_admin_assigns_and_revokes_role(client, db) -> None:
    admin = make_user(Role.ADMIN)
    target = make_user(Role.FACILITY)
    login_as(client, admin)
    page = f"/admin/users/{target.id}"
    assert post_form(client, f"{page}/roles", {"role": "juror"}, token_from=page).status_code == 302
    db.session.rollback()
    assert target.role_names == ["facility", "juror"]
    juror = next(a for a in target.roles if a.role == Role.JUROR)
    assert post_form(client, f"{page}/roles/{juror.id}/revoke", token_from=page).status_code == 302
    db.session.rollback()
    assert target.role_names == ["facility"]


def test_admin_assign_bad_role_is_400_and_changes_nothing(client, db) -> None:
    admin = make_user(Role.ADMIN)
    target = make_user(Role.FACILITY)
    login_as(client, admin)
    page = f"/admin/users/{target.id}"
    response = post_form(client, f"{page}/roles", {"role": "emperor"}, token_from=page)
    assert response.status_code == 400
    db.session.rollback()
    assert target.role_names == ["facility"]


def test_admin_deactivates_and_reactivates(client, db) -> None:
    admin = make_user(Role.ADMIN)
    target = make_user(Role.JUROR)
    login_as(client, admin)
    page = f"/admin/users/{target.id}"
    post_form(client, f"{page}/deactivate", token_from=page)
    db.session.rollback()
    assert target.active is False
    post_form(client, f"{page}/reactivate", token_from=page)
    db.session.rollback()
    assert target.active is True


def test_deactivated_user_session_ends(client, db) -> None:
    user = make_user(Role.JUROR)
    login_as(client, user)
    assert client.get("/account/profile").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/account/profile").status_code == 302


def test_admin_user_search_finds_without_accents(client, db) -> None:
    login_as(client, make_user(Role.ADMIN, name="Quản Trị"))
    make_user(name="Nguyễn Văn An")
    make_user(name="Trần Thị Bình")
    page = text_of(client.get("/admin/users?q=nguyen+van"))
    assert "Nguyễn Văn An" in page
    assert "Trần Thị Bình" not in page


def test_post_without_csrf_token_is_400_and_changes_nothing(client, db) -> None:
    admin = make_user(Role.ADMIN)
    target = make_user(Role.JUROR)
    login_as(client, admin)
    response = client.post(f"/admin/users/{target.id}/deactivate")
    assert response.status_code == 400
    assert "biểu mẫu không hợp lệ" in text_of(response)
    db.session.rollback()
    assert target.active is True
    signup = client.post("/account/signup", data=SIGNUP)
    assert signup.status_code == 400
    assert _count(db, User) == 2


def test_profile_update_and_bad_input(client, db) -> None:
    user = make_user(Role.JUROR)
    login_as(client, user)
    ok = post_form(
        client,
        "/account/profile",
        {
            "name": "Lê Thị Hoa",
            "phone": "0912 345 678",
            "organization": "ĐH",
            "job_title": "Giảng viên",
            "locale": "vi",
        },
        token_from="/account/profile",
    )
    assert ok.status_code == 302
    db.session.rollback()
    assert (user.name, user.job_title, user.search_text) == ("Lê Thị Hoa", "Giảng viên", f"le thi hoa {user.email}")
    bad = post_form(client, "/account/profile", {"name": "", "locale": "vi"}, token_from="/account/profile")
    assert bad.status_code == 422
    assert "Vui lòng nhập thông tin này." in text_of(bad)
    db.session.rollback()
    assert user.name == "Lê Thị Hoa"


def test_change_password_wrong_current_is_refused(client, db) -> None:
    user = make_user(Role.JUROR)
    login_as(client, user)
    page = "/account/profile/password"
    bad = post_form(
        client,
        page,
        {"current": "nope-nope-nope", "password": "new-pass-word-1", "confirm": "new-pass-word-1"},
        token_from=page,
    )
    assert bad.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in text_of(bad)
    good = post_form(
        client,
        page,
        {"current": PASSWORD, "password": "new-pass-word-1", "confirm": "new-pass-word-1"},
        token_from=page,
    )
    assert good.status_code == 302


def test_error_pages_in_both_languages(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in text_of(response)
    post_form(client, "/language/en")
    english = client.get("/no/such/page")
    assert "Page not found" in text_of(english)


def test_too_large_request_is_413_with_readable_page(app, client) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    token = csrf_token(client, "/account/signup")
    response = client.post("/account/signup", data={"csrf_token": token, "name": "x" * 5000})
    assert response.status_code == 413
    assert "Tệp quá lớn" in text_of(response)
