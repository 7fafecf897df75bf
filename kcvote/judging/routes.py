"""Judging pages: the organizer's jurors, conflicts, assignment and progress; the juror's queue and
score sheet (autosave with an offline queue in the browser)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from kcvote.accounts import emails as account_emails
from kcvote.accounts.rules import is_admin
from kcvote.contests import services as contest_services
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.rules import can_manage_round, is_organizer
from kcvote.core.auth import ViewResult, require
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.entries.labels import PHOTO_LABELS
from kcvote.entries.models import Entry
from kcvote.extensions import db
from kcvote.judging import emails as judging_emails
from kcvote.judging import queries, rules, services
from kcvote.judging import results as result_services
from kcvote.judging.enums import SheetStatus
from kcvote.judging.exports import export_scores
from kcvote.judging.forms import AppointJurorForm, ConflictForm, ReopenForm, SiteVisitForm
from kcvote.judging.models import Assignment, JurorAppointment, ScoreSheet, SiteVisit
from kcvote.reference.models import ProductGroup, Province

bp = Blueprint("judging", __name__)

PROBLEM_LABELS = {
    "too_few_jurors": _l("Sản phẩm %(entry)s chỉ có %(available)s giám khảo chấm được (cần %(required)s)."),
    "unbalanced": _l("Không thể chia đều tuyệt đối: chênh lệch ít nhất là %(spread)s phiếu."),
}


def _managed_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    if not can_manage_round(current_user, round_):
        abort(403)
    return round_


def _appoint_form(round_: Round) -> AppointJurorForm:
    form = AppointJurorForm(prefix="juror")
    form.group_ids.choices = [SelectChoice(g.id, f"{g.number}. {g.code}") for g in round_.groups]
    provinces = db.session.scalars(select(Province).order_by(Province.sort_order)).all()
    form.province_id.choices = [SelectChoice(0, "—")] + [SelectChoice(p.id, p.name) for p in provinces]
    return form


def _jurors_page(
    round_: Round, form: AppointJurorForm | None = None, status: int = 200, problems: list[str] | None = None
) -> tuple[str, int]:
    jurors = services.appointments(round_)
    entries = services.accepted_entries(round_)
    cells = queries.progress_matrix(round_.id, round_.current_stage)
    done = {j.user_id: sum(1 for e in entries if cells.get((j.user_id, e.id)) == "submitted") for j in jurors}
    load = {
        j.user_id: sum(1 for e in entries if cells.get((j.user_id, e.id)) in ("assigned", "draft", "submitted"))
        for j in jurors
    }
    page = render_template(
        "judging/jurors.html",
        round=round_,
        jurors=jurors,
        entries=entries,
        cells=cells,
        done=done,
        load=load,
        form=form or _appoint_form(round_),
        problems=problems or [],
        shortlist=result_services.shortlist(round_) if round_.two_stage and round_.current_stage == 1 else [],
        visits={v.entry_id: v for v in db.session.scalars(select(SiteVisit).where(SiteVisit.round_id == round_.id))},
        visit_form=SiteVisitForm(),
    )
    return page, status


@bp.get("/manage/rounds/<int:round_id>/jurors")
@require(is_organizer)
def jurors(round_id: int) -> ViewResult:
    """Jurors, conflicts and the jurors × entries progress matrix."""
    return _jurors_page(_managed_round(round_id))


@bp.post("/manage/rounds/<int:round_id>/jurors")
@require(is_organizer)
def appoint(round_id: int) -> ViewResult:
    round_ = _managed_round(round_id)
    form = _appoint_form(round_)
    if not form.validate_on_submit():
        return _jurors_page(round_, form, 422)
    groups = db.session.scalars(select(ProductGroup).where(ProductGroup.id.in_(form.group_ids.data or []))).all()
    province = db.session.get(Province, form.province_id.data) if form.province_id.data else None
    try:
        appointment, _invited = services.appoint_juror(
            actor=current_user,
            round_=round_,
            email=form.email.data or "",
            name=form.name.data or "",
            groups=groups,
            province=province,
        )
    except DomainError as error:
        db.session.rollback()
        form.email.errors = [str(error.message)]
        return _jurors_page(round_, form, error.status_code)
    db.session.commit()
    account_emails.send_invitation(appointment.user, current_user, _("giám khảo của %(round)s", round=round_.name))
    flash(_("Đã bổ nhiệm %(name)s làm giám khảo.", name=appointment.user.name), "success")
    return redirect(url_for("judging.jurors", round_id=round_.id))


@bp.post("/manage/rounds/<int:round_id>/jurors/<int:appointment_id>/remove")
@require(is_organizer)
def remove(round_id: int, appointment_id: int) -> ViewResult:
    round_ = _managed_round(round_id)
    appointment = db.session.get(JurorAppointment, appointment_id)
    if appointment is None or appointment.round_id != round_.id:
        abort(404)
    try:
        services.remove_juror(actor=current_user, appointment=appointment)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return redirect(url_for("judging.jurors", round_id=round_.id))
    db.session.commit()
    flash(_("Đã bỏ giám khảo khỏi đợt."), "success")
    return redirect(url_for("judging.jurors", round_id=round_.id))


@bp.post("/manage/rounds/<int:round_id>/assign")
@require(is_organizer)
def assign(round_id: int) -> ViewResult:
    """Run the automatic assignment (k per entry, balanced, no conflicts)."""
    round_ = _managed_round(round_id)
    try:
        result = services.run_assignment(actor=current_user, round_=round_)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return redirect(url_for("judging.jurors", round_id=round_.id))
    db.session.commit()
    codes = {e.id: e.code for e in services.accepted_entries(round_)}
    problems = [
        str(PROBLEM_LABELS[p.kind])
        % {
            "entry": codes.get(p.entry_id or 0, "?"),
            "available": p.available,
            "required": p.required,
            "spread": p.spread,
        }
        for p in result.problems
        if p.kind in PROBLEM_LABELS
    ]
    flash(_("Đã phân công %(n)d lượt chấm.", n=len(result.pairs)), "success")
    return _jurors_page(round_, problems=problems)


@bp.post("/manage/sheets/<int:sheet_id>/reopen")
@require(is_organizer)
def reopen(sheet_id: int) -> ViewResult:
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None:
        abort(404)
    _managed_round(sheet.round_id)
    form = ReopenForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Hãy ghi rõ lý do mở lại phiếu."))
        services.reopen_sheet(actor=current_user, sheet=sheet, reason=form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _jurors_page(sheet.entry.round, status=422)
    db.session.commit()
    flash(_("Đã mở lại phiếu chấm."), "success")
    return redirect(url_for("judging.jurors", round_id=sheet.round_id))


# --- the juror's side ------------------------------------------------------------------------


@bp.get("/judge")
@require(rules.is_juror)
def home() -> str:
    """The rounds this juror is appointed to."""
    rounds = queries.rounds_of_juror(current_user.id)
    return render_template("judging/home.html", rounds=rounds)


@bp.get("/judge/rounds/<int:round_id>")
@require(rules.is_juror)
def queue(round_id: int) -> str:
    """The juror's queue with progress (12/40 scored)."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or not rules.is_round_juror(current_user, round_):
        abort(404)
    items = (
        queries.queue_for_juror(current_user.id, round_.id, round_.current_stage) if rules.scoring_open(round_) else []
    )
    done = sum(1 for _entry, sheet in items if sheet is not None and sheet.status == SheetStatus.SUBMITTED)
    return render_template("judging/queue.html", round=round_, items=items, done=done, open=rules.scoring_open(round_))


def _judged_entry(entry_id: int) -> Entry:
    """An entry of a round in judging to which the current user is appointed as a juror; 404 otherwise."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or not rules.is_round_juror(current_user, entry.round) or not rules.scoring_open(entry.round):
        abort(404)
    return entry


def _scorable_entry(entry_id: int) -> Entry:
    """An entry assigned to the current juror, not conflicted, while judging runs; 404 otherwise."""
    entry = _judged_entry(entry_id)
    if not services.may_score(current_user.id, entry.id, entry.round.current_stage):
        abort(404)
    return entry


@bp.get("/judge/entries/<int:entry_id>")
@require(rules.is_juror)
def score(entry_id: int) -> str:
    """The score sheet: photos, the dossier, the rubric (bounded inputs, half points), remarks."""
    return _score_page(_scorable_entry(entry_id))[0]


def _score_page(entry: Entry, status: int = 200, form: ConflictForm | None = None) -> tuple[str, int]:
    sheet = services.sheet_for(entry.id, current_user.id, entry.round.current_stage)
    page = render_template(
        "judging/score.html",
        entry=entry,
        sheet=sheet,
        points=sheet.points if sheet else {},
        editable=sheet is None or rules.can_edit_sheet(current_user, sheet),
        show_identity=rules.sees_identity(entry.round),
        photo_labels=PHOTO_LABELS,
        conflict_form=form or ConflictForm(),
    )
    return page, status


@bp.post("/judge/entries/<int:entry_id>/sheet")
@require(rules.is_juror)
def autosave(entry_id: int) -> tuple[Response, int]:
    """Autosave (JSON): {"points": {criterion_id: "7,5" | null}, "remarks": str, "client_id": str,
    "client_seq": int}. Idempotent and ordered per client; answers with the sheet's state."""
    # One statement reads what the save needs of the entry (its round's state and stage, the current
    # rubric, whether the juror is assigned and not in conflict); no ORM objects. save_points checks
    # every rule on it; its refusals are the same 404 as the score sheet's.
    target = services.scoring_target(current_user.id, entry_id)
    if (
        target is None
        or not rules.is_juror_of_round(current_user, target.round_id)
        or not rules.scoring_open_in(target.round_state)
    ):
        abort(404)
    payload: dict[str, Any] = request.get_json(silent=True) or {}
    raw_points = payload.get("points") or {}
    try:
        if not isinstance(raw_points, dict):
            raise ValueError("points is not a map")
        points = {int(k): v for k, v in raw_points.items()}
        seq = int(payload.get("client_seq") or 0)
    except (TypeError, ValueError):
        if not target.may_score:
            abort(404)
        return jsonify(error=_("Dữ liệu gửi lên không hợp lệ.")), 400
    remarks = payload.get("remarks")
    try:
        saved = services.save_points(
            actor=current_user,
            target=target,
            points=points,
            remarks=remarks if isinstance(remarks, str) else None,
            client_id=str(payload.get("client_id") or "")[:64],
            client_seq=seq,
        )
    except NotAllowed:
        db.session.rollback()
        abort(404)
    except DomainError as error:
        db.session.rollback()
        return jsonify(error=str(error.message)), error.status_code
    db.session.commit()
    return jsonify(saved=True, applied=saved.applied, version=saved.version, total=str(saved.total)), 200


@bp.post("/judge/entries/<int:entry_id>/submit")
@require(rules.is_juror)
def submit(entry_id: int) -> ViewResult:
    entry = _scorable_entry(entry_id)
    try:
        services.submit_sheet(actor=current_user, entry=entry, stage=entry.round.current_stage)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _score_page(entry, 422)
    db.session.commit()
    flash(_("Đã nộp phiếu chấm %(code)s.", code=entry.code), "success")
    return redirect(url_for("judging.queue", round_id=entry.round_id))


@bp.post("/judge/entries/<int:entry_id>/conflict")
@require(rules.is_juror)
def conflict(entry_id: int) -> ViewResult:
    """Declare a conflict of interest; the entry leaves the juror's queue."""
    entry = _scorable_entry(entry_id)
    form = ConflictForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Hãy ghi rõ lý do xung đột lợi ích."))
        services.declare_conflict(actor=current_user, entry=entry, reason=form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _score_page(entry, 422, form)
    db.session.commit()
    flash(_("Đã ghi nhận xung đột lợi ích; sản phẩm được chuyển khỏi danh sách của bạn."), "info")
    return redirect(url_for("judging.queue", round_id=entry.round_id))


# --- results, selection, finalize, publish -----------------------------------------------------

RESULTS_STATES = (RoundState.CLOSED, RoundState.FINALIZED, RoundState.PUBLISHED)


def _grouped(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        grouped.setdefault(record["group"], []).append(record)
    return grouped


@bp.route("/manage/rounds/<int:round_id>/results", methods=["GET", "POST"])
@require(is_organizer)
def results(round_id: int) -> ViewResult:
    """Ranked results by group once scoring is closed; the council's selection and prizes."""
    round_ = _managed_round(round_id)
    if round_.state not in RESULTS_STATES:
        return render_template("judging/results.html", round=round_, groups={}, available=False), 200
    status = 200
    if request.method == "POST":
        choices: dict[int, str | None] = {}
        for key, value in request.form.items():
            if key.startswith("entry-") and key[6:].isdigit():
                choices[int(key[6:])] = None if value == "-" else ("" if value == "+" else value)
        try:
            count = result_services.select_entries(actor=current_user, round_=round_, choices=choices)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            status = 422
        else:
            db.session.commit()
            flash(_("Đã lưu lựa chọn: %(n)d sản phẩm được công nhận.", n=count), "success")
            return redirect(url_for("judging.results", round_id=round_.id))
    return _results_page(round_, status)


def _results_page(round_: Round, status: int = 200, reopen_form: ReopenForm | None = None) -> tuple[str, int]:
    records = result_services.records(round_)
    page = render_template(
        "judging/results.html",
        round=round_,
        groups=_grouped(records),
        group_names={g.code: g.name for g in round_.groups},
        available=True,
        editable=round_.state == RoundState.CLOSED,
        tiers=[name for name, _count in round_.prize_tiers or []],
        frozen=result_services.active_snapshot(round_) is not None,
        reopen_form=reopen_form or ReopenForm(),
    )
    return page, status


@bp.post("/manage/rounds/<int:round_id>/results/reopen")
@require(is_admin)
def reopen_results(round_id: int) -> ViewResult:
    """An administrator reopens finalized results, with a reason (audited)."""
    round_ = _managed_round(round_id)
    form = ReopenForm()
    try:
        contest_services.reopen_results(actor=current_user, round_=round_, reason=form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _results_page(round_, 422, form)
    db.session.commit()
    flash(_("Đã mở lại kết quả để hội đồng xem xét lại."), "warning")
    return redirect(url_for("judging.results", round_id=round_.id))


@bp.get("/manage/rounds/<int:round_id>/scores.xlsx")
@require(is_organizer)
def scores_xlsx(round_id: int) -> Response:
    """Every score (juror × entry × criterion) and the summary, once scoring is closed."""
    round_ = _managed_round(round_id)
    if round_.state not in RESULTS_STATES:
        abort(404)
    data = export_scores(round_)
    return send_file(
        BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"diem-dot-{round_.id}.xlsx",
    )


@bp.get("/results/<int:round_id>")
def public_results(round_id: int) -> str:
    """The recognised products of a published round, for everyone."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.state != RoundState.PUBLISHED:
        abort(404)
    recognised = [r for r in result_services.records(round_) if r["recognised"]]
    return render_template(
        "judging/public_results.html",
        round=round_,
        groups=_grouped(recognised),
        group_names={g.code: g.name for g in round_.groups},
    )


@bp.post("/manage/rounds/<int:round_id>/remind")
@require(is_organizer)
def remind(round_id: int) -> ViewResult:
    """E-mail the jurors who still have sheets to submit."""
    round_ = _managed_round(round_id)
    behind = services.jurors_behind(round_, round_.current_stage)
    try:
        services.record_reminders(actor=current_user, round_=round_, jurors=behind)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _jurors_page(round_, status=422)
    db.session.commit()
    sent = judging_emails.send_reminders(round_, behind)
    flash(_("Đã gửi nhắc nhở tới %(n)d giám khảo.", n=sent), "success")
    return redirect(url_for("judging.jurors", round_id=round_.id))


@bp.post("/manage/rounds/<int:round_id>/stage-two")
@require(is_organizer)
def stage_two(round_id: int) -> ViewResult:
    """Two-stage rounds: the stage-1 shortlist is rescored independently in stage 2."""
    round_ = _managed_round(round_id)
    try:
        chosen = result_services.start_stage_two(actor=current_user, round_=round_)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _jurors_page(round_, status=422)
    db.session.commit()
    flash(_("Đã chuyển sang vòng 2 với %(n)d sản phẩm vào vòng trong.", n=len(chosen)), "success")
    return redirect(url_for("judging.jurors", round_id=round_.id))


@bp.post("/manage/entries/<int:entry_id>/site-visit")
@require(is_organizer)
def site_visit(entry_id: int) -> ViewResult:
    """Record the notes of the visit to a shortlisted facility."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        abort(404)
    round_ = _managed_round(entry.round_id)
    form = SiteVisitForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        services.record_site_visit(
            actor=current_user, entry=entry, visited_on=form.visited_on.data, notes=form.notes.data or ""
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _jurors_page(round_, status=422)
    db.session.commit()
    flash(_("Đã lưu biên bản khảo sát %(code)s.", code=entry.code), "success")
    return redirect(url_for("judging.jurors", round_id=round_.id))


@bp.post("/manage/rounds/<int:round_id>/assignments")
@require(is_organizer)
def adjust_assignment(round_id: int) -> ViewResult:
    """The organizer adds or removes one juror–entry pair by hand (kept by later automatic runs)."""
    round_ = _managed_round(round_id)
    entry = db.session.get(Entry, request.form.get("entry_id", type=int) or 0)
    appointment = db.session.scalar(
        select(JurorAppointment).where(
            JurorAppointment.round_id == round_.id,
            JurorAppointment.user_id == (request.form.get("juror_id", type=int) or 0),
        )
    )
    action = request.form.get("action")
    try:
        if entry is None or entry.round_id != round_.id or appointment is None or action not in ("add", "remove"):
            raise DomainError(_("Hãy chọn sản phẩm, giám khảo và thao tác."))
        stage = round_.current_stage
        if action == "add":
            services.add_assignment(actor=current_user, entry=entry, juror=appointment.user, stage=stage)
        else:
            existing = db.session.scalar(
                select(Assignment).where(
                    Assignment.entry_id == entry.id,
                    Assignment.juror_id == appointment.user_id,
                    Assignment.stage == stage,
                )
            )
            if existing is None:
                raise DomainError(_("Giám khảo này chưa được phân công sản phẩm đó."))
            services.remove_assignment(actor=current_user, assignment=existing)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _jurors_page(round_, status=422)
    db.session.commit()
    flash(_("Đã điều chỉnh phân công."), "success")
    return redirect(url_for("judging.jurors", round_id=round_.id))


PRINTOUTS = {
    "results": ("bien-ban-ket-qua", "results_pdf"),
    "sheets": ("phieu-cham-diem", "score_sheets_pdf"),
    "blank-sheets": ("phieu-cham-trong", "blank_sheets_pdf"),
    "conflicts": ("xung-dot-loi-ich", "conflicts_pdf"),
}


@bp.get("/manage/rounds/<int:round_id>/print/<kind>.pdf")
@require(is_organizer)
def printout(round_id: int, kind: str) -> Response:
    """A4 printouts: results minutes and filled score sheets (once scoring is closed), blank sheets for
    paper fallback, and the conflicts list. A refusal (e.g. results before closing) is a readable 422."""
    from kcvote.judging import printing  # WeasyPrint loads only when something is printed

    round_ = _managed_round(round_id)
    if kind not in PRINTOUTS:
        abort(404)
    filename, function = PRINTOUTS[kind]
    data = getattr(printing, function)(round_)
    return send_file(
        BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=f"{filename}-{round_.id}.pdf"
    )
