"""Languages: Vietnamese by default, English as a switch; dates dd/mm/yyyy."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from kcvote.accounts.enums import Role
from kcvote.core.i18n import fmt_date, fmt_datetime, fmt_number
from tests.conftest import login_as, post_form, text_of
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent


def test_vietnamese_is_the_default(client) -> None:
    body = text_of(client.get("/account/login"))
    assert "Đăng nhập" in body
    assert "Quên mật khẩu?" in body


def test_switch_language_signed_out_is_kept_in_session(client) -> None:
    response = post_form(client, "/language/en", {"next": "/account/login"})
    assert response.headers["Location"] == "/account/login"
    assert "Forgot your password?" in text_of(client.get("/account/login"))
    post_form(client, "/language/vi")
    assert "Quên mật khẩu?" in text_of(client.get("/account/login"))


def test_switch_language_signed_in_is_kept_in_profile(client, db) -> None:
    user = make_user(Role.JUROR)
    login_as(client, user)
    post_form(client, "/language/en")
    db.session.rollback()
    assert user.locale == "en"
    other = login_as(client.application.test_client(), user)
    assert "Profile" in text_of(other.get("/account/profile"))


def test_language_switch_refuses_open_redirect(client) -> None:
    response = post_form(client, "/language/en", {"next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_dates_are_dd_mm_yyyy_in_both_languages(app) -> None:
    with app.test_request_context():
        for locale in ("vi", "en"):
            with force_locale(locale):
                assert fmt_date(date(2025, 7, 1)) == "01/07/2025"
                # 17:30 UTC is 00:30 the next day in Vietnam.
                assert fmt_datetime(datetime(2025, 6, 30, 17, 30)) == "01/07/2025 00:30"


def test_numbers_use_vietnamese_separators(app) -> None:
    with app.test_request_context():
        with force_locale("vi"):
            assert fmt_number(1234.5) == "1.234,5"
        with force_locale("en"):
            assert fmt_number(1234.5) == "1,234.5"


def test_english_catalogue_translates_every_message() -> None:
    """Every gettext string in code and templates has an English translation."""
    from babel.messages.extract import extract_from_dir

    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    method_map = [("kcvote/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    extracted = {
        msg[2] if isinstance(msg[2], str) else msg[2][0]
        for msg in extract_from_dir(str(ROOT), method_map=method_map, keywords=keywords)
    }
    with (ROOT / "kcvote/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(extracted - translated)
    assert missing == [], f"run `make messages` and translate: {missing[:10]}"
