"""Artisan nominations: award rounds, dossiers (filed by the artisan or by the Sở), intake at the Sở,
and the eligibility checklist."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from kcvote.artisans import emails, queries, services, settings
from kcvote.artisans.enums import NominationStatus, PrizeLevel, PrizeRank, Title
from kcvote.artisans.forms import (
    CHECK_LABELS,
    FORM_OF_TITLE,
    GENDER_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    PURPOSE_LABELS,
    RANK_LABELS,
    STATUS_LABELS,
    TITLE_LABELS,
    AwardRoundForm,
    CompletionForm,
    CouncilRuleForm,
    DossierForm,
    EvidenceForm,
    PeriodForm,
    PrizeForm,
    ReturnForm,
    StartForm,
    SubmitNominationForm,
    TitleRuleForm,
    WindowForm,
    WorkForm,
)
from kcvote.artisans.models import (
    AwardRound,
    CouncilRule,
    CraftPeriod,
    Evidence,
    Nomination,
    Prize,
    SubmissionWindow,
    TitleRule,
    Work,
)
from kcvote.core.auth import ViewResult, require
from kcvote.core.clock import today_vn
from kcvote.core.errors import DomainError
from kcvote.core.storage import get_storage
from kcvote.extensions import db
from kcvote.reference.models import Province

bp = Blueprint("artisans", __name__)

MB = 1024 * 1024


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "artisan_title_labels": TITLE_LABELS,
        "artisan_status_labels": STATUS_LABELS,
        "artisan_gender_labels": GENDER_LABELS,
        "artisan_level_labels": LEVEL_LABELS,
        "artisan_rank_labels": RANK_LABELS,
        "artisan_purpose_labels": PURPOSE_LABELS,
        "artisan_kind_labels": KIND_LABELS,
        "artisan_check_labels": CHECK_LABELS,
        "artisan_form_of_title": FORM_OF_TITLE,
        "artisan_purpose_label": purpose_label,
        "artisan_days_left": services.days_left,
    }


@bp.url_value_preprocessor
def _video_upload_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Videos may be larger than the app-wide request limit: the evidence upload alone accepts them.
    Set here because url_value_preprocessors run before every before_request function, CSRF's
    included, which reads the form."""
    if endpoint == "artisans.evidence_add":
        request.max_content_length = services.video_max_mb() * MB + MB


def purpose_label(nomination: Nomination, purpose: str) -> str:
    """ "Ảnh, video tác phẩm: Bình gốm men lam" for "work:<id>"."""
    base, _sep, ref = purpose.partition(":")
    label = str(PURPOSE_LABELS.get(base, PURPOSE_LABELS["other"]))
    if ref and base == "work":
        name = next((w.name for w in nomination.works if str(w.id) == ref), "")
        return f"{label}: {name}" if name else label
    if ref and base == "prize":
        prize = next((p for p in nomination.prizes if str(p.id) == ref), None)
        return f"{label}: {prize.contest} ({prize.year})" if prize else label
    return label


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _get_or_404(model: Any, ident: int) -> Any:
    found = db.session.get(model, ident)
    if found is None:
        abort(404)
    return found


def _viewable_or_404(nomination_id: int) -> Nomination:
    """The nomination for its owner and the Sở; others get 404 (ids are not confirmed)."""
    nomination: Nomination = _get_or_404(Nomination, nomination_id)
    if not services.can_view_nomination(current_user, nomination):
        abort(404)
    return nomination


def _editor_or_abort(nomination_id: int) -> Nomination:
    """404 for those who cannot see the dossier; 403 for the Sở on a dossier the artisan files."""
    nomination = _viewable_or_404(nomination_id)
    if not (services.is_owner(current_user, nomination) or (nomination.on_behalf and services.is_so(current_user))):
        abort(403)
    return nomination


def _dated(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# --- award rounds and windows (the Sở) -------------------------------------------------------------


@bp.get("/manage/award-rounds")
@require(services.is_so)
def award_rounds() -> ViewResult:
    """Award rounds (đợt xét tặng), newest first, with their windows."""
    return render_template("artisans/award_rounds.html", rounds=queries.award_rounds(), today=today_vn())


@bp.route("/manage/award-rounds/new", methods=["GET", "POST"])
@require(services.is_so)
def award_round_new() -> ViewResult:
    form = AwardRoundForm()
    if request.method == "GET":
        year = today_vn().year
        form.start_year.data, form.end_year.data = year, year + 1
    if form.validate_on_submit():
        try:
            award_round = services.create_award_round(actor=current_user, fields=form.data)
        except DomainError as error:
            db.session.rollback()
            form.end_year.errors = [str(error.message)]
            return render_template("artisans/award_round_form.html", form=form, award_round=None), 422
        db.session.commit()
        flash(_("Đã tạo đợt xét tặng. Hãy đặt thời hạn nhận hồ sơ cho từng tỉnh, thành phố."), "success")
        return redirect(url_for("artisans.award_round_edit", award_round_id=award_round.id))
    status = 422 if form.is_submitted() else 200
    return render_template("artisans/award_round_form.html", form=form, award_round=None), status


def _window_form(award_round: AwardRound, form: WindowForm | None = None) -> WindowForm:
    form = form or WindowForm(prefix="window")
    form.province_id.choices = [SelectChoice(p.id, p.name) for p in queries.provinces()]
    return form


def _round_page(award_round: AwardRound, status: int = 200, **forms: Any) -> tuple[str, int]:
    forms.setdefault("form", AwardRoundForm(obj=award_round))
    forms["window_form"] = _window_form(award_round, forms.get("window_form"))
    windows = sorted(award_round.windows, key=lambda w: (w.province.sort_order, w.province.name))
    return render_template(
        "artisans/award_round_form.html", award_round=award_round, windows=windows, today=today_vn(), **forms
    ), status


@bp.route("/manage/award-rounds/<int:award_round_id>", methods=["GET", "POST"])
@require(services.is_so)
def award_round_edit(award_round_id: int) -> ViewResult:
    """The award round's details and each province's submission window."""
    award_round: AwardRound = _get_or_404(AwardRound, award_round_id)
    form = AwardRoundForm(obj=award_round)
    if form.validate_on_submit():
        try:
            services.update_award_round(actor=current_user, award_round=award_round, fields=form.data)
        except DomainError as error:
            db.session.rollback()
            form.end_year.errors = [str(error.message)]
            return _round_page(award_round, 422, form=form)
        db.session.commit()
        flash(_("Đã lưu đợt xét tặng."), "success")
        return redirect(url_for("artisans.award_round_edit", award_round_id=award_round.id))
    return _round_page(award_round, 422 if form.is_submitted() else 200, form=form)


@bp.post("/manage/award-rounds/<int:award_round_id>/windows")
@require(services.is_so)
def window_save(award_round_id: int) -> ViewResult:
    """Add or change one province's window (the same province again changes it)."""
    award_round: AwardRound = _get_or_404(AwardRound, award_round_id)
    form = _window_form(award_round)
    if form.validate_on_submit():
        province = db.session.get(Province, form.province_id.data)
        if province is None:
            abort(400)
        try:
            services.save_window(
                actor=current_user,
                award_round=award_round,
                province=province,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
            )
        except DomainError as error:
            db.session.rollback()
            form.closes_on.errors = [str(error.message)]
            return _round_page(award_round, 422, window_form=form)
        db.session.commit()
        flash(_("Đã lưu thời hạn nhận hồ sơ của %(p)s.", p=province.name), "success")
        return redirect(url_for("artisans.award_round_edit", award_round_id=award_round.id) + "#windows")
    return _round_page(award_round, 422, window_form=form)


@bp.post("/manage/award-round-windows/<int:window_id>/delete")
@require(services.is_so)
def window_delete(window_id: int) -> ViewResult:
    window: SubmissionWindow = _get_or_404(SubmissionWindow, window_id)
    award_round = window.award_round
    try:
        services.remove_window(actor=current_user, window=window)
    except DomainError as error:
        db.session.rollback()
        return _round_page(award_round, error.status_code, window_error=str(error.message))
    db.session.commit()
    flash(_("Đã xoá thời hạn nhận hồ sơ."), "success")
    return redirect(url_for("artisans.award_round_edit", award_round_id=award_round.id) + "#windows")


# --- intake at the Sở -----------------------------------------------------------------------------


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/manage/award-rounds/<int:award_round_id>/nominations")
@require(services.is_so)
def intake_list(award_round_id: int) -> ViewResult:
    """Dossiers filed in the award round, by province and status, with the Sở's answer deadline."""
    award_round: AwardRound = _get_or_404(AwardRound, award_round_id)
    status_arg = request.args.get("status", "")
    status = next((s for s in NominationStatus if s.value == status_arg), None)
    filters = queries.IntakeFilters(
        province_id=_int_arg("province"),
        status=status,
        q=request.args.get("q", "")[:100],
        overdue=request.args.get("overdue") == "1",
    )
    nominations = queries.intake_list(award_round.id, filters)
    return render_template(
        "artisans/intake_list.html",
        award_round=award_round,
        nominations=nominations,
        filters=filters,
        provinces=queries.provinces(),
        today=today_vn(),
    )


def _review_page(nomination: Nomination, status: int = 200, error: str | None = None, **forms: Any) -> ViewResult:
    forms.setdefault("completion_form", CompletionForm(prefix="completion"))
    forms.setdefault("return_form", ReturnForm(prefix="return"))
    return render_template(
        "artisans/review.html",
        nomination=nomination,
        checklist=services.checklist(nomination),
        error=error,
        today=today_vn(),
        procedure=settings.council_rule(),
        **forms,
    ), status


@bp.get("/manage/artisans/nominations/<int:nomination_id>")
@require(services.is_so)
def intake_review(nomination_id: int) -> ViewResult:
    """The whole dossier, the eligibility checklist, and the Sở's answers."""
    return _review_page(_get_or_404(Nomination, nomination_id))


@bp.post("/manage/artisans/nominations/<int:nomination_id>/completion")
@require(services.is_so)
def intake_completion(nomination_id: int) -> ViewResult:
    nomination: Nomination = _get_or_404(Nomination, nomination_id)
    form = CompletionForm(prefix="completion")
    if not form.validate_on_submit():
        return _review_page(nomination, 422, completion_form=form)
    try:
        services.request_completion(actor=current_user, nomination=nomination, message=form.message.data)
    except DomainError as error:
        db.session.rollback()
        return _review_page(nomination, error.status_code, str(error.message), completion_form=form)
    db.session.commit()
    emails.notify_dossier(nomination, "completion_requested")
    flash(
        _("Đã yêu cầu bổ sung; hạn bổ sung %(d)s.", d=_dated(nomination.completion_due)),
        "success",
    )
    return redirect(url_for("artisans.intake_review", nomination_id=nomination.id))


@bp.post("/manage/artisans/nominations/<int:nomination_id>/accept")
@require(services.is_so)
def intake_accept(nomination_id: int) -> ViewResult:
    nomination: Nomination = _get_or_404(Nomination, nomination_id)
    try:
        services.accept_nomination(actor=current_user, nomination=nomination)
    except DomainError as error:
        db.session.rollback()
        return _review_page(nomination, error.status_code, str(error.message))
    db.session.commit()
    emails.notify_dossier(nomination, "accepted")
    flash(_("Đã tiếp nhận hồ sơ; hồ sơ chuyển Hội đồng cấp tỉnh."), "success")
    return redirect(url_for("artisans.intake_review", nomination_id=nomination.id))


@bp.post("/manage/artisans/nominations/<int:nomination_id>/return")
@require(services.is_so)
def intake_return(nomination_id: int) -> ViewResult:
    nomination: Nomination = _get_or_404(Nomination, nomination_id)
    form = ReturnForm(prefix="return")
    if not form.validate_on_submit():
        return _review_page(nomination, 422, return_form=form)
    try:
        services.return_nomination(actor=current_user, nomination=nomination, reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        return _review_page(nomination, error.status_code, str(error.message), return_form=form)
    db.session.commit()
    emails.notify_dossier(nomination, "returned")
    flash(_("Đã trả hồ sơ."), "success")
    return redirect(url_for("artisans.intake_review", nomination_id=nomination.id))


# --- the rules in force (admin) ---------------------------------------------------------------------


@bp.get("/manage/artisans/rules")
@require(services.is_so)
def rules_in_force() -> ViewResult:
    """Every version of the title criteria and of the council procedure, with its effective date."""
    title_rules = db.session.scalars(select(TitleRule).order_by(TitleRule.title, TitleRule.effective_from.desc()))
    council_rules = db.session.scalars(select(CouncilRule).order_by(CouncilRule.effective_from.desc()))
    today = today_vn()
    in_force = {t: settings.title_rule(t, today) for t in Title}
    return render_template(
        "artisans/rules.html",
        title_rules=list(title_rules),
        council_rules=list(council_rules),
        in_force_ids={r.id for r in in_force.values() if r is not None},
        council_in_force=settings.council_rule(today),
        can_add=services.is_admin(current_user),
    )


@bp.route("/manage/artisans/rules/title/<rule_title>/new", methods=["GET", "POST"])
@require(services.is_admin)
def title_rule_new(rule_title: str) -> ViewResult:
    """A new version of a title's criteria, prefilled from the one in force."""
    title = next((t for t in Title if t.value == rule_title), None)
    if title is None:
        abort(404)
    current = settings.title_rule(title, today_vn())
    form = TitleRuleForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.effective_from.data = None
    if form.validate_on_submit():
        try:
            services.add_title_rule(actor=current_user, title=title, fields=form.data)
        except DomainError as error:
            db.session.rollback()
            form.effective_from.errors = [str(error.message)]
            return render_template("artisans/rule_form.html", form=form, title=title), 422
        db.session.commit()
        flash(_("Đã thêm phiên bản quy định mới."), "success")
        return redirect(url_for("artisans.rules_in_force"))
    status = 422 if form.is_submitted() else 200
    return render_template("artisans/rule_form.html", form=form, title=title), status


@bp.route("/manage/artisans/rules/council/new", methods=["GET", "POST"])
@require(services.is_admin)
def council_rule_new() -> ViewResult:
    """A new version of the council procedure, prefilled from the one in force."""
    current = settings.council_rule(today_vn())
    form = CouncilRuleForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.effective_from.data = None
    if form.validate_on_submit():
        try:
            services.add_council_rule(actor=current_user, fields=form.data)
        except DomainError as error:
            db.session.rollback()
            form.effective_from.errors = [str(error.message)]
            return render_template("artisans/rule_form.html", form=form, title=None), 422
        db.session.commit()
        flash(_("Đã thêm phiên bản quy định mới."), "success")
        return redirect(url_for("artisans.rules_in_force"))
    status = 422 if form.is_submitted() else 200
    return render_template("artisans/rule_form.html", form=form, title=None), status


# --- the artisan's side ---------------------------------------------------------------------------


@bp.get("/artisans/my")
@require(services.can_file)
def my_dossiers() -> ViewResult:
    """Hồ sơ nghệ nhân của tôi: the user's dossiers and the award rounds receiving dossiers."""
    return render_template(
        "artisans/my.html",
        nominations=queries.nominations_of(current_user),
        open_rounds=queries.rounds_open_for_filing(),
        on_behalf=services.is_so(current_user),
    )


@bp.route("/artisans/award-rounds/<int:award_round_id>/start", methods=["GET", "POST"])
@require(services.can_file)
def start(award_round_id: int) -> ViewResult:
    """Open a draft dossier: province (its window must be open), title, the artisan's name and craft."""
    award_round: AwardRound = _get_or_404(AwardRound, award_round_id)
    form = StartForm()
    # Every province with a window, so that a closed one is refused with its dates rather than hidden.
    windows = sorted(award_round.windows, key=lambda w: (w.province.sort_order, w.province.name))
    form.province_id.choices = [
        SelectChoice(
            w.province_id,
            w.province.name + " (" + _("đến %(d)s", d=_dated(w.closes_on)) + ")",
        )
        for w in windows
    ] or [SelectChoice(0, _("— Chưa tỉnh, thành phố nào có thời hạn nhận hồ sơ —"))]
    on_behalf = services.is_so(current_user)
    if request.method == "GET" and not on_behalf:
        form.name.data = current_user.name
    if form.validate_on_submit():
        province = db.session.get(Province, form.province_id.data)
        try:
            if province is None:
                raise DomainError(_("Tỉnh, thành phố này chưa có thời hạn nhận hồ sơ trong đợt xét tặng."))
            nomination = services.start_nomination(
                actor=current_user,
                award_round=award_round,
                province=province,
                title=Title(form.title.data),
                fields={"name": form.name.data, "craft": form.craft.data},
            )
        except DomainError as error:
            db.session.rollback()
            form.province_id.errors = [str(error.message)]
            return render_template(
                "artisans/start.html", form=form, award_round=award_round, on_behalf=on_behalf
            ), error.status_code
        db.session.commit()
        flash(_("Đã lập hồ sơ nháp. Hãy khai đầy đủ rồi nộp cho Sở Công Thương."), "success")
        return redirect(url_for("artisans.edit", nomination_id=nomination.id))
    status = 422 if form.is_submitted() else 200
    return render_template("artisans/start.html", form=form, award_round=award_round, on_behalf=on_behalf), status


@bp.get("/artisans/dossiers/<int:nomination_id>")
@login_required
def nomination(nomination_id: int) -> ViewResult:
    """The dossier as filed, its status and deadlines, and the eligibility checklist."""
    found = _viewable_or_404(nomination_id)
    return render_template(
        "artisans/nomination.html",
        nomination=found,
        checklist=services.checklist(found),
        can_edit=services.can_edit(current_user, found),
        today=today_vn(),
    )


def _dossier_form(nomination: Nomination) -> DossierForm:
    nominee = nomination.nominee
    form = DossierForm(
        data={
            "title": nomination.title.value,
            "name": nominee.name,
            "birth_date": nominee.birth_date,
            "gender": nominee.gender.value if nominee.gender else "",
            "id_number": nominee.id_number,
            "address": nominee.address,
            "craft": nominee.craft,
            "workplace": nominee.workplace,
            "current_title": nominee.current_title.value if nominee.current_title else "",
            "current_title_decision": nominee.current_title_decision,
            "current_title_date": nominee.current_title_date,
            "people_taught": nomination.people_taught,
            "teaching_description": nomination.teaching_description,
            "special_craft": nomination.special_craft,
            "commendations": nomination.commendations,
            "discipline_record": nomination.discipline_record,
        }
    )
    return form


def _prize_form(nomination: Nomination, form: PrizeForm | None = None) -> PrizeForm:
    form = form or PrizeForm(prefix="prize")
    form.work_id.choices = [SelectChoice(0, _("— Không gắn với tác phẩm —"))] + [
        SelectChoice(w.id, w.name) for w in nomination.works
    ]
    return form


def _evidence_form(nomination: Nomination, form: EvidenceForm | None = None) -> EvidenceForm:
    form = form or EvidenceForm(prefix="evidence")
    choices = [SelectChoice("work", str(PURPOSE_LABELS["work"]))]
    choices += [SelectChoice(f"work:{w.id}", purpose_label(nomination, f"work:{w.id}")) for w in nomination.works]
    choices.append(SelectChoice("prize", str(PURPOSE_LABELS["prize"])))
    choices += [SelectChoice(f"prize:{p.id}", purpose_label(nomination, f"prize:{p.id}")) for p in nomination.prizes]
    choices += [SelectChoice(p, str(PURPOSE_LABELS[p])) for p in ("teaching", "title", "authorisation", "other")]
    form.purpose.choices = choices
    return form


def _edit_page(nomination: Nomination, status: int = 200, error: str | None = None, **forms: Any) -> ViewResult:
    forms.setdefault("form", _dossier_form(nomination))
    forms.setdefault("period_form", PeriodForm(prefix="period"))
    forms.setdefault("work_form", WorkForm(prefix="work"))
    forms["prize_form"] = _prize_form(nomination, forms.get("prize_form"))
    forms["evidence_form"] = _evidence_form(nomination, forms.get("evidence_form"))
    forms.setdefault("submit_form", SubmitNominationForm(prefix="submit"))
    return render_template(
        "artisans/edit.html",
        nomination=nomination,
        missing=services.missing_pieces(nomination),
        checklist=services.checklist(nomination),
        video_max_mb=services.video_max_mb(),
        document_max_mb=services.DOCUMENT_MAX_MB,
        error=error,
        today=today_vn(),
        **forms,
    ), status


def _failed(nomination: Nomination, error: DomainError, **forms: Any) -> ViewResult:
    db.session.rollback()
    if wants_json():
        return jsonify(error=str(error.message)), error.status_code
    return _edit_page(nomination, error.status_code, str(error.message), **forms)


def _done(nomination: Nomination, message: str, anchor: str = "") -> ViewResult:
    db.session.commit()
    if wants_json():
        return jsonify(ok=True, message=message), 201
    flash(message, "success")
    return redirect(url_for("artisans.edit", nomination_id=nomination.id) + anchor)


@bp.route("/artisans/dossiers/<int:nomination_id>/edit", methods=["GET", "POST"])
@login_required
def edit(nomination_id: int) -> ViewResult:
    """The whole declaration: the nominee, the title, periods, works, prizes, evidence; then submit."""
    found = _viewable_or_404(nomination_id)
    if request.method == "GET" and not services.can_edit(current_user, found):
        return redirect(url_for("artisans.nomination", nomination_id=found.id))
    found = _editor_or_abort(nomination_id)
    form = DossierForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            return _edit_page(found, 422, form=form)
        return _edit_page(found)
    nominee_fields = {
        "name": form.name.data,
        "birth_date": form.birth_date.data,
        "gender": next((g for g in GENDER_LABELS if g.value == form.gender.data), None),
        "id_number": (form.id_number.data or "").strip(),
        "address": form.address.data or "",
        "craft": form.craft.data,
        "workplace": form.workplace.data or "",
        "current_title": next((t for t in Title if t.value == form.current_title.data), None),
        "current_title_decision": form.current_title_decision.data or "",
        "current_title_date": form.current_title_date.data,
    }
    declaration = {
        "people_taught": form.people_taught.data,
        "teaching_description": form.teaching_description.data or "",
        "special_craft": form.special_craft.data,
        "commendations": form.commendations.data or "",
        "discipline_record": form.discipline_record.data or "",
    }
    try:
        services.save_dossier(
            actor=current_user,
            nomination=found,
            title=Title(form.title.data),
            nominee_fields=nominee_fields,
            declaration=declaration,
        )
    except DomainError as error:
        return _failed(found, error, form=form)
    return _done(found, _("Đã lưu hồ sơ."))


@bp.post("/artisans/dossiers/<int:nomination_id>/periods")
@login_required
def period_add(nomination_id: int) -> ViewResult:
    found = _editor_or_abort(nomination_id)
    form = PeriodForm(prefix="period")
    if not form.validate_on_submit():
        return _edit_page(found, 422, period_form=form)
    try:
        services.add_period(
            actor=current_user,
            nomination=found,
            from_year=form.from_year.data,
            to_year=form.to_year.data,
            place=form.place.data,
            description=form.description.data or "",
        )
    except DomainError as error:
        form.from_year.errors = [str(error.message)]
        return _failed(found, error, period_form=form)
    return _done(found, _("Đã thêm giai đoạn hành nghề."), "#periods")


@bp.post("/artisans/dossiers/<int:nomination_id>/periods/<int:craft_period_id>/delete")
@login_required
def period_delete(nomination_id: int, craft_period_id: int) -> ViewResult:
    found = _editor_or_abort(nomination_id)
    period: CraftPeriod = _get_or_404(CraftPeriod, craft_period_id)
    if period.nomination_id != found.id:
        abort(404)
    try:
        services.remove_period(actor=current_user, period=period)
    except DomainError as error:
        return _failed(found, error)
    return _done(found, _("Đã xoá giai đoạn hành nghề."), "#periods")


@bp.post("/artisans/dossiers/<int:nomination_id>/works")
@login_required
def work_add(nomination_id: int) -> ViewResult:
    found = _editor_or_abort(nomination_id)
    form = WorkForm(prefix="work")
    if not form.validate_on_submit():
        return _edit_page(found, 422, work_form=form)
    try:
        services.add_work(
            actor=current_user,
            nomination=found,
            name=form.name.data,
            description=form.description.data or "",
            made_on=form.made_on.data,
        )
    except DomainError as error:
        form.made_on.errors = [str(error.message)]
        return _failed(found, error, work_form=form)
    return _done(found, _("Đã thêm tác phẩm."), "#works")


@bp.post("/artisans/dossiers/<int:nomination_id>/works/<int:work_id>/delete")
@login_required
def work_delete(nomination_id: int, work_id: int) -> ViewResult:
    found = _editor_or_abort(nomination_id)
    work: Work = _get_or_404(Work, work_id)
    if work.nomination_id != found.id:
        abort(404)
    try:
        services.remove_work(actor=current_user, work=work)
    except DomainError as error:
        return _failed(found, error)
    return _done(found, _("Đã xoá tác phẩm."), "#works")


@bp.post("/artisans/dossiers/<int:nomination_id>/prizes")
@login_required
def prize_add(nomination_id: int) -> ViewResult:
    found = _editor_or_abort(nomination_id)
    form = _prize_form(found)
    if not form.validate_on_submit():
        return _edit_page(found, 422, prize_form=form)
    try:
        services.add_prize(
            actor=current_user,
            nomination=found,
            contest=form.contest.data,
            level=PrizeLevel(form.level.data),
            rank=PrizeRank(form.rank.data),
            year=form.year.data,
            work_id=form.work_id.data or None,
            sent_by_state=form.sent_by_state.data,
        )
    except DomainError as error:
        form.year.errors = [str(error.message)]
        return _failed(found, error, prize_form=form)
    return _done(found, _("Đã thêm giải thưởng."), "#prizes")


@bp.post("/artisans/dossiers/<int:nomination_id>/prizes/<int:prize_id>/delete")
@login_required
def prize_delete(nomination_id: int, prize_id: int) -> ViewResult:
    found = _editor_or_abort(nomination_id)
    prize: Prize = _get_or_404(Prize, prize_id)
    if prize.nomination_id != found.id:
        abort(404)
    try:
        services.remove_prize(actor=current_user, prize=prize)
    except DomainError as error:
        return _failed(found, error)
    return _done(found, _("Đã xoá giải thưởng."), "#prizes")


@bp.post("/artisans/dossiers/<int:nomination_id>/evidence")
@login_required
def evidence_add(nomination_id: int) -> ViewResult:
    """Upload a photo, a PDF or a short video; the content decides what it is, not its name."""
    found = _editor_or_abort(nomination_id)
    # A request over the video limit never gets here: CSRF's check reads the form first, and the
    # app's 413 page (JSON for the progress bar) answers.
    form = _evidence_form(found)
    if not form.validate_on_submit():
        if wants_json():
            messages = [str(m) for errors in form.errors.values() for m in errors]
            return jsonify(error=" ".join(messages)), 422
        return _edit_page(found, 422, evidence_form=form)
    try:
        services.add_evidence(
            actor=current_user,
            nomination=found,
            data=form.file.data.read(),
            purpose=form.purpose.data,
            label=form.label.data or "",
        )
    except DomainError as error:
        form.file.errors = [str(error.message)]
        return _failed(found, error, evidence_form=form)
    return _done(found, _("Đã tải minh chứng lên."), "#evidence")


@bp.post("/artisans/dossiers/<int:nomination_id>/evidence/<int:dossier_evidence_id>/delete")
@login_required
def evidence_delete(nomination_id: int, dossier_evidence_id: int) -> ViewResult:
    found = _editor_or_abort(nomination_id)
    evidence: Evidence = _get_or_404(Evidence, dossier_evidence_id)
    if evidence.nomination_id != found.id:
        abort(404)
    try:
        services.remove_evidence(actor=current_user, evidence=evidence)
    except DomainError as error:
        return _failed(found, error)
    return _done(found, _("Đã xoá minh chứng."), "#evidence")


@bp.get("/artisans/evidence/<int:dossier_evidence_id>/<variant>")
@login_required
def evidence_file(dossier_evidence_id: int, variant: str) -> Response:
    """An upload for the owner, the Sở and members of a council of the award round; 404 for anyone
    else. PDFs are downloaded, never shown inline; photos and videos are shown."""
    evidence = db.session.get(Evidence, dossier_evidence_id)
    if (
        evidence is None
        or variant not in ("original", "thumb")
        or not services.can_view_evidence(current_user, evidence.nomination)
    ):
        abort(404)
    if variant == "thumb":
        if evidence.thumb_key is None:
            abort(404)
        key, mimetype = evidence.thumb_key, "image/jpeg"
    else:
        key, mimetype = evidence.key, evidence.content_type
    attachment = mimetype == "application/pdf"
    suffix = evidence.key[evidence.key.rindex(".") :]
    response = send_file(
        get_storage().open(key),
        mimetype=mimetype,
        as_attachment=attachment,
        download_name=f"minh-chung-{evidence.nomination_id}-{evidence.id}{suffix}",
        conditional=True,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/artisans/dossiers/<int:nomination_id>/submit")
@login_required
def submit(nomination_id: int) -> ViewResult:
    """File the dossier at the Sở (first time, or again after completing it)."""
    found = _editor_or_abort(nomination_id)
    form = SubmitNominationForm(prefix="submit")
    if not form.validate_on_submit():
        return _edit_page(found, 422, submit_form=form)
    try:
        services.submit_nomination(
            actor=current_user, nomination=found, declaration_accepted=bool(form.declaration_accepted.data)
        )
    except DomainError as error:
        form.declaration_accepted.errors = [str(error.message)]
        return _failed(found, error, submit_form=form)
    db.session.commit()
    flash(
        _("Đã nộp hồ sơ. Sở Công Thương trả lời trước ngày %(d)s.", d=_dated(found.answer_due)),
        "success",
    )
    return redirect(url_for("artisans.nomination", nomination_id=found.id))
