"""Rounds (đợt bình chọn), their product groups and their versioned rubric."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Enum, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcvote.accounts.models import User
from kcvote.contests.enums import RoundState
from kcvote.core.db import Model, TimestampMixin, utcnow
from kcvote.reference.models import Level, ProductGroup, Province, Region

round_groups = Table(
    "round_groups",
    Model.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("product_groups.id"), primary_key=True),
)


class Round(TimestampMixin, Model):
    """One selection round at one level, for one year and one scope."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level_id: Mapped[int] = mapped_column(ForeignKey("levels.id"), index=True)
    year: Mapped[int]
    # Scope: the commune (name, within a province), the province, the region, or the nation (none).
    scope_province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    scope_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    scope_commune: Mapped[str] = mapped_column(String(200), default="")
    code_prefix: Mapped[str] = mapped_column(String(16), default="KC")
    state: Mapped[RoundState] = mapped_column(
        Enum(RoundState, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=RoundState.DRAFT,
        index=True,
    )
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    registration_opens_on: Mapped[date | None]
    # Inclusive: registration closes at the end of this day, Vietnam time.
    registration_deadline: Mapped[date | None]
    judging_starts_on: Mapped[date | None]
    judging_ends_on: Mapped[date | None]
    pass_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("70.00"))
    min_photos: Mapped[int] = mapped_column(default=3)
    max_photo_mb: Mapped[int] = mapped_column(default=10)
    max_document_mb: Mapped[int] = mapped_column(default=10)
    # Certificates valid until 31 December of the Nth year counting the year of issue.
    certificate_validity_years: Mapped[int] = mapped_column(default=4)
    blind_judging: Mapped[bool] = mapped_column(default=False)
    # None: every juror scores every entry (the regulation's default).
    jurors_per_entry: Mapped[int | None]
    completion_days: Mapped[int] = mapped_column(default=15)
    # Judging settings (DOMAIN.md §A: the average is the regulation's rule; the rest are options).
    aggregate_method: Mapped[str] = mapped_column(String(16), default="mean")
    trim_min_jurors: Mapped[int] = mapped_column(default=5)
    disagreement_sd: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("10.00"))
    # At regional and national level a juror may not score entries from their own province.
    same_province_conflict: Mapped[bool] = mapped_column(default=False)
    two_stage: Mapped[bool] = mapped_column(default=False)
    # In a two-stage round: 1 while the first scoring runs, 2 once the shortlist is rescored.
    current_stage: Mapped[int] = mapped_column(default=1)
    # Prize tiers among the recognised, best first: [["Giải nhất", 2], ["Giải nhì", 4], ...].
    prize_tiers: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    source_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    level: Mapped[Level] = relationship(lazy="joined")
    scope_province: Mapped[Province | None] = relationship(lazy="joined")
    scope_region: Mapped[Region | None] = relationship(lazy="joined")
    groups: Mapped[list[ProductGroup]] = relationship(
        secondary=round_groups, order_by="ProductGroup.number", lazy="selectin"
    )
    rubrics: Mapped[list[Rubric]] = relationship(
        back_populates="round", order_by="Rubric.version.desc()", cascade="all, delete-orphan", lazy="selectin"
    )
    created_by: Mapped[User | None] = relationship()

    @property
    def rubric(self) -> Rubric | None:
        """The current rubric version (the one the round opened with, once open)."""
        return self.rubrics[0] if self.rubrics else None

    @property
    def scope_label(self) -> str:
        if self.scope_commune and self.scope_province:
            return f"{self.scope_commune}, {self.scope_province.name}"
        if self.scope_province:
            return self.scope_province.name
        if self.scope_region:
            return self.scope_region.name
        return ""


class Rubric(Model):
    """One version of a round's score sheet. Versions are never edited, only superseded."""

    __tablename__ = "rubrics"
    __table_args__ = (UniqueConstraint("round_id", "version", name="uq_rubrics_round_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship(back_populates="rubrics")
    groups: Mapped[list[RubricGroup]] = relationship(
        back_populates="rubric", order_by="RubricGroup.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def total(self) -> Decimal:
        return sum((g.max_points for g in self.groups), Decimal(0))

    @property
    def criteria(self) -> list[RubricCriterion]:
        return [c for g in self.groups for c in g.criteria]


class RubricGroup(Model):
    """A criterion group (e.g. "Tính văn hóa, tính thẩm mỹ", 10 points)."""

    __tablename__ = "rubric_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))

    rubric: Mapped[Rubric] = relationship(back_populates="groups")
    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="group", order_by="RubricCriterion.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))


class RubricCriterion(Model):
    """A sub-criterion with its maximum points (half points allowed when scoring)."""

    __tablename__ = "rubric_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("rubric_groups.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(500))
    max_points: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    group: Mapped[RubricGroup] = relationship(back_populates="criteria")
