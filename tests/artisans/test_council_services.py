"""Council services: councils and members, agenda, meetings, quorum, ballots, tallies and progression."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import User
from kcvote.artisans import councils
from kcvote.artisans.enums import BallotStatus, Choice, CouncilLevel, MemberRole, NominationStatus
from kcvote.artisans.models import AwardRound, Ballot, BallotVoter, Council, CouncilMember, Meeting, Nomination
from kcvote.core.audit import AuditEntry
from kcvote.core.clock import add_days, today_vn
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db
from tests.artisans.factories import make_award_round, make_council, make_nomination, make_nominee, province
from tests.factories import make_user

# --- helpers shared by the council and ballot tests ---------------------------------------------


def setup_meeting(
    *, members: int = 5, present: int | None = None, nominations: int = 2, level: CouncilLevel = CouncilLevel.PROVINCIAL
) -> tuple[User, AwardRound, Council, list[CouncilMember], Meeting, list[Nomination]]:
    """An organizer, a round, a council of ``members`` (chair first, secretary last), a meeting today
    with the first ``present`` members present (all by default), and accepted nominations at the
    council's stage."""
    organizer = make_user(Role.ORGANIZER)
    award_round = make_award_round()
    council, listed = make_council(award_round, level=level, members=members)
    noms = [
        make_nomination(award_round, nominee=make_nominee(name=f"Nghệ nhân {i + 1}"), stage=level)
        for i in range(nominations)
    ]
    meeting = councils.create_meeting(actor=organizer, council=council, held_on=today_vn(), place="Hội trường Sở")
    ids = [m.id for m in listed[: members if present is None else present]]
    councils.record_attendance(actor=organizer, meeting=meeting, present_ids=ids)
    db.session.commit()
    return organizer, award_round, council, listed, meeting, noms


def vote_all(ballot: Ballot, listed: list[CouncilMember], patterns: list[dict[int, Choice]]) -> None:
    """Member i casts patterns[i] online, each committed like a request."""
    for member, choices in zip(listed, patterns, strict=False):
        councils.cast_vote(actor=member.user, ballot=ballot, choices=choices)
        db.session.commit()


# --- councils and members -------------------------------------------------------------------


def test_organizer_creates_one_council_per_province_and_level(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    award_round = make_award_round()
    council = councils.create_council(
        actor=organizer,
        award_round=award_round,
        level=CouncilLevel.PROVINCIAL,
        name="Hội đồng cấp tỉnh Bắc Ninh",
        province=province("Bắc Ninh"),
        decision_number="12/QĐ-UBND",
    )
    assert council.province.name == "Bắc Ninh"
    with pytest.raises(DomainError, match="đã có Hội đồng cấp tỉnh"):
        councils.create_council(
            actor=organizer,
            award_round=award_round,
            level=CouncilLevel.PROVINCIAL,
            name="Trùng",
            province=province("Bắc Ninh"),
        )
    ministry = councils.create_council(
        actor=organizer, award_round=award_round, level=CouncilLevel.MINISTRY, name="HĐ Bộ", province=province()
    )
    assert ministry.province_id is None  # a ministry council belongs to no province
    with pytest.raises(DomainError, match="Hội đồng chuyên ngành cấp Bộ"):
        councils.create_council(actor=organizer, award_round=award_round, level=CouncilLevel.MINISTRY, name="HĐ Bộ 2")
    with pytest.raises(DomainError, match="gắn với một tỉnh"):
        councils.create_council(actor=organizer, award_round=award_round, level=CouncilLevel.PROVINCIAL, name="X")
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "council.created").limit(1))


def test_only_organizers_and_admins_create_councils(db, seeded) -> None:
    award_round = make_award_round()
    for role in (Role.JUROR, Role.COUNCIL_MEMBER, Role.FACILITY):
        with pytest.raises(NotAllowed):
            councils.create_council(
                actor=make_user(role), award_round=award_round, level=CouncilLevel.STATE, name="HĐ Nhà nước"
            )
    assert councils.create_council(
        actor=make_user(Role.ADMIN), award_round=award_round, level=CouncilLevel.STATE, name="HĐ Nhà nước"
    )


def test_add_member_invites_new_user_with_scoped_role(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    council, _ = make_council(make_award_round(), members=0)
    member, invited = councils.add_member(
        actor=organizer, council=council, email="moi@example.vn", name="Người Mới", role=MemberRole.CHAIR
    )
    db.session.commit()
    assert invited
    assert member.user.has_scoped_role(Role.COUNCIL_MEMBER, ScopeType.COUNCIL, council.id)
    assert [m.role for m in council.members] == [MemberRole.CHAIR]
    existing = make_user(Role.JUROR, email="co-san@example.vn")
    second, invited = councils.add_member(actor=organizer, council=council, email="co-san@example.vn")
    assert not invited and second.user_id == existing.id
    assert existing.has_scoped_role(Role.COUNCIL_MEMBER, ScopeType.COUNCIL, council.id)


def test_add_member_refusals(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    council, listed = make_council(make_award_round(), members=3)
    with pytest.raises(DomainError, match="hãy nhập họ tên"):
        councils.add_member(actor=organizer, council=council, email="nobody@example.vn")
    with pytest.raises(DomainError, match="đã có trong danh sách"):
        councils.add_member(actor=organizer, council=council, email=listed[0].user.email)
    with pytest.raises(DomainError, match="đã có Chủ tịch"):
        councils.add_member(actor=organizer, council=council, email="x@example.vn", name="X", role=MemberRole.CHAIR)
    with pytest.raises(NotAllowed):
        councils.add_member(actor=listed[-1].user, council=council, email="y@example.vn", name="Y")
    db.session.rollback()
    assert len(council.members) == 3


def test_remove_member_refused_once_they_voted(db, seeded) -> None:
    organizer, _, council, listed, meeting, noms = setup_meeting(members=5)
    spare = listed[2]
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    with pytest.raises(DomainError, match="đang bỏ phiếu"):
        councils.remove_member(actor=organizer, member=spare)
    vote_all(ballot, listed[:1], [{n.id: Choice.YES for n in noms}])
    councils.close_ballot(actor=organizer, ballot=ballot)
    db.session.commit()
    with pytest.raises(DomainError, match="đã bỏ phiếu"):
        councils.remove_member(actor=organizer, member=listed[0])
    db.session.rollback()
    user = spare.user
    councils.remove_member(actor=organizer, member=spare)
    db.session.commit()
    assert len(council.members) == 4
    assert not user.has_scoped_role(Role.COUNCIL_MEMBER, ScopeType.COUNCIL, council.id)


# --- agenda -----------------------------------------------------------------------------------


def test_agenda_per_level_and_province(db, seeded) -> None:
    award_round = make_award_round(provinces=("Bắc Ninh", "Hà Nội"))
    bn = make_nomination(award_round, nominee=make_nominee(name="A Bắc Ninh"))
    hn = make_nomination(award_round, nominee=make_nominee(name="B Hà Nội", province_name="Hà Nội"))
    ministry_nom = make_nomination(award_round, nominee=make_nominee(name="C Bộ"), stage=CouncilLevel.MINISTRY)
    state_nom = make_nomination(award_round, nominee=make_nominee(name="D Nhà nước"), stage=CouncilLevel.STATE)
    make_nomination(award_round, nominee=make_nominee(name="E nháp"), status=NominationStatus.SUBMITTED)
    make_nomination(award_round, nominee=make_nominee(name="F trượt"), status=NominationStatus.FAILED)
    provincial, _ = make_council(award_round, members=1)
    ministry, _ = make_council(award_round, level=CouncilLevel.MINISTRY, members=1)
    state, _ = make_council(award_round, level=CouncilLevel.STATE, members=1)
    assert [n.id for n in councils.agenda(provincial)] == [bn.id]
    assert hn.id not in [n.id for n in councils.agenda(provincial)]
    assert [n.id for n in councils.agenda(ministry)] == [ministry_nom.id]
    assert [n.id for n in councils.agenda(state)] == [state_nom.id]


# --- quorum -----------------------------------------------------------------------------------


def test_quorum_statement_counts_present_and_presiding(db, seeded) -> None:
    organizer, _, _council, listed, meeting, _ = setup_meeting(members=10, present=8)
    status = councils.quorum(meeting)
    assert (status.listed, status.present, status.needed, status.met) == (10, 8, 8, True)
    assert status.statement.startswith("8/10 thành viên có mặt: đủ điều kiện")
    councils.record_attendance(actor=organizer, meeting=meeting, present_ids=[m.id for m in listed[:7]])
    status = councils.quorum(meeting)
    assert not status.met
    assert "7/10" in status.statement and "cần ít nhất 8" in status.statement
    # The chair is absent: the delegated vice-chair presides.
    without_chair = [m.id for m in listed[1:9]]
    councils.record_attendance(actor=organizer, meeting=meeting, present_ids=without_chair)
    status = councils.quorum(meeting)
    assert not status.met and "Chủ tịch vắng mặt" in status.statement
    councils.record_attendance(actor=organizer, meeting=meeting, present_ids=without_chair, delegate_id=listed[1].id)
    assert councils.quorum(meeting).met
    assert councils.quorum(meeting).presiding == listed[1]
    with pytest.raises(DomainError, match="phải là Phó Chủ tịch"):
        councils.record_attendance(
            actor=organizer, meeting=meeting, present_ids=without_chair, delegate_id=listed[3].id
        )


def test_only_the_secretary_or_organizers_record_attendance(db, seeded) -> None:
    _, _, _council, listed, meeting, _ = setup_meeting(members=5)
    with pytest.raises(NotAllowed):
        councils.record_attendance(actor=listed[0].user, meeting=meeting, present_ids=[])
    secretary = listed[-1]
    assert secretary.role == MemberRole.SECRETARY
    councils.record_attendance(actor=secretary.user, meeting=meeting, present_ids=[m.id for m in listed])
    assert councils.quorum(meeting).present == 5


@pytest.mark.parametrize("members", range(5, 16))
def test_ballot_opens_exactly_at_the_quorum(db, seeded, members: int) -> None:
    """75 % of listed members, rounded up to a whole person, chair among them."""
    needed = -(-members * 3 // 4)
    organizer, _, _, listed, meeting, noms = setup_meeting(members=members, present=needed - 1, nominations=1)
    with pytest.raises(DomainError, match="Không đủ điều kiện"):
        councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.rollback()
    councils.record_attendance(actor=organizer, meeting=meeting, present_ids=[m.id for m in listed[:needed]])
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    assert (ballot.listed_members, ballot.quorum_percent, ballot.pass_percent) == (
        members,
        Decimal("75"),
        Decimal("90"),
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=st.integers(5, 15), data=st.data())
def test_pass_threshold_counts_all_listed_members(db, seeded, members: int, data: Any) -> None:
    """A nomination passes with yes votes from at least 90 % of ALL listed members: one short fails."""
    needed = -(-members * 9 // 10)
    present = data.draw(st.integers(max(needed, -(-members * 3 // 4)), members), label="present")
    organizer, _, _, listed, meeting, (exact, short) = setup_meeting(members=members, present=present)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=[exact, short])
    db.session.commit()
    patterns = [
        {exact.id: Choice.YES if i < needed else Choice.NO, short.id: Choice.YES if i < needed - 1 else Choice.NO}
        for i in range(present)
    ]
    for member, choices in zip(listed[:present], patterns, strict=True):
        councils.enter_paper_ballot(actor=organizer, ballot=ballot, member=member, choices=choices)
    councils.close_ballot(actor=organizer, ballot=ballot)
    db.session.commit()
    by_nomination = {item.nomination_id: item for item in ballot.items}
    assert (by_nomination[exact.id].yes_count, by_nomination[exact.id].passed) == (needed, True)
    assert (by_nomination[short.id].yes_count, by_nomination[short.id].passed) == (needed - 1, False)
    assert ballot.ballots_cast == present


def test_ten_members_nine_yes_pass_eight_fail_eleven_need_ten(db, seeded) -> None:
    for members, yes, passed in ((10, 9, True), (10, 8, False), (11, 10, True), (11, 9, False)):
        organizer, _, _, listed, meeting, (nom,) = setup_meeting(members=members, nominations=1)
        ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=[nom])
        db.session.commit()
        vote_all(ballot, listed, [{nom.id: Choice.YES if i < yes else Choice.NO} for i in range(members)])
        councils.close_ballot(actor=organizer, ballot=ballot)
        db.session.commit()
        assert ballot.items[0].passed is passed, (members, yes)


# --- ballots ----------------------------------------------------------------------------------


def test_vote_requires_presence_and_every_item(db, seeded) -> None:
    organizer, _, _, listed, meeting, noms = setup_meeting(members=5, present=4)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    absent = listed[4]
    with pytest.raises(DomainError, match="không được điểm danh có mặt"):
        councils.cast_vote(actor=absent.user, ballot=ballot, choices={n.id: "yes" for n in noms})
    db.session.rollback()
    with pytest.raises(DomainError, match="cho từng hồ sơ"):
        councils.cast_vote(actor=listed[0].user, ballot=ballot, choices={noms[0].id: "yes"})
    with pytest.raises(DomainError, match="cho từng hồ sơ"):
        councils.cast_vote(actor=listed[0].user, ballot=ballot, choices={n.id: "maybe" for n in noms})
    with pytest.raises(NotAllowed):
        councils.cast_vote(actor=organizer, ballot=ballot, choices={n.id: "yes" for n in noms})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(BallotVoter)) == 0


def test_second_vote_refused_with_a_message(db, seeded) -> None:
    organizer, _, _, listed, meeting, noms = setup_meeting(members=5)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    councils.cast_vote(actor=listed[0].user, ballot=ballot, choices={n.id: "yes" for n in noms})
    db.session.commit()
    with pytest.raises(DomainError, match="đã bỏ phiếu trong đợt này"):
        councils.cast_vote(actor=listed[0].user, ballot=ballot, choices={n.id: "no" for n in noms})
    db.session.rollback()
    with pytest.raises(DomainError, match="đã bỏ phiếu trong đợt này"):
        councils.enter_paper_ballot(
            actor=organizer, ballot=ballot, member=listed[0], choices={n.id: "no" for n in noms}
        )
    db.session.rollback()
    assert councils.progress(ballot).voted == 1


def test_open_ballot_guards(db, seeded) -> None:
    organizer, award_round, council, listed, meeting, noms = setup_meeting(members=5)
    with pytest.raises(DomainError, match="ít nhất một hồ sơ"):
        councils.open_ballot(actor=organizer, meeting=meeting, nominations=[])
    other = make_nomination(award_round, nominee=make_nominee(name="Khác"), stage=CouncilLevel.MINISTRY)
    with pytest.raises(DomainError, match="chương trình của hội đồng"):
        councils.open_ballot(actor=organizer, meeting=meeting, nominations=[other])
    with pytest.raises(NotAllowed):
        councils.open_ballot(actor=listed[0].user, meeting=meeting, nominations=noms)
    future = councils.create_meeting(actor=organizer, council=council, held_on=add_days(today_vn(), 3))
    councils.record_attendance(actor=organizer, meeting=future, present_ids=[m.id for m in listed])
    with pytest.raises(DomainError, match="chưa diễn ra"):
        councils.open_ballot(actor=organizer, meeting=future, nominations=noms)
    councils.open_ballot(actor=listed[-1].user, meeting=meeting, nominations=noms[:1])  # the secretary
    with pytest.raises(DomainError, match="chưa kết thúc"):
        councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms[1:])
    with pytest.raises(DomainError, match="Đang bỏ phiếu"):
        councils.record_attendance(actor=organizer, meeting=meeting, present_ids=[])


def test_close_tallies_and_moves_nominations_on(db, seeded) -> None:
    organizer, award_round, _, listed, meeting, (good, bad) = setup_meeting(members=5)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=[good, bad])
    db.session.commit()
    vote_all(ballot, listed, [{good.id: Choice.YES, bad.id: Choice.YES if i < 2 else Choice.NO} for i in range(5)])
    assert [i.yes_count for i in ballot.items] == [None, None]  # nothing counted while open
    councils.close_ballot(actor=listed[-1].user, ballot=ballot)  # the secretary
    db.session.commit()
    assert ballot.status == BallotStatus.CLOSED and ballot.ballots_cast == 5
    assert [(i.yes_count, i.no_count, i.passed) for i in ballot.items] == [(5, 0, True), (2, 3, False)]
    assert (good.status, good.stage) == (NominationStatus.ACCEPTED, CouncilLevel.MINISTRY)
    assert bad.status == NominationStatus.FAILED
    assert councils.passed_at(award_round, CouncilLevel.PROVINCIAL) == [good]
    with pytest.raises(DomainError, match="đã kết thúc"):
        councils.close_ballot(actor=organizer, ballot=ballot)
    with pytest.raises(DomainError, match="đã kết thúc"):
        councils.cast_vote(actor=listed[0].user, ballot=ballot, choices={good.id: "yes", bad.id: "yes"})


def test_state_council_pass_keeps_stage_and_leaves_agenda(db, seeded) -> None:
    organizer, award_round, council, listed, meeting, (nom,) = setup_meeting(
        members=5, nominations=1, level=CouncilLevel.STATE
    )
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=[nom])
    db.session.commit()
    vote_all(ballot, listed, [{nom.id: Choice.YES}] * 5)
    councils.close_ballot(actor=organizer, ballot=ballot)
    db.session.commit()
    assert (nom.status, nom.stage) == (NominationStatus.ACCEPTED, CouncilLevel.STATE)
    assert councils.agenda(council) == []
    assert councils.passed_at(award_round, CouncilLevel.STATE) == [nom]
    assert councils.passed_at(award_round, CouncilLevel.MINISTRY) == []


def test_attendance_keeps_members_who_voted_present(db, seeded) -> None:
    organizer, _, _, listed, meeting, noms = setup_meeting(members=5)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    vote_all(ballot, listed[:1], [{n.id: Choice.NO for n in noms}])
    councils.close_ballot(actor=organizer, ballot=ballot)
    db.session.commit()
    with pytest.raises(DomainError, match="không thể bị ghi vắng"):
        councils.record_attendance(actor=organizer, meeting=meeting, present_ids=[m.id for m in listed[1:]])


def test_open_ballots_by_council_lists_only_open_ones_of_each_council(db, seeded) -> None:
    organizer, _, council, listed, meeting, (first, second) = setup_meeting()
    closed = councils.open_ballot(actor=organizer, meeting=meeting, nominations=[first])
    db.session.commit()
    vote_all(closed, listed, [{first.id: Choice.YES}] * len(listed))
    councils.close_ballot(actor=organizer, ballot=closed)
    still_open = councils.open_ballot(actor=organizer, meeting=meeting, nominations=[second])
    _, _, other, _, _, _ = setup_meeting()
    db.session.commit()

    found = councils.open_ballots_by_council([council.id, other.id])

    assert found == {council.id: [still_open], other.id: []}
