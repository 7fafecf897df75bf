"""The facility's own profile and members."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from kcvote.accounts import emails as account_emails
from kcvote.core.auth import ViewResult, require
from kcvote.core.errors import DomainError
from kcvote.extensions import db
from kcvote.facilities import rules, services
from kcvote.facilities.enums import LegalForm
from kcvote.facilities.forms import LEGAL_FORM_LABELS, FacilityForm, MemberForm
from kcvote.reference.models import Province

bp = Blueprint("facilities", __name__, url_prefix="/facility")


def _facility_form(obj: object | None) -> FacilityForm:
    form = FacilityForm(obj=obj)
    provinces = db.session.scalars(select(Province).order_by(Province.sort_order)).all()
    form.province_id.choices = [SelectChoice(p.id, p.name) for p in provinces]
    return form


@bp.route("/", methods=["GET", "POST"])
@require(rules.is_facility_user)
def profile() -> ViewResult:
    """Create or edit the facility profile; see members and the facility's entries."""
    facility = services.facility_of(current_user)
    form = _facility_form(facility)
    if form.validate_on_submit():
        province = db.session.get(Province, form.province_id.data)
        if province is None:
            abort(400)
        try:
            facility = services.save_facility(
                actor=current_user,
                facility=facility,
                name=form.name.data or "",
                legal_form=LegalForm(form.legal_form.data),
                registration_no=form.registration_no.data or "",
                province=province,
                address=form.address.data or "",
                phone=form.phone.data or "",
                email=form.email.data or "",
                representative=form.representative.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            form.registration_no.errors = [str(error.message)]
            return _page(form, facility, 422)
        db.session.commit()
        flash(_("Đã lưu thông tin cơ sở."), "success")
        return redirect(url_for("entries.dashboard"))
    return _page(form, facility, 422 if form.is_submitted() else 200)


def _page(form: FacilityForm, facility: object | None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "facilities/profile.html",
            form=form,
            facility=facility,
            member_form=MemberForm(),
            legal_form_labels=LEGAL_FORM_LABELS,
        ),
        status,
    )


@bp.post("/members")
@require(rules.is_facility_user)
def add_member() -> ViewResult:
    """Invite a colleague to act for the facility too."""
    facility = services.facility_of(current_user)
    if facility is None:
        abort(404)
    form = MemberForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return _page(_facility_form(facility), facility, 422)
    try:
        user, _created = services.add_member(
            actor=current_user, facility=facility, email=form.email.data or "", name=form.name.data or ""
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _page(_facility_form(facility), facility, 422)
    db.session.commit()
    account_emails.send_invitation(user, current_user, facility.name)
    flash(_("Đã mời %(email)s cùng quản lý cơ sở.", email=user.email), "success")
    return redirect(url_for("facilities.profile"))
