"""Councils, meetings with attendance and quorum, secret ballots and their minutes.

Organizers and admins manage councils and members (/manage/councils); a council's listed members see
its agenda, meetings and ballots (others get 404: a council's existence is not public); the secretary
(and organizers/admins) runs the meetings, ballots and minutes.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from kcvote.accounts import emails as account_emails
from kcvote.artisans import councils, outcome, settings
from kcvote.artisans import rules as artisan_rules
from kcvote.artisans.council_forms import (
    AttendanceForm,
    CouncilEditForm,
    CouncilForm,
    MeetingForm,
    MemberForm,
    OpenBallotForm,
    PaperBallotForm,
    VoteForm,
)
from kcvote.artisans.enums import BallotStatus, Choice, CouncilLevel, MemberRole
from kcvote.artisans.labels import TITLE_LABELS
from kcvote.artisans.minutes import minutes_pdf
from kcvote.artisans.models import AwardRound, Ballot, Council, CouncilMember, Meeting, Nomination
from kcvote.core.auth import ViewResult, require
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db
from kcvote.reference.models import Province

bp = Blueprint("councils", __name__)


# --- loading and permission ------------------------------------------------------------------


def _council(council_id: int, *, run: bool = False) -> Council:
    """The council (404 unless the user may see it); ``run``: 403 unless they run its meetings."""
    council = db.session.get(Council, council_id)
    if council is None or not councils.can_view_council(current_user, council):
        abort(404)
    if run and not councils.can_run_meetings(current_user, council):
        abort(403)
    return council


def _meeting(meeting_id: int, *, run: bool = False) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    _council(meeting.council_id, run=run)
    return meeting


def _ballot(ballot_id: int, *, run: bool = False) -> Ballot:
    ballot = db.session.get(Ballot, ballot_id)
    if ballot is None:
        abort(404)
    _meeting(ballot.meeting_id, run=run)
    return ballot


def _page_context() -> dict[str, Any]:
    return {
        "level_labels": councils.LEVEL_LABELS,
        "role_labels": councils.ROLE_LABELS,
        "title_labels": TITLE_LABELS,
    }


# --- councils (organizers) -------------------------------------------------------------------


def _council_form() -> CouncilForm:
    form = CouncilForm(prefix="council")
    rounds = db.session.scalars(select(AwardRound).order_by(AwardRound.number.desc(), AwardRound.id.desc())).all()
    form.award_round_id.choices = [SelectChoice(r.id, r.name) for r in rounds]
    provinces = db.session.scalars(select(Province).order_by(Province.sort_order)).all()
    form.province_id.choices = [SelectChoice(0, "—")] + [SelectChoice(p.id, p.name) for p in provinces]
    return form


def _index_page(form: CouncilForm | None = None, status: int = 200) -> tuple[str, int]:
    rounds = db.session.scalars(select(AwardRound).order_by(AwardRound.number.desc(), AwardRound.id.desc())).all()
    page = render_template(
        "councils/index.html",
        rounds=[(r, councils.councils_of(r)) for r in rounds],
        form=form or _council_form(),
        **_page_context(),
    )
    return page, status


@bp.get("/manage/councils")
@require(councils.is_artisan_manager)
def index() -> ViewResult:
    """Every award round with its councils, and the form that sets one up."""
    return _index_page()


@bp.post("/manage/councils")
@require(councils.is_artisan_manager)
def create() -> ViewResult:
    form = _council_form()
    valid = form.validate_on_submit()
    province = db.session.get(Province, form.province_id.data) if form.province_id.data else None
    if form.level.data == CouncilLevel.PROVINCIAL.value and province is None:
        form.province_id.errors = [_("Hội đồng cấp tỉnh phải gắn với một tỉnh, thành phố.")]
        valid = False
    if not valid:
        return _index_page(form, 422)
    award_round = db.session.get(AwardRound, form.award_round_id.data)
    if award_round is None:
        abort(404)
    try:
        council = councils.create_council(
            actor=current_user,
            award_round=award_round,
            level=CouncilLevel(form.level.data),
            name=form.name.data or "",
            province=province,
            decision_number=form.decision_number.data or "",
        )
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        form.level.errors = [str(error.message)]
        return _index_page(form, error.status_code)
    db.session.commit()
    flash(_("Đã lập %(name)s.", name=council.name), "success")
    return redirect(url_for("councils.council", council_id=council.id))


@bp.get("/councils/mine")
@require(councils.is_council_user)
def mine() -> ViewResult:
    """The councils that list the signed-in user, with their open ballots ("Hội đồng của tôi")."""
    listed = councils.councils_for_member(current_user)
    open_ballots = councils.open_ballots_by_council(c.id for c in listed)
    return render_template(
        "councils/mine.html",
        councils=listed,
        open_ballots=open_ballots,
        comment_handler=outcome.is_comment_handler(current_user),
        **_page_context(),
    )


def _council_page(
    council: Council,
    *,
    edit_form: CouncilEditForm | None = None,
    member_form: MemberForm | None = None,
    meeting_form: MeetingForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    manage = councils.can_manage_council(current_user, council)
    if edit_form is None:
        edit_form = CouncilEditForm(prefix="edit", obj=council)
    page = render_template(
        "councils/council.html",
        council=council,
        agenda=councils.agenda(council),
        meetings=councils.meetings_of(council),
        manage=manage,
        run=councils.can_run_meetings(current_user, council),
        edit_form=edit_form,
        member_form=member_form or MemberForm(prefix="member"),
        meeting_form=meeting_form or MeetingForm(prefix="meeting"),
        voted_members=_voted_members(council),
        **_page_context(),
    )
    return page, status


def _voted_members(council: Council) -> set[int]:
    from kcvote.artisans.models import BallotVoter

    ids = {m.id for m in council.members}
    if not ids:
        return set()
    return set(db.session.scalars(select(BallotVoter.member_id).where(BallotVoter.member_id.in_(ids))))


@bp.get("/councils/<int:council_id>")
@login_required
def council(council_id: int) -> ViewResult:
    """The council: members, agenda and meetings."""
    return _council_page(_council(council_id))


@bp.post("/manage/councils/<int:council_id>")
@require(councils.is_artisan_manager)
def edit(council_id: int) -> ViewResult:
    council = _council(council_id)
    form = CouncilEditForm(prefix="edit")
    if not form.validate_on_submit():
        return _council_page(council, edit_form=form, status=422)
    try:
        councils.update_council(
            actor=current_user,
            council=council,
            name=form.name.data or "",
            decision_number=form.decision_number.data or "",
        )
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        form.name.errors = [str(error.message)]
        return _council_page(council, edit_form=form, status=error.status_code)
    db.session.commit()
    flash(_("Đã lưu thông tin hội đồng."), "success")
    return redirect(url_for("councils.council", council_id=council.id))


@bp.post("/manage/councils/<int:council_id>/members")
@require(councils.is_artisan_manager)
def add_member(council_id: int) -> ViewResult:
    council = _council(council_id)
    form = MemberForm(prefix="member")
    if not form.validate_on_submit():
        return _council_page(council, member_form=form, status=422)
    try:
        member, _invited = councils.add_member(
            actor=current_user,
            council=council,
            email=form.email.data or "",
            name=form.name.data or "",
            role=MemberRole(form.role.data),
            job_title=form.job_title.data or "",
            position=form.position.data,
        )
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        db.session.refresh(council)
        form.email.errors = [str(error.message)]
        return _council_page(council, member_form=form, status=error.status_code)
    db.session.commit()
    account_emails.send_invitation(member.user, current_user, _("thành viên %(council)s", council=council.name))
    flash(_("Đã thêm %(name)s vào hội đồng.", name=member.user.name), "success")
    return redirect(url_for("councils.council", council_id=council.id))


@bp.post("/manage/councils/<int:council_id>/members/<int:council_member_id>/remove")
@require(councils.is_artisan_manager)
def remove_member(council_id: int, council_member_id: int) -> ViewResult:
    council = _council(council_id)
    member = db.session.get(CouncilMember, council_member_id)
    if member is None or member.council_id != council.id:
        abort(404)
    name = member.user.name
    try:
        councils.remove_member(actor=current_user, member=member)
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return redirect(url_for("councils.council", council_id=council.id))
    db.session.commit()
    flash(_("Đã bỏ %(name)s khỏi danh sách hội đồng.", name=name), "success")
    return redirect(url_for("councils.council", council_id=council.id))


# --- dossiers on the agenda ------------------------------------------------------------------


@bp.get("/councils/<int:council_id>/dossiers/<int:agenda_nomination_id>")
@login_required
def dossier(council_id: int, agenda_nomination_id: int) -> ViewResult:
    """A dossier of the council's agenda, without the nominee's private data (ID number, birth date,
    address, phone)."""
    council = _council(council_id)
    nomination = db.session.get(Nomination, agenda_nomination_id)
    if nomination is None or not councils.on_agenda(council, nomination):
        abort(404)
    checklist: list[Any] = []
    rule = settings.title_rule(nomination.title, settings.judging_date(nomination))
    if rule is not None:
        checklist = artisan_rules.evaluate(settings.facts_of(nomination), settings.criteria_of(rule))
    return render_template(
        "councils/dossier.html",
        council=council,
        nomination=nomination,
        checklist=checklist,
        outcome=artisan_rules.overall(checklist) if checklist else None,
        rule=rule,
        **_page_context(),
    )


# --- meetings ----------------------------------------------------------------------------------


@bp.post("/councils/<int:council_id>/meetings")
@login_required
def create_meeting(council_id: int) -> ViewResult:
    council = _council(council_id, run=True)
    form = MeetingForm(prefix="meeting")
    if not form.validate_on_submit():
        return _council_page(council, meeting_form=form, status=422)
    meeting = councils.create_meeting(
        actor=current_user,
        council=council,
        held_on=form.held_on.data,
        place=form.place.data or "",
        notes=form.notes.data or "",
    )
    db.session.commit()
    flash(_("Đã tạo cuộc họp. Hãy điểm danh thành viên có mặt."), "success")
    return redirect(url_for("councils.meeting", meeting_id=meeting.id))


def _attendance_form(meeting: Meeting) -> AttendanceForm:
    council = meeting.council
    form = AttendanceForm(prefix="att")
    form.present.choices = [SelectChoice(m.id, m.user.name) for m in council.members]
    vice = [m for m in council.members if m.role == MemberRole.VICE_CHAIR]
    form.delegate_id.choices = [SelectChoice(0, "—")] + [SelectChoice(m.id, m.user.name) for m in vice]
    if request.method == "GET" or not form.is_submitted():
        form.present.data = sorted(councils.present_member_ids(meeting))
        form.delegate_id.data = meeting.delegate_id or 0
    return form


def _open_form(meeting: Meeting) -> OpenBallotForm:
    form = OpenBallotForm(prefix="ballot")
    available = councils.agenda(meeting.council, include_balloted=False)
    form.nomination_ids.choices = [SelectChoice(n.id, n.nominee.name) for n in available]
    return form


def _meeting_page(
    meeting: Meeting,
    *,
    attendance_form: AttendanceForm | None = None,
    open_form: OpenBallotForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    council = meeting.council
    open_form = open_form or _open_form(meeting)
    available = {n.id: n for n in councils.agenda(council, include_balloted=False)}
    page = render_template(
        "councils/meeting.html",
        council=council,
        meeting=meeting,
        quorum=councils.quorum(meeting),
        present=councils.present_member_ids(meeting),
        ballots=councils.ballots_of(meeting),
        run=councils.can_run_meetings(current_user, council),
        me=councils.member_of(current_user, council),
        attendance_form=attendance_form or _attendance_form(meeting),
        open_form=open_form,
        available=available,
        **_page_context(),
    )
    return page, status


@bp.get("/councils/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int) -> ViewResult:
    """The meeting: attendance and quorum, its ballots; the secretary opens ballots here."""
    return _meeting_page(_meeting(meeting_id))


@bp.post("/councils/meetings/<int:meeting_id>/attendance")
@login_required
def attendance(meeting_id: int) -> ViewResult:
    meeting = _meeting(meeting_id, run=True)
    form = _attendance_form(meeting)
    if not form.validate_on_submit():
        return _meeting_page(meeting, attendance_form=form, status=422)
    try:
        councils.record_attendance(
            actor=current_user,
            meeting=meeting,
            present_ids=form.present.data or [],
            delegate_id=form.delegate_id.data or None,
        )
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        db.session.refresh(meeting)
        form.delegate_id.errors = [str(error.message)]
        return _meeting_page(meeting, attendance_form=form, status=error.status_code)
    db.session.commit()
    flash(councils.quorum(meeting).statement, "success")
    return redirect(url_for("councils.meeting", meeting_id=meeting.id))


@bp.post("/councils/meetings/<int:meeting_id>/ballots")
@login_required
def open_ballot(meeting_id: int) -> ViewResult:
    meeting = _meeting(meeting_id, run=True)
    form = _open_form(meeting)
    if not form.validate_on_submit():
        return _meeting_page(meeting, open_form=form, status=422)
    chosen = db.session.scalars(select(Nomination).where(Nomination.id.in_(form.nomination_ids.data or []))).all()
    try:
        ballot = councils.open_ballot(actor=current_user, meeting=meeting, nominations=chosen)
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        form.nomination_ids.errors = [str(error.message)]
        return _meeting_page(meeting, open_form=form, status=error.status_code)
    db.session.commit()
    flash(_("Đã mở bỏ phiếu kín. Thành viên có mặt bỏ phiếu trên thiết bị của mình."), "success")
    return redirect(url_for("councils.ballot", ballot_id=ballot.id))


@bp.get("/councils/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes(meeting_id: int) -> ViewResult:
    """Biên bản họp, biên bản kiểm phiếu and the list for the next council, as one PDF."""
    meeting = _meeting(meeting_id, run=True)
    data = minutes_pdf(meeting)
    return send_file(
        BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"bien-ban-hop-{meeting.id}.pdf",
    )


# --- ballots -----------------------------------------------------------------------------------


def _choices_from_form(ballot: Ballot) -> dict[int, str]:
    """The radio groups ``choice-<nomination id>`` that were answered."""
    picks = {}
    for item in ballot.items:
        value = request.form.get(f"choice-{item.nomination_id}")
        if value:
            picks[item.nomination_id] = value
    return picks


def _paper_form(ballot: Ballot) -> PaperBallotForm:
    form = PaperBallotForm(prefix="paper")
    present = councils.present_member_ids(ballot.meeting)
    voted = councils.voter_member_ids(ballot)
    form.member_id.choices = [
        SelectChoice(m.id, m.user.name) for m in ballot.meeting.council.members if m.id in present and m.id not in voted
    ]
    return form


def _ballot_page(
    ballot: Ballot,
    *,
    vote_error: str | None = None,
    paper_form: PaperBallotForm | None = None,
    paper_error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    meeting = ballot.meeting
    council = meeting.council
    me = councils.member_of(current_user, council)
    closed = ballot.status == BallotStatus.CLOSED
    page = render_template(
        "councils/ballot.html",
        ballot=ballot,
        meeting=meeting,
        council=council,
        me=me,
        closed=closed,
        can_vote=councils.can_vote(current_user, ballot),
        voted=me is not None and councils.has_voted(ballot, me),
        present=me is not None and me.id in councils.present_member_ids(meeting),
        progress=councils.progress(ballot),
        run=councils.can_run_meetings(current_user, council),
        vote_form=VoteForm(prefix="vote"),
        vote_error=vote_error,
        picked=_choices_from_form(ballot) if request.method == "POST" else {},
        paper_form=paper_form or _paper_form(ballot),
        paper_error=paper_error,
        needed=artisan_rules.needed_for(ballot.listed_members, ballot.pass_percent),
        pass_percent=councils._percent(ballot.pass_percent),
        choice=Choice,
        **_page_context(),
    )
    return page, status


@bp.get("/councils/ballots/<int:ballot_id>")
@login_required
def ballot(ballot_id: int) -> ViewResult:
    """A member votes here; everyone in the meeting sees how many have voted and who, never a tally
    before the ballot closes."""
    return _ballot_page(_ballot(ballot_id))


@bp.post("/councils/ballots/<int:ballot_id>/vote")
@login_required
def vote(ballot_id: int) -> ViewResult:
    ballot = _ballot(ballot_id)
    form = VoteForm(prefix="vote")
    if not form.validate_on_submit():
        return _ballot_page(ballot, vote_error=_("Phiên làm việc đã hết hạn; hãy tải lại trang."), status=400)
    try:
        councils.cast_vote(actor=current_user, ballot=ballot, choices=_choices_from_form(ballot))
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        return _ballot_page(_ballot(ballot_id), vote_error=str(error.message), status=error.status_code)
    db.session.commit()
    flash(_("Phiếu bầu của bạn đã được ghi nhận. Cảm ơn bạn."), "success")
    return redirect(url_for("councils.ballot", ballot_id=ballot_id))


@bp.post("/councils/ballots/<int:ballot_id>/paper")
@login_required
def paper(ballot_id: int) -> ViewResult:
    ballot = _ballot(ballot_id, run=True)
    form = _paper_form(ballot)
    if not form.validate_on_submit():
        return _ballot_page(ballot, paper_form=form, status=422)
    member = db.session.get(CouncilMember, form.member_id.data)
    if member is None:
        abort(404)
    try:
        councils.enter_paper_ballot(
            actor=current_user, ballot=ballot, member=member, choices=_choices_from_form(ballot)
        )
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        ballot = _ballot(ballot_id, run=True)
        return _ballot_page(
            ballot, paper_form=_paper_form(ballot), paper_error=str(error.message), status=error.status_code
        )
    db.session.commit()
    flash(_("Đã nhập phiếu giấy của %(name)s.", name=member.user.name), "success")
    return redirect(url_for("councils.ballot", ballot_id=ballot_id))


@bp.post("/councils/ballots/<int:ballot_id>/close")
@login_required
def close(ballot_id: int) -> ViewResult:
    ballot = _ballot(ballot_id, run=True)
    try:
        councils.close_ballot(actor=current_user, ballot=ballot)
    except NotAllowed:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return redirect(url_for("councils.ballot", ballot_id=ballot_id))
    db.session.commit()
    flash(_("Đã kết thúc bỏ phiếu và kiểm phiếu."), "success")
    return redirect(url_for("councils.ballot", ballot_id=ballot_id))
