"""Account e-mails, sent after the transaction that caused them has committed."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from kcvote.accounts.models import User
from kcvote.accounts.tokens import make_token
from kcvote.core.mail import send_mail


def _send(user: User, subject: str, template: str, **context: object) -> None:
    body = render_template(f"accounts/email/{template}.txt", user=user, **context)
    send_mail(user.email, subject, body)


def send_confirmation(user: User) -> None:
    with force_locale(user.locale):
        link = url_for("accounts.confirm_email", token=make_token(user, "confirm"), _external=True)
        _send(user, _("Xác nhận địa chỉ email của bạn trên kcvote"), "confirm", link=link)


def send_already_registered(user: User) -> None:
    with force_locale(user.locale):
        link = url_for("accounts.forgot_password", _external=True)
        _send(user, _("Bạn đã có tài khoản kcvote"), "already_registered", link=link)


def send_password_reset(user: User) -> None:
    with force_locale(user.locale):
        link = url_for("accounts.reset_password", token=make_token(user, "reset"), _external=True)
        _send(user, _("Đặt lại mật khẩu kcvote"), "reset", link=link)


def send_invitation(user: User, inviter: User, role_label: str) -> None:
    with force_locale(user.locale):
        if user.has_password:
            link = url_for("accounts.login", _external=True)
        else:
            link = url_for("accounts.accept_invitation", token=make_token(user, "invite"), _external=True)
        _send(user, _("Lời mời tham gia kcvote"), "invite", link=link, inviter=inviter, role_label=role_label)
