"""Facility and its members."""

from __future__ import annotations

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcvote.accounts.models import User
from kcvote.core.db import Model, TimestampMixin
from kcvote.core.text import fold
from kcvote.facilities.enums import LegalForm
from kcvote.reference.models import Province


class Facility(TimestampMixin, Model):
    """A rural industrial facility (cơ sở CNNT)."""

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    legal_form: Mapped[LegalForm] = mapped_column(
        Enum(LegalForm, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    # Mã số thuế / số đăng ký kinh doanh; unique when given (Excel imports match on it).
    registration_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    representative: Mapped[str] = mapped_column(String(200), default="")
    search_text: Mapped[str] = mapped_column(String(600), default="", index=True)

    province: Mapped[Province] = relationship(lazy="joined")
    members: Mapped[list[FacilityMember]] = relationship(
        back_populates="facility", cascade="all, delete-orphan", lazy="selectin"
    )

    def refresh_search(self) -> None:
        """Keep the accent-folded search column in step with the name and numbers."""
        self.search_text = fold(f"{self.name} {self.registration_no or ''} {self.representative}")


class FacilityMember(Model):
    """A user who acts for a facility. A user acts for at most one facility."""

    __tablename__ = "facility_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)

    facility: Mapped[Facility] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")
