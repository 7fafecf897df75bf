"""Mail to a facility about its entry, sent after the decision is committed."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from kcvote.core.mail import send_mail
from kcvote.entries.models import Entry


def notify_facility(entry: Entry, kind: str) -> None:
    """Tell every member of the entry's facility (kind: accepted, completion_requested, rejected, nominated)."""
    subjects = {
        "accepted": lambda: _("Hồ sơ “%(product)s” đã được tiếp nhận", product=entry.product.name),
        "completion_requested": lambda: _("Hồ sơ “%(product)s” cần bổ sung", product=entry.product.name),
        "rejected": lambda: _("Hồ sơ “%(product)s” không được tiếp nhận", product=entry.product.name),
        "nominated": lambda: _(
            "Sản phẩm “%(product)s” được đề cử lên %(level)s", product=entry.product.name, level=entry.round.level.name
        ),
    }
    for member in entry.facility.members:
        user = member.user
        if not user.active:
            continue
        with force_locale(user.locale):
            link = url_for("entries.status", entry_id=entry.id, _external=True)
            body = render_template(f"entries/email/{kind}.txt", user=user, entry=entry, link=link)
            send_mail(user.email, subjects[kind](), body)
