"""Products, entries (dossiers), photos, documents and the entry history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcvote.accounts.models import User
from kcvote.contests.models import Round
from kcvote.core.db import Model, TimestampMixin, utcnow
from kcvote.core.text import fold
from kcvote.entries.enums import DocumentKind, EntryOrigin, EntryStatus, PhotoKind
from kcvote.facilities.models import Facility
from kcvote.reference.models import ProductGroup


def _enum(cls: type, length: int = 32) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Product(TimestampMixin, Model):
    """A product of a facility; it persists across rounds and levels."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("facility_id", "name", name="uq_products_facility_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("product_groups.id"))
    name: Mapped[str] = mapped_column(String(300))

    facility: Mapped[Facility] = relationship(lazy="joined")
    group: Mapped[ProductGroup] = relationship(lazy="joined")


class Entry(TimestampMixin, Model):
    """A product registered into a round, with its dossier (hồ sơ)."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("round_id", "product_id", name="uq_entries_round_product"),
        UniqueConstraint("round_id", "code", name="uq_entries_round_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("product_groups.id"), index=True)
    status: Mapped[EntryStatus] = mapped_column(_enum(EntryStatus), default=EntryStatus.DRAFT, index=True)
    origin: Mapped[EntryOrigin] = mapped_column(_enum(EntryOrigin, 16), default=EntryOrigin.WEB)
    # Mã số bình chọn, given on acceptance: TB-2025-TCMN-007 (unique within the round).
    code: Mapped[str | None] = mapped_column(String(48))
    source_entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"))
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    completion_message: Mapped[str] = mapped_column(Text, default="")
    completion_deadline: Mapped[date | None]
    # Set by the council's selection (judging); progression draws only recognised entries.
    recognised_at: Mapped[datetime | None]
    # A prize among the recognised (e.g. "Giải nhất"), set with the council's selection.
    prize: Mapped[str] = mapped_column(String(60), default="")
    search_text: Mapped[str] = mapped_column(String(800), default="", index=True)

    # Phiếu đăng ký (Mẫu 01): contact person and the facility's declaration.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    declaration_accepted: Mapped[bool] = mapped_column(default=False)
    # Bản thuyết minh (Mẫu 02).
    materials: Mapped[str] = mapped_column(Text, default="")
    production_process: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[str] = mapped_column(Text, default="")
    markets: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[str] = mapped_column(String(200), default="")
    distinctive: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[Round] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="joined")
    facility: Mapped[Facility] = relationship(lazy="joined")
    group: Mapped[ProductGroup] = relationship(lazy="joined")
    source_entry: Mapped[Entry | None] = relationship(remote_side=[id])
    photos: Mapped[list[Photo]] = relationship(
        back_populates="entry", order_by="Photo.position, Photo.id", cascade="all, delete-orphan", lazy="selectin"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="entry", order_by="Document.id", cascade="all, delete-orphan", lazy="selectin"
    )
    events: Mapped[list[EntryEvent]] = relationship(
        back_populates="entry", order_by="EntryEvent.id", cascade="all, delete-orphan"
    )

    def refresh_search(self) -> None:
        """Keep the accent-folded search column in step (product, facility, code)."""
        self.search_text = fold(f"{self.product.name} {self.facility.name} {self.code or ''}")


class Photo(Model):
    """A photo of the product: re-encoded original plus display and thumbnail derivatives."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PhotoKind] = mapped_column(_enum(PhotoKind, 16), default=PhotoKind.OTHER)
    caption: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    original_key: Mapped[str] = mapped_column(String(120))
    display_key: Mapped[str] = mapped_column(String(120))
    thumb_key: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="photos")

    @property
    def keys(self) -> list[str]:
        return [self.original_key, self.display_key, self.thumb_key]


class Document(Model):
    """A dossier document: a PDF or a scanned image."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind), default=DocumentKind.OTHER)
    # Shown to people only; never used to build a path.
    label: Mapped[str] = mapped_column(String(200), default="")
    key: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="documents")

    @property
    def suffix(self) -> str:
        return {"application/pdf": ".pdf", "image/png": ".png"}.get(self.content_type, ".jpg")


class EntryEvent(Model):
    """One step of an entry's history, shown on its status page."""

    __tablename__ = "entry_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")

    entry: Mapped[Entry] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")
