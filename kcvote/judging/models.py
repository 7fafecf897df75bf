"""Jurors of a round, their conflicts, assignments, score sheets and scores."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Enum, ForeignKey, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcvote.accounts.models import User
from kcvote.contests.models import Round, RubricCriterion
from kcvote.core.db import Model, TimestampMixin, utcnow
from kcvote.entries.models import Entry
from kcvote.judging.enums import ConflictSource, SheetStatus
from kcvote.reference.models import ProductGroup, Province


def _enum(cls: type, length: int = 24) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


juror_groups = Table(
    "juror_groups",
    Model.metadata,
    Column("appointment_id", ForeignKey("juror_appointments.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("product_groups.id"), primary_key=True),
)


class JurorAppointment(TimestampMixin, Model):
    """A juror appointed to a round, for some product groups or (none listed) all of them."""

    __tablename__ = "juror_appointments"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_juror_appointments_round_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The juror's province, for the automatic same-province conflict at regional and national level.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    province: Mapped[Province | None] = relationship(lazy="joined")
    groups: Mapped[list[ProductGroup]] = relationship(secondary=juror_groups, lazy="selectin")

    def covers(self, group_id: int) -> bool:
        """True if the juror scores entries of this product group."""
        return not self.groups or any(g.id == group_id for g in self.groups)


class Conflict(Model):
    """A juror who may not open or score an entry (declared, or found automatically)."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("juror_id", "entry_id", name="uq_conflicts_juror_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    source: Mapped[ConflictSource] = mapped_column(_enum(ConflictSource))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    juror: Mapped[User] = relationship(lazy="joined")
    entry: Mapped[Entry] = relationship()


class Assignment(Model):
    """A juror who scores an entry (in stage 1, or stage 2 of a two-stage round)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("entry_id", "juror_id", "stage", name="uq_assignments_entry_juror_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stage: Mapped[int] = mapped_column(default=1)
    # Set by the organizer by hand (kept when the automatic assignment runs again).
    manual: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship()
    juror: Mapped[User] = relationship(lazy="joined")


class ScoreSheet(TimestampMixin, Model):
    """One juror's phiếu chấm điểm for one entry (per stage). Never two for the same trio."""

    __tablename__ = "score_sheets"
    __table_args__ = (UniqueConstraint("entry_id", "juror_id", "stage", name="uq_score_sheets_entry_juror_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"))
    stage: Mapped[int] = mapped_column(default=1)
    status: Mapped[SheetStatus] = mapped_column(_enum(SheetStatus, 16), default=SheetStatus.DRAFT, index=True)
    remarks: Mapped[str] = mapped_column(Text, default="")
    # Autosave is idempotent and ordered: a save whose client sequence number is not newer than
    # the last one applied changes nothing (a retry after a dropped connection, or a stale tab).
    client_id: Mapped[str] = mapped_column(String(64), default="")
    client_seq: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None]

    entry: Mapped[Entry] = relationship()
    juror: Mapped[User] = relationship(lazy="joined")
    scores: Mapped[list[Score]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", lazy="selectin", order_by="Score.criterion_id"
    )

    @property
    def points(self) -> dict[int, Decimal]:
        return {s.criterion_id: s.points for s in self.scores}


class SiteVisit(Model):
    """Notes from visiting a shortlisted facility between the two stages of a two-stage round."""

    __tablename__ = "site_visits"
    __table_args__ = (UniqueConstraint("entry_id", name="uq_site_visits_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    visited_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ResultSnapshot(Model):
    """The results frozen when the round is finalized; an admin's reopening retires it (kept)."""

    __tablename__ = "result_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(default=True)
    retired_reason: Mapped[str] = mapped_column(Text, default="")
    # One record per entry: the keys of `kcvote results` (code, product, facility, group, ...).
    records: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Score(Model):
    """The points a sheet gives one criterion (half points allowed, bounded by the criterion's maximum)."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id", name="uq_scores_sheet_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criteria.id"))
    points: Mapped[Decimal] = mapped_column(Numeric(5, 1))

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[RubricCriterion] = relationship()
