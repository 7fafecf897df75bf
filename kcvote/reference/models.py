"""Reference-data models. Levels and groups are data, not code: admins rename or add them."""

from __future__ import annotations

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcvote.core.db import Model, TimestampMixin
from kcvote.reference.enums import ScopeKind


class Region(TimestampMixin, Model):
    """A khuyến công region (phía Bắc; miền Trung – Tây Nguyên; phía Nam)."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    provinces: Mapped[list[Province]] = relationship(back_populates="region", order_by="Province.sort_order")


class Province(TimestampMixin, Model):
    """A provincial-level unit in force since 1/7/2025; ``code`` is editable by admins."""

    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    # Former provinces merged into this one ("Hải Phòng; Hải Dương"), for importing old dossiers.
    merged_from: Mapped[str] = mapped_column(String(300), default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    region: Mapped[Region] = relationship(back_populates="provinces")


class Level(TimestampMixin, Model):
    """A contest level; ``rank`` orders them, lowest first (cấp xã = 1)."""

    __tablename__ = "levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    rank: Mapped[int] = mapped_column(unique=True)
    scope: Mapped[ScopeKind] = mapped_column(
        Enum(ScopeKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=ScopeKind.PROVINCE,
    )


class ProductGroup(TimestampMixin, Model):
    """A product group (nhóm sản phẩm); ``code`` appears in entry codes (TB-2025-TCMN-007)."""

    __tablename__ = "product_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
