"""One small mail interface: SMTP when configured, otherwise the log and instance/outbox/."""

from __future__ import annotations

import logging
import secrets
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from kcvote.core.db import utcnow

log = logging.getLogger(__name__)


def build_message(to: str, subject: str, body: str, html: str | None = None) -> EmailMessage:
    """Build a UTF-8 message from the configured sender."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="kcvote.local")
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send_mail(to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send one message through SMTP, or write it to the outbox when no server is configured."""
    msg = build_message(to, subject, body, html)
    cfg = current_app.config
    if cfg.get("MAIL_SERVER"):
        _send_smtp(msg)
        return
    path = _write_outbox(msg)
    log.info("Mail to %s (%s) written to %s\n%s", to, subject, path, body)


def _send_smtp(msg: EmailMessage) -> None:
    cfg = current_app.config
    smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(msg)


def _write_outbox(msg: EmailMessage) -> Path:
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(msg.as_bytes())
    return path
