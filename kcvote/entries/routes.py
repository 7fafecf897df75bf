"""The facility's side: register products, fill dossiers, upload, submit, follow status; media files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from kcvote.contests.models import Round
from kcvote.contests.queries import open_rounds
from kcvote.contests.rules import registration_open
from kcvote.core.auth import ViewResult, require
from kcvote.core.errors import DomainError
from kcvote.core.storage import get_storage
from kcvote.entries import queries, rules, services
from kcvote.entries.enums import DocumentKind, EntryOrigin, EntryStatus, PhotoKind
from kcvote.entries.forms import DocumentForm, DossierForm, PhotoForm, RegisterEntryForm
from kcvote.entries.labels import DOCUMENT_LABELS, EVENT_LABELS, PHOTO_LABELS, STATUS_LABELS, missing_label
from kcvote.entries.models import Document, Entry, Photo, Product
from kcvote.extensions import db
from kcvote.facilities.rules import is_facility_user
from kcvote.facilities.services import facility_of
from kcvote.reference.models import ProductGroup

bp = Blueprint("entries", __name__)


@bp.app_template_global()
def entry_status_counts(round_id: int) -> dict[EntryStatus, int]:
    """For the round overview page (contests cannot import entries)."""
    return queries.status_counts(round_id)


@bp.app_template_global()
def entry_counts(round_ids: list[int]) -> dict[int, int]:
    return queries.entry_counts(round_ids)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"entry_status_labels": STATUS_LABELS}


def entry_or_404(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        abort(404)
    return entry


def owned_entry_or_404(entry_id: int) -> Entry:
    """The entry if the current user acts for its facility. Others get 404: ids are not confirmed."""
    entry = entry_or_404(entry_id)
    if not rules.is_owner(current_user, entry):
        abort(404)
    return entry


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/my")
@require(is_facility_user)
def dashboard() -> ViewResult:
    """The facility's home: its profile, rounds open for registration, its entries."""
    facility = facility_of(current_user)
    if facility is None:
        flash(_("Hãy khai báo thông tin cơ sở trước."), "info")
        return redirect(url_for("facilities.profile"))
    rounds = [r for r in open_rounds() if registration_open(r)]
    return render_template(
        "entries/dashboard.html",
        facility=facility,
        rounds=rounds,
        entries=queries.entries_of_facility(facility.id),
        status_labels=STATUS_LABELS,
    )


@bp.route("/rounds/<int:round_id>/register", methods=["GET", "POST"])
@require(is_facility_user)
def register(round_id: int) -> ViewResult:
    """Register a product (existing or new) into an open round."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or not registration_open(round_):
        abort(404)
    facility = facility_of(current_user)
    if facility is None:
        flash(_("Hãy khai báo thông tin cơ sở trước."), "info")
        return redirect(url_for("facilities.profile"))
    form = RegisterEntryForm()
    products = db.session.scalars(
        select(Product).where(Product.facility_id == facility.id).order_by(Product.name)
    ).all()
    form.product_id.choices = [SelectChoice(0, _("— Sản phẩm mới —"))] + [SelectChoice(p.id, p.name) for p in products]
    form.group_id.choices = [SelectChoice(g.id, f"{g.number}. {g.name}") for g in round_.groups]
    if form.validate_on_submit():
        group = db.session.get(ProductGroup, form.group_id.data)
        product = db.session.get(Product, form.product_id.data) if form.product_id.data else None
        if group is None:
            abort(400)
        try:
            entry = services.register_entry(
                actor=current_user,
                round_=round_,
                group=group,
                product=product,
                product_name=form.product_name.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            form.product_name.errors = [str(error.message)]
            return render_template("entries/register.html", form=form, round=round_), 422
        db.session.commit()
        flash(_("Đã đăng ký. Hãy hoàn thiện hồ sơ và nộp trước hạn."), "success")
        return redirect(url_for("entries.edit", entry_id=entry.id))
    status = 422 if form.is_submitted() else 200
    return render_template("entries/register.html", form=form, round=round_), status


@bp.get("/entries/<int:entry_id>")
@login_required
def status(entry_id: int) -> str:
    """The entry's status page: code, checklist, history."""
    entry = owned_entry_or_404(entry_id)
    return render_template("entries/status.html", **_entry_context(entry))


def _entry_context(entry: Entry, **extra: Any) -> dict[str, Any]:
    extra.setdefault("photo_form", PhotoForm(prefix="photo"))
    return {
        "entry": entry,
        "missing": [missing_label(m) for m in rules.missing_pieces(entry)],
        "status_labels": STATUS_LABELS,
        "event_labels": EVENT_LABELS,
        "photo_labels": PHOTO_LABELS,
        "document_labels": DOCUMENT_LABELS,
        "can_edit": rules.can_edit(current_user, entry),
        "can_withdraw": rules.can_withdraw(current_user, entry),
        "can_reopen": rules.can_reopen(current_user, entry),
        "can_add_photos": rules.can_edit(current_user, entry)
        or (
            entry.origin == EntryOrigin.NOMINATION
            and entry.status == EntryStatus.SUBMITTED
            and rules.screening_open(entry)
        ),
        **extra,
    }


def _edit_page(entry: Entry, status: int = 200, error: str | None = None, **forms: Any) -> tuple[str, int]:
    forms.setdefault("form", DossierForm(obj=entry))
    forms.setdefault("photo_form", PhotoForm(prefix="photo"))
    forms.setdefault("document_form", DocumentForm(prefix="document"))
    return render_template("entries/edit.html", error=error, **_entry_context(entry, **forms)), status


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int) -> ViewResult:
    """Fill the registration form and the description; upload photos and documents."""
    entry = owned_entry_or_404(entry_id)
    if not rules.can_edit(current_user, entry) and request.method == "GET":
        return redirect(url_for("entries.status", entry_id=entry.id))
    form = DossierForm(obj=entry)
    if form.validate_on_submit():
        fields = {
            name: form[name].data
            for name in ("contact_name", "contact_phone", "declaration_accepted", *rules.DESCRIPTION_FIELDS)
        }
        try:
            services.save_dossier(actor=current_user, entry=entry, fields=fields)
        except DomainError as error:
            db.session.rollback()
            return _edit_page(entry, error.status_code, str(error.message), form=form)
        db.session.commit()
        flash(_("Đã lưu nháp."), "success")
        return redirect(url_for("entries.edit", entry_id=entry.id))
    return _edit_page(entry, 422 if form.is_submitted() else 200, form=form)


def _upload_failed(entry: Entry, error: DomainError, **forms: Any) -> ViewResult:
    db.session.rollback()
    if wants_json():
        return jsonify(error=str(error.message)), error.status_code
    return _edit_page(entry, error.status_code, str(error.message), **forms)


def _upload_done(entry: Entry, message: str) -> ViewResult:
    if wants_json():
        return jsonify(ok=True, message=message), 201
    flash(message, "success")
    return redirect(
        url_for("entries.edit", entry_id=entry.id)
        if rules.can_edit(current_user, entry)
        else url_for("entries.status", entry_id=entry.id)
    )


@bp.post("/entries/<int:entry_id>/photos")
@login_required
def upload_photo(entry_id: int) -> ViewResult:
    """Upload one photo; the server decodes, cleans and stores it (the browser only previews)."""
    entry = owned_entry_or_404(entry_id)
    form = PhotoForm(prefix="photo")
    if not form.validate_on_submit():
        return _upload_failed(
            entry, DomainError(" ".join(str(e) for errs in form.errors.values() for e in errs)), photo_form=form
        )
    data = form.file.data.read()
    kind = PhotoKind(form.kind.data)
    try:
        if entry.origin == EntryOrigin.NOMINATION and entry.status == EntryStatus.SUBMITTED:
            services.add_photo_to_nominated(
                actor=current_user, entry=entry, data=data, kind=kind, caption=form.caption.data or ""
            )
        else:
            services.add_photo(actor=current_user, entry=entry, data=data, kind=kind, caption=form.caption.data or "")
    except DomainError as error:
        return _upload_failed(entry, error, photo_form=form)
    db.session.commit()
    return _upload_done(entry, _("Đã tải ảnh lên."))


@bp.post("/entries/<int:entry_id>/photos/<int:photo_id>/delete")
@login_required
def delete_photo(entry_id: int, photo_id: int) -> ViewResult:
    entry = owned_entry_or_404(entry_id)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.entry_id != entry.id:
        abort(404)
    try:
        services.remove_photo(actor=current_user, photo=photo)
    except DomainError as error:
        return _upload_failed(entry, error)
    db.session.commit()
    flash(_("Đã xoá ảnh."), "success")
    return redirect(url_for("entries.edit", entry_id=entry.id))


@bp.post("/entries/<int:entry_id>/documents")
@login_required
def upload_document(entry_id: int) -> ViewResult:
    """Upload a PDF or a scanned image."""
    entry = owned_entry_or_404(entry_id)
    form = DocumentForm(prefix="document")
    if not form.validate_on_submit():
        return _upload_failed(
            entry, DomainError(" ".join(str(e) for errs in form.errors.values() for e in errs)), document_form=form
        )
    try:
        services.add_document(
            actor=current_user,
            entry=entry,
            data=form.file.data.read(),
            kind=DocumentKind(form.kind.data),
            label=form.label.data or "",
        )
    except DomainError as error:
        return _upload_failed(entry, error, document_form=form)
    db.session.commit()
    return _upload_done(entry, _("Đã tải tài liệu lên."))


@bp.post("/entries/<int:entry_id>/documents/<int:document_id>/delete")
@login_required
def delete_document(entry_id: int, document_id: int) -> ViewResult:
    entry = owned_entry_or_404(entry_id)
    document = db.session.get(Document, document_id)
    if document is None or document.entry_id != entry.id:
        abort(404)
    try:
        services.remove_document(actor=current_user, document=document)
    except DomainError as error:
        return _upload_failed(entry, error)
    db.session.commit()
    flash(_("Đã xoá tài liệu."), "success")
    return redirect(url_for("entries.edit", entry_id=entry.id))


def _entry_action(entry_id: int, action: Any, message: str) -> ViewResult:
    entry = owned_entry_or_404(entry_id)
    try:
        action(actor=current_user, entry=entry)
    except services.IncompleteDossier as error:
        db.session.rollback()
        return _edit_page(entry, 422, str(error.message))
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return render_template("entries/status.html", **_entry_context(entry)), error.status_code
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("entries.status", entry_id=entry.id))


@bp.post("/entries/<int:entry_id>/submit")
@login_required
def submit(entry_id: int) -> ViewResult:
    """Submit: refused with every missing piece listed at once."""
    return _entry_action(
        entry_id, services.submit_entry, _("Đã nộp hồ sơ. Ban tổ chức sẽ thẩm định và báo kết quả qua email.")
    )


@bp.post("/entries/<int:entry_id>/withdraw")
@login_required
def withdraw(entry_id: int) -> ViewResult:
    return _entry_action(entry_id, services.withdraw_entry, _("Đã rút hồ sơ."))


@bp.post("/entries/<int:entry_id>/reopen")
@login_required
def reopen(entry_id: int) -> ViewResult:
    return _entry_action(entry_id, services.reopen_entry, _("Hồ sơ đã mở lại để sửa; nhớ nộp lại trước hạn."))


# --- media: served only to people who may see the dossier ----------------------------------

PHOTO_VARIANTS = {"thumb": "thumb_key", "display": "display_key", "original": "original_key"}


@bp.get("/media/photos/<int:photo_id>/<variant>")
@login_required
def photo_file(photo_id: int, variant: str) -> Response:
    photo = db.session.get(Photo, photo_id)
    if photo is None or variant not in PHOTO_VARIANTS or not rules.can_view_entry(current_user, photo.entry):
        abort(404)
    key = getattr(photo, PHOTO_VARIANTS[variant])
    mimetype = photo.content_type if variant == "original" else "image/jpeg"
    response = send_file(get_storage().open(key), mimetype=mimetype, max_age=3600, conditional=False)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/media/documents/<int:document_id>")
@login_required
def document_file(document_id: int) -> Response:
    """Documents are always downloaded (attachment), never rendered inline."""
    document = db.session.get(Document, document_id)
    if document is None or not rules.can_view_documents(current_user, document.entry):
        abort(404)
    entry = document.entry
    name = f"{entry.code or 'ho-so-' + str(entry.id)}-{document.kind.value}-{document.id}{document.suffix}"
    response = send_file(
        get_storage().open(document.key), mimetype=document.content_type, as_attachment=True, download_name=name
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
