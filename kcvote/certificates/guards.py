"""Checks certificates adds to round transitions (registered with contests, which cannot import us)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from kcvote.certificates.enums import CertificateStatus
from kcvote.certificates.models import Certificate
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.services import transition_guard
from kcvote.extensions import db


@transition_guard(RoundState.CLOSED)
def no_valid_certificates(round_: Round) -> list[str]:
    """Reopening frozen results could un-recognise a certified product: revoke its certificates first."""
    valid = db.session.scalar(
        select(func.count(Certificate.id)).where(
            Certificate.round_id == round_.id, Certificate.status == CertificateStatus.VALID
        )
    )
    if valid:
        return [
            str(
                _l(
                    "Đợt đã cấp %(n)d giấy chứng nhận còn hiệu lực; hãy thu hồi chúng trước khi mở lại kết quả.",
                    n=valid,
                )
            )
        ]
    return []
