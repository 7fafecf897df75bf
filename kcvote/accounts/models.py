"""User and role-assignment models."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcvote.accounts.enums import Role, ScopeType
from kcvote.core.db import Model, TimestampMixin, utcnow
from kcvote.core.text import fold


class User(UserMixin, TimestampMixin, Model):
    """A person who signs in: staff, a facility representative or an administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # fold(name + email), kept by set_identity(): accent-insensitive search on any database.
    search_text: Mapped[str] = mapped_column(String(500), index=True, default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    organization: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="RoleAssignment.user_id",
        order_by="RoleAssignment.id",
        lazy="selectin",
    )

    def set_identity(self, *, name: str, email: str) -> None:
        """Set name and e-mail and refresh the search column."""
        self.name = name.strip()
        self.email = email.strip().lower()
        self.search_text = fold(f"{self.name} {self.email}")

    @property
    def is_active(self) -> bool:  # Flask-Login reads this to refuse deactivated users
        return self.active

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def has_role(self, role: Role, scope_type: ScopeType | None = None, scope_id: int | None = None) -> bool:
        """True if the user holds ``role`` globally, or within the given scope."""
        for assignment in self.roles:
            if assignment.role != role:
                continue
            if assignment.scope_type is None:
                return True
            if scope_type is not None and assignment.scope_type == scope_type and assignment.scope_id == scope_id:
                return True
        return False

    def has_global_role(self, role: Role) -> bool:
        """True if the user holds ``role`` without a scope."""
        return any(a.role == role and a.scope_type is None for a in self.roles)

    def has_scoped_role(self, role: Role, scope_type: ScopeType, scope_id: int) -> bool:
        """True if the user holds ``role`` for exactly this round or council."""
        return any(a.role == role and a.scope_type == scope_type and a.scope_id == scope_id for a in self.roles)

    def holds(self, role: Role) -> bool:
        """True if the user holds ``role`` anywhere (globally or in any scope)."""
        return any(a.role == role for a in self.roles)

    @property
    def role_names(self) -> list[str]:
        return sorted({a.role.value for a in self.roles})

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RoleAssignment(Model):
    """A role held by a user, everywhere (no scope) or within one round or council."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "scope_type", "scope_id", name="uq_role_assignments_scope"),
        # NULLs never collide in a unique constraint, so global roles get their own index.
        Index(
            "uq_role_assignments_global",
            "user_id",
            "role",
            unique=True,
            sqlite_where=text("scope_type IS NULL"),
            postgresql_where=text("scope_type IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    scope_type: Mapped[ScopeType | None] = mapped_column(
        Enum(ScopeType, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    scope_id: Mapped[int | None]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])

    @property
    def is_global(self) -> bool:
        return self.scope_type is None
