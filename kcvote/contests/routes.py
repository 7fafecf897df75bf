"""Organizers manage rounds: create, copy, edit settings and rubric, move through the states."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from kcvote.accounts.services import get_user_by_email
from kcvote.contests import queries, rules, services
from kcvote.contests.enums import RoundState
from kcvote.contests.forms import AddOrganizerForm, CopyRoundForm, RoundForm, RubricForm
from kcvote.contests.models import Round
from kcvote.core.auth import ViewResult, require
from kcvote.core.errors import DomainError
from kcvote.extensions import db
from kcvote.reference.enums import ScopeKind
from kcvote.reference.models import Level, ProductGroup, Province, Region

bp = Blueprint("contests", __name__, url_prefix="/manage/rounds")


def round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    return round_


def managed_round_or_403(round_id: int) -> Round:
    round_ = round_or_404(round_id)
    if not rules.can_manage_round(current_user, round_):
        abort(403)
    return round_


def _fill_choices(form: RoundForm) -> None:
    levels = db.session.scalars(select(Level).order_by(Level.rank)).all()
    form.level_id.choices = [SelectChoice(lv.id, lv.name) for lv in levels]
    none = SelectChoice(0, "—")
    provinces = db.session.scalars(select(Province).order_by(Province.sort_order)).all()
    form.scope_province_id.choices = [none] + [SelectChoice(p.id, p.name) for p in provinces]
    regions = db.session.scalars(select(Region).order_by(Region.sort_order)).all()
    form.scope_region_id.choices = [none] + [SelectChoice(r.id, r.name) for r in regions]
    groups = db.session.scalars(select(ProductGroup).where(ProductGroup.active).order_by(ProductGroup.number)).all()
    form.group_ids.choices = [SelectChoice(g.id, f"{g.number}. {g.name}") for g in groups]


def _settings(form: RoundForm) -> services.RoundSettings:
    level = db.session.get(Level, form.level_id.data)
    if level is None:
        abort(400)
    groups = db.session.scalars(select(ProductGroup).where(ProductGroup.id.in_(form.group_ids.data or []))).all()
    return services.RoundSettings(
        name=form.name.data or "",
        level=level,
        year=form.year.data,
        groups=groups,
        scope_province=db.session.get(Province, form.scope_province_id.data) if form.scope_province_id.data else None,
        scope_region=db.session.get(Region, form.scope_region_id.data) if form.scope_region_id.data else None,
        scope_commune=form.scope_commune.data or "",
        code_prefix=form.code_prefix.data or "KC",
        registration_opens_on=form.registration_opens_on.data,
        registration_deadline=form.registration_deadline.data,
        judging_starts_on=form.judging_starts_on.data,
        judging_ends_on=form.judging_ends_on.data,
        pass_threshold=Decimal(form.pass_threshold.data).quantize(Decimal("0.01")),
        min_photos=form.min_photos.data,
        max_photo_mb=form.max_photo_mb.data,
        max_document_mb=form.max_document_mb.data,
        certificate_validity_years=form.certificate_validity_years.data,
        blind_judging=bool(form.blind_judging.data),
        jurors_per_entry=form.jurors_per_entry.data,
        completion_days=form.completion_days.data,
        prize_tiers=services.parse_prize_tiers(form.prize_tiers.data or ""),
        two_stage=bool(form.two_stage.data),
        same_province_conflict=bool(form.same_province_conflict.data),
        aggregate_method=form.aggregate_method.data or "mean",
        trim_min_jurors=form.trim_min_jurors.data,
        disagreement_sd=Decimal(form.disagreement_sd.data).quantize(Decimal("0.01")),
    )


def _form_page(form: RoundForm, round_: Round | None, status: int = 200) -> tuple[str, int]:
    return render_template("contests/form.html", form=form, round=round_, ScopeKind=ScopeKind), status


@bp.get("/")
@require(rules.is_organizer)
def index() -> str:
    """The rounds this organizer manages, with entry counts."""
    return render_template(
        "contests/list.html",
        rounds=db.session.scalars(queries.managed_rounds_query(current_user)).all(),
        can_create=rules.can_create_round(current_user),
        state_labels=services.STATE_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@require(rules.can_create_round)
def create() -> ViewResult:
    """Create a draft round; it starts with the regulation's 100-point rubric."""
    form = RoundForm()
    _fill_choices(form)
    if not form.is_submitted():
        form.group_ids.data = [c.value for c in form.group_ids.choices]
    if form.validate_on_submit():
        try:
            round_ = services.create_round(actor=current_user, settings=_settings(form))
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            return _form_page(form, None, 422)
        db.session.commit()
        flash(_("Đã tạo đợt bình chọn (bản nháp)."), "success")
        return redirect(url_for("contests.detail", round_id=round_.id))
    return _form_page(form, None, 422 if form.is_submitted() else 200)


@bp.get("/<int:round_id>")
@require(rules.is_organizer)
def detail(round_id: int) -> str:
    """A round's overview: state, counts, settings, rubric, organizers and the next step."""
    round_ = managed_round_or_403(round_id)
    return render_template(
        "contests/detail.html",
        round=round_,
        organizers=services.organizers_of(round_),
        opening_problems=[services.OPENING_MESSAGES[p] for p in rules.opening_problems(round_)]
        if round_.state == RoundState.DRAFT
        else [],
        state_labels=services.STATE_LABELS,
        copy_form=CopyRoundForm(year=round_.year + 2),
        organizer_form=AddOrganizerForm(),
        actions=state_actions(round_),
    )


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@require(rules.is_organizer)
def edit(round_id: int) -> ViewResult:
    """Edit settings (everything in draft; name and dates once open)."""
    round_ = managed_round_or_403(round_id)
    form = RoundForm(obj=round_)
    _fill_choices(form)
    if not form.is_submitted():
        form.prize_tiers.data = "; ".join(f"{name}: {count}" for name, count in round_.prize_tiers or [])
        form.group_ids.data = [g.id for g in round_.groups]
        form.scope_province_id.data = round_.scope_province_id or 0
        form.scope_region_id.data = round_.scope_region_id or 0
    if form.validate_on_submit():
        try:
            services.update_round(actor=current_user, round_=round_, settings=_settings(form))
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            return _form_page(form, round_, 422)
        db.session.commit()
        flash(_("Đã lưu."), "success")
        return redirect(url_for("contests.detail", round_id=round_.id))
    return _form_page(form, round_, 422 if form.is_submitted() else 200)


@bp.route("/<int:round_id>/rubric", methods=["GET", "POST"])
@require(rules.is_organizer)
def rubric(round_id: int) -> ViewResult:
    """Edit the score sheet's criteria; each save is a new version (draft rounds only)."""
    round_ = managed_round_or_403(round_id)
    form = RubricForm()
    if not form.is_submitted() and round_.rubric is not None:
        rows = services.rubric_rows(round_.rubric)
        form = RubricForm(
            data={"rows": [{"group": r.group, "criterion": r.criterion, "max_points": r.max_points} for r in rows]}
        )
    if not form.is_submitted():
        for _blank in range(4):
            form.rows.append_entry()
    if form.validate_on_submit():
        rows = [
            services.RubricRow(r["group"] or "", r["criterion"] or "", Decimal(r["max_points"] or 0))
            for r in form.rows.data
            if (r["group"] or "").strip() or (r["criterion"] or "").strip() or r["max_points"]
        ]
        try:
            saved = services.save_rubric(actor=current_user, round_=round_, rows=rows)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            return _rubric_page(form, round_, 422)
        db.session.commit()
        flash(_("Đã lưu phiếu chấm điểm, phiên bản %(v)d.", v=saved.version), "success")
        return redirect(url_for("contests.rubric", round_id=round_.id))
    return _rubric_page(form, round_, 422 if form.is_submitted() else 200)


def _rubric_page(form: RubricForm, round_: Round, status: int) -> tuple[str, int]:
    return render_template("contests/rubric.html", form=form, round=round_), status


@bp.post("/<int:round_id>/transition/<action>")
@require(rules.is_organizer)
def transition(round_id: int, action: str) -> Response:
    """Move the round to its next state through the service that guards it."""
    round_ = managed_round_or_403(round_id)
    step = services.TRANSITIONS.get(action)
    if step is None:
        abort(404)
    try:
        step(actor=current_user, round_=round_)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return redirect(url_for("contests.detail", round_id=round_.id))
    db.session.commit()
    flash(_("Đợt bình chọn chuyển sang: %(state)s.", state=services.STATE_LABELS[round_.state]), "success")
    return redirect(url_for("contests.detail", round_id=round_.id))


@bp.post("/<int:round_id>/copy")
@require(rules.is_organizer)
def copy(round_id: int) -> Response:
    """Start next cycle's round from this one (settings, groups, rubric)."""
    source = managed_round_or_403(round_id)
    form = CopyRoundForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.year.errors) or _("Năm không hợp lệ."), "danger")
        return redirect(url_for("contests.detail", round_id=source.id))
    new = services.copy_round(actor=current_user, source=source, year=form.year.data)
    db.session.commit()
    flash(_("Đã tạo đợt mới từ đợt %(name)s.", name=source.name), "success")
    return redirect(url_for("contests.edit", round_id=new.id))


@bp.post("/<int:round_id>/organizers")
@require(rules.is_organizer)
def add_organizer(round_id: int) -> Response:
    """Add a co-organizer (an existing user with the organizer role)."""
    round_ = managed_round_or_403(round_id)
    form = AddOrganizerForm()
    user = get_user_by_email(form.email.data or "") if form.validate_on_submit() else None
    if user is None:
        flash(_("Không tìm thấy người dùng với email này."), "danger")
        return redirect(url_for("contests.detail", round_id=round_.id))
    try:
        services.add_organizer(actor=current_user, round_=round_, user=user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return redirect(url_for("contests.detail", round_id=round_.id))
    db.session.commit()
    flash(_("Đã thêm %(name)s vào ban tổ chức đợt này.", name=user.name), "success")
    return redirect(url_for("contests.detail", round_id=round_.id))


def state_actions(round_: Round) -> list[dict[str, Any]]:
    """The next transition offered on the round page."""
    nxt = {
        RoundState.DRAFT: ("open", _("Mở nhận hồ sơ")),
        RoundState.OPEN: ("screening", _("Kết thúc nhận hồ sơ, chuyển sang thẩm định")),
        RoundState.SCREENING: ("judging", _("Bắt đầu chấm điểm")),
        RoundState.JUDGING: ("close", _("Kết thúc chấm điểm")),
        RoundState.CLOSED: ("finalize", _("Chốt kết quả")),
        RoundState.FINALIZED: ("publish", _("Công bố kết quả")),
    }.get(round_.state)
    return [{"action": nxt[0], "label": nxt[1]}] if nxt else []
