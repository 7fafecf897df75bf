"""Mail to jurors, sent after the transaction that decided it has committed."""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from kcvote.accounts.models import User
from kcvote.contests.models import Round
from kcvote.core.mail import send_mail


def send_reminders(round_: Round, jurors: Sequence[tuple[User, int]]) -> int:
    """Remind each juror how many sheets remain. Returns how many mails went out."""
    sent = 0
    for user, remaining in jurors:
        if not user.active:
            continue
        with force_locale(user.locale):
            link = url_for("judging.queue", round_id=round_.id, _external=True)
            body = render_template(
                "judging/email/reminder.txt", user=user, round=round_, remaining=remaining, link=link
            )
            send_mail(user.email, _("Nhắc chấm điểm: còn %(n)d phiếu", n=remaining), body)
        sent += 1
    return sent
