"""Public comment on published lists, the final list, and the public gallery of artisans; the
organizers' pages for them (comment periods, handling, final decision, certificates) and the
artisan's own certificates."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from kcvote.artisans import outcome
from kcvote.artisans.enums import CommentStatus, CouncilLevel, Title
from kcvote.artisans.labels import TITLE_LABELS
from kcvote.artisans.models import AwardRound, CommentPeriod, Evidence, PublicComment
from kcvote.artisans.public_forms import ArtisanDesignForm, CommentForm, FinalListForm, HandlingForm, PublishForm
from kcvote.certificates import artisan as artisan_certificates
from kcvote.certificates.enums import CertificateKind, CertificateState
from kcvote.certificates.forms import ReasonForm
from kcvote.certificates.models import Certificate
from kcvote.certificates.services import DESIGN_FIELDS
from kcvote.core.auth import ViewResult, require
from kcvote.core.clock import today_vn
from kcvote.core.errors import DomainError
from kcvote.core.storage import get_storage
from kcvote.extensions import db, limiter
from kcvote.reference.models import Province

bp = Blueprint("artisans_public", __name__)

DEFAULT_COMMENT_RATE_LIMIT = "5 per minute;30 per day"
GALLERY_PAGE_SIZE = 24


def _comment_limit() -> str:
    return str(current_app.config.get("COMMENT_RATE_LIMIT") or DEFAULT_COMMENT_RATE_LIMIT)


def _accepted(response: Response) -> bool:
    """Only comments taken (or answered as taken) count against the limit: a form sent back for a
    missing field does not use up a person's attempts."""
    return response.status_code < 400


def _signed_in(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _award_round(award_round_id: int) -> AwardRound:
    award_round = db.session.get(AwardRound, award_round_id)
    if award_round is None:
        abort(404)
    return award_round


def _period(period_id: int) -> CommentPeriod:
    period = db.session.get(CommentPeriod, period_id)
    if period is None:
        abort(404)
    return period


# -- the public: comment on a posted list ---------------------------------------------------------


@bp.get("/artisans/comment")
def periods() -> str:
    """The lists open for comment now, and those closed lately."""
    today = today_vn()
    return render_template(
        "artisans_public/periods.html",
        open_periods=outcome.open_periods(today),
        closed_periods=outcome.recent_closed_periods(today),
        levels=outcome.LEVEL_LABELS,
    )


def _comment_form(period: CommentPeriod, nominees: list[outcome.PublicNominee], *, formdata: bool) -> CommentForm:
    form = CommentForm() if formdata else CommentForm(formdata=None)
    form.nomination.choices = [SelectChoice(None, _("Cả danh sách (góp ý chung)"))] + [
        SelectChoice(n.nomination_id, f"{n.name} — {TITLE_LABELS[n.title]}, {n.province}") for n in nominees
    ]
    return form


def _period_page(period: CommentPeriod, form: CommentForm | None = None, status: int = 200) -> tuple[str, int]:
    nominees = [outcome.public_view(n) for n in outcome.passed_at(period.award_round_id, period.level)]
    page = render_template(
        "artisans_public/period.html",
        period=period,
        nominees=nominees,
        form=form or _comment_form(period, nominees, formdata=False),
        is_open=outcome.is_open(period),
        council=outcome.LEVEL_LABELS[period.level],
        titles=TITLE_LABELS,
    )
    return page, status


@bp.get("/artisans/comment/<int:period_id>")
def period(period_id: int) -> ViewResult:
    """A posted list: each nominee in short (no private data) and the comment form while open."""
    return _period_page(_period(period_id))


@bp.post("/artisans/comment/<int:period_id>")
@limiter.limit(_comment_limit, methods=["POST"], deduct_when=_accepted)
def comment(period_id: int) -> ViewResult:
    """Take a comment (a robot that fills the hidden field is answered the same, and nothing is kept)."""
    period = _period(period_id)
    nominees = [outcome.public_view(n) for n in outcome.passed_at(period.award_round_id, period.level)]
    form = _comment_form(period, nominees, formdata=True)
    if not outcome.is_open(period):
        flash(_("Thời gian lấy ý kiến đã kết thúc ngày %(d)s.", d=period.ends_on.strftime("%d/%m/%Y")), "warning")
        return _period_page(period, form, status=409)
    if not form.validate_on_submit():
        return _period_page(period, form, status=422)
    try:
        outcome.submit_comment(
            period=period,
            name=form.name.data or "",
            contact=form.contact.data or "",
            text=form.text.data or "",
            nomination_id=form.nomination.data,
            honeypot=form.website.data or "",
        )
    except DomainError as exc:
        db.session.rollback()
        form.text.errors = [*form.text.errors, str(exc.message)]
        return _period_page(_period(period_id), form, status=exc.status_code)
    db.session.commit()
    flash(_("Cảm ơn bạn đã góp ý. Ý kiến sẽ được thư ký hội đồng xem xét và xử lý."), "success")
    return redirect(url_for(".period", period_id=period_id))


# -- the public: final lists and the gallery ------------------------------------------------------


@bp.get("/artisans/final/<int:outcome_round_id>")
def final_list(outcome_round_id: int) -> str:
    """The award round's final list with its decision number (404 before it is recorded)."""
    award_round = _award_round(outcome_round_id)
    if not outcome.is_final(award_round):
        abort(404)
    nominations = db.session.scalars(outcome.recognised_query(award_round_id=award_round.id)).all()
    return render_template(
        "artisans_public/final.html",
        award_round=award_round,
        nominees=[outcome.public_view(n) for n in nominations],
        titles=TITLE_LABELS,
    )


def _arg_int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/artisans/gallery")
def gallery() -> str:
    """Recognised artisans, filtered by award round, title and province."""
    round_id = _arg_int("dot")
    province_id = _arg_int("tinh")
    title_value = request.args.get("danh_hieu", "")
    title = Title(title_value) if title_value in {t.value for t in Title} else None
    page = _arg_int("page") or 1
    pagination = db.paginate(
        outcome.recognised_query(award_round_id=round_id, title=title, province_id=province_id),
        page=page,
        per_page=GALLERY_PAGE_SIZE,
        error_out=False,
    )
    items = list(pagination.items)
    return render_template(
        "artisans_public/gallery.html",
        pagination=pagination,
        nominations=items,
        photos=outcome.work_photos([n.id for n in items]),
        rounds=outcome.final_rounds(),
        provinces=db.session.scalars(select(Province).order_by(Province.name)).all(),
        titles=TITLE_LABELS,
        selected={"dot": round_id, "tinh": province_id, "danh_hieu": title.value if title else ""},
    )


@bp.get("/artisans/photos/<int:evidence_id>")
def work_photo(evidence_id: int) -> Response:
    """A recognised artisan's work photo, as a thumbnail. Any other evidence: 404."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or not outcome.is_public_work_photo(evidence) or evidence.thumb_key is None:
        abort(404)
    response = send_file(get_storage().open(evidence.thumb_key), mimetype="image/jpeg", max_age=3600)
    response.headers["Content-Disposition"] = "inline"
    return response


# -- the artisan ----------------------------------------------------------------------------------


@bp.get("/my/artisan-certificates")
@require(_signed_in)
def my_certificates() -> str:
    """The signed-in artisan's title certificates."""
    return render_template(
        "artisans_public/my_certificates.html",
        certificates=artisan_certificates.artisan_certificates_of(current_user.id),
        today=today_vn(),
        states=CertificateState,
    )


# -- organizers and secretaries -------------------------------------------------------------------


@bp.get("/manage/artisans/outcome")
@require(outcome.is_artisan_organizer)
def manage_index() -> str:
    """Award rounds, each with a link to its comment periods, final list and certificates."""
    rounds = db.session.scalars(select(AwardRound).order_by(AwardRound.number.desc(), AwardRound.id.desc())).all()
    return render_template("artisans_public/manage_index.html", rounds=rounds)


def _manage_page(
    award_round: AwardRound,
    *,
    publish_form: PublishForm | None = None,
    final_form: FinalListForm | None = None,
    design_form: ArtisanDesignForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    levels = []
    for level in outcome.COMMENT_LEVELS:
        period = outcome.period_of(award_round.id, level)
        levels.append(
            {
                "level": level,
                "label": outcome.LEVEL_LABELS[level],
                "passed": outcome.passed_at(award_round.id, level),
                "period": period,
                "is_open": period is not None and outcome.is_open(period),
            }
        )
    period_ids = [row["period"].id for row in levels if row["period"] is not None]
    design = artisan_certificates.artisan_design_of(award_round.id)
    recognised = db.session.scalars(outcome.recognised_query(award_round_id=award_round.id)).all()
    page = render_template(
        "artisans_public/manage.html",
        award_round=award_round,
        levels=levels,
        counts=outcome.comment_counts(period_ids),
        statuses=CommentStatus,
        publish_form=publish_form or PublishForm(formdata=None),
        final_form=final_form or FinalListForm(formdata=None),
        design_form=design_form or ArtisanDesignForm(prefix="design", obj=design, formdata=None),
        problems=artisan_certificates.artisan_design_problems(design),
        recognised=recognised,
        certificates=artisan_certificates.artisan_certificates_by_nomination(award_round.id),
        titles=TITLE_LABELS,
        is_final=outcome.is_final(award_round),
        today=today_vn(),
    )
    return page, status


@bp.get("/manage/artisans/rounds/<int:outcome_round_id>/outcome")
@require(outcome.is_artisan_organizer)
def manage(outcome_round_id: int) -> ViewResult:
    """After the councils: post lists for comment, record the final list, issue certificates."""
    return _manage_page(_award_round(outcome_round_id))


@bp.post("/manage/artisans/rounds/<int:outcome_round_id>/comment-periods")
@require(outcome.is_artisan_organizer)
def publish(outcome_round_id: int) -> ViewResult:
    award_round = _award_round(outcome_round_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _manage_page(award_round, publish_form=form, status=422)
    level = CouncilLevel(form.level.data)
    try:
        period = outcome.publish_comment_period(actor=current_user, award_round=award_round, level=level)
    except DomainError as exc:
        db.session.rollback()
        form.level.errors = [*form.level.errors, str(exc.message)]
        return _manage_page(_award_round(outcome_round_id), publish_form=form, status=exc.status_code)
    db.session.commit()
    flash(
        _(
            "Đã đăng danh sách lấy ý kiến từ ngày %(start)s đến hết ngày %(end)s.",
            start=period.starts_on.strftime("%d/%m/%Y"),
            end=period.ends_on.strftime("%d/%m/%Y"),
        ),
        "success",
    )
    return redirect(url_for(".manage", outcome_round_id=outcome_round_id))


@bp.post("/manage/artisans/rounds/<int:outcome_round_id>/final-list")
@require(outcome.is_artisan_organizer)
def record_final(outcome_round_id: int) -> ViewResult:
    award_round = _award_round(outcome_round_id)
    form = FinalListForm()
    if not form.validate_on_submit():
        return _manage_page(award_round, final_form=form, status=422)
    try:
        recognised = outcome.record_final_list(
            actor=current_user,
            award_round=award_round,
            decision_number=form.decision_number.data or "",
            decision_date=form.decision_date.data,
        )
    except DomainError as exc:
        db.session.rollback()
        form.decision_number.errors = [*form.decision_number.errors, str(exc.message)]
        return _manage_page(_award_round(outcome_round_id), final_form=form, status=exc.status_code)
    db.session.commit()
    flash(_("Đã ghi nhận danh sách cuối cùng: %(n)s nghệ nhân được công nhận.", n=len(recognised)), "success")
    return redirect(url_for(".manage", outcome_round_id=outcome_round_id))


@bp.post("/manage/artisans/rounds/<int:outcome_round_id>/certificate-design")
@require(outcome.is_artisan_organizer)
def save_design(outcome_round_id: int) -> ViewResult:
    award_round = _award_round(outcome_round_id)
    form = ArtisanDesignForm(prefix="design")
    if not form.validate_on_submit():
        return _manage_page(award_round, design_form=form, status=422)
    fields = {name: form[name].data for name in DESIGN_FIELDS if name in form}
    try:
        artisan_certificates.save_artisan_design(actor=current_user, award_round_id=award_round.id, fields=fields)
    except DomainError as exc:
        db.session.rollback()
        form.body_text.errors = [*form.body_text.errors, str(exc.message)]
        return _manage_page(_award_round(outcome_round_id), design_form=form, status=exc.status_code)
    db.session.commit()
    flash(_("Đã lưu mẫu giấy chứng nhận."), "success")
    return redirect(url_for(".manage", outcome_round_id=outcome_round_id))


@bp.post("/manage/artisans/rounds/<int:outcome_round_id>/certificates")
@require(outcome.is_artisan_organizer)
def issue_certificates(outcome_round_id: int) -> ViewResult:
    award_round = _award_round(outcome_round_id)
    try:
        issued = outcome.issue_certificates(actor=current_user, award_round=award_round)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return _manage_page(_award_round(outcome_round_id), status=exc.status_code)
    db.session.commit()
    flash(_("Đã cấp %(n)s giấy chứng nhận.", n=len(issued)), "success")
    return redirect(url_for(".manage", outcome_round_id=outcome_round_id))


def _artisan_certificate(certificate_id: int) -> Certificate:
    """An artisan's certificate (of an award round); 404 for anything else."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.kind != CertificateKind.ARTISAN or certificate.award_round_id is None:
        abort(404)
    return certificate


@bp.post("/manage/artisans/certificates/<int:artisan_certificate_id>/revoke")
@require(outcome.is_artisan_organizer)
def revoke_certificate(artisan_certificate_id: int) -> ViewResult:
    """Revoke an artisan's certificate with a reason (shown on its public verification page)."""
    certificate = _artisan_certificate(artisan_certificate_id)
    award_round_id = certificate.award_round_id
    assert award_round_id is not None
    form = ReasonForm(prefix="reason")
    if not form.validate_on_submit():
        flash(_("Cần ghi lý do thu hồi."), "danger")
        return _manage_page(_award_round(award_round_id), status=422)
    try:
        artisan_certificates.revoke_artisan_certificate(
            actor=current_user, certificate=certificate, reason=form.reason.data or ""
        )
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return _manage_page(_award_round(award_round_id), status=exc.status_code)
    db.session.commit()
    flash(_("Đã thu hồi giấy chứng nhận số %(number)s.", number=certificate.number_with_year), "success")
    return redirect(url_for(".manage", outcome_round_id=award_round_id))


@bp.post("/manage/artisans/certificates/<int:artisan_certificate_id>/reissue")
@require(outcome.is_artisan_organizer)
def reissue_certificate(artisan_certificate_id: int) -> ViewResult:
    """Issue a corrected certificate under a new number; the old one is marked replaced."""
    certificate = _artisan_certificate(artisan_certificate_id)
    award_round_id = certificate.award_round_id
    assert award_round_id is not None
    form = ReasonForm(prefix="reason")
    if not form.validate_on_submit():
        flash(_("Cần ghi lý do cấp lại."), "danger")
        return _manage_page(_award_round(award_round_id), status=422)
    try:
        replacement = outcome.reissue_certificate(
            actor=current_user, certificate=certificate, reason=form.reason.data or ""
        )
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return _manage_page(_award_round(award_round_id), status=exc.status_code)
    db.session.commit()
    flash(
        _(
            "Đã cấp lại: giấy chứng nhận số %(new)s thay thế số %(old)s.",
            new=replacement.number_with_year,
            old=certificate.number_with_year,
        ),
        "success",
    )
    return redirect(url_for(".manage", outcome_round_id=award_round_id))


@bp.get("/manage/artisans/comments")
@require(outcome.is_comment_handler)
def comment_inbox() -> str:
    """The comment periods the signed-in organizer or secretary handles, with what is left to do."""
    periods_ = outcome.handler_periods(current_user)
    return render_template(
        "artisans_public/inbox.html",
        periods=periods_,
        counts=outcome.comment_counts([p.id for p in periods_]),
        statuses=CommentStatus,
        levels=outcome.LEVEL_LABELS,
        today=today_vn(),
    )


def _handling_form(comment: PublicComment, *, formdata: bool) -> HandlingForm:
    """One form per comment on the page (the prefix keeps their field ids apart), holding the
    handling recorded so far."""
    prefix = f"y{comment.id}"
    return HandlingForm(prefix=prefix) if formdata else HandlingForm(prefix=prefix, obj=comment, formdata=None)


def _comments_page(
    period: CommentPeriod, *, failed: tuple[int, HandlingForm] | None = None, status: int = 200
) -> tuple[str, int]:
    nominees = {n.id: n for n in outcome.passed_at(period.award_round_id, period.level)}
    comments_ = outcome.comments_of(period)
    forms = {c.id: _handling_form(c, formdata=False) for c in comments_}
    if failed is not None:
        forms[failed[0]] = failed[1]
    page = render_template(
        "artisans_public/comments.html",
        period=period,
        comments=comments_,
        nominees=nominees,
        forms=forms,
        council=outcome.LEVEL_LABELS[period.level],
        statuses=CommentStatus,
        titles=TITLE_LABELS,
    )
    return page, status


@bp.get("/manage/artisans/comment-periods/<int:period_id>")
@require(outcome.is_comment_handler)
def comments(period_id: int) -> ViewResult:
    """A period's comments and how each was handled."""
    period = _period(period_id)
    if not outcome.can_handle_comments(current_user, period):
        abort(403)
    return _comments_page(period)


@bp.post("/manage/artisans/comments/<int:comment_id>/handle")
@require(outcome.is_comment_handler)
def handle(comment_id: int) -> ViewResult:
    comment_ = db.session.get(PublicComment, comment_id)
    if comment_ is None:
        abort(404)
    if not outcome.can_handle_comments(current_user, comment_.period):
        abort(403)
    form = _handling_form(comment_, formdata=True)
    if not form.validate_on_submit():
        return _comments_page(comment_.period, failed=(comment_id, form), status=422)
    try:
        outcome.handle_comment(actor=current_user, comment=comment_, handling=form.handling.data or "")
    except DomainError as exc:
        db.session.rollback()
        form.handling.errors = [*form.handling.errors, str(exc.message)]
        reloaded = db.session.get(PublicComment, comment_id)
        assert reloaded is not None
        return _comments_page(reloaded.period, failed=(comment_id, form), status=exc.status_code)
    db.session.commit()
    flash(_("Đã ghi nhận việc xử lý ý kiến."), "success")
    return redirect(url_for(".comments", period_id=comment_.period_id) + f"#y-kien-{comment_id}")
