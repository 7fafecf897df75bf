"""Artisan titles (Nghị định 43/2024): award rounds, nominees and their dossiers, the rules in force,
councils, meetings, secret ballots and public comment.

Ballot secrecy is a property of the schema: ``ballot_voters`` records who voted (no timestamp, no
serial id), ``ballot_box`` holds the choices of an open ballot with random ids and no member, and at
closing the choices are tallied and rewritten to ``votes`` in shuffled order with new random ids,
then the box is emptied. No column or row order of ``votes`` says who cast it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcvote.accounts.models import User
from kcvote.artisans.enums import (
    BallotStatus,
    Choice,
    CommentStatus,
    CouncilLevel,
    EvidenceKind,
    Gender,
    MemberRole,
    NominationStatus,
    PrizeLevel,
    PrizeRank,
    Title,
)
from kcvote.core.db import Model, TimestampMixin, utcnow
from kcvote.reference.models import Province


def _enum(cls: type, length: int = 24) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


# --- the rules in force, each a setting with an effective date --------------------------------


class TitleRule(Model):
    """The criteria of one title from ``effective_from`` on (DOMAIN.md §B). A nomination is judged by
    the newest rule whose date is on or before the day it was filed. ``to_confirm`` marks defaults that
    were not confirmed against the decree's text (the NNƯT ones)."""

    __tablename__ = "artisan_title_rules"
    __table_args__ = (UniqueConstraint("title", "effective_from", name="uq_artisan_title_rules_title_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[Title] = mapped_column(_enum(Title, 8))
    effective_from: Mapped[date]
    min_years_in_craft: Mapped[int]
    # Works personally designed and made, each with a qualifying prize.
    min_works: Mapped[int]
    # The worst rank that still counts, per prize level (1 = nhất ... 4 = khuyến khích; 0 = never).
    national_max_rank: Mapped[int]
    regional_max_rank: Mapped[int]
    international_max_rank: Mapped[int]
    provincial_max_rank: Mapped[int] = mapped_column(default=0)
    # Regional and international prizes count only where the State sent the work.
    requires_state_sending: Mapped[bool] = mapped_column(default=True)
    min_people_taught: Mapped[int]
    special_craft_min_taught: Mapped[int]
    # NNND: the nominee must hold NNƯT, and only works made after it count.
    requires_title: Mapped[Title | None] = mapped_column(_enum(Title, 8))
    to_confirm: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CouncilRule(Model):
    """Procedure settings from ``effective_from`` on: intake deadlines, quorum, pass share, comment days."""

    __tablename__ = "artisan_council_rules"
    __table_args__ = (UniqueConstraint("effective_from", name="uq_artisan_council_rules_effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date]
    answer_days: Mapped[int] = mapped_column(default=10)
    completion_days: Mapped[int] = mapped_column(default=15)
    # A meeting is valid with at least this share of listed members present, chair (or a delegated
    # vice-chair) among them.
    quorum_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("75"))
    # A nomination passes with yes votes from at least this share of ALL listed members.
    pass_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("90"))
    comment_days: Mapped[int] = mapped_column(default=20)
    to_confirm: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- award rounds and dossiers -------------------------------------------------------------------


class AwardRound(TimestampMixin, Model):
    """Đợt xét tặng (e.g. lần thứ 6, 2025–2026) with its plan decision and the final decision."""

    __tablename__ = "award_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    number: Mapped[int]
    start_year: Mapped[int]
    end_year: Mapped[int]
    plan_decision_number: Mapped[str] = mapped_column(String(80), default="")
    plan_decision_date: Mapped[date | None]
    final_decision_number: Mapped[str] = mapped_column(String(80), default="")
    final_decision_date: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    windows: Mapped[list[SubmissionWindow]] = relationship(
        back_populates="award_round", cascade="all, delete-orphan", lazy="selectin"
    )


class SubmissionWindow(Model):
    """When a province's Sở Công Thương receives dossiers for the award round."""

    __tablename__ = "award_round_windows"
    __table_args__ = (UniqueConstraint("award_round_id", "province_id", name="uq_award_round_windows_province"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    opens_on: Mapped[date]
    closes_on: Mapped[date]

    award_round: Mapped[AwardRound] = relationship(back_populates="windows")
    province: Mapped[Province] = relationship(lazy="joined")


class Nominee(TimestampMixin, Model):
    """The artisan. ``id_number`` is private: shown only to the Sở and the nominee."""

    __tablename__ = "nominees"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None]
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender, 8))
    id_number: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    craft: Mapped[str] = mapped_column(String(200), default="")
    workplace: Mapped[str] = mapped_column(String(300), default="")
    # The title already held (NNƯT for a NNND nomination) and its decision.
    current_title: Mapped[Title | None] = mapped_column(_enum(Title, 8))
    current_title_decision: Mapped[str] = mapped_column(String(80), default="")
    current_title_date: Mapped[date | None]
    search_text: Mapped[str] = mapped_column(String(600), default="", index=True)

    province: Mapped[Province] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship()


class Nomination(TimestampMixin, Model):
    """One nominee's dossier for one title in one award round (Mẫu 01 for NNND, Mẫu 02 for NNƯT)."""

    __tablename__ = "nominations"
    __table_args__ = (UniqueConstraint("award_round_id", "nominee_id", name="uq_nominations_round_nominee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id"), index=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    title: Mapped[Title] = mapped_column(_enum(Title, 8))
    status: Mapped[NominationStatus] = mapped_column(
        _enum(NominationStatus), default=NominationStatus.DRAFT, index=True
    )
    # The highest council the nomination has reached (None before the Sở accepts it).
    stage: Mapped[CouncilLevel | None] = mapped_column(_enum(CouncilLevel, 16))
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Filed by someone other than the nominee (the Sở, a relative ...): an authorisation is attached.
    on_behalf: Mapped[bool] = mapped_column(default=False)
    # The day of first submission: the rules in force that day judge the nomination.
    filed_on: Mapped[date | None]
    submitted_at: Mapped[datetime | None]
    answer_due: Mapped[date | None]
    completion_message: Mapped[str] = mapped_column(Text, default="")
    completion_due: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    return_reason: Mapped[str] = mapped_column(Text, default="")
    people_taught: Mapped[int] = mapped_column(default=0)
    teaching_description: Mapped[str] = mapped_column(Text, default="")
    special_craft: Mapped[bool] = mapped_column(default=False)
    commendations: Mapped[str] = mapped_column(Text, default="")
    discipline_record: Mapped[str] = mapped_column(Text, default="")
    declaration_accepted: Mapped[bool] = mapped_column(default=False)

    award_round: Mapped[AwardRound] = relationship()
    nominee: Mapped[Nominee] = relationship(lazy="joined")
    province: Mapped[Province] = relationship(lazy="joined")
    periods: Mapped[list[CraftPeriod]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="CraftPeriod.from_year", lazy="selectin"
    )
    works: Mapped[list[Work]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="Work.id", lazy="selectin"
    )
    prizes: Mapped[list[Prize]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="Prize.year", lazy="selectin"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="Evidence.id", lazy="selectin"
    )


class CraftPeriod(Model):
    """A period in the craft (years may be continuous or cumulative)."""

    __tablename__ = "nomination_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    from_year: Mapped[int]
    # None: to this day.
    to_year: Mapped[int | None]
    place: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    nomination: Mapped[Nomination] = relationship(back_populates="periods")


class Work(Model):
    """A work the nominee personally designed and made."""

    __tablename__ = "nomination_works"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    made_on: Mapped[date | None]

    nomination: Mapped[Nomination] = relationship(back_populates="works")


class Prize(Model):
    """A prize won (by a work, usually), with its level, rank and year."""

    __tablename__ = "nomination_prizes"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    work_id: Mapped[int | None] = mapped_column(ForeignKey("nomination_works.id", ondelete="SET NULL"))
    contest: Mapped[str] = mapped_column(String(300))
    level: Mapped[PrizeLevel] = mapped_column(_enum(PrizeLevel, 16))
    rank: Mapped[PrizeRank] = mapped_column(_enum(PrizeRank, 4))
    year: Mapped[int]
    sent_by_state: Mapped[bool] = mapped_column(default=False)

    nomination: Mapped[Nomination] = relationship(back_populates="prizes")


class Evidence(Model):
    """An uploaded proof: photos (re-encoded), PDFs, short videos (within the size limit)."""

    __tablename__ = "nomination_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(_enum(EvidenceKind, 16))
    # What it proves: "authorisation", "work:<id>", "prize:<id>", "teaching", "title", "other".
    purpose: Mapped[str] = mapped_column(String(40), default="other")
    label: Mapped[str] = mapped_column(String(200), default="")
    key: Mapped[str] = mapped_column(String(120))
    thumb_key: Mapped[str | None] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="evidence")


# --- councils, meetings, ballots -----------------------------------------------------------------


class Council(TimestampMixin, Model):
    """A council of the award round at one level (a provincial one per province)."""

    __tablename__ = "councils"
    __table_args__ = (
        UniqueConstraint("award_round_id", "level", "province_id", name="uq_councils_round_level_province"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id"), index=True)
    level: Mapped[CouncilLevel] = mapped_column(_enum(CouncilLevel, 16))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    name: Mapped[str] = mapped_column(String(300))
    decision_number: Mapped[str] = mapped_column(String(80), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    award_round: Mapped[AwardRound] = relationship(lazy="joined")
    province: Mapped[Province | None] = relationship(lazy="joined")
    members: Mapped[list[CouncilMember]] = relationship(
        back_populates="council", cascade="all, delete-orphan", order_by="CouncilMember.position", lazy="selectin"
    )


class CouncilMember(Model):
    """A listed member of a council with their role."""

    __tablename__ = "council_members"
    __table_args__ = (UniqueConstraint("council_id", "user_id", name="uq_council_members_council_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, 16), default=MemberRole.MEMBER)
    position: Mapped[int] = mapped_column(default=0)
    job_title: Mapped[str] = mapped_column(String(200), default="")

    council: Mapped[Council] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class Meeting(TimestampMixin, Model):
    """A council meeting; its attendance decides the quorum."""

    __tablename__ = "council_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(300), default="")
    # The vice-chair the chair delegated to preside (when the chair is absent).
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("council_members.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    council: Mapped[Council] = relationship(lazy="joined")
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="selectin"
    )


class Attendance(Model):
    """Whether a listed member is present at a meeting."""

    __tablename__ = "council_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_council_attendance_meeting_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    member: Mapped[CouncilMember] = relationship(lazy="joined")


class Ballot(Model):
    """A secret ballot of a meeting on some nominations."""

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"), index=True)
    status: Mapped[BallotStatus] = mapped_column(_enum(BallotStatus, 8), default=BallotStatus.OPEN)
    # Listed members when the ballot opened: the pass threshold counts them all, present or not.
    listed_members: Mapped[int]
    quorum_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    pass_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    ballots_cast: Mapped[int | None]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(lazy="joined")
    items: Mapped[list[BallotItem]] = relationship(
        back_populates="ballot", cascade="all, delete-orphan", order_by="BallotItem.position", lazy="selectin"
    )


class BallotItem(Model):
    """A nomination on a ballot; the tally is written when the ballot closes, never before."""

    __tablename__ = "ballot_items"
    __table_args__ = (UniqueConstraint("ballot_id", "nomination_id", name="uq_ballot_items_ballot_nomination"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    position: Mapped[int] = mapped_column(default=0)
    yes_count: Mapped[int | None]
    no_count: Mapped[int | None]
    passed: Mapped[bool | None]

    ballot: Mapped[Ballot] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship(lazy="joined")


class BallotVoter(Model):
    """Who has voted in a ballot: no timestamp and no serial id, so not even the order of voting is kept
    beyond what the database's storage order betrays, and nothing here names a choice."""

    __tablename__ = "ballot_voters"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"), primary_key=True)
    # "online" (from the member's device) or "paper" (a paper ballot the secretary entered).
    channel: Mapped[str] = mapped_column(String(8), default="online")


class BallotBoxEntry(Model):
    """A choice in an open ballot: random id, no member, no time. Emptied when the ballot closes."""

    __tablename__ = "ballot_box"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    choice: Mapped[Choice] = mapped_column(_enum(Choice, 4))


class Vote(Model):
    """A counted choice of a closed ballot, written in shuffled order with a fresh random id."""

    __tablename__ = "votes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    choice: Mapped[Choice] = mapped_column(_enum(Choice, 4))


# --- public comment ------------------------------------------------------------------------------


class CommentPeriod(Model):
    """The list passed by a council, published for comment (lấy ý kiến) for N days."""

    __tablename__ = "comment_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id"), index=True)
    level: Mapped[CouncilLevel] = mapped_column(_enum(CouncilLevel, 16))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    award_round: Mapped[AwardRound] = relationship(lazy="joined")


class PublicComment(Model):
    """A comment from the public on a published list, and how the secretary handled it."""

    __tablename__ = "public_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(_enum(CommentStatus, 8), default=CommentStatus.NEW)
    handling: Mapped[str] = mapped_column(Text, default="")
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    period: Mapped[CommentPeriod] = relationship(lazy="joined")
    nomination: Mapped[Nomination | None] = relationship()
