"""The mail interface: the outbox when no SMTP server is configured, SMTP when it is."""

from __future__ import annotations

import email
import email.policy
import smtplib
from pathlib import Path
from typing import Any, ClassVar

import pytest

from kcvote.core.mail import send_mail


def test_without_smtp_mail_goes_to_outbox(app) -> None:
    send_mail("lan@example.vn", "Xác nhận địa chỉ email", "Xin chào Lan,\nhttp://x/confirm/abc")
    files = list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert (message["To"], message["Subject"]) == ("lan@example.vn", "Xác nhận địa chỉ email")
    assert "Xin chào Lan," in message.get_content()


class RecordingSMTP:
    """Stands in for the SMTP server: records what the interface asks of it."""

    sent: ClassVar[list[Any]] = []
    calls: ClassVar[list[str]] = []

    def __init__(self, host: str, port: int, timeout: int) -> None:
        self.calls.append(f"connect {host}:{port}")

    def __enter__(self) -> RecordingSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append("quit")

    def starttls(self) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append(f"login {user}")

    def send_message(self, msg: Any) -> None:
        self.sent.append(msg)


def test_with_smtp_configured_mail_is_sent_over_starttls(app, monkeypatch: pytest.MonkeyPatch) -> None:
    RecordingSMTP.sent, RecordingSMTP.calls = [], []
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    app.config.update(MAIL_SERVER="smtp.example.vn", MAIL_PORT=587, MAIL_USERNAME="kcvote", MAIL_PASSWORD="pw")
    send_mail("lan@example.vn", "Lời mời", "Nội dung")
    assert RecordingSMTP.calls == ["connect smtp.example.vn:587", "starttls", "login kcvote", "quit"]
    assert [m["To"] for m in RecordingSMTP.sent] == ["lan@example.vn"]
    assert not Path(app.config["MAIL_OUTBOX_DIR"]).exists()
