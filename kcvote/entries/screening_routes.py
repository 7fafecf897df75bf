"""The organizer's side: entry list, dossier review, accept / ask to complete / reject, Excel, nominations."""

from __future__ import annotations

import base64
import binascii
from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from kcvote.contests.models import Round
from kcvote.contests.rules import can_manage_round, is_organizer
from kcvote.core.auth import ViewResult, require
from kcvote.core.errors import DomainError
from kcvote.entries import emails, excel, queries, rules, services
from kcvote.entries.enums import EntryStatus
from kcvote.entries.forms import CompletionForm, ImportForm, NominateForm, RejectForm
from kcvote.entries.labels import DOCUMENT_LABELS, EVENT_LABELS, PHOTO_LABELS, STATUS_LABELS, missing_label
from kcvote.entries.models import Entry
from kcvote.extensions import db
from kcvote.reference.models import Province

bp = Blueprint("screening", __name__, url_prefix="/manage")

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def managed_round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    if not can_manage_round(current_user, round_):
        abort(403)
    return round_


def managed_entry_or_404(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        abort(404)
    if not can_manage_round(current_user, entry.round):
        abort(403)
    return entry


def _filters() -> dict[str, Any]:
    status_value = request.args.get("status", "")
    return {
        "q": request.args.get("q", "").strip()[:100],
        "group_id": request.args.get("group", type=int),
        "status": EntryStatus(status_value) if status_value in {s.value for s in EntryStatus} else None,
        "province_id": request.args.get("province", type=int),
    }


@bp.get("/rounds/<int:round_id>/entries")
@require(is_organizer)
def entry_list(round_id: int) -> str:
    """Entries of a round with filters (group, status, province) and accent-insensitive search."""
    round_ = managed_round_or_404(round_id)
    filters = _filters()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination = db.paginate(
        queries.screening_query(round_.id, **filters), page=page, per_page=PAGE_SIZE, error_out=False
    )
    provinces = db.session.scalars(select(Province).order_by(Province.sort_order)).all()
    return render_template(
        "entries/screening_list.html",
        round=round_,
        pagination=pagination,
        filters=filters,
        provinces=provinces,
        status_labels=STATUS_LABELS,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/rounds/<int:round_id>/entries.xlsx")
@require(is_organizer)
def entry_export(round_id: int) -> Response:
    """The (filtered) entry list as an Excel file."""
    round_ = managed_round_or_404(round_id)
    entries = db.session.scalars(queries.screening_query(round_.id, **_filters())).all()
    data = excel.export_entries(round_, entries)
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"ho-so-dot-{round_.id}.xlsx")


@bp.get("/entries/<int:entry_id>")
@require(is_organizer)
def review(entry_id: int) -> str:
    """Open a dossier to screen it."""
    entry = managed_entry_or_404(entry_id)
    return _review_page(entry)[0]


def _review_page(entry: Entry, status: int = 200, **forms: Any) -> tuple[str, int]:
    forms.setdefault("completion_form", CompletionForm())
    forms.setdefault("reject_form", RejectForm())
    page = render_template(
        "entries/review.html",
        entry=entry,
        missing=[missing_label(m) for m in rules.missing_pieces(entry)],
        status_labels=STATUS_LABELS,
        event_labels=EVENT_LABELS,
        photo_labels=PHOTO_LABELS,
        document_labels=DOCUMENT_LABELS,
        can_decide=entry.status == EntryStatus.SUBMITTED and rules.screening_open(entry),
        **forms,
    )
    return page, status


def _decided(entry: Entry, kind: str, message: str) -> Response:
    db.session.commit()
    emails.notify_facility(entry, kind)
    flash(message, "success")
    return redirect(url_for("screening.review", entry_id=entry.id))


@bp.post("/entries/<int:entry_id>/accept")
@require(is_organizer)
def accept(entry_id: int) -> ViewResult:
    entry = managed_entry_or_404(entry_id)
    try:
        services.accept_entry(actor=current_user, entry=entry)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _review_page(entry, error.status_code)
    return _decided(entry, "accepted", _("Đã tiếp nhận hồ sơ, mã số %(code)s.", code=entry.code))


@bp.post("/entries/<int:entry_id>/request-completion")
@require(is_organizer)
def request_completion(entry_id: int) -> ViewResult:
    entry = managed_entry_or_404(entry_id)
    form = CompletionForm()
    if not form.validate_on_submit():
        return _review_page(entry, 422, completion_form=form)
    try:
        services.request_completion(
            actor=current_user, entry=entry, message=form.message.data or "", deadline=form.deadline.data
        )
    except DomainError as error:
        db.session.rollback()
        form.message.errors = [str(error.message)]
        return _review_page(entry, error.status_code, completion_form=form)
    return _decided(entry, "completion_requested", _("Đã gửi yêu cầu bổ sung cho cơ sở."))


@bp.post("/entries/<int:entry_id>/reject")
@require(is_organizer)
def reject(entry_id: int) -> ViewResult:
    entry = managed_entry_or_404(entry_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _review_page(entry, 422, reject_form=form)
    try:
        services.reject_entry(actor=current_user, entry=entry, reason=form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        form.reason.errors = [str(error.message)]
        return _review_page(entry, error.status_code, reject_form=form)
    return _decided(entry, "rejected", _("Đã ghi nhận không tiếp nhận hồ sơ."))


@bp.route("/rounds/<int:round_id>/nominate", methods=["GET", "POST"])
@require(is_organizer)
def nominate(round_id: int) -> ViewResult:
    """Nominate products recognised at the level below (liên thông): their dossiers come along."""
    round_ = managed_round_or_404(round_id)
    candidates = services.nomination_candidates(round_)
    form = NominateForm()
    if form.validate_on_submit():
        chosen = {int(v) for v in request.form.getlist("entry_id") if v.isdigit()}
        sources = [e for e in candidates if e.id in chosen]
        if not sources:
            flash(_("Hãy chọn ít nhất một sản phẩm."), "danger")
            return render_template("entries/nominate.html", round=round_, candidates=candidates, form=form), 422
        try:
            created = services.nominate_entries(actor=current_user, round_=round_, sources=sources)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            return render_template(
                "entries/nominate.html", round=round_, candidates=candidates, form=form
            ), error.status_code
        db.session.commit()
        for entry in created:
            emails.notify_facility(entry, "nominated")
        flash(_("Đã đề cử %(n)d sản phẩm.", n=len(created)), "success")
        return redirect(url_for("screening.entry_list", round_id=round_.id))
    return render_template("entries/nominate.html", round=round_, candidates=candidates, form=form)


@bp.get("/rounds/<int:round_id>/import/template.xlsx")
@require(is_organizer)
def import_template(round_id: int) -> Response:
    managed_round_or_404(round_id)
    return send_file(
        BytesIO(excel.build_template()), mimetype=XLSX, as_attachment=True, download_name="mau-nhap-ho-so.xlsx"
    )


@bp.route("/rounds/<int:round_id>/import", methods=["GET", "POST"])
@require(is_organizer)
def import_entries(round_id: int) -> ViewResult:
    """Upload facilities and entries from Excel: a dry run first, then commit the same file."""
    round_ = managed_round_or_404(round_id)
    form = ImportForm()
    if request.method == "POST" and request.form.get("payload"):
        try:
            data = base64.b64decode(request.form["payload"], validate=True)
        except (binascii.Error, ValueError):
            abort(400)
        try:
            report = excel.commit(actor=current_user, round_=round_, data=data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            return render_template("entries/import.html", round=round_, form=form, report=None), error.status_code
        db.session.commit()
        flash(
            _(
                "Đã nhập %(e)d hồ sơ mới (%(f)d cơ sở mới, %(p)d sản phẩm mới).",
                e=report.new_entries,
                f=report.new_facilities,
                p=report.new_products,
            ),
            "success",
        )
        return redirect(url_for("screening.entry_list", round_id=round_.id))
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            report = excel.parse(data, round_)
        except DomainError as error:
            form.file.errors = [str(error.message)]
            return render_template("entries/import.html", round=round_, form=form, report=None), error.status_code
        payload = base64.b64encode(data).decode("ascii") if report.ok else ""
        status = 200 if report.ok else 422
        return render_template("entries/import.html", round=round_, form=form, report=report, payload=payload), status
    status = 422 if form.is_submitted() else 200
    return render_template("entries/import.html", round=round_, form=form, report=None), status
