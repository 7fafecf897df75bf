"""Read-side queries for accounts."""

from __future__ import annotations

from sqlalchemy import Select, select

from kcvote.accounts.enums import Role
from kcvote.accounts.models import RoleAssignment, User
from kcvote.core.text import like_pattern


def users_query(*, q: str = "", role: Role | None = None, active: bool | None = None) -> Select[tuple[User]]:
    """Users matching an accent-insensitive search over name and e-mail, newest first."""
    stmt = select(User)
    if q.strip():
        stmt = stmt.where(User.search_text.like(like_pattern(q), escape="\\"))
    if role is not None:
        stmt = stmt.where(User.roles.any(RoleAssignment.role == role))
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return stmt.order_by(User.name, User.id)
