"""Councils of an award round, their meetings (attendance, quorum) and secret ballots.

Who may do what (the permission predicates below): admins and organizers manage councils and their
members; a council's secretary (and admins/organizers) runs its meetings: attendance, ballots, paper
ballots, closing, minutes; a listed member present at the meeting votes once per ballot.

Ballot secrecy: a vote writes who voted (``BallotVoter``: no time, no serial id) and, separately, the
choices (``BallotBoxEntry``: random ids, no member, no time) in shuffled order. While a ballot is open
nobody sees a tally. Closing tallies the box, rewrites it to ``Vote`` rows in a fresh shuffled order
with fresh random ids and empties the box, so no column and no row order of ``votes`` says who cast it.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from kcvote.accounts import services as account_services
from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import RoleAssignment, User
from kcvote.artisans import rules, settings
from kcvote.artisans.enums import (
    COUNCIL_ORDER,
    BallotStatus,
    Choice,
    CouncilLevel,
    MemberRole,
    NominationStatus,
)
from kcvote.artisans.models import (
    Attendance,
    AwardRound,
    Ballot,
    BallotBoxEntry,
    BallotItem,
    BallotVoter,
    Council,
    CouncilMember,
    Meeting,
    Nomination,
    Vote,
)
from kcvote.core import audit
from kcvote.core.clock import today_vn
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db
from kcvote.reference.models import Province

_RANDOM = random.SystemRandom()

LEVEL_LABELS = {
    CouncilLevel.PROVINCIAL: _l("Hội đồng cấp tỉnh"),
    CouncilLevel.MINISTRY: _l("Hội đồng chuyên ngành cấp Bộ"),
    CouncilLevel.STATE: _l("Hội đồng cấp Nhà nước"),
}
ROLE_LABELS = {
    MemberRole.CHAIR: _l("Chủ tịch"),
    MemberRole.VICE_CHAIR: _l("Phó Chủ tịch"),
    MemberRole.MEMBER: _l("Ủy viên"),
    MemberRole.SECRETARY: _l("Ủy viên thư ký"),
}
# One chair and one secretary per council; vice-chairs and members as many as needed.
SINGLE_ROLES = (MemberRole.CHAIR, MemberRole.SECRETARY)


# --- permission predicates -------------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_artisan_manager(user: Any) -> bool:
    """Admins and organizers run award rounds and their councils."""
    return _signed_in(user) and (user.has_role(Role.ADMIN) or user.holds(Role.ORGANIZER))


def member_of(user: Any, council: Council) -> CouncilMember | None:
    """The user's listing in the council, if any."""
    if not _signed_in(user):
        return None
    return next((m for m in council.members if m.user_id == user.id), None)


def is_council_user(user: Any) -> bool:
    """Managers and anyone listed in some council (for navigation: "Hội đồng của tôi")."""
    return is_artisan_manager(user) or (_signed_in(user) and user.holds(Role.COUNCIL_MEMBER))


def can_manage_council(user: Any, council: Council | None = None) -> bool:
    """Create and edit councils, add and remove members."""
    return is_artisan_manager(user)


def can_view_council(user: Any, council: Council) -> bool:
    """Managers and the council's listed members see the council, its agenda and its meetings."""
    return is_artisan_manager(user) or member_of(user, council) is not None


def can_run_meetings(user: Any, council: Council) -> bool:
    """The council's secretary, and admins/organizers: meetings, attendance, ballots, minutes."""
    if is_artisan_manager(user):
        return True
    member = member_of(user, council)
    return member is not None and member.role == MemberRole.SECRETARY


# --- councils and members --------------------------------------------------------------------


def councils_of(award_round: AwardRound) -> list[Council]:
    """The round's councils: provincial ones by province, then the ministry and State councils."""
    found = db.session.scalars(select(Council).where(Council.award_round_id == award_round.id)).all()
    return sorted(found, key=lambda c: (COUNCIL_ORDER.index(c.level), c.province.sort_order if c.province else 0, c.id))


def councils_for_member(user: User) -> list[Council]:
    """The councils that list ``user``."""
    return list(
        db.session.scalars(
            select(Council)
            .join(CouncilMember, CouncilMember.council_id == Council.id)
            .where(CouncilMember.user_id == user.id)
            .order_by(Council.award_round_id.desc(), Council.id)
        ).unique()
    )


def _check_council_fields(name: str, level: CouncilLevel, province: Province | None) -> None:
    if not name.strip():
        raise DomainError(_l("Hãy nhập tên hội đồng."))
    if level == CouncilLevel.PROVINCIAL and province is None:
        raise DomainError(_l("Hội đồng cấp tỉnh phải gắn với một tỉnh, thành phố."))


def create_council(
    *,
    actor: User,
    award_round: AwardRound,
    level: CouncilLevel,
    name: str,
    province: Province | None = None,
    decision_number: str = "",
) -> Council:
    """Set up a council of the round: one per province at provincial level, one ministry, one State."""
    if not can_manage_council(actor):
        raise NotAllowed(_l("Chỉ quản trị viên và cán bộ tổ chức được lập hội đồng."))
    if level != CouncilLevel.PROVINCIAL:
        province = None
    _check_council_fields(name, level, province)
    existing = db.session.scalar(
        select(Council.id).where(
            Council.award_round_id == award_round.id,
            Council.level == level,
            Council.province_id.is_(None) if province is None else Council.province_id == province.id,
        )
    )
    if existing is not None:
        raise DomainError(
            _l("Đợt xét tặng đã có %(level)s%(where)s.", level=LEVEL_LABELS[level], where=_province_suffix(province))
        )
    council = Council(
        award_round_id=award_round.id,
        level=level,
        province_id=province.id if province else None,
        name=name.strip(),
        decision_number=decision_number.strip(),
        created_by_id=actor.id,
    )
    db.session.add(council)
    db.session.flush()
    audit.record(
        "council.created",
        actor_id=actor.id,
        obj=council,
        award_round_id=award_round.id,
        level=level.value,
        province=province.name if province else None,
    )
    return council


def _province_suffix(province: Province | None) -> str:
    return f" ({province.name})" if province else ""


def update_council(*, actor: User, council: Council, name: str, decision_number: str) -> None:
    """Rename the council or record its establishment decision."""
    if not can_manage_council(actor, council):
        raise NotAllowed(_l("Chỉ quản trị viên và cán bộ tổ chức được sửa hội đồng."))
    _check_council_fields(name, council.level, council.province)
    council.name = name.strip()
    council.decision_number = decision_number.strip()
    db.session.flush()
    audit.record("council.updated", actor_id=actor.id, obj=council, name=council.name, decision=council.decision_number)


def add_member(
    *,
    actor: User,
    council: Council,
    email: str,
    name: str = "",
    role: MemberRole = MemberRole.MEMBER,
    job_title: str = "",
    position: int | None = None,
) -> tuple[CouncilMember, bool]:
    """List an existing user, or invite a new one, as a member of the council; they get the council_member
    role scoped to it. Returns (member, invited: whether a new account was created)."""
    if not can_manage_council(actor, council):
        raise NotAllowed(_l("Chỉ quản trị viên và cán bộ tổ chức được thêm thành viên hội đồng."))
    if _has_open_ballot(council):
        raise DomainError(_l("Hội đồng đang bỏ phiếu: chỉ thay đổi thành viên sau khi kết thúc bỏ phiếu."))
    email = account_services.valid_email(email)
    user = account_services.get_user_by_email(email)
    invited = False
    if user is None:
        if not name.strip():
            raise DomainError(_l("Người này chưa có tài khoản: hãy nhập họ tên để gửi lời mời."))
        user, invited = account_services.invite_user(
            actor=actor,
            email=email,
            name=name.strip(),
            role=Role.COUNCIL_MEMBER,
            scope_type=ScopeType.COUNCIL,
            scope_id=council.id,
        )
    elif not user.active:
        raise DomainError(_l("Tài khoản %(email)s đã bị khoá.", email=user.email))
    if any(m.user_id == user.id for m in council.members):
        raise DomainError(_l("%(name)s đã có trong danh sách hội đồng.", name=user.name))
    if role in SINGLE_ROLES and any(m.role == role for m in council.members):
        raise DomainError(_l("Hội đồng đã có %(role)s.", role=ROLE_LABELS[role]))
    if position is None:
        position = max((m.position for m in council.members), default=0) + 1
    member = CouncilMember(council_id=council.id, user_id=user.id, role=role, position=position, job_title=job_title)
    council.members.append(member)
    if not user.has_scoped_role(Role.COUNCIL_MEMBER, ScopeType.COUNCIL, council.id):
        user.roles.append(
            RoleAssignment(
                role=Role.COUNCIL_MEMBER, scope_type=ScopeType.COUNCIL, scope_id=council.id, granted_by_id=actor.id
            )
        )
    db.session.flush()
    council.members.sort(key=lambda m: (m.position, m.id))
    audit.record("council.member_added", actor_id=actor.id, obj=council, member=user.email, role=role.value)
    return member, invited


def remove_member(*, actor: User, member: CouncilMember) -> None:
    """Take a member off the list (and their scoped role), unless they have voted in one of its ballots."""
    council = member.council
    if not can_manage_council(actor, council):
        raise NotAllowed(_l("Chỉ quản trị viên và cán bộ tổ chức được bỏ thành viên hội đồng."))
    if _has_open_ballot(council):
        raise DomainError(_l("Hội đồng đang bỏ phiếu: chỉ thay đổi thành viên sau khi kết thúc bỏ phiếu."))
    voted = db.session.scalar(select(BallotVoter.ballot_id).where(BallotVoter.member_id == member.id).limit(1))
    if voted is not None:
        raise DomainError(_l("%(name)s đã bỏ phiếu tại hội đồng: không thể bỏ khỏi danh sách.", name=member.user.name))
    for meeting in db.session.scalars(select(Meeting).where(Meeting.delegate_id == member.id)):
        meeting.delegate_id = None
    user = member.user
    for assignment in [
        a
        for a in user.roles
        if a.role == Role.COUNCIL_MEMBER and a.scope_type == ScopeType.COUNCIL and a.scope_id == council.id
    ]:
        user.roles.remove(assignment)
    db.session.execute(delete(Attendance).where(Attendance.member_id == member.id))
    council.members.remove(member)
    db.session.delete(member)
    db.session.flush()
    audit.record("council.member_removed", actor_id=actor.id, obj=council, member=user.email)


def _has_open_ballot(council: Council) -> bool:
    return (
        db.session.scalar(
            select(Ballot.id)
            .join(Meeting, Ballot.meeting_id == Meeting.id)
            .where(Meeting.council_id == council.id, Ballot.status == BallotStatus.OPEN)
            .limit(1)
        )
        is not None
    )


# --- agenda ----------------------------------------------------------------------------------


def _decided_here(council: Council) -> Any:
    """Nominations already on a ballot of this council (open or closed)."""
    return (
        select(BallotItem.nomination_id)
        .join(Ballot, BallotItem.ballot_id == Ballot.id)
        .join(Meeting, Ballot.meeting_id == Meeting.id)
        .where(Meeting.council_id == council.id)
    )


def agenda(council: Council, *, include_balloted: bool = True) -> list[Nomination]:
    """The nominations the council considers: accepted and at the council's stage (a provincial council:
    of its province). Passing the State council leaves a nomination at stage STATE, so nominations that
    passed here are left out; ``include_balloted`` False also leaves out those on an open ballot."""
    query = select(Nomination).where(
        Nomination.award_round_id == council.award_round_id,
        Nomination.status == NominationStatus.ACCEPTED,
        Nomination.stage == council.level,
    )
    if council.level == CouncilLevel.PROVINCIAL:
        query = query.where(Nomination.province_id == council.province_id)
    passed_here = (
        select(BallotItem.nomination_id)
        .join(Ballot, BallotItem.ballot_id == Ballot.id)
        .join(Meeting, Ballot.meeting_id == Meeting.id)
        .where(Meeting.council_id == council.id, BallotItem.passed.is_(True))
    )
    query = query.where(Nomination.id.not_in(passed_here))
    if not include_balloted:
        query = query.where(Nomination.id.not_in(_decided_here(council)))
    nominations = db.session.scalars(query).unique().all()
    return sorted(nominations, key=lambda n: (n.province.sort_order, n.nominee.name, n.id))


def on_agenda(council: Council, nomination: Nomination) -> bool:
    """The council may read this dossier: on its agenda now, or on one of its ballots."""
    if nomination.award_round_id != council.award_round_id:
        return False
    if nomination.id in {n.id for n in agenda(council)}:
        return True
    return nomination.id in set(db.session.scalars(_decided_here(council)))


def passed_at(award_round: AwardRound, level: CouncilLevel) -> list[Nomination]:
    """The nominations that passed a closed ballot of a council of ``level`` in the round (for the
    public comment list and the next council), by province and name."""
    found = db.session.scalars(
        select(Nomination)
        .join(BallotItem, BallotItem.nomination_id == Nomination.id)
        .join(Ballot, BallotItem.ballot_id == Ballot.id)
        .join(Meeting, Ballot.meeting_id == Meeting.id)
        .join(Council, Meeting.council_id == Council.id)
        .where(
            Council.award_round_id == award_round.id,
            Council.level == level,
            Ballot.status == BallotStatus.CLOSED,
            BallotItem.passed.is_(True),
        )
    ).unique()
    return sorted(set(found), key=lambda n: (n.province.sort_order, n.nominee.name, n.id))


# --- meetings, attendance, quorum ------------------------------------------------------------


def meetings_of(council: Council) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.council_id == council.id).order_by(Meeting.held_on.desc(), Meeting.id.desc())
        ).unique()
    )


def create_meeting(*, actor: User, council: Council, held_on: date, place: str = "", notes: str = "") -> Meeting:
    """Schedule a meeting of the council (the secretary or an organizer)."""
    if not can_run_meetings(actor, council):
        raise NotAllowed(_l("Chỉ thư ký hội đồng và cán bộ tổ chức được tạo cuộc họp."))
    if held_on is None:
        raise DomainError(_l("Hãy nhập ngày họp."))
    meeting = Meeting(council_id=council.id, held_on=held_on, place=place.strip(), notes=notes.strip())
    meeting.created_by_id = actor.id
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.created", actor_id=actor.id, obj=meeting, council_id=council.id, held_on=held_on.isoformat())
    return meeting


def present_member_ids(meeting: Meeting) -> set[int]:
    listed = {m.id for m in meeting.council.members}
    return {a.member_id for a in meeting.attendance if a.present and a.member_id in listed}


def record_attendance(
    *, actor: User, meeting: Meeting, present_ids: Iterable[int], delegate_id: int | None = None
) -> None:
    """Who of the listed members is present; when the chair is absent, the vice-chair the chair delegated
    to preside. Not while a ballot of the meeting is open, and a member who voted here stays present."""
    council = meeting.council
    if not can_run_meetings(actor, council):
        raise NotAllowed(_l("Chỉ thư ký hội đồng và cán bộ tổ chức được điểm danh."))
    if any(b.status == BallotStatus.OPEN for b in ballots_of(meeting)):
        raise DomainError(_l("Đang bỏ phiếu: chỉ điểm danh lại sau khi kết thúc bỏ phiếu."))
    members = {m.id: m for m in council.members}
    present = set(present_ids)
    unknown = present - members.keys()
    if unknown:
        raise DomainError(_l("Chỉ điểm danh thành viên có trong danh sách hội đồng."))
    voted = set(
        db.session.scalars(
            select(BallotVoter.member_id)
            .join(Ballot, BallotVoter.ballot_id == Ballot.id)
            .where(Ballot.meeting_id == meeting.id)
        )
    )
    if voted - present:
        names = ", ".join(members[i].user.name for i in sorted(voted - present) if i in members)
        raise DomainError(_l("Thành viên đã bỏ phiếu trong cuộc họp không thể bị ghi vắng: %(names)s.", names=names))
    chair_present = any(m.role == MemberRole.CHAIR and m.id in present for m in members.values())
    delegate: CouncilMember | None = None
    if delegate_id and not chair_present:
        delegate = members.get(delegate_id)
        if delegate is None or delegate.role != MemberRole.VICE_CHAIR:
            raise DomainError(_l("Người được ủy quyền chủ trì phải là Phó Chủ tịch hội đồng."))
        if delegate.id not in present:
            raise DomainError(_l("Phó Chủ tịch được ủy quyền chủ trì phải có mặt."))
    by_member = {a.member_id: a for a in meeting.attendance}
    for member_id in members:
        row = by_member.get(member_id)
        if row is None:
            meeting.attendance.append(Attendance(member_id=member_id, present=member_id in present))
        else:
            row.present = member_id in present
    meeting.delegate_id = delegate.id if delegate else None
    db.session.flush()
    audit.record(
        "meeting.attendance",
        actor_id=actor.id,
        obj=meeting,
        present=len(present),
        listed=len(members),
        delegate=delegate.user.name if delegate else None,
    )


@dataclass(frozen=True)
class Quorum:
    """Whether a meeting is valid, with the figures to say why."""

    listed: int
    present: int
    needed: int
    percent: Decimal | None
    presiding_present: bool
    presiding: CouncilMember | None
    met: bool
    rule_missing: bool = False

    @property
    def statement(self) -> str:
        """ "8/10 thành viên có mặt: đủ điều kiện" or why not."""
        head = str(_l("%(present)d/%(listed)d thành viên có mặt", present=self.present, listed=self.listed))
        if self.rule_missing:
            return head + ": " + str(_l("chưa có quy định về hội đồng có hiệu lực vào ngày họp."))
        if self.listed == 0:
            return str(_l("Hội đồng chưa có thành viên."))
        if self.met:
            return head + ": " + str(_l("đủ điều kiện (cần ít nhất %(needed)d, chủ trì có mặt).", needed=self.needed))
        reasons = []
        if self.present < self.needed:
            reasons.append(
                str(
                    _l(
                        "cần ít nhất %(needed)d thành viên (%(percent)s%%)",
                        needed=self.needed,
                        percent=_percent(self.percent),
                    )
                )
            )
        if not self.presiding_present:
            reasons.append(str(_l("Chủ tịch vắng mặt và không có Phó Chủ tịch được ủy quyền có mặt")))
        return head + ": " + str(_l("chưa đủ điều kiện")) + " — " + "; ".join(reasons) + "."


def _percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}".replace(".", ",")


def quorum(meeting: Meeting) -> Quorum:
    """The meeting's quorum under the council rule in force on the meeting day."""
    council = meeting.council
    listed = len(council.members)
    present = present_member_ids(meeting)
    chair = next((m for m in council.members if m.role == MemberRole.CHAIR), None)
    presiding: CouncilMember | None = None
    if chair is not None and chair.id in present:
        presiding = chair
    elif meeting.delegate_id is not None and meeting.delegate_id in present:
        presiding = next((m for m in council.members if m.id == meeting.delegate_id), None)
    rule = settings.council_rule(meeting.held_on)
    if rule is None:
        return Quorum(listed, len(present), listed, None, presiding is not None, presiding, False, rule_missing=True)
    percent = Decimal(rule.quorum_percent)
    met = rules.quorum_met(
        listed=listed, present=len(present), presiding_present=presiding is not None, percent=percent
    )
    return Quorum(
        listed, len(present), rules.needed_for(listed, percent), percent, presiding is not None, presiding, met
    )


# --- ballots ---------------------------------------------------------------------------------


def ballots_of(meeting: Meeting) -> list[Ballot]:
    return list(db.session.scalars(select(Ballot).where(Ballot.meeting_id == meeting.id).order_by(Ballot.id)).unique())


def open_ballots_by_council(council_ids: Iterable[int]) -> dict[int, list[Ballot]]:
    """The open ballots of these councils, by council id, in one query (a member's landing page)."""
    ids = list(council_ids)
    found: dict[int, list[Ballot]] = {council_id: [] for council_id in ids}
    rows = db.session.scalars(
        select(Ballot)
        .join(Meeting, Meeting.id == Ballot.meeting_id)
        .where(Meeting.council_id.in_(ids), Ballot.status == BallotStatus.OPEN)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc(), Ballot.id)
    ).unique()
    for ballot in rows:
        found[ballot.meeting.council_id].append(ballot)
    return found


def open_ballot(*, actor: User, meeting: Meeting, nominations: Iterable[Nomination]) -> Ballot:
    """Open a secret ballot of a quorate meeting on some of the council's agenda. The ballot keeps the
    number of listed members and the quorum and pass shares in force on the meeting day."""
    council = meeting.council
    if not can_run_meetings(actor, council):
        raise NotAllowed(_l("Chỉ thư ký hội đồng và cán bộ tổ chức được mở bỏ phiếu."))
    chosen = list(dict.fromkeys(nominations))
    if not chosen:
        raise DomainError(_l("Hãy chọn ít nhất một hồ sơ để bỏ phiếu."))
    if meeting.held_on > today_vn():
        raise DomainError(_l("Cuộc họp chưa diễn ra: chỉ mở bỏ phiếu vào ngày họp."))
    if any(b.status == BallotStatus.OPEN for b in ballots_of(meeting)):
        raise DomainError(_l("Cuộc họp đang có một đợt bỏ phiếu chưa kết thúc."))
    status = quorum(meeting)
    if not status.met:
        raise DomainError(_l("Không đủ điều kiện mở bỏ phiếu: %(why)s", why=status.statement))
    available = {n.id for n in agenda(council, include_balloted=False)}
    if any(n.id not in available for n in chosen):
        raise DomainError(_l("Chỉ bỏ phiếu các hồ sơ trong chương trình của hội đồng và chưa được bỏ phiếu."))
    rule = settings.council_rule(meeting.held_on)
    assert rule is not None  # the quorum needs it
    ballot = Ballot(
        meeting_id=meeting.id,
        status=BallotStatus.OPEN,
        listed_members=len(council.members),
        quorum_percent=rule.quorum_percent,
        pass_percent=rule.pass_percent,
        opened_by_id=actor.id,
    )
    for position, nomination in enumerate(chosen, start=1):
        ballot.items.append(BallotItem(nomination_id=nomination.id, position=position))
    db.session.add(ballot)
    db.session.flush()
    audit.record(
        "ballot.opened",
        actor_id=actor.id,
        obj=ballot,
        meeting_id=meeting.id,
        nominations=[n.id for n in chosen],
        listed=ballot.listed_members,
        present=status.present,
    )
    return ballot


def _locked(ballot: Ballot) -> Ballot:
    """Re-read the ballot locking its row (PostgreSQL): votes and closing take turns."""
    locked = db.session.scalar(
        select(Ballot)
        .where(Ballot.id == ballot.id)
        .with_for_update(of=Ballot)
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    return locked


def has_voted(ballot: Ballot, member: CouncilMember) -> bool:
    return (
        db.session.scalar(
            select(BallotVoter.member_id).where(BallotVoter.ballot_id == ballot.id, BallotVoter.member_id == member.id)
        )
        is not None
    )


def voter_member_ids(ballot: Ballot) -> set[int]:
    """Who has voted (public in the meeting); never what."""
    return set(db.session.scalars(select(BallotVoter.member_id).where(BallotVoter.ballot_id == ballot.id)))


def can_vote(user: Any, ballot: Ballot) -> bool:
    """A listed member, present at the meeting, who has not voted in this open ballot."""
    member = member_of(user, ballot.meeting.council)
    return (
        member is not None
        and ballot.status == BallotStatus.OPEN
        and member.id in present_member_ids(ballot.meeting)
        and not has_voted(ballot, member)
    )


def _check_choices(ballot: Ballot, choices: Mapping[int, Choice | str]) -> list[tuple[int, Choice]]:
    wanted = {item.nomination_id for item in ballot.items}
    if set(choices) != wanted:
        raise DomainError(_l("Hãy chọn Đồng ý hoặc Không đồng ý cho từng hồ sơ trong phiếu."))
    try:
        return [(nomination_id, Choice(choices[nomination_id])) for nomination_id in sorted(wanted)]
    except ValueError:
        raise DomainError(_l("Hãy chọn Đồng ý hoặc Không đồng ý cho từng hồ sơ trong phiếu.")) from None


def _drop_in_box(ballot: Ballot, member: CouncilMember, channel: str, picks: list[tuple[int, Choice]]) -> None:
    """Record that ``member`` voted and put the choices in the box, unlinked from them. The voter row
    is inserted in a savepoint: its primary key refuses a second vote, even one arriving at the same
    moment, and the refusal becomes a message rather than an error page."""
    try:
        with db.session.begin_nested():
            db.session.add(BallotVoter(ballot_id=ballot.id, member_id=member.id, channel=channel))
            db.session.flush()
    except IntegrityError:
        raise DomainError(
            _l("%(name)s đã bỏ phiếu trong đợt này; mỗi thành viên chỉ bỏ phiếu một lần.", name=member.user.name)
        ) from None
    entries = [
        BallotBoxEntry(id=secrets.token_hex(16), ballot_id=ballot.id, nomination_id=nomination_id, choice=choice)
        for nomination_id, choice in picks
    ]
    _RANDOM.shuffle(entries)
    db.session.add_all(entries)
    db.session.flush()


def _require_open_for(ballot: Ballot, member: CouncilMember) -> None:
    if ballot.status != BallotStatus.OPEN:
        raise DomainError(_l("Đợt bỏ phiếu đã kết thúc."))
    if member.id not in present_member_ids(ballot.meeting):
        raise DomainError(
            _l("%(name)s không được điểm danh có mặt tại cuộc họp nên không bỏ phiếu.", name=member.user.name)
        )
    if has_voted(ballot, member):
        raise DomainError(
            _l("%(name)s đã bỏ phiếu trong đợt này; mỗi thành viên chỉ bỏ phiếu một lần.", name=member.user.name)
        )


def cast_vote(*, actor: User, ballot: Ballot, choices: Mapping[int, Choice | str]) -> None:
    """The signed-in member votes yes or no on every nomination of the ballot, once."""
    member = member_of(actor, ballot.meeting.council)
    if member is None:
        raise NotAllowed(_l("Chỉ thành viên hội đồng được bỏ phiếu."))
    picks = _check_choices(ballot, choices)
    ballot = _locked(ballot)
    _require_open_for(ballot, member)
    _drop_in_box(ballot, member, "online", picks)
    # Who voted is public in the meeting; the audit names the ballot, never the choices.
    audit.record("ballot.voted", actor_id=actor.id, obj=ballot, channel="online")


def enter_paper_ballot(
    *, actor: User, ballot: Ballot, member: CouncilMember, choices: Mapping[int, Choice | str]
) -> None:
    """The secretary enters the paper ballot of a present member who has not voted online."""
    council = ballot.meeting.council
    if not can_run_meetings(actor, council):
        raise NotAllowed(_l("Chỉ thư ký hội đồng và cán bộ tổ chức được nhập phiếu giấy."))
    if member.council_id != council.id:
        raise DomainError(_l("Người này không có trong danh sách hội đồng."))
    picks = _check_choices(ballot, choices)
    ballot = _locked(ballot)
    _require_open_for(ballot, member)
    _drop_in_box(ballot, member, "paper", picks)
    audit.record("ballot.paper_entered", actor_id=actor.id, obj=ballot, channel="paper")


def close_ballot(*, actor: User, ballot: Ballot) -> Ballot:
    """Count the box: each nomination passes with yes votes from at least the pass share of ALL listed
    members (rules.passes). The choices move to ``votes`` in a fresh shuffled order with fresh random
    ids and the box is emptied. Passed nominations go on to the next council (those passing the State
    council stay at stage STATE for public comment and the final list); the others fail."""
    council = ballot.meeting.council
    if not can_run_meetings(actor, council):
        raise NotAllowed(_l("Chỉ thư ký hội đồng và cán bộ tổ chức được kết thúc bỏ phiếu."))
    ballot = _locked(ballot)
    if ballot.status != BallotStatus.OPEN:
        raise DomainError(_l("Đợt bỏ phiếu đã kết thúc."))
    box = list(db.session.scalars(select(BallotBoxEntry).where(BallotBoxEntry.ballot_id == ballot.id)))
    counts: dict[tuple[int, Choice], int] = {}
    for entry in box:
        counts[(entry.nomination_id, entry.choice)] = counts.get((entry.nomination_id, entry.choice), 0) + 1
    cast = db.session.scalar(select(func.count()).select_from(BallotVoter).where(BallotVoter.ballot_id == ballot.id))
    votes = [
        Vote(id=secrets.token_hex(16), ballot_id=ballot.id, nomination_id=e.nomination_id, choice=e.choice) for e in box
    ]
    _RANDOM.shuffle(votes)
    db.session.execute(delete(BallotBoxEntry).where(BallotBoxEntry.ballot_id == ballot.id))
    db.session.add_all(votes)
    next_level = {CouncilLevel.PROVINCIAL: CouncilLevel.MINISTRY, CouncilLevel.MINISTRY: CouncilLevel.STATE}
    results = {}
    for item in ballot.items:
        item.yes_count = counts.get((item.nomination_id, Choice.YES), 0)
        item.no_count = counts.get((item.nomination_id, Choice.NO), 0)
        item.passed = rules.passes(yes=item.yes_count, listed=ballot.listed_members, percent=ballot.pass_percent)
        nomination = item.nomination
        if item.passed:
            nomination.stage = next_level.get(council.level, council.level)
        else:
            nomination.status = NominationStatus.FAILED
        results[str(item.nomination_id)] = [item.yes_count, item.no_count, item.passed]
    ballot.ballots_cast = int(cast or 0)
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = utcnow()
    db.session.flush()
    audit.record(
        "ballot.closed",
        actor_id=actor.id,
        obj=ballot,
        listed=ballot.listed_members,
        cast=ballot.ballots_cast,
        needed=rules.needed_for(ballot.listed_members, ballot.pass_percent),
        results=results,
    )
    return ballot


@dataclass(frozen=True)
class BallotProgress:
    """What anyone in the meeting may know while a ballot is open: how many voted, and who."""

    present: int
    voted: int
    voters: list[CouncilMember]


def progress(ballot: Ballot) -> BallotProgress:
    ids = voter_member_ids(ballot)
    members = ballot.meeting.council.members
    return BallotProgress(
        present=len(present_member_ids(ballot.meeting)),
        voted=len(ids),
        voters=[m for m in members if m.id in ids],  # list order, never voting order
    )
