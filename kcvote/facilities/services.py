"""Facility use cases."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcvote.accounts import services as account_services
from kcvote.accounts.models import User
from kcvote.core import audit
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db
from kcvote.facilities.enums import LegalForm
from kcvote.facilities.models import Facility, FacilityMember
from kcvote.facilities.rules import is_facility_user, is_member
from kcvote.reference.models import Province


def facility_of(user: User) -> Facility | None:
    """The facility ``user`` acts for, if any."""
    return db.session.scalar(select(Facility).join(FacilityMember).where(FacilityMember.user_id == user.id))


def find_by_registration_no(registration_no: str) -> Facility | None:
    """The facility with this tax / registration number."""
    number = registration_no.strip()
    if not number:
        return None
    return db.session.scalar(select(Facility).where(Facility.registration_no == number))


def save_facility(
    *,
    actor: User,
    facility: Facility | None,
    name: str,
    legal_form: LegalForm,
    registration_no: str,
    province: Province,
    address: str,
    phone: str,
    email: str,
    representative: str,
) -> Facility:
    """Create the actor's facility profile, or edit it. The creator becomes its first member."""
    if facility is None:
        if not is_facility_user(actor):
            raise NotAllowed(_l("Chỉ tài khoản cơ sở mới tạo được hồ sơ cơ sở."))
        if facility_of(actor) is not None:
            raise DomainError(_l("Tài khoản của bạn đã gắn với một cơ sở."))
    elif not is_member(actor, facility):
        raise NotAllowed(_l("Bạn không thuộc cơ sở này."))
    number = registration_no.strip() or None
    if number:
        other = find_by_registration_no(number)
        if other is not None and (facility is None or other.id != facility.id):
            raise DomainError(
                _l("Mã số %(number)s đã được cơ sở khác đăng ký. Hãy liên hệ ban tổ chức.", number=number)
            )
    created = facility is None
    if facility is None:
        facility = Facility()
        db.session.add(facility)
        facility.members.append(FacilityMember(user_id=actor.id))
    facility.name = name.strip()
    facility.legal_form = legal_form
    facility.registration_no = number
    facility.province = province
    facility.address = address.strip()
    facility.phone = phone.strip()
    facility.email = email.strip().lower()
    facility.representative = representative.strip()
    facility.refresh_search()
    db.session.flush()
    audit.record("facility.saved", actor_id=actor.id, obj=facility, name=facility.name, created=created)
    return facility


def add_member(*, actor: User, facility: Facility, email: str, name: str) -> tuple[User, bool]:
    """Let a colleague act for the facility: invite them (facility role) or link their account."""
    if not is_member(actor, facility):
        raise NotAllowed(_l("Bạn không thuộc cơ sở này."))
    email = account_services.valid_email(email)
    user = account_services.get_user_by_email(email)
    if user is not None and facility_of(user) is not None:
        raise DomainError(_l("%(email)s đã gắn với một cơ sở khác.", email=email))
    user, created = account_services.invite_facility_member(actor=actor, email=email, name=name, existing=user)
    facility.members.append(FacilityMember(user_id=user.id))
    db.session.flush()
    audit.record("facility.member_added", actor_id=actor.id, obj=facility, member=user.email)
    return user, created
