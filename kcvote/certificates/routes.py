"""Certificate pages: the organizer's design, preview, bulk issue, registry, revocation and reissue;
the facility's downloads; public verification by QR code or by number and short code."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from kcvote.certificates import jobs, render, rules, services
from kcvote.certificates.enums import CertificateState, CertificateStatus
from kcvote.certificates.forms import BackgroundForm, DesignForm, ReasonForm, VerifyForm
from kcvote.certificates.models import Certificate, CertificateDesign
from kcvote.certificates.sandbox import VARIABLES
from kcvote.contests.models import Round
from kcvote.contests.rules import is_organizer
from kcvote.core.auth import ViewResult, require
from kcvote.core.clock import today_vn
from kcvote.core.errors import DomainError
from kcvote.core.pdf import merge_pdfs
from kcvote.core.storage import get_storage
from kcvote.entries.enums import PhotoKind
from kcvote.entries.models import Photo
from kcvote.extensions import db, limiter
from kcvote.facilities.rules import is_facility_user

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    return str(current_app.config["VERIFY_RATE_LIMIT"])


def _managed_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    if not rules.can_manage_certificates(current_user, round_):
        abort(403)
    return round_


def _managed_certificate(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.round is None:
        abort(404)
    if not rules.can_manage_certificates(current_user, certificate.round):
        abort(403)
    return certificate


def _certificates_of(round_: Round) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.round_id == round_.id)
            .order_by(Certificate.year, Certificate.sequence)
        )
    )


def _design_form(design: CertificateDesign) -> DesignForm:
    form = DesignForm(prefix="design", obj=design if request.method == "GET" else None)
    return form


def _manage_page(
    round_: Round, *, form: DesignForm | None = None, background_form: BackgroundForm | None = None, status: int = 200
) -> tuple[str, int]:
    design = services.design_of(round_)
    certificates = _certificates_of(round_)
    page = render_template(
        "certificates/manage.html",
        round=round_,
        design=design,
        form=form or DesignForm(prefix="design", obj=design, formdata=None),
        background_form=background_form or BackgroundForm(prefix="background"),
        reason_form=ReasonForm(prefix="reason"),
        variables=VARIABLES,
        problems=services.design_problems(design),
        issuable=round_.state in services.ISSUABLE_STATES,
        progress=jobs.progress(round_),
        certificates=certificates,
        today=today_vn(),
        states=CertificateState,
    )
    return page, status


@bp.get("/manage/rounds/<int:round_id>/certificates")
@require(is_organizer)
def manage(round_id: int) -> ViewResult:
    """The round's certificates: design, preview, bulk issue with progress, registry."""
    return _manage_page(_managed_round(round_id))


@bp.post("/manage/rounds/<int:round_id>/certificates/design")
@require(is_organizer)
def save_design(round_id: int) -> ViewResult:
    round_ = _managed_round(round_id)
    form = DesignForm(prefix="design")
    if not form.validate_on_submit():
        return _manage_page(round_, form=form, status=422)
    fields = {name: getattr(form, name).data for name in services.DESIGN_FIELDS}
    try:
        services.save_design(actor=current_user, round_=round_, fields=fields)
    except DomainError as exc:
        db.session.rollback()
        form.body_text.errors = [*form.body_text.errors, str(exc.message)]
        return _manage_page(_managed_round(round_id), form=form, status=422)
    db.session.commit()
    flash(_("Đã lưu mẫu giấy chứng nhận."), "success")
    return redirect(url_for(".manage", round_id=round_id))


@bp.post("/manage/rounds/<int:round_id>/certificates/background")
@require(is_organizer)
def upload_background(round_id: int) -> ViewResult:
    round_ = _managed_round(round_id)
    form = BackgroundForm(prefix="background")
    if not form.validate_on_submit():
        return _manage_page(round_, background_form=form, status=422)
    try:
        services.set_background(actor=current_user, round_=round_, data=form.image.data.read())
    except DomainError as exc:
        db.session.rollback()
        form.image.errors = [str(exc.message)]
        return _manage_page(_managed_round(round_id), background_form=form, status=422)
    db.session.commit()
    flash(_("Đã tải ảnh nền lên."), "success")
    return redirect(url_for(".manage", round_id=round_id))


@bp.post("/manage/rounds/<int:round_id>/certificates/background/delete")
@require(is_organizer)
def delete_background(round_id: int) -> ViewResult:
    round_ = _managed_round(round_id)
    services.remove_background(actor=current_user, round_=round_)
    db.session.commit()
    flash(_("Đã bỏ ảnh nền."), "success")
    return redirect(url_for(".manage", round_id=round_id))


@bp.get("/manage/rounds/<int:round_id>/certificates/preview.pdf")
@require(is_organizer)
def preview(round_id: int) -> ViewResult:
    """A preview of the first recognised entry's certificate (or of sample data), marked as such."""
    round_ = _managed_round(round_id)
    design = services.design_of(round_)
    try:
        data = render.preview_pdf(services.preview_certificate(round_, design), design)
    except DomainError as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for(".manage", round_id=round_id))
    return send_file(BytesIO(data), mimetype="application/pdf", download_name=f"xem-truoc-gcn-{round_.id}.pdf")


@bp.post("/manage/rounds/<int:round_id>/certificates/issue")
@require(is_organizer)
def issue(round_id: int) -> ViewResult:
    """Start (or resume) issuing the round's certificates in the background."""
    round_ = _managed_round(round_id)
    try:
        job, started = jobs.start_issue(actor=current_user, round_=round_)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return _manage_page(_managed_round(round_id), status=exc.status_code)
    db.session.commit()
    if started:
        jobs.launch(job)
        flash(_("Đang cấp giấy chứng nhận; tiến độ hiện bên dưới."), "info")
    else:
        flash(_("Việc cấp giấy chứng nhận đang chạy."), "info")
    return redirect(url_for(".manage", round_id=round_id))


@bp.get("/manage/rounds/<int:round_id>/certificates/progress")
@require(is_organizer)
def progress(round_id: int) -> Response:
    """The bulk issue's progress, for the progress bar."""
    return jsonify(jobs.progress(_managed_round(round_id)))


@bp.get("/manage/rounds/<int:round_id>/certificates/all.pdf")
@require(is_organizer)
def combined(round_id: int) -> Response:
    """Every valid certificate of the round in one PDF, for printing."""
    round_ = _managed_round(round_id)
    keys = [c.pdf_key for c in _certificates_of(round_) if c.status == CertificateStatus.VALID and c.pdf_key]
    if not keys:
        abort(404)
    storage = get_storage()
    data = merge_pdfs(storage.read(key) for key in keys)
    return send_file(BytesIO(data), mimetype="application/pdf", download_name=f"giay-chung-nhan-dot-{round_.id}.pdf")


@bp.post("/manage/certificates/<int:certificate_id>/revoke")
@require(is_organizer)
def revoke(certificate_id: int) -> ViewResult:
    certificate = _managed_certificate(certificate_id)
    form = ReasonForm(prefix="reason")
    if not form.validate_on_submit():
        flash(_("Cần ghi lý do thu hồi."), "danger")
        return _manage_page(certificate.round, status=422)  # type: ignore[arg-type]
    try:
        services.revoke_certificate(actor=current_user, certificate=certificate, reason=form.reason.data or "")
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return _manage_page(_managed_certificate(certificate_id).round, status=exc.status_code)  # type: ignore[arg-type]
    db.session.commit()
    flash(_("Đã thu hồi giấy chứng nhận số %(number)s.", number=certificate.number_with_year), "success")
    return redirect(url_for(".manage", round_id=certificate.round_id))


@bp.post("/manage/certificates/<int:certificate_id>/reissue")
@require(is_organizer)
def reissue(certificate_id: int) -> ViewResult:
    certificate = _managed_certificate(certificate_id)
    form = ReasonForm(prefix="reason")
    if not form.validate_on_submit():
        flash(_("Cần ghi lý do cấp lại."), "danger")
        return _manage_page(certificate.round, status=422)  # type: ignore[arg-type]
    try:
        replacement = services.reissue_certificate(
            actor=current_user, certificate=certificate, reason=form.reason.data or ""
        )
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return _manage_page(_managed_certificate(certificate_id).round, status=exc.status_code)  # type: ignore[arg-type]
    db.session.commit()
    flash(
        _(
            "Đã cấp lại: số %(new)s thay thế số %(old)s.",
            new=replacement.number_with_year,
            old=certificate.number_with_year,
        ),
        "success",
    )
    return redirect(url_for(".manage", round_id=certificate.round_id))


@bp.get("/manage/certificates/expiring")
@require(is_organizer)
def expiring() -> str:
    """Valid certificates of the organizer's rounds that expire soon."""
    days = int(current_app.config["CERTIFICATE_EXPIRY_NOTICE_DAYS"])
    today = today_vn()
    rows = db.session.scalars(
        select(Certificate)
        .where(
            Certificate.status == CertificateStatus.VALID,
            Certificate.valid_until >= today,
            Certificate.valid_until <= today + timedelta(days=days),
        )
        .order_by(Certificate.valid_until, Certificate.id)
    ).all()
    mine = [c for c in rows if c.round is not None and rules.can_manage_certificates(current_user, c.round)]
    return render_template("certificates/expiring.html", certificates=mine, days=days, today=today)


# -- the holder -----------------------------------------------------------------------------------


@bp.get("/my/certificates")
@require(is_facility_user)
def mine() -> str:
    """The signed-in facility's certificates."""
    from kcvote.facilities.models import FacilityMember

    facility_ids = select(FacilityMember.facility_id).where(FacilityMember.user_id == current_user.id)
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.facility_id.in_(facility_ids))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    ).all()
    return render_template(
        "certificates/mine.html", certificates=certificates, today=today_vn(), states=CertificateState
    )


@bp.get("/certificates/<int:certificate_id>.pdf")
def download(certificate_id: int) -> Response:
    """The issued PDF: for the holder's members, the round's organizers and admins (others: 404)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not certificate.pdf_key or not rules.can_download(current_user, certificate):
        abort(404)
    name = f"giay-chung-nhan-{certificate.year}-{certificate.sequence}.pdf"
    return send_file(
        get_storage().open(certificate.pdf_key), mimetype="application/pdf", as_attachment=True, download_name=name
    )


# -- the public -----------------------------------------------------------------------------------


def _public_page(certificate: Certificate | None, form: VerifyForm, status: int = 200) -> tuple[str, int]:
    photo = None
    if certificate is not None and certificate.entry_id is not None:
        photo = db.session.scalar(
            select(Photo)
            .where(Photo.entry_id == certificate.entry_id)
            .order_by((Photo.kind != PhotoKind.FRONT), Photo.position, Photo.id)
            .limit(1)
        )
    page = render_template(
        "certificates/verify.html",
        certificate=certificate,
        state=certificate.state(today_vn()) if certificate else None,
        states=CertificateState,
        photo=photo,
        form=form,
    )
    return page, status


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_verify_limit, methods=["POST"])
def verify() -> ViewResult:
    """Check a certificate by its printed number and the short code under its QR code."""
    form = VerifyForm()
    if request.method == "GET":
        return render_template("certificates/verify.html", certificate=None, form=form, searched=False)
    if not form.validate_on_submit():
        return render_template("certificates/verify.html", certificate=None, form=form, searched=False), 422
    certificate = services.lookup(form.number.data or "", form.code.data or "")
    if certificate is None:
        # The same answer whether the number exists or not.
        return render_template("certificates/verify.html", certificate=None, form=form, searched=True), 404
    return _public_page(certificate, form)


@bp.get("/v/<verification_code>")
@limiter.limit(_verify_limit)
def verify_code(verification_code: str) -> ViewResult:
    """The QR code's target: the certificate's facts and status."""
    certificate = services.by_code(verification_code)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, form=VerifyForm(), searched=True), 404
    return _public_page(certificate, VerifyForm(formdata=None))


@bp.get("/v/<verification_code>/photo")
@limiter.limit(_verify_limit)
def verify_photo(verification_code: str) -> Response:
    """The certified product's photo (display size), shown on the verification page."""
    certificate = services.by_code(verification_code)
    if certificate is None or certificate.entry_id is None:
        abort(404)
    photo = db.session.scalar(
        select(Photo)
        .where(Photo.entry_id == certificate.entry_id)
        .order_by((Photo.kind != PhotoKind.FRONT), Photo.position, Photo.id)
        .limit(1)
    )
    if photo is None:
        abort(404)
    response = send_file(get_storage().open(photo.display_key), mimetype="image/jpeg", max_age=3600)
    response.headers["Content-Disposition"] = "inline"
    return response
