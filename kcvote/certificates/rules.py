"""Who may do what with certificates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kcvote.accounts.enums import Role
from kcvote.contests.models import Round
from kcvote.contests.rules import can_manage_round
from kcvote.extensions import db
from kcvote.facilities.models import FacilityMember


def can_manage_certificates(user: Any, round_: Round) -> bool:
    """Admins and the round's organizers design, issue, revoke and reissue its certificates."""
    return can_manage_round(user, round_)


def is_holder(user: Any, certificate: Any) -> bool:
    """True if ``user`` acts for the facility that holds ``certificate``."""
    if not getattr(user, "is_authenticated", False) or certificate.facility_id is None:
        return False
    member = db.session.scalar(
        select(FacilityMember.id).where(
            FacilityMember.facility_id == certificate.facility_id, FacilityMember.user_id == user.id
        )
    )
    return member is not None


def can_manage_artisan_certificates(user: Any) -> bool:
    """Admins and organizers (who run award rounds) issue artisan certificates."""
    return bool(getattr(user, "is_authenticated", False)) and (user.has_role(Role.ADMIN) or user.holds(Role.ORGANIZER))


def can_download(user: Any, certificate: Any) -> bool:
    """The holder's members (an artisan certificate: its holder), the round's organizers and admins
    download the issued PDF."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.ADMIN) or is_holder(user, certificate):
        return True
    if certificate.award_round_id is not None:
        return certificate.holder_user_id == user.id or can_manage_artisan_certificates(user)
    return certificate.round is not None and can_manage_certificates(user, certificate.round)
