"""Mail to the artisan (and whoever filed the dossier for them) about the Sở's answer, sent after the
decision is committed."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from kcvote.accounts.models import User
from kcvote.artisans.labels import TITLE_LABELS
from kcvote.artisans.models import Nomination
from kcvote.artisans.services import is_so
from kcvote.core.mail import send_mail
from kcvote.extensions import db


def recipients(nomination: Nomination) -> list[User]:
    """The nominee's own account and the person who filed the dossier, unless that was the Sở's staff
    (who made the decision themselves); active accounts only, each once."""
    users: list[User] = []
    if nomination.nominee.user_id is not None:
        nominee_user = db.session.get(User, nomination.nominee.user_id)
        if nominee_user is not None:
            users.append(nominee_user)
    if nomination.filed_by_id is not None:
        filer = db.session.get(User, nomination.filed_by_id)
        if filer is not None and not is_so(filer) and filer not in users:
            users.append(filer)
    return [user for user in users if user.active]


def notify_dossier(nomination: Nomination, kind: str) -> int:
    """Tell the artisan the Sở's answer (kind: accepted, completion_requested, returned). Returns the
    number of messages sent."""
    title = TITLE_LABELS[nomination.title]
    subjects: dict[str, Callable[[], str]] = {
        "accepted": lambda: _("Hồ sơ đề nghị xét tặng của %(name)s đã được tiếp nhận", name=nomination.nominee.name),
        "completion_requested": lambda: _(
            "Hồ sơ đề nghị xét tặng của %(name)s cần bổ sung", name=nomination.nominee.name
        ),
        "returned": lambda: _("Hồ sơ đề nghị xét tặng của %(name)s bị trả lại", name=nomination.nominee.name),
    }
    sent = 0
    for user in recipients(nomination):
        with force_locale(user.locale):
            link = url_for("artisans.nomination", nomination_id=nomination.id, _external=True)
            body = render_template(
                f"artisans/email/{kind}.txt", user=user, nomination=nomination, title=title, link=link
            )
            send_mail(user.email, subjects[kind](), body)
        sent += 1
    return sent
